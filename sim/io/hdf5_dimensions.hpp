// Labelled dimensions that netCDF-4 readers (h5netcdf, xarray) understand:
// a dimension is an HDF5 dimension scale named after it, in the same group
// as the variables that use it (h5netcdf looks a variable's dimension up by
// the name of the last scale attached to each axis, among the dimensions of
// the variable's own group and its ancestors, so scales in sibling groups
// leave the dimensions unnamed). Other 1-D variables on a dimension are
// listed in each data variable's `coordinates` attribute (CF), so xarray
// makes them coordinates.
#pragma once

#include <string>
#include <vector>

#include "sim/io/hdf5_util.hpp"

namespace pledgesim::sim::h5 {

// Makes `ds` (1-D) the dimension scale `name` (its dataset name should be
// `name` too: readers name the dimension after the dataset).
void make_dimension(hid_t ds, const std::string& name);

// Attaches `scales[k]` to axis k of `ds` and labels the axis with `labels[k]`
// (the DIMENSION_LABELS h5py shows as ds.dims[k].label).
void attach_dimensions(hid_t ds, const std::vector<hid_t>& scales,
                       const std::vector<std::string>& labels);

// The CF attribute `coordinates`: the names, space-separated.
void write_coordinates_attribute(hid_t ds, const std::vector<std::string>& names);

}  // namespace pledgesim::sim::h5
