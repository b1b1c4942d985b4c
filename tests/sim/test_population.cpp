// Tests of sim/core/population.hpp: structure-of-arrays agent storage.
#include "sim/core/population.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace pledgesim::sim {
namespace {

TEST(Population, StartsEmpty) {
  Population p;
  EXPECT_EQ(p.size(), 0u);
  EXPECT_TRUE(p.columns().empty());
  EXPECT_EQ(p.bytes_per_agent(), 0u);
  EXPECT_EQ(p.append(0), 0u);
  EXPECT_EQ(p.size(), 0u);
}

TEST(Population, AddColumnToExistingRowsUsesInitialValue) {
  Population p;
  EXPECT_EQ(p.append(5), 0u);
  auto& pay = p.add_column<double>("pay", 34000.5);
  auto& status = p.add_column<std::uint8_t>("status", 2);
  auto& zero = p.add_column<std::int32_t>("zero");  // T{} by default
  ASSERT_EQ(pay.span().size(), 5u);
  ASSERT_EQ(status.span().size(), 5u);
  ASSERT_EQ(zero.span().size(), 5u);
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(pay.span()[i], 34000.5);
    EXPECT_EQ(status.span()[i], 2);
    EXPECT_EQ(zero.span()[i], 0);
  }
  EXPECT_EQ(pay.name(), "pay");
  EXPECT_EQ(pay.type(), ColumnType::f64);
  EXPECT_EQ(status.type(), ColumnType::u8);
  EXPECT_EQ(zero.type(), ColumnType::i32);
}

TEST(Population, AppendKeepsExistingValuesAndIds) {
  Population p;
  auto& id_copy = p.add_column<std::uint32_t>("id_copy", 0xFFFFFFFFu);
  auto& tenure = p.add_column<float>("tenure", -1.0f);
  EXPECT_EQ(p.append(3), 0u);
  for (std::size_t i = 0; i < 3; ++i) {
    id_copy.span()[i] = static_cast<std::uint32_t>(i);
    tenure.span()[i] = 10.0f + static_cast<float>(i);
  }
  // Grow repeatedly (forcing reallocation); ids (rows) and values stay put.
  std::size_t expected_first = 3;
  for (std::size_t chunk : {1u, 7u, 1000u, 0u, 50000u}) {
    const std::size_t first = p.append(chunk);
    EXPECT_EQ(first, expected_first);
    expected_first += chunk;
    EXPECT_EQ(p.size(), expected_first);
    // Spans must be taken again after growing.
    auto ids = p.column<std::uint32_t>("id_copy").span();
    auto ten = p.column<float>("tenure").span();
    ASSERT_EQ(ids.size(), p.size());
    ASSERT_EQ(ten.size(), p.size());
    for (std::size_t i = 0; i < 3; ++i) {
      EXPECT_EQ(ids[i], i);
      EXPECT_EQ(ten[i], 10.0f + static_cast<float>(i));
    }
    // New rows start at the column's initial value.
    for (std::size_t i = first; i < p.size(); ++i) {
      ASSERT_EQ(ids[i], 0xFFFFFFFFu) << i;
      ASSERT_EQ(ten[i], -1.0f) << i;
    }
    // Give the new rows their own values, which later appends must keep.
    for (std::size_t i = first; i < p.size(); ++i) ids[i] = static_cast<std::uint32_t>(i);
    for (std::size_t i = 0; i < p.size(); ++i) ASSERT_EQ(ids[i], i);
  }
}

TEST(Population, ColumnAddedLaterCoversAllRowsAndGrowsWithThem) {
  Population p;
  p.add_column<std::int16_t>("a", 1);
  p.append(4);
  auto& b = p.add_column<std::int16_t>("b", -7);
  EXPECT_EQ(b.span().size(), 4u);
  p.append(2);
  auto bs = p.column<std::int16_t>("b").span();
  ASSERT_EQ(bs.size(), 6u);
  for (auto v : bs) EXPECT_EQ(v, -7);
  auto as = p.column<std::int16_t>("a").span();
  ASSERT_EQ(as.size(), 6u);
  for (auto v : as) EXPECT_EQ(v, 1);
}

