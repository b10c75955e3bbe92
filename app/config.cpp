#include "app/config.hpp"

#include <charconv>

#include "net/telnyx/media.hpp"
#include "net/telnyx/signature.hpp"

namespace voxgate::app {

std::string config::effective_backend() const {
  if (!ai_backend.empty()) return ai_backend;
  return openai_api_key.empty() ? "local" : "openai";
}

const std::vector<config_var>& config_vars() {
  static const std::vector<config_var> vars = {
      {"PORT", "8080", "TCP port for webhooks, media sockets and metrics"},
      {"HOST", "0.0.0.0", "address to listen on"},
      {"PUBLIC_URL", "", "https://your.host as providers reach it; without it the URL is derived from proxy headers"},
      {"AI_BACKEND", "openai if OPENAI_API_KEY is set, else local", "openai | local"},
      {"OPENAI_API_KEY", "", "OpenAI API key", true},
      {"OPENAI_REALTIME_URL", "wss://api.openai.com/v1/realtime?model=gpt-realtime",
       "Realtime endpoint (ws:// allowed for local peers)"},
      {"OPENAI_VOICE", "marin", "voice for the AI's speech"},
      {"AGENT_INSTRUCTIONS", "a short helpful-assistant prompt", "the AI's system instructions"},
      {"AGENT_TOOLS", "[]", "JSON array of function tools offered to the AI (end_call is always added)"},
      {"AGENT_GREETS_FIRST", "1", "1: the AI speaks first when the call connects"},
      {"AI_AUDIO_FORMAT", "pcmu", "pcmu (no transcoding for Twilio) | pcma | pcm16 (24 kHz PCM, transcoded)"},
      {"TWILIO_AUTH_TOKEN", "", "verifies X-Twilio-Signature; unset turns verification off (loud warning)", true},
      {"TWILIO_ACCOUNT_SID", "", "for REST hangup (end_call)"},
      {"TWILIO_API_BASE", "https://api.twilio.com/2010-04-01", "Twilio REST base URL"},
      {"TELNYX_PUBLIC_KEY", "",
       "verifies Telnyx webhook signatures (base64 Ed25519 key); unset turns verification off (loud warning)"},
      {"TELNYX_API_KEY", "", "Call Control REST key (answer, streaming_start, hangup)", true},
      {"TELNYX_API_BASE", "https://api.telnyx.com/v2", "Telnyx REST base URL"},
      {"TELNYX_STREAM_MODE", "answer",
       "answer: answer with the stream | streaming_start: stream calls answered elsewhere"},
      {"TELNYX_CODEC", "PCMU", "PCMU | PCMA (no transcoding) | L16 | G722 (16 kHz, transcoded)"},
      {"TOOL_WEBHOOK_URL", "", "where tool calls are POSTed"},
      {"TOOL_TIMEOUT_MS", "5000", "tool webhook timeout"},
      {"AI_SETUP_TIMEOUT_MS", "10000",
       "time for the AI session to become ready (connected and configured); past it the call ends as ai_failed"},
      {"MAX_CALLS", "1000", "calls admitted at once; beyond it callers hear a polite refusal"},
      {"CALL_TOKEN_SECRET", "random per process", "HMAC key for per-call media tokens (set it when scaled out)", true},
      {"TLS_CA_FILE", "", "extra CA bundle for outbound TLS"},
      {"LOG_LEVEL", "info", "trace | debug | info | warn | error"},
      {"LOG_FORMAT", "text", "text | json"},
      {"IO_THREADS", "cores", "socket threads"},
      {"ACTOR_THREADS", "cores", "CAF scheduler threads"},
      {"DRAIN_TIMEOUT", "30", "seconds to wait for live calls on SIGTERM"},
  };
  return vars;
}

namespace {

bool parse_int(const std::string& text, long long lo, long long hi, long long& out) {
  auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc{} && p == text.data() + text.size() && out >= lo && out <= hi;
}

}  // namespace

std::vector<std::string> load_config(config& c, const std::function<const char*(const char*)>& getenv) {
  std::vector<std::string> errors;
  auto get = [&](const char* name) -> std::optional<std::string> {
    const char* v = getenv(name);
    if (!v || !*v) return std::nullopt;
    return std::string(v);
  };
  auto integer = [&](const char* name, long long lo, long long hi, auto& field) {
    if (auto v = get(name)) {
      long long n = 0;
      if (parse_int(*v, lo, hi, n))
        field = static_cast<std::remove_reference_t<decltype(field)>>(n);
      else
        errors.push_back(std::string(name) + " must be a whole number from " + std::to_string(lo) + " to " +
                         std::to_string(hi) + ", got '" + *v + "'");
    }
  };
  integer("PORT", 0, 65535, c.port);
  if (auto v = get("HOST")) c.host = *v;
  if (auto v = get("PUBLIC_URL")) c.public_url = *v;
  if (auto v = get("AI_BACKEND")) {
    if (*v != "openai" && *v != "local")
      errors.push_back("AI_BACKEND must be openai or local, got '" + *v + "'");
    else
      c.ai_backend = *v;
  }
  if (auto v = get("OPENAI_API_KEY")) c.openai_api_key = *v;
  if (auto v = get("OPENAI_REALTIME_URL")) c.openai_realtime_url = *v;
  if (auto v = get("OPENAI_VOICE")) c.openai_voice = *v;
  if (auto v = get("AGENT_INSTRUCTIONS")) c.agent_instructions = *v;
  if (auto v = get("AGENT_TOOLS")) c.agent_tools = *v;
  if (auto v = get("AGENT_GREETS_FIRST")) c.agent_greets_first = *v != "0" && *v != "false";
  if (auto v = get("AI_AUDIO_FORMAT")) {
    auto enc = codecs::parse_encoding(*v);
    if (!enc || (*enc != codecs::encoding::pcmu && *enc != codecs::encoding::pcma && *enc != codecs::encoding::pcm16))
      errors.push_back("AI_AUDIO_FORMAT must be pcmu, pcma or pcm16, got '" + *v + "'");
    else
      c.ai_audio_format = *enc == codecs::encoding::pcm16  ? codecs::audio_format::pcm16(24000)
                          : *enc == codecs::encoding::pcma ? codecs::audio_format::g711_alaw()
                                                           : codecs::audio_format::g711_ulaw();
  }
  if (auto v = get("TWILIO_AUTH_TOKEN")) c.twilio_auth_token = *v;
  if (auto v = get("TWILIO_ACCOUNT_SID")) c.twilio_account_sid = *v;
  if (auto v = get("TWILIO_API_BASE")) c.twilio_api_base = *v;
  if (auto v = get("TELNYX_PUBLIC_KEY")) {
    if (!net::telnyx::valid_public_key(*v))
      errors.push_back("TELNYX_PUBLIC_KEY must be the base64 of a 32-byte Ed25519 public key");
    else
      c.telnyx_public_key = *v;
  }
  if (auto v = get("TELNYX_API_KEY")) c.telnyx_api_key = *v;
  if (auto v = get("TELNYX_API_BASE")) c.telnyx_api_base = *v;
  if (auto v = get("TELNYX_STREAM_MODE")) {
    if (*v != "answer" && *v != "streaming_start")
      errors.push_back("TELNYX_STREAM_MODE must be answer or streaming_start, got '" + *v + "'");
    else
      c.telnyx_stream_mode = *v;
  }
  if (auto v = get("TELNYX_CODEC")) {
    auto f = net::telnyx::format_for(*v, 16000);
    if (!f)
      errors.push_back("TELNYX_CODEC must be PCMU, PCMA, L16 or G722, got '" + *v + "'");
    else
      c.telnyx_codec = *f;
  }
  if (auto v = get("TOOL_WEBHOOK_URL")) c.tool_webhook_url = *v;
  integer("TOOL_TIMEOUT_MS", 100, 60000, c.tool_timeout_ms);
  integer("AI_SETUP_TIMEOUT_MS", 100, 120000, c.ai_setup_timeout_ms);
  integer("MAX_CALLS", 0, 1000000, c.max_calls);
  if (auto v = get("CALL_TOKEN_SECRET")) c.token_secret = *v;
  if (auto v = get("TLS_CA_FILE")) c.ca_file = *v;
  if (auto v = get("LOG_LEVEL")) c.log_level = *v;
  if (auto v = get("LOG_FORMAT")) {
    if (*v != "text" && *v != "json")
      errors.push_back("LOG_FORMAT must be text or json, got '" + *v + "'");
    else
      c.log_format = *v;
  }
  integer("IO_THREADS", 0, 256, c.io_threads);
  integer("ACTOR_THREADS", 0, 256, c.caf_threads);
  integer("DRAIN_TIMEOUT", 0, 3600, c.drain_timeout_s);
  if (c.effective_backend() == "openai" && c.openai_api_key.empty())
    errors.push_back("AI_BACKEND=openai needs OPENAI_API_KEY");
  return errors;
}

std::string config_help() {
  std::string out = "Environment (name, default, meaning):\n";
  for (const auto& v : config_vars()) {
    out += "  " + v.name;
    out.append(v.name.size() < 22 ? 22 - v.name.size() : 1, ' ');
    out += (v.default_value.empty() ? "(unset)" : v.default_value) + "\n";
    out.append(24, ' ');
    out += v.help + (v.secret ? " [secret: never logged]" : "") + "\n";
  }
  return out;
}

}  // namespace voxgate::app
