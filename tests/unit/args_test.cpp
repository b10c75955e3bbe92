// The command-line parser shared by every subcommand, and the subcommands' declarations on it:
// mistakes are refused with what was expected, and --help lists every option.
#include "tools/args.hpp"

#include <gtest/gtest.h>

#include <regex>
#include <set>

#include "tests/fakes/shell.hpp"
#include "tools/load/load_command.hpp"
#include "tools/probe/call_command.hpp"
#include "tools/probe/probe.hpp"

using namespace voxgate::tools;
using args::kind;

namespace {

const args::command& sample() {
  static const args::command c{.name = "try",
                               .usage = {"URL [options]"},
                               .description = "A command for tests.",
                               .positional = "URL",
                               .options = {
                                   {.name = "--json", .help = "print JSON"},
                                   {.name = "--calls",
                                    .type = kind::integer,
                                    .value_name = "N",
                                    .help = "how many",
                                    .default_value = "10",
                                    .min = 1,
                                    .max = 1000},
                                   {.name = "--seconds",
                                    .type = kind::number,
                                    .value_name = "S",
                                    .help = "how long",
                                    .default_value = "3",
                                    .min = 0.1,
                                    .max = 3600},
                                   {.name = "--provider",
                                    .type = kind::text,
                                    .help = "which one",
                                    .default_value = "twilio",
                                    .choices = {"twilio", "telnyx"}},
                                   {.name = "--token", .type = kind::text, .value_name = "TOKEN", .help = "a secret"},
                                   {.name = "--header",
                                    .short_name = 'H',
                                    .type = kind::texts,
                                    .value_name = "'NAME: VALUE'",
                                    .help = "a header (repeatable)"},
                               }};
  return c;
}

std::string refusal(std::vector<std::string> line) {
  std::string why;
  auto v = args::parse(sample(), line, &why);
  EXPECT_FALSE(v.has_value());
  return why;
}

// `voxgate <line...>` through a subcommand's entry point.
voxgate::fakes::subcommand_result run(int (*command)(int, char**), std::vector<std::string> line) {
  return voxgate::fakes::run_subcommand(command, std::move(line));
}

}  // namespace

TEST(Args, TakesEachKindOfOptionAndDefaultsTheRest) {
  std::string why;
  auto v = args::parse(
      sample(),
      {"http://x", "--json", "--calls", "5", "--seconds=0.5", "-H", "A: 1", "--header", "B: 2", "--token", "t"}, &why);
  ASSERT_TRUE(v) << why;
  EXPECT_EQ(v->positional(), "http://x");
  EXPECT_TRUE(v->flag("--json"));
  EXPECT_EQ(v->integer("--calls"), 5);
  EXPECT_DOUBLE_EQ(v->number("--seconds"), 0.5);
  EXPECT_EQ(v->texts("--header"), (std::vector<std::string>{"A: 1", "B: 2"}));
  EXPECT_EQ(v->text("--token"), "t");
  EXPECT_EQ(v->text("--provider"), "twilio");  // the declared default
  EXPECT_FALSE(v->given("--provider"));
  auto bare = args::parse(sample(), {}, &why);
  ASSERT_TRUE(bare);
  EXPECT_FALSE(bare->flag("--json"));
  EXPECT_EQ(bare->integer("--calls"), 10);
  EXPECT_EQ(bare->text("--token"), "");
}

TEST(Args, AValueOutOfItsKindNamesTheOptionTheValueAndWhatIsExpected) {
  EXPECT_EQ(refusal({"--seconds", "abc"}), "--seconds must be a number from 0.1 to 3600, got 'abc'");
  EXPECT_EQ(refusal({"--seconds", "0"}), "--seconds must be a number from 0.1 to 3600, got '0'");
  EXPECT_EQ(refusal({"--seconds", "2s"}), "--seconds must be a number from 0.1 to 3600, got '2s'");
  EXPECT_EQ(refusal({"--calls", "2.5"}), "--calls must be a whole number from 1 to 1000, got '2.5'");
  EXPECT_EQ(refusal({"--calls", "5000"}), "--calls must be a whole number from 1 to 1000, got '5000'");
  EXPECT_EQ(refusal({"--provider", "vonage"}), "--provider must be twilio or telnyx, got 'vonage'");
  EXPECT_EQ(refusal({"--seconds"}), "--seconds needs a value: a number from 0.1 to 3600");
  EXPECT_EQ(refusal({"--token"}), "--token needs a value: TOKEN");
  EXPECT_EQ(refusal({"--json=yes"}), "--json takes no value, got 'yes'");
}

