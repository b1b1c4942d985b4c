#include "app/commands/decimal_options.hpp"

#include <cctype>
#include <string>

namespace pledgesim::app {

namespace {

std::string as_decimal(std::string& value) {
  std::size_t digits = (value.starts_with('-') || value.starts_with('+')) ? 1 : 0;
  if (value.size() > digits + 1 && value[digits] == '0') {
    const char base =
        static_cast<char>(std::tolower(static_cast<unsigned char>(value[digits + 1])));
    if (base == 'x' || base == 'b' || base == 'o')
      return "'" + value + "' is not a decimal whole number";
    std::size_t first = digits;
    while (first + 1 < value.size() && value[first] == '0') ++first;
    value.erase(digits, first - digits);
  }
  return "";
}

bool is_integer_option(const CLI::Option& option) {
  const std::string type = option.get_type_name();
  return type.starts_with("INT") || type.starts_with("UINT");
}

}  // namespace

void read_integers_as_decimal(CLI::App& app) {
  for (CLI::App* command : app.get_subcommands({}))
    for (CLI::Option* option : command->get_options())
      if (is_integer_option(*option)) option->transform(CLI::Validator(as_decimal, ""));
}

}  // namespace pledgesim::app
