// The labour market: practitioners (structure-of-arrays columns) and the
// authorities that employ them, advanced one week at a time.
//
// A week visits only the practitioners something may happen to: those with
// a candidate week of a thinned hazard or a dated event (end of a notice,
// the ASYE year, a role, a hello stage, retention, retirement) due, and
// everyone at an authority whose stress could exceed a hazard's bound.
// (1) each visited practitioner is brought up to date, may leave, may
// search and applies to the best offer (parallel, own slots only); (2)
// each authority ranks its applicants by a deterministic key and accepts up
// to its capacity; (3) each mover applies the outcome; the per-authority
// stocks change by what the visited add and take back, and the week's flows
// are summed in fixed blocks; (4) authorities update vacancies, caseloads
// and agency cover (O(authorities)). Annual events (April pay uplift,
// September intake) run between weeks.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <span>
#include <vector>

#include "models/events.hpp"
#include "models/input_paths.hpp"
#include "models/metrics.hpp"
#include "models/roles.hpp"
#include "models/scenario.hpp"
#include "models/vacancy_ledger.hpp"
#include "sim/core/calendar.hpp"
#include "sim/core/indexed_sampler.hpp"
#include "sim/core/parallel.hpp"
#include "sim/core/population.hpp"
#include "sim/core/random.hpp"
#include "sim/core/state.hpp"
#include "sim/core/thinning.hpp"
#include "sim/io/recorder.hpp"

namespace pledgesim::models {

namespace detail {
struct StockLayout;
}

// The random-number contract: which draws a run takes, keyed how. A change
// that alters any output's bits under the same seed raises it (the output
// file's root attribute rng_contract says which produced it).
// 1: one draw of every hazard for every practitioner every week.
// 2: hazards by thinning (sim/core/thinning.hpp,
//    models/market_detail.hpp): draws on candidate weeks,
//    stress as an employer filter plus a personal offset.
// 3: event-driven: only practitioners with something due are visited;
//    stocks kept from week to week, mean stress from per-employer sums of
//    offsets; the end of an assignment thinned too (release stream); looking
//    for work out of work a process of its own (return stream); bounds
//    lowered where visits cost most (models/market_detail.hpp).
inline constexpr std::int64_t kRngContract = 3;

using StatusCounts = std::array<std::int64_t, kStatusCount>;
using TransitionCounts = std::array<std::array<std::int64_t, kStatusCount>, kStatusCount>;

class LabourMarket {
 public:
  explicit LabourMarket(const Scenario& scenario);

  // An upper bound on the memory one market of `scenario` takes: its
  // practitioner rows (everyone at the start and every September intake of
  // the spin-up and the run, at their unshocked sizes) times the bytes of a
  // row, plus the per-authority tables. Known before anything is allocated,
  // so a run too big for the machine is refused with a message instead of
  // std::bad_alloc partway.
  static std::uint64_t memory_bound_bytes(const Scenario& scenario);

  void step();

  // Weeks run since the scenario's start (the spin-up, run on construction,
  // not counted), and the calendar from the start.
  std::int64_t weeks_done() const { return week_ - spin_weeks_; }
  const sim::WeeklyClock& clock() const { return run_clock_; }
  std::size_t authority_count() const { return authorities_.size(); }
  const Scenario& scenario() const { return scenario_; }
  const sim::Population& population() const { return population_; }

