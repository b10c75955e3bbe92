// The house's rules, read from the source tree: the arrows between folders run one way, and nothing
// outside a provider's folder (and the registry that lists it) names a provider. A new include or a
// `if (name == "twilio")` that breaks them fails here, with the file and line.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

const fs::path root = VOXGATE_SOURCE_DIR;

// Every C++ source below `folder` (relative to the tree's root).
std::vector<fs::path> sources(const std::string& folder) {
  std::vector<fs::path> out;
  for (const auto& e : fs::recursive_directory_iterator(root / folder))
    if (e.is_regular_file() && (e.path().extension() == ".cpp" || e.path().extension() == ".hpp"))
      out.push_back(e.path());
  return out;
}

// "file:line: text" for every line of `file` that matches `pattern`, with the match's first group.
std::vector<std::pair<std::string, std::string>> matches(const fs::path& file, const std::regex& pattern) {
  std::vector<std::pair<std::string, std::string>> out;
  std::ifstream in(file);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    std::smatch m;
    if (std::regex_search(line, m, pattern))
      out.emplace_back(fs::relative(file, root).string() + ":" + std::to_string(n) + ": " + line, m[1].str());
  }
  return out;
}

}  // namespace

// codecs <- net <- actors <- cluster <- app, and tools beside them on net and codecs: each folder
// includes only the folders below it. Only app/main.cpp, the composition root, includes the tools.
TEST(Layering, EachFolderIncludesOnlyTheFoldersBelowIt) {
  const std::map<std::string, std::set<std::string>> allowed = {
      {"codecs", {"codecs"}},
      {"net", {"net", "codecs"}},
      {"actors", {"actors", "net", "codecs"}},
      {"cluster", {"cluster", "actors", "net", "codecs"}},
      {"app", {"app", "cluster", "actors", "net", "codecs"}},
      {"tools", {"tools", "net", "codecs"}},
  };
  const std::regex include(R"re(^\s*#include "([a-z_]+)/)re");
  std::vector<std::string> wrong;
  for (const auto& [folder, may] : allowed)
    for (const auto& file : sources(folder))
      for (const auto& [where, target] : matches(file, include)) {
        bool composition_root = fs::relative(file, root) == "app/main.cpp" && target == "tools";
        if (!may.count(target) && !composition_root) wrong.push_back(where);
      }
  std::string list;
  for (const auto& w : wrong) list += "  " + w + "\n";
  EXPECT_TRUE(wrong.empty()) << "includes against the arrows:\n" << list;
}

// The registry lists the providers; their folders are theirs. Everything else goes through the
// provider interface, so no other gateway code spells a provider's name as a string.
TEST(Layering, NoGatewayCodeOutsideTheProvidersFoldersNamesAProvider) {
  const std::regex name(R"re("(twilio|telnyx|plivo|signalwire|exotel|vonage|audiosocket)")re",
                        std::regex::icase);
  std::vector<std::string> wrong;
  for (const auto* folder : {"codecs", "net", "actors", "cluster", "app"})
    for (const auto& file : sources(folder)) {
      if (fs::relative(file, root).string().rfind("net/providers/", 0) == 0) continue;
      for (const auto& [where, _] : matches(file, name)) wrong.push_back(where);
    }
  std::string list;
  for (const auto& w : wrong) list += "  " + w + "\n";
  EXPECT_TRUE(wrong.empty()) << "provider names outside net/providers/:\n" << list;
}
