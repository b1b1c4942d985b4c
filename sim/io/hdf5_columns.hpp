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

}  // namespace pledgesim::sim::h5