  // Series of the last completed week, metric-major: [metric][authority]
  // (authorities in /employers order).
  std::span<const double> week_series() const { return series_; }
  // Practitioners by status now, counted from the columns.
  const StatusCounts& status_counts() const { return status_counts_; }
  // Status changes during the last week: [from][to] (diagonal = no change).
  const TransitionCounts& last_transitions() const { return transitions_; }
  // Stress of practitioner i after the last completed week (before any, the
  // initial stress): the filter of their employer's stress targets (or of 0
  // when not in work) plus their offset from it, decayed.
  double stress(std::size_t i) const {
    return stress_now(i, stress_slot(static_cast<Status>(col_.status[i]), col_.employer[i]));
  }
  // Experience, tenure, role and weeks since leaving a permanent post of
  // practitioner i after the last completed week. (The columns hold them as
  // of the practitioner's last visit, the week before `aged_to`.)
  std::uint16_t pqe_weeks(std::size_t i) const;
  std::uint16_t tenure_weeks(std::size_t i) const;
  std::uint8_t role(std::size_t i) const;
  std::uint16_t weeks_since_left_permanent(std::size_t i) const;
  // The stocks kept from week to week against a recount from the columns
  // (exact), and the stress sums against a fresh sum (to rounding): what
  // differs, empty when all agree. O(population); for checks and tests.
  std::vector<std::string> stock_discrepancies() const;
  // The first candidate week of a thinned hazard at or after the next week
  // (kNoWeek: none within any run), for practitioner i: a function of the
  // seed, the practitioner and the week they joined only, whatever the
  // scenario (common random numbers).
  enum class Hazard { leave, search, approach, release, return_to_work };
  std::uint16_t next_candidate(Hazard h, std::size_t i) const;
  // Practitioners added (newly qualified) at the start of the last week.
  std::int64_t last_intake() const { return last_intake_; }
  const VacancyLedger& ledger(std::size_t authority) const { return ledgers_[authority]; }
  // Levers in force during the last step (or the first, before any step).
  const std::vector<AuthorityLevers>& levers() const { return levers_; }

  // Zones ("region/subregion") where practitioners live (column home_zone).
  const std::string& zone_name(std::uint8_t zone) const { return zone_names_[zone]; }

  // What step() did, summed over the weeks run (for benchmarks, profiling
  // and tests; not part of any output): the wall time of each phase, and
  // who was visited.
  struct StepStats {
    double events_and_prices = 0, choose = 0, clear = 0, apply = 0, authorities = 0;
    // Practitioners visited; authority-weeks where every post holder, or
    // every locum, was visited (stress or release above a bound).
    std::int64_t visits = 0, all_posts_weeks = 0, all_locums_weeks = 0;
  };
  const StepStats& step_stats() const { return step_stats_; }

  // The /employers table of the output.
  sim::EntityTable employer_table() const;

  // For tests: visit every practitioner every week through the full rules
  // (no quiet_week shortcut). The results are the same bit for bit, since a
  // visit with nothing due changes and draws nothing; a test compares them.
  void set_visit_everyone(bool on) { visit_everyone_ = on; }

  // Events (models/events.hpp): the status and employer changes of the last
  // week, in practitioner order. Collected only while recording is on (off
  // by default: the step then does no event work at all).
  void set_event_recording(bool on) { record_events_ = on; }
  bool event_recording() const { return record_events_; }
  const MarketEvents& last_events() const { return events_; }
  // The /events table of the output: columns after `week`, and name tables.
  sim::EventTableSpec event_table() const;
  // last_events() as the columns of event_table(), for a recorder.
  std::vector<sim::ColumnView> event_columns() const;

  // Checkpoints (models/market_state.cpp): every piece of state that changes
  // during a run, and the scenario-derived constants as a consistency check.
  void save_state(sim::StateWriter& out) const;
  // Continues from a state written by save_state() of a market built from
  // the same scenario. Throws sim::StateError naming what does not match.
  void load_state(const sim::StateReader& in);

