// Element types of typed columns (population columns, event columns, saved
// state): a small closed set that every writer (HDF5, memory) can store.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace pledgesim::sim {

enum class ColumnType { u8, u16, i16, i32, u32, f32, f64, i8, i64 };

template <class T>
constexpr ColumnType column_type_of();
template <>
constexpr ColumnType column_type_of<std::uint8_t>() {
  return ColumnType::u8;
}
template <>
constexpr ColumnType column_type_of<std::uint16_t>() {
  return ColumnType::u16;
}
template <>
constexpr ColumnType column_type_of<std::int16_t>() {
  return ColumnType::i16;
}
template <>
constexpr ColumnType column_type_of<std::int32_t>() {
  return ColumnType::i32;
}
template <>
constexpr ColumnType column_type_of<std::uint32_t>() {
  return ColumnType::u32;
}
template <>
constexpr ColumnType column_type_of<float>() {
  return ColumnType::f32;
}
template <>
constexpr ColumnType column_type_of<double>() {
  return ColumnType::f64;
}
template <>
constexpr ColumnType column_type_of<std::int8_t>() {
  return ColumnType::i8;
}
template <>
constexpr ColumnType column_type_of<std::int64_t>() {
  return ColumnType::i64;
}

constexpr std::size_t element_bytes(ColumnType t) {
  switch (t) {
    case ColumnType::u8:
    case ColumnType::i8:
      return 1;
    case ColumnType::u16:
    case ColumnType::i16:
      return 2;
    case ColumnType::i32:
    case ColumnType::u32:
    case ColumnType::f32:
      return 4;
    case ColumnType::f64:
    case ColumnType::i64:
      return 8;
  }
  return 0;
}

constexpr std::string_view column_type_name(ColumnType t) {
  switch (t) {
    case ColumnType::u8:
      return "uint8";
    case ColumnType::u16:
      return "uint16";
    case ColumnType::i16:
      return "int16";
    case ColumnType::i32:
      return "int32";
    case ColumnType::u32:
      return "uint32";
    case ColumnType::f32:
      return "float32";
    case ColumnType::f64:
      return "float64";
    case ColumnType::i8:
      return "int8";
    case ColumnType::i64:
      return "int64";
  }
  return "?";
}

// A read-only view of one typed column: `size` elements of `type` at `data`.
struct ColumnView {
  ColumnType type = ColumnType::u8;
  const void* data = nullptr;
  std::size_t size = 0;
};

}  // namespace pledgesim::sim
