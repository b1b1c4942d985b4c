#include "sim/io/hdf5_dimensions.hpp"

#include <hdf5_hl.h>

#include <stdexcept>

namespace pledgesim::sim::h5 {

void make_dimension(hid_t ds, const std::string& name) {
  check(H5DSset_scale(ds, name.c_str()), "make " + name + " a dimension scale");
}

void attach_dimensions(hid_t ds, const std::vector<hid_t>& scales,
                       const std::vector<std::string>& labels) {
  if (scales.size() != labels.size())
    throw std::logic_error("attach_dimensions: one label per scale");
  for (std::size_t k = 0; k < scales.size(); ++k) {
    const auto axis = static_cast<unsigned>(k);
    check(H5DSattach_scale(ds, scales[k], axis), "attach the " + labels[k] + " scale");
    check(H5DSset_label(ds, axis, labels[k].c_str()), "label dimension " + labels[k]);
  }
}

void write_coordinates_attribute(hid_t ds, const std::vector<std::string>& names) {
  std::string joined;
  for (const auto& n : names) joined += (joined.empty() ? "" : " ") + n;
  write_string_attribute(ds, "coordinates", joined);
}

}  // namespace pledgesim::sim::h5
