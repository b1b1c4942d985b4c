// Tests of h5::foreign_storage_problem (sim/io/hdf5_util.hpp): a file whose
// objects take their data from elsewhere (external storage, a virtual
// dataset, external or soft links) or declare more data than the file could
// hold is refused with a reason naming the object; the layouts pledgesim
// writes, and data really held in the file however well compressed, are not.
#include <gtest/gtest.h>
#include <hdf5.h>

#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "sim/io/hdf5_util.hpp"
#include "tests/common/temp_dir.hpp"

namespace pledgesim::sim::h5 {
namespace {

namespace fs = std::filesystem;

class ForeignStorageTest : public test_util::TempDirTest {
 protected:
  // Writes a file with `fill`, then opens it read-only and checks it.
  std::optional<std::string> problem_of(const std::function<void(hid_t)>& fill) {
    const fs::path path = dir_ / "file.h5";
    {
      Handle f(H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
               "create " + path.string());
      fill(f);
    }
    Handle f(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose, "open " + path.string());
    return foreign_storage_problem(f);
  }

  // A dataset of `dims` doubles with creation properties `dcpl`, unwritten.
  static void create_doubles(hid_t parent, const std::string& name,
                             const std::vector<hsize_t>& dims, hid_t dcpl) {
    Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose,
                 "create space");
    Handle ds(
        H5Dcreate2(parent, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
        H5Dclose, "create " + name);
  }

  static Handle chunked(hsize_t chunk, int deflate_level = -1) {
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dcpl");
    check(H5Pset_chunk(dcpl, 1, &chunk), "set chunk");
    if (deflate_level >= 0) check(H5Pset_deflate(dcpl, deflate_level), "set deflate");
    return dcpl;
  }

  // Another file, other.h5, with a dataset /data of 10 doubles.
  fs::path other_file() {
    const fs::path other = dir_ / "other.h5";
    Handle f(H5Fcreate(other.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose,
             "create other");
    write_doubles(f, "data", std::vector<double>(10, 1.5), {10});
    return other;
  }
};

TEST_F(ForeignStorageTest, AcceptsWhatTheWritersWrite) {
  const auto problem = problem_of([](hid_t f) {
    Handle g = create_group(f, "series");
    write_doubles(g, "contiguous", std::vector<double>(100, 2.0), {10, 10});
    write_strings(f, "names", {"a", "b"});
    write_scalar_string(f, "text", "scenario");
    Handle compact(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dcpl");
    check(H5Pset_layout(compact, H5D_COMPACT), "set compact");
    create_doubles(g, "compact", {4}, compact);
    create_doubles(g, "chunked", {1000}, chunked(100, 1));
    Handle nested = create_group(g, "nested");
    write_int64s(nested, "seeds", {1, 2, 3});
  });
  EXPECT_EQ(problem, std::nullopt);
}

TEST_F(ForeignStorageTest, AcceptsDataHeldCompressedAtDeflatesBestRatio) {
  // 128 MiB of zeros, written: about 130 KB at level 9 (1032:1, deflate's
  // most), so past the fixed allowance and still within the bound.
  const auto problem = problem_of([](hid_t f) {
    const hsize_t n = hsize_t{16} << 20;
    Handle dcpl = chunked(hsize_t{1} << 20, 9);
    Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create space");
    Handle ds(H5Dcreate2(f, "zeros", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
              H5Dclose, "create zeros");
    const std::vector<double> zeros(n, 0.0);
    check(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, zeros.data()),
          "write zeros");
  });
  EXPECT_EQ(problem, std::nullopt);
}

TEST_F(ForeignStorageTest, RefusesExternalStorage) {
  const fs::path raw = dir_ / "values.raw";
  const auto problem = problem_of([&](hid_t f) {
    Handle g = create_group(f, "series");
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dcpl");
    check(H5Pset_external(dcpl, raw.c_str(), 0, 80), "set external");
    create_doubles(g, "agency_fte", {10}, dcpl);
  });
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem,
            "dataset /series/agency_fte reads its data from an external file "
            "(external storage: " +
                raw.string() + "); a pledgesim file must hold its own data");
}

TEST_F(ForeignStorageTest, RefusesVirtualDatasets) {
  const fs::path other = other_file();
  const auto problem = problem_of([&](hid_t f) {
    const hsize_t n = 10;
    Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose, "create space");
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dcpl");
    check(H5Pset_virtual(dcpl, space, other.c_str(), "/data", space), "map source");
    Handle ds(H5Dcreate2(f, "mapped", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
              H5Dclose, "create virtual dataset");
  });
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem,
            "dataset /mapped is a virtual dataset (VDS) that reads its data from "
            "elsewhere (/data in " +
                other.string() + "); a pledgesim file must hold its own data");
}

TEST_F(ForeignStorageTest, RefusesExternalLinksWithoutFollowingThem) {
  const auto problem = problem_of([](hid_t f) {
    Handle g = create_group(f, "employers");
    // The target does not exist: the check must not need to follow it.
    check(H5Lcreate_external("absent.h5", "/employers/name", g, "name", H5P_DEFAULT, H5P_DEFAULT),
          "link");
  });
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem,
            "/employers/name is not a dataset or group but an external link (to /employers/name "
            "in absent.h5); a pledgesim file must hold its own data");
}

TEST_F(ForeignStorageTest, RefusesSoftLinks) {
  const auto problem = problem_of([](hid_t f) {
    Handle g = create_group(f, "series");
    write_doubles(g, "agency_cost_gbp", {1.0, 2.0}, {2});
    check(H5Lcreate_soft("/series/agency_cost_gbp", g, "agency_fte", H5P_DEFAULT, H5P_DEFAULT),
          "link");
  });
  ASSERT_TRUE(problem);
  EXPECT_EQ(*problem,
            "/series/agency_fte is not a dataset or group but a soft link (to "
            "/series/agency_cost_gbp); pledgesim files have no soft links");
}

TEST_F(ForeignStorageTest, RefusesDeclaredSizesTheFileCannotHold) {
  const auto problem = problem_of([](hid_t f) {
    Handle g = create_group(f, "series");
    create_doubles(g, "agency_fte", {hsize_t{1000000} * 1000000}, chunked(1024));
  });
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("dataset /series/agency_fte declares 8000000000000 bytes (shape "
                          "[1000000000000] of 8-byte values), more than a file of "),
            std::string::npos)
      << *problem;
  EXPECT_NE(problem->find("bytes can hold even compressed: its values were never written"),
            std::string::npos)
      << *problem;
}

TEST_F(ForeignStorageTest, ShapesWhoseSizeOverflowsAreRefused) {
  const auto problem = problem_of([](hid_t f) {
    const std::vector<hsize_t> dims = {hsize_t{1} << 40, hsize_t{1} << 40};
    Handle space(H5Screate_simple(2, dims.data(), nullptr), H5Sclose, "create space");
    const hsize_t chunk[2] = {1, 1024};
    Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose, "create dcpl");
    check(H5Pset_chunk(dcpl, 2, chunk), "set chunk");
    Handle ds(H5Dcreate2(f, "huge", H5T_IEEE_F64LE, space, H5P_DEFAULT, dcpl, H5P_DEFAULT),
              H5Dclose, "create huge");
  });
  ASSERT_TRUE(problem);
  EXPECT_NE(problem->find("dataset /huge declares more than 2^64 bytes"), std::string::npos)
      << *problem;
}

}  // namespace
}  // namespace pledgesim::sim::h5
