#include "tests/unit/wire_literals.hpp"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <utility>

namespace voxgate::testing {
namespace {


std::string to_text(const rapidjson::Value& v) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  v.Accept(writer);
  return buffer.GetString();
}

struct json_rules {
  std::set<std::string> any_value;  // paths whose value is the gateway's choice (present, any value)
  std::set<std::string> may_add;    // paths the docs allow but the expected text leaves out
};

void compare(const rapidjson::Value& expected, const rapidjson::Value& actual, const std::string& path,
             const json_rules& rules, std::string& out) {
  if (rules.any_value.count(path)) return;
  if (expected.IsObject() && actual.IsObject()) {
    for (auto it = expected.MemberBegin(); it != expected.MemberEnd(); ++it) {
      std::string sub = path + "/" + it->name.GetString();
      auto found = actual.FindMember(it->name);
      if (found == actual.MemberEnd())
        out += "missing " + sub + "\n";
      else
        compare(it->value, found->value, sub, rules, out);
    }
    std::set<std::string> seen;
    for (auto it = actual.MemberBegin(); it != actual.MemberEnd(); ++it) {
      std::string sub = path + "/" + it->name.GetString();
      if (!seen.insert(it->name.GetString()).second) out += "duplicate " + sub + "\n";
      if (!expected.HasMember(it->name) && !rules.may_add.count(sub))
        out += "unexpected " + sub + " = " + to_text(it->value) + "\n";
    }
    return;
  }
  if (expected.IsArray() && actual.IsArray() && expected.Size() == actual.Size()) {
    for (rapidjson::SizeType i = 0; i < expected.Size(); ++i)
      compare(expected[i], actual[i], path + "/" + std::to_string(i), rules, out);
    return;
  }
  if (expected != actual) out += "at " + path + " expected " + to_text(expected) + ", got " + to_text(actual) + "\n";
}

}  // namespace

std::string json_difference(std::string_view expected, std::string_view actual, std::set<std::string> any_value,
                            std::set<std::string> may_add) {
  const json_rules rules{std::move(any_value), std::move(may_add)};
  rapidjson::Document e;
  rapidjson::Document a;
  e.Parse(expected.data(), expected.size());
  if (e.HasParseError()) return "the expected literal is not JSON";
  a.Parse(actual.data(), actual.size());
  if (a.HasParseError()) return "not JSON: " + std::string(actual);
  std::string out;
  compare(e, a, "", rules, out);
  return out;
}

std::vector<std::string> xml_outline(std::string_view xml) {
  std::vector<std::string> out;
  auto is_space = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  std::size_t i = 0;
  while (i < xml.size()) {
    if (xml[i] != '<') {
      auto next = xml.find('<', i);
      auto text = xml.substr(i, next == std::string_view::npos ? std::string_view::npos : next - i);
      auto b = text.find_first_not_of(" \n\r\t");
      if (b != std::string_view::npos) {
        auto e = text.find_last_not_of(" \n\r\t");
        out.push_back("text " + std::string(text.substr(b, e - b + 1)));
      }
      if (next == std::string_view::npos) break;
      i = next;
      continue;
    }
    if (xml.substr(i, 4) == "<!--") {
      auto end = xml.find("-->", i);
      if (end == std::string_view::npos) return {"error: unterminated comment"};
      i = end + 3;
      continue;
    }
    if (xml.substr(i, 2) == "</") {
      auto end = xml.find('>', i);
      if (end == std::string_view::npos) return {"error: unterminated end tag"};
      out.push_back("</" + std::string(xml.substr(i + 2, end - i - 2)) + ">");
      i = end + 1;
      continue;
    }
    bool declaration = xml.substr(i, 2) == "<?";
    i += declaration ? 2 : 1;
    std::size_t name_end = i;
    while (name_end < xml.size() && !is_space(xml[name_end]) && xml[name_end] != '>' && xml[name_end] != '/' &&
           xml[name_end] != '?')
      ++name_end;
    std::string name(xml.substr(i, name_end - i));
    i = name_end;
    std::vector<std::string> attributes;
    bool self_closing = false;
    for (;;) {
      while (i < xml.size() && is_space(xml[i])) ++i;
      if (i >= xml.size()) return {"error: unterminated tag " + name};
      if (declaration && xml.substr(i, 2) == "?>") {
        i += 2;
        break;
      }
      if (xml.substr(i, 2) == "/>") {
        self_closing = true;
        i += 2;
        break;
      }
      if (xml[i] == '>') {
        ++i;
        break;
      }
      auto eq = xml.find('=', i);
      if (eq == std::string_view::npos || eq + 1 >= xml.size()) return {"error: attribute without value in " + name};
      char quote = xml[eq + 1];
      if (quote != '"' && quote != '\'') return {"error: unquoted attribute in " + name};
      auto close = xml.find(quote, eq + 2);
      if (close == std::string_view::npos) return {"error: unterminated attribute in " + name};
      attributes.push_back(std::string(xml.substr(i, eq - i)) + "=" + std::string(xml.substr(eq + 2, close - eq - 2)));
      i = close + 1;
    }
    std::sort(attributes.begin(), attributes.end());
    std::string line = (declaration ? "<?" : "<") + name;
    for (const auto& a : attributes) line += " " + a;
    out.push_back(line);
    if (self_closing) out.push_back("</" + name + ">");
  }
  return out;
}

}  // namespace voxgate::testing