 private:
  struct Authority {
    std::int64_t establishment;  // this week's (inputs: establishment)
    double cases;                // this week's case demand (inputs: case_demand)
    double cover_ratio;          // locums wanted per long vacancy
    bool inner;
  };
  // Per-practitioner columns, rebound after the population grows.
  struct Columns {
    std::span<std::uint8_t> status, role;
    std::span<std::int16_t> employer;
    std::span<std::uint16_t> pqe_weeks, tenure_weeks;
    std::span<float> stress_offset, agency_taste, quality;
    std::span<std::uint16_t> stress_since;                            // week of the offset
    std::span<std::uint16_t> next_leave, next_search, next_approach;  // candidate weeks
    // Candidate weeks of processes that concern some statuses only, kept up
    // to date only while they do (skip_candidates() catches up): an
    // assignment's end (covering a vacancy) and looking for work (out of it);
    // next_search concerns those in work.
    std::span<std::uint16_t> next_release, next_return;
    // The first week whose ageing pqe_weeks, tenure_weeks, left_perm_weeks and
    // role do not yet include (they are brought up to date on a visit).
    std::span<std::uint16_t> aged_to;
    // The next week the practitioner must be visited: a candidate week or a
    // dated event, whichever comes first (kNoWeek: none).
    std::span<std::uint16_t> next_due;
    std::span<float> pay_taste, commute_taste;  // personal multipliers of the mean weights
    std::span<std::uint8_t> home_zone;          // where they live: an index into zone_names_
    std::span<std::uint8_t> agency_firm;        // the agency placing them (agency status)
    std::span<std::uint8_t> offer_agency;       // the agency behind their agency application
    // Scratch for the week in progress.
    std::span<std::uint16_t> left_perm_weeks;  // since leaving a permanent post (cooling-off)
    std::span<std::uint8_t> left_region;       // region of that post
    std::span<std::uint8_t> leaving, accepted, headhunted;
    std::span<std::int16_t> pending_target;  // opening accepted, awaiting the notice period
    std::span<std::uint8_t> pending_weeks;   // notice weeks left (0 = none pending)
    std::span<std::int16_t> application;     // authority * 2 + kind, or -1
  };

  static void add_columns(sim::Population& population);
  void bind_columns();
  void create_initial_population();
  void draw_weights(sim::AgentDraws& d, std::size_t id);
  void add_newly_qualified();
  void run_annual_events();
  // This week's establishment and case demand from the inputs (the vacancy
  // ledgers follow the establishment).
  void apply_inputs();
  // The date of an annual event (month, day) in the week being run.
  sim::Date annual_date(unsigned month, unsigned day) const;
  void update_prices();
  void review_pay(const std::vector<AuthorityLevers>& levers);
  void choose(std::span<const std::uint32_t> ids, std::vector<std::uint32_t>& applicants,
              std::vector<std::uint32_t>& movers);
  // The practitioners of [begin, end) to visit this week, in id order.
  void collect_due(std::size_t begin, std::size_t end, std::vector<std::uint32_t>& due) const;
  // Ageing since the last visit, up to and including this week's.
  void bring_up_to_date(std::size_t i);
  void prefetch_visit(std::size_t i) const;
  void clear_market();
  void apply(std::size_t block, std::span<const std::uint32_t> ids);
  // The rules of choose() and apply(), one function each (market_choose.cpp,
  // market_apply.cpp; shared parts in market_week.hpp).
  struct WeekRules;
  // The rates of those working at one authority this week (the behaviour's,
  // times the shocks in force there), and the stress at or below which a week
  // without a candidate surely has no event (quiet_stress): leaving, a post
  // holder's and a locum's search.
  struct EmployerRules {
    double exit_rate, break_rate, search_rate, agency_search_rate;  // a year
    double stress_exit_sensitivity, stress_search_sensitivity;
    double quiet_leave, quiet_search_post, quiet_search_locum;
    bool operator==(const EmployerRules&) const = default;
  };

