"""The parts of the report page that explain, for a reader who has only the
HTML: what each scenario is (name, description, levers), where two
scenarios differ, what the effects rest on (the caveat box), the tile map's
key and the definitions. Each function returns an HTML fragment.
"""

from __future__ import annotations

import html

from . import scenario_diff
from .tilemap import JOINT_RETURN_NOTE, is_joint, tile_key

e = html.escape

#: More differing keys than this are folded under a <details> element.
FOLD_DIFF_ROWS = 40


def scenario_section(label: str, run) -> str:
    """The scenario's label, name, description, run facts and levers table."""
    name, description = scenario_diff.name_and_description(run.scenario_text)
    parts = [f'<section class="scenario" data-label="{e(label)}">',
             f"<h3>{e(label)}</h3>",
             f"<p><b>{e(description) or 'No description.'}</b></p>",
             f"<p class=\"facts\">Scenario <code>{e(name)}</code>; {run.replications} "
             f"replication{'s' if run.replications != 1 else ''} from seed {run.seed}; weeks "
             f"{run.dates[0]:%d %b %Y} to {run.dates[-1]:%d %b %Y}; "
             + (f"parameter sets from <code>{e(run.parameter_source or 'an ensemble')}</code>"
                if run.has_parameters else "the scenario's own parameter values")
             + f"; file <code>{e(str(run.path))}</code>.</p>"]
    levers = scenario_diff.levers(run.scenario_text)
    if not levers:
        parts.append('<p class="no-levers">No policy levers: the scenario has no '
                     "<code>[[policies]]</code>; employers act on their own pay and "
                     "recruitment rules.</p>")
    else:
        parts.append(f'<table class="levers" data-label="{e(label)}"><caption>Policy levers '
                     f"({len(levers)})</caption><tr><th>lever</th><th>applies to</th>"
                     "<th>from</th><th>until</th><th>settings</th></tr>")
        for lever in levers:
            parts.append(
                f'<tr data-kind="{e(lever["kind"])}"><td>{e(lever["kind"].replace("_", " "))}'
                f'</td><td>{e(lever["scope"])}</td><td class="nowrap">{e(lever["start"])}</td>'
                f'<td class="nowrap">{e(lever["end"]) or "open-ended"}</td>'
                f'<td>{e(lever["values"]) or "–"}</td></tr>')
        parts.append("</table>")
    parts.append("</section>")
    return "\n".join(parts)


def diff_section(labels: tuple[str, str], base, other) -> str:
    """The keys where the two resolved scenarios differ (as ``pledgesim diff``)."""
    diffs = scenario_diff.diff(base.scenario_text, other.scenario_text)
    head = (f"<h3>{e(labels[1])} against {e(labels[0])}</h3>"
            f"<p>{len(diffs)} setting{'s' if len(diffs) != 1 else ''} of the resolved "
            "scenarios (every key, defaults included) differ; the same list as "
            "<code>pledgesim diff A B</code>. Lists of entries (policies, authorities) are "
            "compared by position: <code>policies[0]</code> is the first lever.</p>")
    if not diffs:
        return head
    rows = [f'<table class="diff" data-a="{e(labels[0])}" data-b="{e(labels[1])}">'
            f"<tr><th>setting</th><th>change</th><th>{e(labels[0])}</th>"
            f"<th>{e(labels[1])}</th></tr>"]
    for d in diffs:
        rows.append(f'<tr data-key="{e(d.key)}"><td><code>{e(d.key)}</code></td>'
                    f'<td class="nowrap">{e(d.change)}</td>'
                    f"<td>{e(d.a) or '–'}</td><td>{e(d.b) or '–'}</td></tr>")
    rows.append("</table>")
    table = "\n".join(rows)
    if len(diffs) > FOLD_DIFF_ROWS:
        table = f"<details><summary>Show all {len(diffs)} settings</summary>{table}</details>"
    return head + table


