#include "models/policy_kinds.hpp"

#include <algorithm>
#include <stdexcept>

namespace pledgesim::models {

namespace {

PolicyField rates_by_role(std::string_view missing = "missing: the lever's value") {
  return {.key = "rate_gbp_per_hour",
          .member = &Policy::rate_gbp_per_hour,
          .min = 0,
          .max = 1000,
          .what = "GBP per hour",
          .missing = missing};
}

PolicyField weeks(double max) {
  return {.key = "weeks", .member = &Policy::weeks, .min = 0, .max = max, .what = "whole weeks"};
}

std::string stage_lengths_differ(const Policy& p) {
  if (p.stage_weeks.size() == p.stage_gbp.size()) return "";
  return "stage_weeks has " + std::to_string(p.stage_weeks.size()) + " stages but stage_gbp has " +
         std::to_string(p.stage_gbp.size()) + ": they must have the same length";
}

std::vector<PolicyKindDef> build() {
  using K = PolicyKind;
  std::vector<PolicyKindDef> kinds = {
      {.kind = K::agency_pay_cap,
       .fields = {rates_by_role()},
       .effect = "locums at authorities in scope are paid at most this per hour (agency charges "
                 "follow); the tightest cap in force wins"},
      {.kind = K::cooling_off,
       .fields = {weeks(520)},
       .effect = "no agency placement at an authority in scope for someone who left a permanent "
                 "post in the same region within this many weeks"},
      {.kind = K::agency_min_experience,
       .fields = {{.key = "pqe_years",
                   .member = &Policy::pqe_years,
                   .min = 0,
                   .max = 40,
                   .what = "years"}},
       .effect = "agency placements at authorities in scope only for practitioners with at least "
                 "this post-qualifying experience"},
      {.kind = K::harmonised_pay,
       .fields = {{.key = "band_share",
                   .member = &Policy::band_share,
                   .min = 0,
                   .max = 1,
                   .what = "a share, e.g. 0.02 for +/-2%"}},
       .effect = "at each April pay review, authorities in scope make no competitive rise and "
                 "keep their pay index within this share of the mean index of the authorities in "
                 "scope in their region"},
      {.kind = K::no_poach,
       .fields = {},
       .effect = "authorities in scope make no headhunting approach to staff of other "
                 "authorities in scope"},
      {.kind = K::shared_references,
       .fields = {{.key = "screen_share",
                   .member = &Policy::screen_share,
                   .min = 0,
                   .max = 1,
                   .what = "a probability"}},
       .effect = "authorities in scope turn away an agency applicant whose practice quality is "
                 "below `agency.reference_quality_threshold` with this probability (instead of "
                 "`agency.base_screen_share`)"},
      {.kind = K::agency_price_cap,
       .fields = {rates_by_role()},
       .effect = "the DfE variant: caps the hourly price (pay + employer NI, holiday pay and levy "
                 "= pay x (1 + `agency.on_cost_rate`)) rather than the pay; the margin sits on "
                 "top"},
      {.kind = K::staged_golden_hello,
       .fields = {{.key = "stage_weeks",
                   .member = &Policy::stage_weeks,
                   .min = 0,
                   .max = 520,
                   .what = "whole weeks",
                   .example = "[0, 26, 78]"},
                  {.key = "stage_gbp",
                   .member = &Policy::stage_gbp,
                   .min = 0,
                   .max = 1e6,
                   .what = "amounts in GBP",
                   .example = "[1000, 2000, 3000]"}},
       .effect = "a new permanent starter at an authority in scope is paid `stage_gbp[k]` when "
                 "their tenure reaches `stage_weeks[k]`; leaving earlier forfeits the rest "
                 "(clawback); the stages count in the value of an offer and unpaid ones in the "
                 "value of staying",
       .check = stage_lengths_differ,
       .check_key = "stage_weeks"},
      {.kind = K::retention_payment,
       .fields = {{.key = "gbp_per_year",
                   .member = &Policy::gbp_per_year,
                   .min = 0,
                   .max = 1e6,
                   .what = "GBP a year"},
                  {.key = "min_tenure_weeks",
                   .member = &Policy::min_tenure_weeks,
                   .min = 0,
                   .max = 2080,
                   .what = "whole weeks",
                   .optional = true}},
       .effect = "permanent staff of authorities in scope past that tenure are paid this a year, "
                 "weekly; it counts in the value of staying"},
      {.kind = K::notice_period,
       .fields = {weeks(52)},
       .effect = "a practitioner who accepts another post while working at an authority in scope "
                 "serves this notice before moving; the post taken is held for them meanwhile"},
      {.kind = K::inhouse_bank,
       .fields = {rates_by_role("missing: the bank's hourly pay by role"),
                  {.key = "cover_share",
                   .member = &Policy::cover_share,
                   .min = 0,
                   .max = 1,
                   .what = "a share of the locum need"}},
       .effect = "authorities in scope offer this share of the locums they want as bank work "
                 "(direct employment: no margin, no cooling-off) before agencies get the rest"},
      {.kind = K::asye_pipeline,
       .fields = {{.key = "min_share",
                   .member = &Policy::min_share,
                   .min = 0,
                   .max = 1,
                   .what = "a share of establishment"}},
       .effect = "authorities in scope supervise at least this share of their posts as ASYE "
                 "trainees and take newly qualified applicants first while below it"},
      {.kind = K::trainee_pay,
       .fields = {{.key = "pay_gbp_per_year",
                   .member = &Policy::pay_gbp_per_year,
                   .min = 0,
                   .max = 1e6,
                   .what = "GBP a year"}},
       .effect = "ASYE trainees at authorities in scope are paid this common rate instead of the "
                 "nqsw scale"},
      {.kind = K::progression_pathway,
       .fields = {{.key = "years_earlier",
                   .member = &Policy::years_earlier,
                   .min = 0,
                   .max = 40,
                   .what = "years"}},
       .effect = "post holders at authorities in scope are paid the role they would reach this "
                 "many years later; the uplift is an incentive cost"},
      {.kind = K::relocation_allowance,
       .fields = {{.key = "gbp", .member = &Policy::gbp, .min = 0, .max = 1e6, .what = "GBP"}},
       .effect = "paid to a starter at an authority in scope who moves in from another region; "
                 "counts in the value of such offers"},
  };
  // Indexed by kind: every kind once, in order.
  if (kinds.size() != kPolicyKindNames.size())
    throw std::logic_error("policy_kinds: not one entry per PolicyKind");
  for (std::size_t i = 0; i < kinds.size(); ++i)
    if (static_cast<std::size_t>(kinds[i].kind) != i)
      throw std::logic_error("policy_kinds: entries out of PolicyKind order");
  return kinds;
}

constexpr std::string_view kRateScale = "rate_scale";

// The sweep field that sets `field`, or "" when a sweep cannot set it.
std::string_view sweep_name(const PolicyField& field) {
  if (field.optional) return "";
  if (std::holds_alternative<std::array<double, kRoleCount> Policy::*>(field.member))
    return kRateScale;
  if (std::holds_alternative<double Policy::*>(field.member) ||
      std::holds_alternative<std::int64_t Policy::*>(field.member))
    return field.key;
  return "";
}

const PolicyField* sweep_target(PolicyKind kind, std::string_view field) {
  for (const auto& f : policy_kind(kind).fields)
    if (!sweep_name(f).empty() && sweep_name(f) == field) return &f;
  return nullptr;
}

}  // namespace

const std::vector<PolicyKindDef>& policy_kinds() {
  static const std::vector<PolicyKindDef> kinds = build();
  return kinds;
}

const PolicyKindDef& policy_kind(PolicyKind kind) {
  return policy_kinds()[static_cast<std::size_t>(kind)];
}

const std::vector<PolicySweepField>& policy_sweep_fields() {
  static const std::vector<PolicySweepField> fields = [] {
    std::vector<PolicySweepField> out;
    for (const auto& kind : policy_kinds())
      for (const auto& f : kind.fields) {
        const std::string name(sweep_name(f));
        if (name.empty() ||
            std::any_of(out.begin(), out.end(), [&](const auto& x) { return x.name == name; }))
          continue;
        out.push_back({name, std::holds_alternative<std::int64_t Policy::*>(f.member),
                       name == kRateScale ? " (multiplies the rates)" : ""});
      }
    return out;
  }();
  return fields;
}

bool policy_has_sweep_field(PolicyKind kind, std::string_view field) {
  return sweep_target(kind, field) != nullptr;
}

void set_policy_sweep_field(Policy& policy, const Policy& base, std::string_view field, double x) {
  const PolicyField* target = sweep_target(policy.kind, field);
  if (!target) return;
  std::visit(
      [&](auto member) {
        using T = std::remove_reference_t<decltype(policy.*member)>;
        if constexpr (std::is_same_v<T, std::array<double, kRoleCount>>) {
          for (int r = 0; r < kRoleCount; ++r) (policy.*member)[r] = (base.*member)[r] * x;
        } else if constexpr (std::is_arithmetic_v<T>) {
          policy.*member = static_cast<T>(x);
        }
      },
      target->member);
}

}  // namespace pledgesim::models
