// FNV-1a fingerprints against the published test vectors, and the manifest
// lines they are stored in.
#include "sim/io/fingerprint.hpp"

#include <gtest/gtest.h>

namespace pledgesim::sim {
namespace {

TEST(Fingerprint, MatchesThePublishedFnv1a64Vectors) {
  EXPECT_EQ(fnv1a64(""), 0xcbf29ce484222325ULL);  // the offset basis
  EXPECT_EQ(fnv1a64("a"), 0xaf63dc4c8601ec8cULL);
  EXPECT_EQ(fnv1a64("foobar"), 0x85944171f73967e8ULL);
  EXPECT_EQ(fnv1a64_hex("a"), "af63dc4c8601ec8c");
  EXPECT_EQ(fnv1a64_hex(""), "cbf29ce484222325");
}

TEST(Fingerprint, HashesEveryByteIncludingNul) {
  using namespace std::string_view_literals;
  EXPECT_NE(fnv1a64("a\0b"sv), fnv1a64("ab"sv));
  EXPECT_NE(fnv1a64("\xff"sv), fnv1a64("\x7f"sv));  // bytes taken unsigned
}

TEST(Fingerprint, QuotedValueReadsTheFirstMatchingLineOnly) {
  const std::string text =
      "# comment\nruns = \"24\"\nrunsx = \"9\"\nsweep_file = \"a b.toml\"\nruns = \"99\"\n"
      "empty = \"\"\nbad = 12\n";
  EXPECT_EQ(quoted_value(text, "runs"), "24");
  EXPECT_EQ(quoted_value(text, "sweep_file"), "a b.toml");
  EXPECT_EQ(quoted_value(text, "runsx"), "9");
  EXPECT_EQ(quoted_value(text, "empty"), "");
  EXPECT_EQ(quoted_value(text, "bad"), std::nullopt);  // not quoted
  EXPECT_EQ(quoted_value(text, "missing"), std::nullopt);
  EXPECT_EQ(quoted_value("runs = \"7\"", "runs"), "7");  // no final newline
}

}  // namespace
}  // namespace pledgesim::sim
