#include "net/json.hpp"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace voxgate::net::json {
namespace {

TEST(JsonQuote, PlainTextIsCopiedWhole) {
  EXPECT_EQ(quote("MZ18ad3ab5a668481ce02b83e7395059f0"), R"("MZ18ad3ab5a668481ce02b83e7395059f0")");
  EXPECT_EQ(quote(""), R"("")");
  EXPECT_EQ(quote("caf\xc3\xa9 \xe2\x98\x8e"), "\"caf\xc3\xa9 \xe2\x98\x8e\"");  // UTF-8 passes through
}

TEST(JsonQuote, QuotesBackslashesAndControlCharactersAreEscaped) {
  EXPECT_EQ(quote(R"(say "hi")"), R"("say \"hi\"")");
  EXPECT_EQ(quote("a\\b"), R"("a\\b")");
  EXPECT_EQ(quote("line\nnext\r\tend"), R"("line\nnext\r\tend")");
  EXPECT_EQ(quote(std::string("\x01x\x1f", 3)), R"("\u0001x\u001f")");
  EXPECT_EQ(quote("\"\"\n"), R"("\"\"\n")");  // escapes back to back, and at both ends
}

TEST(JsonQuote, WhatIsQuotedParsesBackToTheSameText) {
  std::string text = "tab\there \"quoted\" back\\slash \x02 caf\xc3\xa9";
  std::string doc_text = R"({"k":)" + quote(text) + "}";
  insitu_document doc;
  ASSERT_EQ(doc.parse(doc_text), "");
  EXPECT_EQ(string_or(doc.root(), "k"), text);
}

// 900,000 '[' in one AI frame overflowed the stack inside RapidJSON's recursive parse and killed the
// process. The bound refuses it before the parser sees it, in both the in-situ and the DOM parse.
TEST(JsonDepth, DeeplyNestedInputIsRefusedNotParsed) {
  std::string deep(900'000, '[');
  insitu_document doc;
  EXPECT_EQ(doc.parse(deep), "JSON nested too deeply");
  std::string objects = "{\"a\":";
  for (int i = 0; i < 100'000; ++i) objects += "{\"a\":";
  rapidjson::Document dom;
  EXPECT_EQ(parse(dom, objects), "JSON nested too deeply");
}

// Found by the json fuzzer: RapidJSON's length-bounded parse skipped any one of a BOM's bytes at the
// start ("\xBB{}" read as an object) where the in-situ parse refused it. Both refuse it now.
TEST(JsonParse, ALeadingNonAsciiByteIsRefusedByBothParses) {
  for (std::string text : {std::string("\xBB{}"), std::string("\xEF{\"a\":1}"), std::string("\xEF\xBB\xBF{}")}) {
    rapidjson::Document dom;
    EXPECT_NE(parse(dom, text), "") << text;
    insitu_document doc;
    EXPECT_NE(doc.parse(text), "") << text;
  }
}

TEST(JsonDepth, NestingUpToTheBoundParses) {
  std::string ok = std::string(max_depth, '[') + std::string(max_depth, ']');
  rapidjson::Document dom;
  EXPECT_EQ(parse(dom, ok), "");
  std::string over = "[" + ok + "]";
  EXPECT_EQ(parse(dom, over), "JSON nested too deeply");
}

TEST(JsonDepth, BracketsInsideStringsDoNotCount) {
  std::string text = R"({"s":")" + std::string(1000, '[') + R"(\"[[[","t":"\\"})";
  EXPECT_EQ(check_depth(text), "");
  insitu_document doc;
  ASSERT_EQ(doc.parse(text), "");
  EXPECT_EQ(string_or(doc.root(), "t"), "\\");
  // An escaped quote does not end the string: the brackets after it are still inside.
  EXPECT_EQ(check_depth(R"(["\"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[["])"), "");
  // An escaped backslash does end it: what follows the quote counts again.
  EXPECT_EQ(check_depth(R"(["x\\",)" + std::string(max_depth + 1, '[')), "JSON nested too deeply");
  EXPECT_EQ(check_depth(R"(["x\\",)" + std::string(max_depth - 1, '[')), "");
}

// The check skips string contents in jumps; a byte-at-a-time reading of the same rules must agree
// with it on every input, escapes and unterminated strings included.
TEST(JsonDepth, AgreesWithAByteAtATimeReadingOnRandomText) {
  auto reference = [](std::string_view text, std::size_t limit) -> std::string_view {
    std::size_t depth = 0;
    bool in_string = false;
    for (std::size_t i = 0; i < text.size(); ++i) {
      char c = text[i];
      if (in_string) {
        if (c == '\\')
          ++i;
        else if (c == '"')
          in_string = false;
      } else if (c == '"') {
        in_string = true;
      } else if (c == '[' || c == '{') {
        if (++depth > limit) return "JSON nested too deeply";
      } else if ((c == ']' || c == '}') && depth > 0) {
        --depth;
      }
    }
    return {};
  };
  std::mt19937 random(20261201);
  constexpr std::string_view alphabet = "[]{}\"\\a";
  for (int round = 0; round < 20000; ++round) {
    std::string text(random() % 48, ' ');
    for (auto& c : text) c = alphabet[random() % alphabet.size()];
    ASSERT_EQ(check_depth(text, 3), reference(text, 3)) << text;
  }
}

}  // namespace
}  // namespace voxgate::net::json