TEST(Population, ReserveChangesNothingVisible) {
  Population p;
  auto& c = p.add_column<double>("x", 2.5);
  p.append(2);
  c.span()[0] = 9;
  p.reserve(100000);
  EXPECT_EQ(p.size(), 2u);
  ASSERT_EQ(p.column<double>("x").span().size(), 2u);
  EXPECT_EQ(p.column<double>("x").span()[0], 9);
  EXPECT_EQ(p.column<double>("x").span()[1], 2.5);
}

TEST(Population, ColumnLookupReturnsTheSameColumn) {
  Population p;
  auto& c = p.add_column<std::uint16_t>("employer", 3);
  p.append(1);
  EXPECT_EQ(&p.column<std::uint16_t>("employer"), &c);
  const auto& cols = p.columns();
  ASSERT_EQ(cols.size(), 1u);
  EXPECT_EQ(cols[0]->name(), "employer");
  EXPECT_EQ(cols[0]->type(), ColumnType::u16);
  EXPECT_EQ(cols[0]->element_bytes(), 2u);
  EXPECT_EQ(cols[0]->raw(), static_cast<const void*>(c.span().data()));
  EXPECT_EQ(*static_cast<const std::uint16_t*>(cols[0]->raw()), 3);
}

TEST(Population, DuplicateColumnNameThrows) {
  Population p;
  p.add_column<double>("pay");
  EXPECT_THROW(p.add_column<double>("pay"), std::logic_error);
  EXPECT_THROW(p.add_column<float>("pay"), std::logic_error);  // even with another type
  EXPECT_EQ(p.columns().size(), 1u);
  EXPECT_NO_THROW(p.add_column<double>("pay2"));
}

TEST(Population, WrongTypeOrMissingColumnThrows) {
  Population p;
  p.add_column<double>("pay");
  p.add_column<std::int16_t>("employer");
  EXPECT_THROW(p.column<float>("pay"), std::logic_error);
  EXPECT_THROW(p.column<std::int32_t>("pay"), std::logic_error);
  EXPECT_THROW(p.column<std::uint16_t>("employer"), std::logic_error);  // signedness matters
  EXPECT_THROW(p.column<double>("missing"), std::logic_error);
  EXPECT_NO_THROW(p.column<double>("pay"));
  EXPECT_NO_THROW(p.column<std::int16_t>("employer"));
}

TEST(Population, BytesPerAgentSumsElementSizes) {
  Population p;
  p.add_column<std::uint8_t>("a");
  EXPECT_EQ(p.bytes_per_agent(), 1u);
  p.add_column<std::uint16_t>("b");
  p.add_column<std::int16_t>("c");
  p.add_column<std::int32_t>("d");
  p.add_column<std::uint32_t>("e");
  p.add_column<float>("f");
  p.add_column<double>("g");
  EXPECT_EQ(p.bytes_per_agent(), 1u + 2 + 2 + 4 + 4 + 4 + 8);
  p.append(1000);  // independent of the number of rows
  EXPECT_EQ(p.bytes_per_agent(), 25u);
}

TEST(Population, ColumnTypesMatchTheirCppTypes) {
  EXPECT_EQ(column_type_of<std::uint8_t>(), ColumnType::u8);
  EXPECT_EQ(column_type_of<std::uint16_t>(), ColumnType::u16);
  EXPECT_EQ(column_type_of<std::int16_t>(), ColumnType::i16);
  EXPECT_EQ(column_type_of<std::int32_t>(), ColumnType::i32);
  EXPECT_EQ(column_type_of<std::uint32_t>(), ColumnType::u32);
  EXPECT_EQ(column_type_of<float>(), ColumnType::f32);
  EXPECT_EQ(column_type_of<double>(), ColumnType::f64);
}

}  // namespace
}  // namespace pledgesim::sim