TEST(Args, UnknownOptionsAndStrayArgumentsAreRefused) {
  EXPECT_EQ(refusal({"--secs", "3"}), "unknown option '--secs'");
  EXPECT_EQ(refusal({"-x"}), "unknown option '-x'");
  EXPECT_EQ(refusal({"http://a", "http://b"}), "unexpected argument 'http://b': URL is already 'http://a'");
}

TEST(Args, HelpListsEveryOptionWithItsValueAndDefault) {
  std::string why;
  auto v = args::parse(sample(), {"--seconds", "abc", "--help"}, &why);
  ASSERT_FALSE(v) << "a mistake before --help is still a mistake";
  v = args::parse(sample(), {"--help", "--seconds", "abc"}, &why);
  ASSERT_TRUE(v);
  EXPECT_TRUE(v->help());
  auto text = args::help(sample());
  EXPECT_EQ(text.rfind("usage: voxgate try URL [options]\n", 0), 0u) << text;
  EXPECT_NE(text.find("--provider twilio|telnyx"), std::string::npos) << text;
  EXPECT_NE(text.find("-H, --header 'NAME: VALUE'"), std::string::npos) << text;
  EXPECT_NE(text.find("--seconds S"), std::string::npos) << text;
  EXPECT_NE(text.find("how long (default 3)"), std::string::npos) << text;
  EXPECT_NE(text.find("-h, --help"), std::string::npos) << text;
}

// ---- the subcommands' declarations ----

namespace {

struct subcommand {
  const args::command& declared;
  std::vector<std::string> options;  // what it has always accepted, and the newer ones
};

std::vector<subcommand> subcommands() {
  return {
      {probe_arguments(),
       {"--provider", "--auth-token", "--telnyx-private-key", "--connect", "--ca-file", "--seconds", "--insecure-local",
        "--explain", "--header"}},
      {call_arguments(),
       {"--provider", "--play", "--record", "--seconds", "--no-wait-greeting", "--auth-token", "--public-url",
        "--telnyx-private-key", "--api-port"}},
      {load_arguments(),
       {"--calls", "--duration", "--ramp", "--provider", "--pid", "--auth-token", "--public-url", "--drain", "--json"}},
  };
}

}  // namespace

TEST(SubcommandArgs, EveryOptionOfEverySubcommandIsInItsHelp) {
  for (const auto& s : subcommands()) {
    auto text = args::help(s.declared);
    std::set<std::string> declared;
    for (const auto& o : s.declared.options) declared.insert(o.name);
    for (const auto& name : s.options) {
      EXPECT_TRUE(declared.count(name)) << s.declared.name << " no longer takes " << name;
      EXPECT_NE(text.find(" " + name, text.find("\noptions:\n")), std::string::npos)
          << s.declared.name << " --help lacks " << name;
    }
    // And the help names no option the subcommand does not take (`voxgate call --provider` is call's).
    std::regex option_word("(^|[ [(])(--[a-z][a-z-]*)");
    for (std::sregex_iterator it(text.begin(), text.end(), option_word), end; it != end; ++it) {
      auto name = (*it)[2].str();
      EXPECT_TRUE(name == "--help" || declared.count(name)) << s.declared.name << " --help mentions " << name;
    }
  }
}

TEST(SubcommandArgs, ASecondsThatIsNotANumberIsRefusedWithExitStatusTwo) {
  for (auto [name, command] : {std::pair{"call", &call_command}, std::pair{"probe", &probe_command}}) {
    auto r = run(command, {name, "http://127.0.0.1:1", "--seconds", "abc"});
    EXPECT_EQ(r.status, 2);
    EXPECT_NE(r.err.find("--seconds must be a number from 0.1 to 3600, got 'abc'"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");  // refused before any attempt
  }
  auto r = run(&load_command, {"load", "http://127.0.0.1:1", "--duration", "abc"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("voxgate load: --duration must be a number"), std::string::npos) << r.err;
}

TEST(SubcommandArgs, UnknownOptionsAreRefusedAndHelpExitsZero) {
  auto r = run(&call_command, {"call", "http://127.0.0.1:1", "--secs", "3"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("voxgate call: unknown option '--secs' (see voxgate call --help)"), std::string::npos) << r.err;
  r = run(&load_command, {"load", "--help"});
  EXPECT_EQ(r.status, 0);
  EXPECT_NE(r.out.find("  --calls N"), std::string::npos) << r.out;
  // Every provider with a simulated caller is a choice (tools/sim/callers.cpp); one without is refused.
  r = run(&probe_command, {"probe", "--provider", "nosuch", "https://x"});
  EXPECT_EQ(r.status, 2);
  EXPECT_NE(r.err.find("--provider must be twilio, telnyx, signalwire, plivo, exotel, vonage or audiosocket, got 'nosuch'"),
            std::string::npos)
      << r.err;
}
