#include "net/redis/client.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <deque>
#include <future>

#include "net/io_runtime_impl.hpp"
#include "net/url.hpp"

namespace voxgate::net::redis {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using clock_type = std::chrono::steady_clock;

std::optional<options> parse_url(std::string_view text, std::string* why) {
  auto refuse = [why](const char* what) -> std::optional<options> {
    if (why) *why = what;
    return std::nullopt;
  };
  constexpr std::string_view scheme = "redis://";
  if (text.substr(0, scheme.size()) != scheme) return refuse("expected redis://[[user]:password@]host[:port][/db]");
  auto rest = text.substr(scheme.size());
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  options o;
  if (auto at = authority.rfind('@'); at != std::string_view::npos) {
    auto userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    auto colon = userinfo.find(':');
    auto user = percent_decode(colon == std::string_view::npos ? std::string_view{} : userinfo.substr(0, colon), false);
    auto pass = percent_decode(colon == std::string_view::npos ? userinfo : userinfo.substr(colon + 1), false);
    if (!user || !pass) return refuse("a malformed %-escape in the user or password");
    o.username = *user;
    o.password = *pass;
  }
  std::string_view host = authority, port;
  if (!authority.empty() && authority.front() == '[') {  // [IPv6]:port
    auto close = authority.find(']');
    if (close == std::string_view::npos) return refuse("an IPv6 address without its closing ]");
    host = authority.substr(1, close - 1);
    if (close + 1 < authority.size()) {
      if (authority[close + 1] != ':') return refuse("something after the IPv6 address that is not :port");
      port = authority.substr(close + 2);
    }
  } else if (auto colon = authority.rfind(':'); colon != std::string_view::npos) {
    host = authority.substr(0, colon);
    port = authority.substr(colon + 1);
  }
  if (host.empty()) return refuse("no host");
  if (host.find_first_of(" \t\r\n/?#") != std::string_view::npos) return refuse("a host with a space or a / ? #");
  o.host = std::string(host);
  if (!port.empty()) {
    if (port.size() > 5 || port.find_first_not_of("0123456789") != std::string_view::npos) return refuse("a port that is not a number");
    auto n = std::stoul(std::string(port));
    if (n == 0 || n > 65535) return refuse("a port outside 1-65535");
    o.port = static_cast<std::uint16_t>(n);
  }
  if (slash != std::string_view::npos) {
    auto db = rest.substr(slash + 1);
    if (!db.empty()) {
      if (db.size() > 2 || db.find_first_not_of("0123456789") != std::string_view::npos)
        return refuse("the database after the / must be a number from 0 to 99");
      o.db = std::stoi(std::string(db));
    }
  }
  return o;
}

namespace {

reply error_reply(std::string text) {
  reply r;
  r.type = reply::kind::error;
  r.text = std::move(text);
  return r;
}

}  // namespace

struct client::impl : std::enable_shared_from_this<impl> {
  impl(io_runtime& io, int worker, options o, state_fn on_state)
      : ioc(io.internals().at(worker)), opts(std::move(o)), state(std::move(on_state)), socket(ioc), resolver(ioc),
        timer(ioc), retry(ioc), backoff(opts.first_backoff) {}

  struct waiting {
    callback done;  // empty for the connection's own AUTH and SELECT
    clock_type::time_point deadline;
  };

  asio::io_context& ioc;
  options opts;
  state_fn state;
  tcp::socket socket;
  tcp::resolver resolver;
  asio::steady_timer timer;  // connect deadline, then reply deadlines
  asio::steady_timer retry;  // backoff between connection attempts
  std::chrono::milliseconds backoff;
  reader replies;
  std::deque<waiting> pending;
  std::string out, writing;  // queued bytes, bytes in flight
  std::array<char, 16 * 1024> in{};
  bool connected = false, ready = false, stopped = false;
  std::atomic<bool> is_up{false};
  std::uint64_t generation = 0;  // which connection a handler belongs to
  std::string last_state;

  void set_state(bool up, const std::string& why) {
    is_up = up;
    std::string s = (up ? "up: " : "down: ") + why;
    if (s == last_state) return;  // one line per change, not per retry
    last_state = s;
    if (state) state(up, why);
  }

  void connect() {
    if (stopped) return;
    auto gen = ++generation;
    replies = reader{};
    arm(clock_type::now() + opts.connect_timeout);
    resolver.async_resolve(opts.host, std::to_string(opts.port),
                           [self = shared_from_this(), gen](boost::system::error_code ec, tcp::resolver::results_type r) {
                             if (gen != self->generation) return;
                             if (ec) return self->drop("resolve " + self->opts.host + ": " + ec.message());
                             asio::async_connect(self->socket, r, [self, gen](boost::system::error_code ec, const tcp::endpoint&) {
                               if (gen != self->generation) return;
                               if (ec) return self->drop("connect " + self->opts.host + ":" + std::to_string(self->opts.port) + ": " + ec.message());
                               self->on_connected(gen);
                             });
                           });
  }

  void on_connected(std::uint64_t gen) {
    connected = true;
    socket.set_option(tcp::no_delay(true));
    // The connection's own set-up goes first; commands queued while down already failed.
    auto deadline = clock_type::now() + opts.command_timeout;
    if (!opts.password.empty()) {
      if (opts.username.empty())
        append_command(out, {"AUTH", opts.password});
      else
        append_command(out, {"AUTH", opts.username, opts.password});
      pending.push_back({{}, deadline});
    }
    if (opts.db != 0) {
      append_command(out, {"SELECT", std::to_string(opts.db)});
      pending.push_back({{}, deadline});
    }
    append_command(out, {"PING"});
    pending.push_back({{}, deadline});
    arm(deadline);
    flush();
    read(gen);
  }

