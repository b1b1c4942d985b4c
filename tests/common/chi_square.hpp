// The 99.9% quantile of the chi-square distribution (Boost.Math), the one
// threshold of the tests' chi-square checks.
#pragma once

#include <boost/math/distributions/chi_squared.hpp>

namespace pledgesim::test_util {

inline double chi2_quantile_999(double degrees_of_freedom) {
  return boost::math::quantile(boost::math::chi_squared(degrees_of_freedom), 0.999);
}

}  // namespace pledgesim::test_util