  // The same for those out of work, by the region they live in; above their
  // bound, leaving and returning need a visit every week.
  struct HomeRules {
    double exit_rate;  // a year
    double p_return;   // a week
    double quiet_leave;
    bool leave_every_week, returners_every_week;
    bool operator==(const HomeRules&) const = default;
  };
  struct ZoneOffers;
  struct Chooser;
  struct AssignmentEnd;
  struct Choice;
  struct Move;
  struct Tally;
  struct Candidate;
  struct ThinnedDraws;
  WeekRules week_rules() const;
  // The product of the multipliers of the shocks of `rate` in force on `d`
  // covering authority e (or, with e = kNoEmployer, those out of work living
  // in `region`).
  double shock_factor(ShockRate rate, std::int16_t e, std::size_t region, sim::Date d) const;
  // This week's employer_rules_ and home_rules_; true when a rate changed
  // (everyone is then visited and rescheduled: a full week).
  bool update_rate_rules();
  bool quiet_week(std::size_t i, const WeekRules& w) const;
  // The next week i must be visited, after a visit this week.
  void schedule(std::size_t i, const WeekRules& w);
  void start_candidates(std::size_t i);
  Candidate candidate_week(std::span<std::uint16_t> next, std::size_t i, const ThinnedDraws& draws,
                           std::uint64_t week) const;
  // Stress during the week in progress (after its update), by the filter of
  // `slot` (the employer, or stress_filter_.size() - 1 when not in work).
  std::size_t stress_slot(Status status, std::int16_t employer) const {
    return in_work(status) ? static_cast<std::size_t>(employer) : authorities_.size();
  }
  double stress_now(std::size_t i, std::size_t slot) const {
    return stress_filter_[slot] + decayed_offset(i);
  }
  // i's offset from their filter, decayed to the week in progress.
  double decayed_offset(std::size_t i) const {
    return stress_decay_[stress_updates_ - col_.stress_since[i]] * col_.stress_offset[i];
  }
  // A new filter from now on (a move): the same stress, a new offset.
  void restart_stress(std::size_t i, std::size_t slot, double stress) {
    col_.stress_since[i] = static_cast<std::uint16_t>(stress_updates_);
    col_.stress_offset[i] = static_cast<float>(stress - stress_filter_[slot]);
  }
  void update_stress_filters();
  std::uint8_t leaving_decision(std::size_t i, bool employed, double stress, const Candidate& leave,
                                const WeekRules& w) const;
  bool serve_notice(std::size_t i);
  // The candidate weeks of `next` before `before`, passed while the process
  // did not concern i, skipped: the sequence depends on nothing but the seed
  // and the practitioner, as if taken every week.
  void skip_candidates(std::span<std::uint16_t> next, std::size_t i, const ThinnedDraws& draws,
                       std::uint64_t before) const {
    next[i] = candidate_from(next[i], i, draws, before);
  }
  std::uint16_t candidate_from(std::uint16_t next, std::size_t i, const ThinnedDraws& draws,
                               std::uint64_t before) const;
  double assignment_end_probability(std::size_t e, const WeekRules& w) const;
  AssignmentEnd assignment_end(std::size_t i, std::int16_t emp, const Candidate& release,
                               const WeekRules& w);
  bool decides_to_search(std::size_t i, Status status, double stress, const Candidate& search,
                         AssignmentEnd end, const WeekRules& w) const;
  int headhunting_approach(std::size_t i, Status status, std::int16_t emp, ZoneOffers posts,
                           const Candidate& approach, const WeekRules& w) const;
  double conditions_cost(std::size_t f, std::uint8_t home, double commute_w) const;
  double stay_value(const Chooser& c) const;
  double approach_value(const Chooser& c, std::size_t f, const WeekRules& w) const;
  int sample_offer(int kind, ZoneOffers openings, const Chooser& c, sim::AgentDraws& offers,
                   std::uint8_t& firm) const;
  double offer_value(int kind, std::size_t f, const Chooser& c) const;
  Choice logit_choice(const Chooser& c, int approach, bool searching, sim::AgentDraws& offers,
                      sim::AgentDraws& noise, const WeekRules& w);
  Move decide_move(std::size_t i);
  void carry_out_move(std::size_t block, std::size_t i, Move& m);
  void count_flows(const Tally& t, std::size_t i, const Move& m) const;
  void one_off_costs(const Tally& t, std::size_t i, const Move& m) const;
  // What a practitioner's contribution depends on besides status, employer,
  // agency and the target of a notice: the ageing columns as of the week
  // before aged_to, and whether a notice is being served.
  struct Ageing {
    std::uint16_t pqe, tenure, aged_to;
    std::uint8_t role;
    bool pending;
  };
  Ageing counted_as(std::size_t i) const {
    return {.pqe = col_.pqe_weeks[i],
            .tenure = col_.tenure_weeks[i],
            .aged_to = col_.aged_to[i],
            .role = col_.role[i],
            .pending = col_.pending_weeks[i] > 0};
  }
  // Whether a visit that moved no one changed what i contributes (a role, a
  // pay role or the retention tenure reached), `before` the visit.
  bool contribution_changed(std::size_t i, const Ageing& before) const;
  void contribute(const Tally& t, std::size_t i, std::int64_t sign) const;  // as the columns are
  void contribute(const Tally& t, std::size_t i, std::int64_t sign, const Ageing& a) const;
  Tally tally();                                        // over the calling worker's row
  Tally tally_over(std::span<std::int64_t> row) const;  // a row of sums_width()
  std::size_t sums_width() const;                       // a row of sums: flows, transitions, stocks
  // The stocks from the columns alone (after a load), or with everyone
  // brought up to date (to check that the visits missed no dated event).
  void recount_stocks(std::vector<std::int64_t>& stocks, bool up_to_date = false) const;
  void update_authorities();
  // Weekly costs of authority e's stocks at this week's prices, in pence.
  struct StockCosts {
    std::int64_t pay = 0, agency = 0, margin = 0, msp = 0, bank = 0, incentive = 0;
  };
  StockCosts stock_costs(std::size_t e, const std::int64_t* s) const;
  void plan_next_week(std::size_t e, const std::int64_t* s);
  void record_series(std::size_t e, const std::int64_t* flows, const std::int64_t* s);
  void build_offer_cdfs();
  // Events: one row into block `block`'s buffer; the blocks gathered in order.
  // (`internal`: a move between the councils of one aggregate.)
  void note_event(std::size_t block, std::size_t i, Status from, Status to, std::int16_t from_emp,
                  std::int16_t to_emp, bool internal);
  void gather_events();
  // The openings of one kind heard of from one home zone: sample(u) is the
  // authority whose cumulative weight first exceeds u x total (exactly the
  // binary search over the zone's row of perm_cdf_ and its kin), or -1.
  struct ZoneOffers {
    const sim::IndexedSamplerTables* tables;
    std::size_t zone;
    bool any() const { return tables->total(zone) > 0; }
    int sample(double u) const { return tables->sample(zone, u); }
  };
  ZoneOffers zone_offers(int kind, std::uint8_t zone) const;
  void build_offer_samplers();
  double relocation_gbp(std::size_t e, std::uint8_t home) const {
    return region_of_zone_[home] != region_of_[e]
               ? static_cast<double>(relocation_pence_[e]) / 100.0
               : 0.0;
  }
  bool may_take_agency_work(std::size_t i, std::size_t f) const;
  double post_pay_gbp(std::size_t e, std::uint16_t pqe_weeks) const;
  std::uint8_t pay_role(std::size_t e, std::uint16_t pqe_weeks) const;

