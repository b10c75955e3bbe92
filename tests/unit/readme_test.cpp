// The README as a newcomer sees it: rendered by a CommonMark renderer (cmark, Debian's package), every
// section heading must come out as a heading (an unclosed code fence swallows the sections after it),
// and its settings and metrics tables are the gateway's own lists.
#include <gtest/gtest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "actors/metrics.hpp"
#include "app/config.hpp"
#include "tests/fakes/shell.hpp"

namespace {

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

// The "## ..." lines of a Markdown text, skipping fenced code as a writer means it: a fence opens at
// ``` and closes at the next line that is ``` alone.
std::vector<std::string> intended_headings(const std::string& markdown) {
  std::vector<std::string> headings;
  std::istringstream lines(markdown);
  bool in_fence = false;
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("```", 0) == 0) {
      in_fence = !in_fence;
      continue;
    }
    if (!in_fence && line.rfind("#", 0) == 0) headings.push_back(line.substr(line.find(' ') + 1));
  }
  return headings;
}

const std::string readme_path = std::string(VOXGATE_SOURCE_DIR) + "/README.md";

// What the README holds between <!-- tag:begin --> and <!-- tag:end -->; nothing when a marker is missing.
std::optional<std::string> generated_part(const std::string& readme, const std::string& tag) {
  auto open = "<!-- " + tag + ":begin -->\n";
  auto begin = readme.find(open);
  auto end = readme.find("<!-- " + tag + ":end -->");
  if (begin == std::string::npos || end == std::string::npos || end < begin) return std::nullopt;
  begin += open.size();
  return readme.substr(begin, end - begin);
}

}  // namespace

TEST(Readme, EverySectionRendersAsAHeading) {
  std::string html = voxgate::fakes::run_command("cmark " + readme_path + " 2>&1").output;
  ASSERT_NE(html.find("<h1>"), std::string::npos) << "cmark (scripts/bootstrap.sh installs it) said: " << html;
  auto headings = intended_headings(read_file(readme_path));
  ASSERT_GE(headings.size(), 8u);
  for (const auto& h : headings) {
    bool rendered = false;
    for (int level = 1; level <= 3; ++level)
      rendered |= html.find("<h" + std::to_string(level) + ">" + h + "</h" + std::to_string(level) + ">") !=
                  std::string::npos;
    EXPECT_TRUE(rendered) << "not rendered as a heading (an unclosed code fence above it?): " << h;
  }
  // No paragraph trails off into nothing.
  EXPECT_EQ(html.find(",</p>"), std::string::npos);
}

TEST(Readme, TheSettingsTableIsTheGatewaysOwnList) {
  auto table = generated_part(read_file(readme_path), "settings");
  ASSERT_TRUE(table) << "README.md lost its settings markers";
  EXPECT_EQ(*table, voxgate::app::config_markdown()) << "regenerate it: build/voxgate serve --settings-markdown";
}

TEST(Readme, TheMetricsTableIsTheRegistrysOwnList) {
  auto table = generated_part(read_file(readme_path), "metrics");
  ASSERT_TRUE(table) << "README.md lost its metrics markers";
  EXPECT_EQ(*table, voxgate::actors::metrics_registry().markdown())
      << "regenerate it: build/voxgate serve --metrics-markdown";
}
