#include "analysis/cpp/nelder_mead.hpp"

#include <algorithm>
#include <numeric>
#include <vector>

namespace pledgesim::analysis {

NelderMeadResult minimise_in_unit_box(const Objective& f, const Eigen::VectorXd& start,
                                      const NelderMeadOptions& options) {
  const Eigen::Index n = start.size();
  NelderMeadResult result;
  auto clamp = [](Eigen::VectorXd x) { return x.cwiseMax(0.0).cwiseMin(1.0).eval(); };
  auto eval = [&](const Eigen::VectorXd& x) {
    ++result.evaluations;
    return f(x);
  };
  // Starting simplex: the start and one step along each axis (backwards
  // where a forward step would leave the box).
  std::vector<Eigen::VectorXd> x(static_cast<std::size_t>(n) + 1, clamp(start));
  for (Eigen::Index i = 0; i < n; ++i) {
    auto& v = x[static_cast<std::size_t>(i) + 1];
    v(i) += v(i) + options.initial_step <= 1.0 ? options.initial_step : -options.initial_step;
  }
  std::vector<double> fx(x.size());
  for (std::size_t k = 0; k < x.size(); ++k) fx[k] = eval(x[k]);
  std::vector<std::size_t> order(x.size());

  while (result.evaluations < options.max_evaluations) {
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(),
                     [&](std::size_t a, std::size_t b) { return fx[a] < fx[b]; });
    const std::size_t best = order.front(), worst = order.back(), second = order[order.size() - 2];
    double spread = 0;
    for (const auto& v : x) spread = std::max(spread, (v - x[best]).cwiseAbs().maxCoeff());
    if (fx[worst] - fx[best] <= options.value_tolerance || spread <= options.point_tolerance) {
      result.converged = true;
      break;
    }
    Eigen::VectorXd centroid = Eigen::VectorXd::Zero(n);
    for (std::size_t k = 0; k < x.size(); ++k)
      if (k != worst) centroid += x[k];
    centroid /= static_cast<double>(n);

    const Eigen::VectorXd reflected = clamp(centroid + (centroid - x[worst]));
    const double fr = eval(reflected);
    if (fr < fx[best]) {
      const Eigen::VectorXd expanded = clamp(centroid + 2.0 * (centroid - x[worst]));
      const double fe = eval(expanded);
      if (fe < fr)
        x[worst] = expanded, fx[worst] = fe;
      else
        x[worst] = reflected, fx[worst] = fr;
      continue;
    }
    if (fr < fx[second]) {
      x[worst] = reflected, fx[worst] = fr;
      continue;
    }
    // Contract towards the better of the worst and the reflected point.
    const bool outside = fr < fx[worst];
    const Eigen::VectorXd contracted = outside ? clamp(centroid + 0.5 * (reflected - centroid))
                                               : clamp(centroid + 0.5 * (x[worst] - centroid));
    const double fc = eval(contracted);
    if (fc < (outside ? fr : fx[worst])) {
      x[worst] = contracted, fx[worst] = fc;
      continue;
    }
    // Shrink every vertex towards the best.
    for (std::size_t k = 0; k < x.size() && result.evaluations < options.max_evaluations; ++k) {
      if (k == best) continue;
      x[k] = x[best] + 0.5 * (x[k] - x[best]);
      fx[k] = eval(x[k]);
    }
  }
  const auto it = std::min_element(fx.begin(), fx.end());
  result.best = x[static_cast<std::size_t>(it - fx.begin())];
  result.value = *it;
  return result;
}

}  // namespace pledgesim::analysis