  // State that changes during a run must be saved and loaded by
  // save_state() / load_state() in market_state.cpp (scratch rebuilt every
  // week need not be); tests/models/test_market_state.cpp checks that a
  // loaded market continues bit for bit.
  Scenario scenario_;
  std::int64_t spin_weeks_;     // weeks of the spin-up (scenario.spin_up_years)
  sim::WeeklyClock clock_;      // from the spin-up's first week; week_ counts on it
  sim::WeeklyClock run_clock_;  // from the scenario's start
  // The date whose levers, inputs and shocks apply this week: the week's
  // start, or the scenario's during the spin-up.
  sim::Date policy_date() const { return std::max(clock_.week_start(week_), scenario_.start); }
  std::int64_t week_ = 0;
  std::vector<Authority> authorities_;
  std::vector<std::string> region_names_;
  std::vector<std::uint8_t> region_of_;  // authority -> index into region_names_
  // Zones (region, sub-region): where practitioners live and employers are.
  std::vector<std::string> zone_names_;
  std::vector<std::uint8_t> zone_of_;  // authority -> zone
  std::vector<double> commute_;        // utility cost [home zone * Z + work zone]
  std::vector<double> reach_;          // exp(-commute_): how often offers are heard of
  std::vector<std::uint8_t> region_of_zone_;
  std::vector<std::int64_t> intake_;  // newly qualified a year, by authority
  std::vector<double> agency_margin_share_, agency_offer_cdf_;  // by agency
  double commute(std::uint8_t home, std::size_t authority) const {
    return commute_[home * zone_names_.size() + zone_of_[authority]];
  }
  std::vector<VacancyLedger> ledgers_;
  std::array<std::uint16_t, kRoleCount> thresholds_{};  // PQE weeks at which each role starts