def interval_explanation(kind: str, parameters: bool, sources: list[str]) -> str:
    """One or two sentences on the kind of interval the page shows."""
    if parameters and kind == "prediction":
        return ("<b>Intervals are 90% prediction intervals.</b> Each replication runs one "
                "set of parameter values drawn from the calibration's ensemble ("
                + e(", ".join(sorted(set(sources))) or "an ensemble")
                + "), values that all fit the data about equally well, with its own random "
                "numbers. The interval is where the result of one more replication would fall, "
                "so it holds both what the data leave open about the parameters and chance.")
    if parameters:
        return ("<b>Intervals are 90% confidence intervals of the mean over a parameter "
                "ensemble.</b> They show how precisely the replications pin down the average "
                "across the calibration's parameter sets, not how far those sets disagree: "
                "what we know is less precise than they suggest.")
    if kind == "prediction":
        return ("<b>Intervals are 90% prediction intervals of chance only.</b> Every "
                "replication runs the scenario's own parameter values with other random "
                "numbers; the interval is where one more such replication would fall. It does "
                "not include any uncertainty about the parameter values.")
    return ("<b>Intervals are 90% Monte-Carlo intervals</b> (confidence intervals of the mean "
            "across replications). Every replication runs the scenario's own parameter values "
            "(the calibration's best fit) with other random numbers, and the interval shows how "
            "precisely these replications pin down the average. It does not include any "
            "uncertainty about the parameter values, so what we really know is less precise "
            "than these intervals suggest.")


def caveat_box(kind: str, runs) -> str:
    """What the effects rest on: the model, its calibration, the intervals."""
    parameters = any(r.has_parameters for r in runs)
    sources = [r.parameter_source for r in runs if r.has_parameters and r.parameter_source]
    same_seed = len({r.seed for r in runs}) == 1
    return (
        '<div class="caveat" id="caveat"><h2>What these results rest on</h2><ul>'
        "<li><b>A model, not a forecast.</b> pledgesim simulates individual children's social "
        "workers moving between council posts, agency work and leaving the workforce, week by "
        "week, under rules for job search, pay, agency placements and exits. The effects "
        "below are differences between simulated scenarios that share those rules; they "
        "hold only as far as the rules describe how people really behave.</li>"
        "<li><b>Calibration.</b> The behavioural parameters (how often people look for jobs, "
        "leave, or move to agencies) are fitted to the Department for Education's children's "
        "social work workforce statistics for London and its neighbouring regions, years to "
        "September 2018 to 2021, when London's councils were already under an agreement on "
        "agency pay. A scenario without that agreement, or far from that market and those "
        "years, is an extrapolation that no data show.</li>"
        f"<li>{interval_explanation(kind, parameters, sources)} No interval includes "
        "uncertainty about the model's rules themselves.</li>"
        "<li><b>Paired comparison.</b> Differences are taken replication by replication: "
        + ("replication r of every scenario used the same random numbers"
           if same_seed else "the runs used different seeds, so pairs do not share random "
           "numbers and the intervals of differences are wider than they need be")
        + (" and the same parameter set" if parameters else "")
        + ", so a difference reflects the scenarios, not the luck of the draw.</li>"
        "</ul></div>")


def tile_key_section(names) -> str:
    """The tile map's key (abbreviation -> employer) and, when the joint
    Kingston/Richmond return is drawn, a note on it (said once)."""
    key = tile_key(names)
    half = (len(key) + 1) // 2
    rows = []
    for i in range(half):
        pair = [key[i]] + ([key[i + half]] if i + half < len(key) else [])
        rows.append("<tr>" + "".join(f'<td class="abbr">{e(abbr)}</td><td>{e(name)}</td>'
                                     for abbr, name in pair) + "</tr>")
    out = ('<table class="tile-key"><caption>Key to the tile map</caption>'
           "<tr><th>tile</th><th>borough</th><th>tile</th><th>borough</th></tr>"
           + "".join(rows) + "</table>")
    if any(is_joint(n) for _, n in key):
        out += f'<p class="joint-note">{e(JOINT_RETURN_NOTE)}</p>'
    return out


DEFINITIONS = (
    "<h2>Definitions</h2><ul>"
    "<li>The Department for Education's children's social work workforce definitions are "
    "used throughout: stocks are counted in the week containing 30 September; a year "
    "to 30 September runs from the week after the previous 30 September to that week.</li>"
    "<li><b>Agency rate</b> = agency full-time equivalents (FTE) / (agency FTE + FTE in "
    "post), in %.</li>"
    "<li><b>Vacancy rate</b> = vacant posts (FTE) / (vacancies + FTE in post), in %.</li>"
    "<li><b>Turnover</b> = leavers in the year / FTE in post at 30 September, in %; the weekly "
    "charts use the leavers of the last 52 weeks.</li>"
    "<li><b>Costs</b> are summed over financial years (April to March; only whole years are "
    "shown): permanent staff's pay and on-costs, agency workers' pay and on-costs, the "
    "agencies' margin and the managed-service provider's fee, incentives, and in-house bank "
    "and recruitment costs where the run records them; in £ million.</li>"
    "<li><b>pp</b>: percentage points, the difference between two rates in %. A difference "
    "in bold, or marked *, has a 90% interval that excludes zero.</li>"
    "</ul>")