  void read(std::uint64_t gen) {
    socket.async_read_some(asio::buffer(in), [self = shared_from_this(), gen](boost::system::error_code ec, std::size_t n) {
      if (gen != self->generation) return;
      if (ec) return self->drop(ec == asio::error::eof ? "closed by the server" : "read: " + ec.message());
      self->replies.feed(std::string_view(self->in.data(), n));
      while (auto r = self->replies.next()) {
        if (self->pending.empty()) return self->drop("a reply nobody asked for");
        auto w = std::move(self->pending.front());
        self->pending.pop_front();
        if (!w.done) {  // AUTH, SELECT, PING of the connection itself
          if (r->is_error()) return self->drop("set-up refused: " + r->text);
          bool pong = r->type == reply::kind::simple && r->text == "PONG";
          if (pong) {
            self->on_ready();
          } else if (!r->ok()) {  // not Redis (or our own socket looped back to itself)
            return self->drop("set-up answered with something other than OK or PONG");
          }
          continue;
        }
        w.done(std::move(*r));
      }
      if (!self->replies.error().empty()) return self->drop("protocol error: " + self->replies.error());
      self->arm_oldest();
      self->read(gen);
    });
  }

  void on_ready() {
    ready = true;
    backoff = opts.first_backoff;
    set_state(true, "connected to " + opts.host + ":" + std::to_string(opts.port));
  }

  void flush() {
    if (!writing.empty() || out.empty() || !connected) return;
    writing.swap(out);
    asio::async_write(socket, asio::buffer(writing), [self = shared_from_this(), gen = generation](boost::system::error_code ec, std::size_t) {
      if (gen != self->generation) return;
      self->writing.clear();
      if (ec) return self->drop("write: " + ec.message());
      self->flush();
    });
  }

  void arm(clock_type::time_point when) {
    timer.expires_at(when);
    timer.async_wait([self = shared_from_this(), gen = generation](boost::system::error_code ec) {
      if (ec || gen != self->generation) return;
      if (!self->connected) return self->drop("no connection within " + std::to_string(self->opts.connect_timeout.count()) + " ms");
      if (!self->pending.empty() && self->pending.front().deadline <= clock_type::now())
        return self->drop("no reply within " + std::to_string(self->opts.command_timeout.count()) + " ms");
      self->arm_oldest();
    });
  }

  void arm_oldest() {
    if (!pending.empty()) arm(pending.front().deadline);
  }

  // Ends this connection: what waits fails, and another attempt follows after the backoff.
  void drop(const std::string& why) {
    ++generation;  // every handler of the old connection now returns at once
    boost::system::error_code ignored;
    socket.close(ignored);
    resolver.cancel();
    timer.cancel();
    connected = ready = false;
    out.clear();
    writing.clear();
    // They were written or queued on this connection: whether Redis ran them is unknown.
    fail_all("ERR redis lost: " + why + " (the command may or may not have run)");
    set_state(false, why);
    if (stopped) return;
    retry.expires_after(backoff);
    backoff = std::min(backoff * 2, opts.max_backoff);
    retry.async_wait([self = shared_from_this()](boost::system::error_code ec) {
      if (!ec) self->connect();
    });
  }

  void fail_all(const std::string& why) {
    auto failed = std::move(pending);
    pending.clear();
    for (auto& w : failed)
      if (w.done) w.done(error_reply(why));
  }

  void submit(std::vector<std::string> args, callback done) {
    if (stopped) return done(error_reply("ERR redis stopped"));
    if (!ready) return done(error_reply("ERR redis down: " + (last_state.empty() ? std::string("connecting") : last_state)));
    if (pending.size() >= opts.max_pending) return done(error_reply("ERR redis busy: too many commands waiting"));
    std::vector<std::string_view> views(args.begin(), args.end());
    append_command(out, views);
    bool was_idle = pending.empty();
    pending.push_back({std::move(done), clock_type::now() + opts.command_timeout});
    if (was_idle) arm_oldest();
    flush();
  }
};

client::client(io_runtime& io, int worker, options o, state_fn on_state)
    : impl_(std::make_shared<impl>(io, worker, std::move(o), std::move(on_state))) {}

client::~client() { stop(); }

void client::start() {
  asio::post(impl_->ioc, [self = impl_] { self->connect(); });
}

void client::stop() {
  auto& ioc = impl_->ioc;
  auto body = [self = impl_] {
    if (self->stopped) return;
    self->stopped = true;
    self->drop("stopped");
    self->retry.cancel();
  };
  if (ioc.stopped()) {  // the loop is gone (its threads joined): nothing else touches the client
    body();
    return;
  }
  if (ioc.get_executor().running_in_this_thread()) {
    body();
    return;
  }
  auto done = std::make_shared<std::promise<void>>();
  auto finished = done->get_future();
  asio::post(ioc, [body, done] {
    body();
    done->set_value();
  });
  if (finished.wait_for(std::chrono::seconds(2)) != std::future_status::ready)
    spdlog::warn("redis client: the worker did not take the stop within 2 s");
}

void client::run(std::vector<std::string> args, callback done) {
  if (impl_->ioc.stopped()) return done(error_reply("ERR redis stopped"));  // no loop would run it
  asio::post(impl_->ioc, [self = impl_, args = std::move(args), done = std::move(done)]() mutable {
    self->submit(std::move(args), std::move(done));
  });
}

bool client::up() const { return impl_->is_up.load(); }

}  // namespace voxgate::net::redis