  sim::Population population_;
  Columns col_;

  // Random streams, one per decision family.
  sim::RandomStreams init_rng_, offer_rng_, choice_rng_;
  // A thinned hazard's random numbers: its candidate weeks and their
  // uniforms from one stream, the excess over its bound from another.
  struct ThinnedDraws {
    ThinnedDraws(std::uint64_t seed, std::uint64_t candidate_purpose, std::uint64_t excess_purpose,
                 double bound)
        : candidates(seed, candidate_purpose), excess(seed, excess_purpose), process(bound) {}
    sim::RandomStreams candidates, excess;
    sim::ThinnedProcess process;
    // The uniform of practitioner i's excess draw in `week` (lane 0).
    double excess_uniform(std::uint64_t week, std::size_t i) const {
      return sim::u01(excess.words(week, i, 0)[0]);
    }
  };
  ThinnedDraws leave_draws_, search_draws_, approach_draws_, release_draws_, return_draws_;
  // Stress filters: for each authority (and last, for those not in work) the
  // stress someone who had always been there would have now; a person's
  // stress is that plus their offset decayed by stress_decay_[weeks since].
  std::vector<double> stress_filter_;
  std::vector<double> stress_decay_;  // (1 - stress_adjust_rate)^n, derived
  std::size_t stress_updates_ = 0;    // filter updates so far: week_, +1 during a step
  // Sum over those in work at each authority of their decayed offsets, so
  // that the stress sum is workers x filter + this (kept up to date by the
  // moves: saved in checkpoints).
  std::vector<double> stress_offset_sum_;
  // An upper bound on the decayed positive offsets of each authority's post
  // holders and of its locums ([e * 2 + group], group 0 posts, 1 locums;
  // derived): where filter + bound stays at or below the quiet stress, no
  // one there needs a visit for their stress. Offsets decay, so the bound
  // does; a move in raises it; a week that visits a whole group sets it to
  // the largest offset seen (offset_seen_, per worker: max does not depend
  // on the order).
  std::vector<double> stress_offset_bound_;
  std::vector<double> offset_seen_;  // [worker][e * 2 + group]
  static std::size_t bound_group(Status s) { return holds_post(s) ? 0 : 1; }
  void see_offset(std::size_t i, Status status);
  // A rise of a bound (a move into an authority or into the other group).
  struct BoundRise {
    std::uint32_t index;
    double offset;
  };
  std::vector<std::vector<BoundRise>> block_bound_rises_;
  // Whom to visit at each authority this week whatever is due (VisitAll),
  // by employer + 1 (0: none).
  std::vector<std::uint8_t> visit_all_;
  bool any_visit_all_ = false;
  // A move's change of stress slot: the decayed offset it takes from
  // `from`, the new offset it brings to `to` (applied in block order).
  struct StressMove {
    std::uint32_t from, to;
    double old_offset, new_offset;
  };
  std::vector<std::vector<StressMove>> block_stress_moves_;
  void update_visit_all();

  // Authority state as of the end of last week (read by practitioners).
  std::vector<double> caseload_;
  std::vector<std::int64_t> permanent_, agency_, bank_;
  std::vector<std::int64_t> perm_capacity_, agency_capacity_, bank_capacity_;
  std::vector<std::int64_t> asye_capacity_;  // newly qualified the authority can still take on
  std::vector<std::uint8_t> asye_priority_;  // below its ASYE commitment: NQSWs first
  std::vector<double> release_prob_;
  // Cumulative opening weights by authority as seen from each home zone
  // (capacity x reach), for sampling offers: [zone * authorities + authority].
  std::vector<double> perm_cdf_, agency_cdf_, bank_cdf_;
  // The same as guide tables for sampling, one per zone (derived, not saved).
  sim::IndexedSamplerTables perm_offers_, agency_offers_, bank_offers_;

