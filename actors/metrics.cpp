#include "actors/metrics.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>

namespace voxgate::actors {
namespace {

std::string escape_label(const std::string& v) {
  std::string out;
  for (char c : v) {
    if (c == '\\' || c == '"') out.push_back('\\');
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string labels_text(const std::vector<std::string>& names, const std::vector<std::string>& values,
                        const std::string& extra = {}) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < values.size(); ++i) {
    out += out.empty() ? "{" : ",";
    out += names[i] + "=\"" + escape_label(values[i]) + "\"";
  }
  if (!extra.empty()) out += (out.empty() ? "{" : ",") + extra;
  if (!out.empty()) out += "}";
  return out;
}

std::string number(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.12g", v);
  return buf;
}

const char* type_name(const counter*) { return "counter"; }
const char* type_name(const gauge*) { return "gauge"; }
const char* type_name(const histogram*) { return "histogram"; }

void render_series(std::string& out, const std::string& name, const std::string& labels, const counter& c) {
  out += name + labels + " " + std::to_string(c.value()) + "\n";
}
void render_series(std::string& out, const std::string& name, const std::string& labels, const gauge& g) {
  out += name + labels + " " + std::to_string(g.value()) + "\n";
}

}  // namespace

histogram::histogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)), buckets_(new std::atomic<std::uint64_t>[bounds_.size()]) {
  for (std::size_t i = 0; i < bounds_.size(); ++i) buckets_[i] = 0;
}

void histogram::observe(double value) {
  for (std::size_t i = 0; i < bounds_.size(); ++i)
    if (value <= bounds_[i]) buckets_[i].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(static_cast<std::uint64_t>(std::llround(value * 1e6)), std::memory_order_relaxed);
}

double histogram::sum() const { return static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6; }

template <class Metric>
std::int64_t family<Metric>::value_of(const std::vector<std::string>& values) const {
  std::lock_guard lock(mutex_);
  auto it = series_.find(values);
  if (it == series_.end()) return 0;
  if constexpr (std::is_same_v<Metric, histogram>) {
    return static_cast<std::int64_t>(it->second->count());
  } else {
    return static_cast<std::int64_t>(it->second->value());
  }
}

template <class Metric>
void family<Metric>::render(std::string& out) const {
  out += "# HELP " + name_ + " " + help_ + "\n";
  out += "# TYPE " + name_ + " " + type_name(static_cast<const Metric*>(nullptr)) + "\n";
  std::lock_guard lock(mutex_);
  for (const auto& [values, metric] : series_) {
    if constexpr (std::is_same_v<Metric, histogram>) {
      for (std::size_t i = 0; i < metric->bounds().size(); ++i)
        out += name_ + "_bucket" + labels_text(labels_, values, "le=\"" + number(metric->bounds()[i]) + "\"") + " " +
               std::to_string(metric->bucket(i)) + "\n";
      out += name_ + "_bucket" + labels_text(labels_, values, "le=\"+Inf\"") + " " + std::to_string(metric->count()) +
             "\n";
      out += name_ + "_sum" + labels_text(labels_, values) + " " + number(metric->sum()) + "\n";
      out += name_ + "_count" + labels_text(labels_, values) + " " + std::to_string(metric->count()) + "\n";
    } else {
      render_series(out, name_, labels_text(labels_, values), *metric);
    }
  }
}

template <class Metric>
void family<Metric>::describe(std::string& out) const {
  std::string labels;
  for (const auto& l : labels_) labels += (labels.empty() ? "`" : ", `") + l + "`";
  std::string help;
  for (char c : help_) help += c == '|' ? std::string("\\|") : std::string(1, c);
  out += "| `" + name_ + "` | " + type_name(static_cast<const Metric*>(nullptr)) + " | " + labels + " | " + help + " |\n";
}

template <class Metric>
typename family<Metric>::outside_set family<Metric>::bound_outside_label(std::size_t label, std::size_t most,
                                                                         outside_set values) {
  if (!values) values = std::make_shared<outside_names>();
  values->most = most;
  outside_label_ = label;
  outside_ = values;
  return values;
}

template <class Metric>
std::vector<std::string> family<Metric>::bounded(std::vector<std::string> values) {
  auto& v = values[outside_label_];
  if (v == "other") return values;  // a peer's "other" joins the overflow, and takes no name's place
  bool plain = !v.empty() && v.size() <= 64 && std::all_of(v.begin(), v.end(), [](unsigned char c) {
    return std::isalnum(c) || c == '_' || c == '.' || c == ':' || c == '-';
  });
  auto& names = *outside_;
  std::lock_guard lock(names.mutex);
  if (!plain || (!names.seen.count(v) && names.seen.size() >= names.most))
    v = "other";
  else
    names.seen.insert(v);
  return values;
}

template class family<counter>;
template class family<gauge>;
template class family<histogram>;

metrics_registry::metrics_registry() {
  ai_errors.bound_outside_label(1, 32);
  tool_duration.bound_outside_label(0, 64, tool_calls.bound_outside_label(0, 64));
}

template <class Visit>
void metrics_registry::each_family(Visit&& visit) const {
  visit(calls_active);
  visit(calls_total);
  visit(simulated_calls);
  visit(call_duration);
  visit(calls_refused);
  visit(loop_lag);
  visit(loop_busy);
  visit(upgrades);
  visit(accept_errors);
  visit(webhooks);
  visit(ops_refused);
  visit(media_refused);
  visit(frames);
  visit(frames_dropped);
  visit(bad_frames);
  visit(ai_errors);
  visit(ai_session_seconds);
  visit(tool_calls);
  visit(tool_duration);
  visit(barge_ins);
  visit(ai_first_audio);
  visit(actors_live);
  visit(actor_messages);
  visit(build_info);
  visit(max_calls);
  visit(draining);
  visit(redis_up);
  visit(relayed_calls);
  visit(cluster_events);
}

std::string metrics_registry::render() const {
  std::string out;
  each_family([&out](const auto& f) { f.render(out); });
  return out;
}

std::string metrics_registry::markdown() const {
  std::string out = "| metric | type | labels | meaning |\n|---|---|---|---|\n";
  each_family([&out](const auto& f) { f.describe(out); });
  return out;
}

}  // namespace voxgate::actors
