#include "bench/synthetic_scenario.hpp"

#include "models/lever_examples.hpp"

#include <string>

namespace pledgesim::bench {

namespace pm = pledgesim::models;

models::Scenario synthetic_scenario(std::size_t practitioners, std::size_t authorities,
                                    std::int64_t years) {
  pm::Scenario s = pm::builtin_default_scenario();  // behaviour, pay and agency as fitted
  s.name = "synthetic_" + std::to_string(practitioners);
  s.years = years;
  s.seed = 7;
  // Employed = practitioners / (1 + inactive share); 80% in posts, 20% agency;
  // a quarter of posts vacant; 5% of the total join each September.
  const double employed = static_cast<double>(practitioners) / (1 + s.population.inactive_share);
  const double per_authority = employed / static_cast<double>(authorities);
  static const char* kSubregions[] = {"Central", "East", "North", "South", "West"};
  s.authorities.clear();
  for (std::size_t e = 0; e < authorities; ++e) {
    pm::AuthorityData a;
    a.name = "Authority " + std::to_string(e);
    if (e % 10 == 8) {
      a.region = a.subregion = "South East";
      a.pay_index = 0.92;
    } else if (e % 10 == 9) {
      a.region = a.subregion = "East of England";
      a.pay_index = 0.90;
    } else {
      a.region = "London";
      a.subregion = kSubregions[e % 5];
      a.inner_london = e % 3 == 0;
      if (e % 2 == 0) a.signatory_from = sim::Date::from_ymd(2015, 4, 1);
    }
    a.inpost_fte = 0.8 * per_authority;
    a.agency_fte = 0.2 * per_authority;
    a.vacancy_fte = a.inpost_fte / 3;
    a.caseload = 15 + static_cast<double>(e % 5);
    s.authorities.push_back(a);
  }
  s.population.nqsw_intake_per_year =
      static_cast<std::int64_t>(0.05 * static_cast<double>(practitioners));
  s.agencies = {{"A", 2.0, 0.15}, {"B", 1.0, 0.2}, {"C", 1.0, 0.25}};
  s.pay.recruitment_cost_gbp_per_hire = 2000;

  s.policies = pm::one_of_every_lever(s.start);
  return s;
}

}  // namespace pledgesim::bench
