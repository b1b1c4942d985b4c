// HDF5 types of the engine's column types (sim/core/column_type.hpp), and
// plain 1-D column datasets: what checkpoints and the event table store.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "sim/core/column_type.hpp"
#include "sim/io/hdf5_util.hpp"

namespace pledgesim::sim::h5 {

// Little-endian file type and native memory type of a column type.
hid_t file_type(ColumnType type);
hid_t memory_type(ColumnType type);
// The column type of an HDF5 integer or float type; nullopt for any other.
std::optional<ColumnType> column_type_of_hdf5(hid_t type);

// A 1-D dataset written in one go, chunked (at most `chunk_rows` a chunk)
// with a Fletcher-32 checksum on every chunk, so corruption is detected on
// reading. `name` may contain '/': missing groups are created.
Handle write_checked_column(hid_t parent, const std::string& name, ColumnView column,
                            std::size_t chunk_rows = std::size_t{1} << 20);

// Variable-length UTF-8 strings written through a small conversion buffer
// (the library's default allocates and clears 2 MiB for every write, which
// dominates the cost of a checkpoint): a 1-D dataset, or a scalar one.
Handle write_strings_compact(hid_t parent, const std::string& name,
                             const std::vector<std::string>& values);
void write_scalar_string_compact(hid_t parent, const std::string& name, const std::string& value);

}  // namespace pledgesim::sim::h5
