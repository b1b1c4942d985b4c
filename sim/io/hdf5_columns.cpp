#include "sim/io/hdf5_columns.hpp"

#include <algorithm>

namespace pledgesim::sim::h5 {

hid_t file_type(ColumnType type) {
  switch (type) {
    case ColumnType::u8:
      return H5T_STD_U8LE;
    case ColumnType::i8:
      return H5T_STD_I8LE;
    case ColumnType::u16:
      return H5T_STD_U16LE;
    case ColumnType::i16:
      return H5T_STD_I16LE;
    case ColumnType::i32:
      return H5T_STD_I32LE;
    case ColumnType::u32:
      return H5T_STD_U32LE;
    case ColumnType::i64:
      return H5T_STD_I64LE;
    case ColumnType::f32:
      return H5T_IEEE_F32LE;
    case ColumnType::f64:
      return H5T_IEEE_F64LE;
  }
  throw Hdf5Error("unknown column type");
}

hid_t memory_type(ColumnType type) {
  switch (type) {
    case ColumnType::u8:
      return H5T_NATIVE_UINT8;
    case ColumnType::i8:
      return H5T_NATIVE_INT8;
    case ColumnType::u16:
      return H5T_NATIVE_UINT16;
    case ColumnType::i16:
      return H5T_NATIVE_INT16;
    case ColumnType::i32:
      return H5T_NATIVE_INT32;
    case ColumnType::u32:
      return H5T_NATIVE_UINT32;
    case ColumnType::i64:
      return H5T_NATIVE_INT64;
    case ColumnType::f32:
      return H5T_NATIVE_FLOAT;
    case ColumnType::f64:
      return H5T_NATIVE_DOUBLE;
  }
  throw Hdf5Error("unknown column type");
}

std::optional<ColumnType> column_type_of_hdf5(hid_t type) {
  const std::size_t size = H5Tget_size(type);
  switch (H5Tget_class(type)) {
    case H5T_INTEGER: {
      const bool is_signed = H5Tget_sign(type) == H5T_SGN_2;
      switch (size) {
        case 1:
          return is_signed ? ColumnType::i8 : ColumnType::u8;
        case 2:
          return is_signed ? ColumnType::i16 : ColumnType::u16;
        case 4:
          return is_signed ? ColumnType::i32 : ColumnType::u32;
        case 8:
          if (is_signed) return ColumnType::i64;
          return std::nullopt;
        default:
          return std::nullopt;
      }
    }
    case H5T_FLOAT:
      if (size == 4) return ColumnType::f32;
      if (size == 8) return ColumnType::f64;
      return std::nullopt;
    default:
      return std::nullopt;
  }
}

Handle write_checked_column(hid_t parent, const std::string& name, ColumnView column,
                            std::size_t chunk_rows) {
  const hsize_t n = column.size;
  Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create space for " + name);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create property list");
  if (n > 0) {
    const hsize_t chunk = std::min<hsize_t>(n, std::max<std::size_t>(1, chunk_rows));
    check(H5Pset_chunk(dcpl, 1, &chunk), "set chunking of " + name);
    check(H5Pset_fletcher32(dcpl), "set checksum of " + name);
  }
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose, "create link property list");
  check(H5Pset_create_intermediate_group(lcpl, 1), "allow intermediate groups");
  Handle ds(
      H5Dcreate2(parent, name.c_str(), file_type(column.type), space, lcpl, dcpl, H5P_DEFAULT),
      H5Dclose, "create dataset " + name);
  if (n > 0)
    check(H5Dwrite(ds, memory_type(column.type), H5S_ALL, H5S_ALL, small_transfer(), column.data),
          "write " + name);
  return ds;
}

}  // namespace pledgesim::sim::h5
