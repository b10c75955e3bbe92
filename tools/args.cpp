#include "tools/args.hpp"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <iostream>

namespace voxgate::tools::args {

namespace {

std::string shown(double d) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", d);
  return buf;
}

const option* find(const command& c, std::string_view arg) {
  for (const auto& o : c.options) {
    if (o.name == arg) return &o;
    if (o.short_name != 0 && arg.size() == 2 && arg[0] == '-' && arg[1] == o.short_name) return &o;
  }
  return nullptr;
}

// What an option's value must be, as the end of a sentence: "a number from 0.1 to 3600".
std::string expected(const option& o) {
  if (o.type == kind::integer) return "a whole number from " + shown(o.min) + " to " + shown(o.max);
  if (o.type == kind::number) return "a number from " + shown(o.min) + " to " + shown(o.max);
  if (o.choices.empty()) return o.value_name.empty() ? "a value" : o.value_name;
  std::string out;
  for (std::size_t i = 0; i < o.choices.size(); ++i)
    out += (i == 0 ? "" : i + 1 == o.choices.size() ? " or " : ", ") + o.choices[i];
  return out;
}

bool acceptable(const option& o, const std::string& value) {
  if (o.type == kind::integer) {
    long long n = 0;
    auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
    return ec == std::errc() && end == value.data() + value.size() && n >= o.min && n <= o.max;
  }
  if (o.type == kind::number) {
    char* end = nullptr;
    double d = value.empty() ? NAN : std::strtod(value.c_str(), &end);
    return std::isfinite(d) && *end == '\0' && d >= o.min && d <= o.max;
  }
  if (o.choices.empty()) return true;
  for (const auto& c : o.choices)
    if (c == value) return true;
  return false;
}

// The option's left column in the help: "-H, --header 'NAME: VALUE'".
std::string synopsis(const option& o) {
  std::string out = o.short_name != 0 ? std::string("-") + o.short_name + ", " : "";
  out += o.name;
  if (o.type == kind::flag) return out;
  if (!o.choices.empty()) {
    out += ' ';
    for (std::size_t i = 0; i < o.choices.size(); ++i) out += (i == 0 ? "" : "|") + o.choices[i];
    return out;
  }
  return out + " " + (o.value_name.empty() ? "VALUE" : o.value_name);
}

}  // namespace

bool values::given(std::string_view name) const { return given_.find(name) != given_.end(); }

std::string values::text(std::string_view name) const {
  if (auto it = given_.find(name); it != given_.end() && !it->second.empty()) return it->second.back();
  if (auto it = defaults_.find(name); it != defaults_.end()) return it->second;
  return {};
}

long long values::integer(std::string_view name) const {
  auto t = text(name);
  return t.empty() ? 0 : std::stoll(t);  // parse() let through only whole numbers
}

double values::number(std::string_view name) const {
  auto t = text(name);
  return t.empty() ? 0 : std::strtod(t.c_str(), nullptr);
}

std::vector<std::string> values::texts(std::string_view name) const {
  auto it = given_.find(name);
  return it == given_.end() ? std::vector<std::string>{} : it->second;
}

std::optional<values> parse(const command& c, const std::vector<std::string>& args, std::string* why) {
  values v;
  for (const auto& o : c.options)
    if (!o.default_value.empty()) v.defaults_[o.name] = o.default_value;
  auto refuse = [why](std::string text) -> std::optional<values> {
    if (why) *why = std::move(text);
    return std::nullopt;
  };
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string arg = args[i];
    if (arg == "-h" || arg == "--help") {
      v.help_ = true;  // whatever else the line says, it asks for the help
      return v;
    }
    if (arg.size() < 2 || arg[0] != '-') {
      if (c.positional.empty()) return refuse("unexpected argument '" + arg + "': it takes options only");
      if (!v.positional_.empty())
        return refuse("unexpected argument '" + arg + "': " + c.positional + " is already '" + v.positional_ + "'");
      v.positional_ = arg;
      continue;
    }
    std::optional<std::string> attached;  // --name=value
    if (auto eq = arg.find('='); arg.rfind("--", 0) == 0 && eq != std::string::npos) {
      attached = arg.substr(eq + 1);
      arg.resize(eq);
    }
    const option* o = find(c, arg);
    if (!o) return refuse("unknown option '" + arg + "'");
    if (o->type == kind::flag) {
      if (attached) return refuse(o->name + " takes no value, got '" + *attached + "'");
      v.given_[o->name];
      continue;
    }
    std::string value;
    if (attached)
      value = *attached;
    else if (i + 1 < args.size())
      value = args[++i];
    else
      return refuse(o->name + " needs a value: " + expected(*o));
    if (!acceptable(*o, value)) return refuse(o->name + " must be " + expected(*o) + ", got '" + value + "'");
    auto& list = v.given_[o->name];
    if (o->type != kind::texts) list.clear();  // the last one given counts
    list.push_back(std::move(value));
  }
  return v;
}

std::string help(const command& c) {
  std::string out;
  for (std::size_t i = 0; i < c.usage.size(); ++i)
    out += (i == 0 ? "usage: voxgate " : "       voxgate ") + c.name + (c.usage[i].empty() ? "" : " " + c.usage[i]) +
           "\n";
  if (!c.description.empty()) out += "\n" + c.description + (c.description.back() == '\n' ? "" : "\n");
  out += "\noptions:\n";
  std::vector<std::pair<std::string, std::string>> rows;
  for (const auto& o : c.options) {
    auto text = o.help;
    if (!o.default_value.empty()) text += " (default " + o.default_value + ")";
    rows.emplace_back(synopsis(o), text);
  }
  rows.emplace_back("-h, --help", "print this help");
  constexpr std::size_t widest = 30;  // a longer synopsis puts its help on the next line
  std::size_t width = 0;
  for (const auto& [left, text] : rows)
    if (left.size() <= widest) width = std::max(width, left.size());
  const std::string indent(4 + width, ' ');
  for (const auto& [left, text] : rows) {
    out += "  " + left;
    if (left.size() > width)
      out += "\n" + indent;
    else
      out += std::string(width - left.size() + 2, ' ');
    for (char ch : text) {
      if (ch == '\n')
        out += "\n" + indent;
      else
        out += ch;
    }
    out += "\n";
  }
  return out;
}

std::optional<int> read(const command& c, int argc, char** argv, values& out) {
  std::vector<std::string> args;
  for (int i = 2; i < argc; ++i) args.emplace_back(argv[i]);
  std::string why;
  auto v = parse(c, args, &why);
  if (!v) {
    std::cerr << "voxgate " << c.name << ": " << why << " (see voxgate " << c.name << " --help)\n";
    return 2;
  }
  if (v->help()) {
    std::cout << help(c);
    return 0;
  }
  out = std::move(*v);
  return std::nullopt;
}

}  // namespace voxgate::tools::args
