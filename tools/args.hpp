// One command-line parser for every subcommand (probe, call, load, serve): each option is declared
// once, and parsing, its error messages and the --help text all come from that declaration.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace voxgate::tools::args {

enum class kind {
  flag,     // present or not: --json
  integer,  // a whole number from min to max: --calls 100
  number,   // a number from min to max: --seconds 2.5
  text,     // any value, or one of `choices`: --auth-token T, --provider telnyx
  texts,    // repeatable, every value kept in order: -H 'Name: value' -H ...
};

// Every member has an initializer, so a declaration names only what it needs (designated initializers).
struct option {
  std::string name{};   // "--seconds"
  char short_name = 0;  // 'H' for -H; 0 for none
  kind type = kind::flag;
  std::string value_name{};            // in the help: "N", "URL", "PEM"
  std::string help{};                  // what it does; '\n' starts another line
  std::string default_value{};         // taken when the option is not given, and shown in the help; "" for none
  double min = 0, max = 0;             // integer and number
  std::vector<std::string> choices{};  // text: the only values accepted (the help shows them, not value_name)
};

struct command {
  std::string name{};                // "probe", as in `voxgate probe`
  std::vector<std::string> usage{};  // each a line after "usage: voxgate <name> "
  std::string description{};         // between the usage and the options
  std::string positional{};          // the one positional argument ("PUBLIC_URL"); "" when it takes none
  std::vector<option> options{};     // -h/--help is implied
};

// What a command line said, with the declared defaults for what it did not.
class values {
 public:
  bool given(std::string_view name) const;
  bool flag(std::string_view name) const { return given(name); }
  std::string text(std::string_view name) const;   // the last value given, else the default, else ""
  long long integer(std::string_view name) const;  // 0 when neither given nor defaulted
  double number(std::string_view name) const;      // 0 when neither given nor defaulted
  std::vector<std::string> texts(std::string_view name) const;
  const std::string& positional() const { return positional_; }
  bool help() const { return help_; }

 private:
  friend std::optional<values> parse(const command& c, const std::vector<std::string>& args, std::string* why);
  std::map<std::string, std::vector<std::string>, std::less<>> given_;
  std::map<std::string, std::string, std::less<>> defaults_;
  std::string positional_;
  bool help_ = false;
};

// Parses the arguments after the subcommand's name. On a mistake, nothing, and `why` names the option,
// the value given and what it expects: "--seconds must be a number from 0.1 to 3600, got 'abc'".
std::optional<values> parse(const command& c, const std::vector<std::string>& args, std::string* why);

// The --help text: usage, description, then every option with its value, default and help.
std::string help(const command& c);

// A subcommand's first step, for argv = {voxgate, <name>, ...}: --help prints the help (exit status 0),
// a mistake prints "voxgate <name>: <why> (see --help)" to stderr (exit status 2). Returns the exit
// status when the subcommand should stop there; otherwise `out` holds the values.
std::optional<int> read(const command& c, int argc, char** argv, values& out);

}  // namespace voxgate::tools::args