  // Prices for the week: [authority][role] or [role].
  double uplift_ = 1.0;         // pay: the April awards so far
  double agency_uplift_ = 1.0;  // agency market rates: their April changes so far
  double cap_uplift_ = 1.0;     // agency caps: agency.cap_uprating_share of the pay awards
  InputPaths inputs_;
  std::vector<std::int64_t> councils_;                 // [employer]: councils it stands for
  std::vector<std::int64_t> intake_now_;               // this September's intake, shocks applied
  std::vector<EmployerRules> employer_rules_;          // [employer]
  std::vector<HomeRules> home_rules_;                  // [region]
  std::vector<Scenario::Behaviour> region_behaviour_;  // [region]: behaviour_by_region applied
  std::vector<std::int64_t> start_establishment_;      // a checkpoint's scenario check
  std::vector<double> pay_index_;                      // per authority, set by the April pay review
  std::vector<double> perm_pay_gbp_;                   // annual salary [e * roles + r]
  std::vector<std::int64_t> perm_cost_pence_;          // weekly pay + on-costs
  std::vector<double> trainee_pay_gbp_;                // annual ASYE salary, per authority
  std::vector<std::int64_t> trainee_cost_pence_;       // weekly, with on-costs
  std::vector<double> bank_pay_gbp_;                   // annual bank pay [e * roles + r]
  std::vector<std::int64_t> bank_cost_pence_;          // weekly bank pay + on-costs
  std::int64_t recruitment_pence_ = 0;                 // per permanent starter
  std::vector<double> agency_pay_gbp_;                 // annual locum pay [e * roles + r]
  // Weekly agency charges and their parts: [(e * roles + r) * agencies + a].
  std::vector<std::int64_t> agency_charge_pence_, agency_margin_pence_, agency_msp_pence_;
  std::vector<AuthorityLevers> levers_;  // policy levers in force this week
  std::vector<std::uint8_t> breaching_;  // authority pays over its caps this week
  std::vector<std::int64_t> screened_;   // agency applicants turned away this week
  std::vector<std::int64_t> hello_pence_;
  std::vector<std::int64_t> relocation_pence_;  // per starter from another region, by authority
  std::int64_t headhunt_premium_pence_ = 0;
  // Incentive levers for the week, per authority (pence; value in GBP for choices).
  std::vector<std::array<std::int64_t, AuthorityLevers::kMaxStages>> hello_stage_pence_;
  std::vector<std::int64_t> retention_pence_;
  std::vector<double> hello_total_gbp_;
  double unpaid_stages_gbp(std::size_t e, std::uint16_t tenure) const;

  // Derived from the state above and rebuilt after a load (derive_week_state()):
  // the stress each authority's caseload sets.
  std::vector<double> stress_target_;
  void derive_week_state();
  // Stocks (Stock, StockLayout), changed only by the practitioners visited.
  detail::StockLayout stock_layout() const;
  std::vector<std::int64_t> stocks_;
  // This week visits everyone and counts the stocks afresh (the first week
  // after construction or a load, and a week whose levers differ from the
  // last's).
  bool full_week_ = false;
  bool visit_everyone_ = false;  // set_visit_everyone()
  std::vector<AuthorityLevers> previous_levers_;

  // Clearing buffers, reused every week.
  std::vector<std::vector<std::uint32_t>> block_applicants_;
  std::vector<std::vector<std::uint32_t>> block_movers_;  // for apply(), by block of choose()
  std::vector<std::vector<std::uint32_t>> block_due_;     // visited this week, by block
  std::vector<std::uint32_t> bucket_ids_;
  std::vector<std::size_t> bucket_start_, bucket_fill_;
  struct Ranked {  // an applicant as an opening ranks them
    double score;
    std::uint64_t tie;
    std::uint32_t id;
  };
  std::vector<Ranked> ranked_;
  std::vector<std::int64_t> week_totals_;              // the week's accumulators summed over blocks
  std::vector<double> region_pay_sum_, region_count_;  // update_prices() scratch

  sim::WorkerSums<std::int64_t> partials_;
  StepStats step_stats_;
  std::vector<double> series_;
  StatusCounts status_counts_{};
  TransitionCounts transitions_{};
  std::int64_t last_intake_ = 0;

  bool record_events_ = false;
  std::vector<MarketEvents> block_events_;  // one buffer per block of apply()
  MarketEvents events_;                     // the last week's, gathered
};

}  // namespace pledgesim::models
