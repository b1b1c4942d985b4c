"""Interactive (plotly) versions of the report's charts, for ``--interactive``.

Each function takes the very data the PNG is drawn from
(:class:`.figures.RateSeries`, :class:`.figures.CostBars`, a sweep's
outcome against its parameters) and returns an HTML fragment: a ``<div>``
and the inline script that draws it with ``Plotly.newPlot``. The page holds
plotly.js once (:func:`plotly_script`, in its head), so it stays one file
that works offline: no CDN, no MathJax, no link to plotly's servers.

plotly is imported here only, and only when called (:func:`require`), so the
rest of the package works without it. Debian: ``apt-get install
python3-plotly``.
"""

from __future__ import annotations

import html

import numpy as np

from . import figures

#: The Debian package that provides plotly (named in the error without it).
DEBIAN_PACKAGE = "python3-plotly"

#: matplotlib's default colours (tab10), so that a chart and its PNG agree.
COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
           "#7f7f7f", "#bcbd22", "#17becf"]
#: plotly's bar patterns for figures.HATCHES (run k's bars).
PATTERNS = ["", "/", ".", "x", "\\"]

#: Passed to every chart: no plotly logo or "edit in Chart Studio" link,
#: nothing fetched (MathJax off), resizes with the page.
CONFIG = {"displaylogo": False, "showLink": False,
          "showSendToCloud": False, "responsive": True,
          "toImageButtonOptions": {"format": "png", "scale": 2}}


class PlotlyMissing(RuntimeError):
    """plotly cannot be imported."""


def require():
    """plotly's graph_objects module; raises :class:`PlotlyMissing` (saying
    what to install) when plotly cannot be imported."""
    try:
        import plotly.graph_objects as go
        import plotly.io  # noqa: F401
        import plotly.offline  # noqa: F401
    except ImportError as exc:
        raise PlotlyMissing(f"--interactive needs plotly, which cannot be imported ({exc}); "
                            f"on Debian install the package {DEBIAN_PACKAGE} (apt-get install "
                            f"{DEBIAN_PACKAGE}), or leave out --interactive for the static "
                            "report") from None
    return go


def plotly_script() -> str:
    """plotly.js, inline, for the page's head: the one copy every chart uses."""
    require()
    import plotly.offline
    # As plotly.io.to_html(include_plotlyjs=True) writes it; MathJax "local"
    # means plotly.js never looks for MathJax on a CDN.
    return ('<script type="text/javascript">window.PlotlyConfig = {MathJaxConfig: "local"};'
            '</script>\n<script type="text/javascript">' + plotly.offline.get_plotlyjs()
            + "</script>")


def to_div(fig) -> str:
    """The chart as an HTML fragment that uses the page's plotly.js."""
    require()
    import plotly.io
    return plotly.io.to_html(fig, full_html=False, include_plotlyjs=False,
                             include_mathjax=False, config=CONFIG, validate=True)


def _rgba(hex_colour: str, alpha: float) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def _layout(title: str, **extra) -> dict:
    return {"title": {"text": html.escape(title), "font": {"size": 15}},
            "template": "plotly_white", "height": 460,
            "margin": {"l": 60, "r": 20, "t": 60, "b": 50},
            "legend": {"groupclick": "togglegroup", "tracegroupgap": 6, "font": {"size": 11}},
            **extra}


def rate_figure(series: list[figures.RateSeries], rate: str, group: str, kind: str = "mean"):
    """The weekly rate chart of :func:`.figures.rate_chart` from the same
    series: per run, its mean line and 90% band in one legend group (a click
    on the legend hides or shows the run); hover: run, week, value in % to
    one decimal and the interval."""
    go = require()
    fig = go.Figure()
    band = figures.band_name(kind)
    what = figures.RATE_TITLES[rate].split(":")[0]
    for k, s in enumerate(series):
        colour = COLOURS[k % len(COLOURS)]
        group_name = f"run{k}"
        if s.band:
            fig.add_trace(go.Scatter(x=s.dates, y=s.lo, mode="lines", line={"width": 0},
                                     legendgroup=group_name, showlegend=False,
                                     hoverinfo="skip", name=f"{s.label}: {band}, low"))
            fig.add_trace(go.Scatter(x=s.dates, y=s.hi, mode="lines", line={"width": 0},
                                     fill="tonexty", fillcolor=_rgba(colour, 0.25),
                                     legendgroup=group_name, showlegend=False,
                                     hoverinfo="skip", name=f"{s.label}: {band}, high"))
        template = (f"<b>{html.escape(s.label)}</b><br>week of %{{x|%d %b %Y}}<br>"
                    f"{what}: %{{y:.1f}}%")
        if s.band:
            template += f"<br>{band}: %{{customdata[0]:.1f}}% to %{{customdata[1]:.1f}}%"
        fig.add_trace(go.Scatter(x=s.dates, y=s.mean, mode="lines", name=html.escape(s.legend),
                                 line={"color": colour, "width": 2}, legendgroup=group_name,
                                 customdata=np.column_stack([s.lo, s.hi]) if s.band else None,
                                 hovertemplate=template + "<extra></extra>"))
    fig.update_layout(**_layout(f"{figures.RATE_TITLES[rate]}, {group}",
                                hovermode="closest",
                                legend={"title": {"text": f"mean; band: {band}" if any(
                                    s.band for s in series) else ""},
                                        "groupclick": "togglegroup", "tracegroupgap": 4,
                                        "font": {"size": 11}}))
    fig.update_yaxes(title_text="%", ticksuffix="", rangemode="normal")
    fig.update_xaxes(dtick="M12", tickformat="%Y", ticklabelmode="period")
    return fig


def cost_figure(bars: figures.CostBars, group: str, kind: str = "mean"):
    """The cost chart of :func:`.figures.cost_chart` from the same data: per
    financial year one stacked bar per run (components in colour, the run's
    pattern), the total's 90% interval as an error bar with the total above
    it. Each run is one legend group (a click hides or shows the run); hover:
    run, year, component and total in £m to three significant figures with
    the interval."""
    go = require()
    fig = go.Figure()
    runs = len(bars.labels)
    width = 0.8 / max(runs, 1)
    x = np.arange(len(bars.periods))
    band = figures.band_name(kind)
    sig = figures.significant
    for k, (label, stack, tot) in enumerate(zip(bars.labels, bars.stacks, bars.totals)):
        xs = x + (k - (runs - 1) / 2) * width
        group_name = f"run{k}"
        has_band = bars.replications[k] >= 2
        mean, lo, hi = tot
        total_text = [f"£{sig(m)}m" + (f" [{band}: {sig(a)} to {sig(b)}]"
                                       if has_band and np.isfinite(a) else "")
                      for m, a, b in zip(mean, lo, hi)]
        legend_title = f"bar {k + 1}: {html.escape(label)}"
        for c_i, comp in enumerate(bars.components):
            custom = [[p, f"£{sig(v)}m", t] for p, v, t in zip(bars.periods, stack[c_i],
                                                              total_text)]
            fig.add_trace(go.Bar(
                x=xs, y=stack[c_i], width=width * 0.95, name=html.escape(comp),
                legendgroup=group_name, legendgrouptitle={"text": legend_title},
                marker={"color": COLOURS[c_i % len(COLOURS)], "line": {"color": "white",
                                                                      "width": 0.5},
                        "pattern": {"shape": PATTERNS[k % len(PATTERNS)]}},
                customdata=custom,
                hovertemplate=(f"<b>{html.escape(label)}</b><br>financial year "
                               f"%{{customdata[0]}}<br>{html.escape(comp)}: %{{customdata[1]}}"
                               "<br>total: %{customdata[2]}<extra></extra>")))
        shown = np.isfinite(mean)
        error = None
        if has_band:
            error = {"type": "data", "array": (hi - mean)[shown],
                     "arrayminus": (mean - lo)[shown], "color": "black", "thickness": 1.2,
                     "width": 4}
        fig.add_trace(go.Scatter(
            x=xs[shown], y=mean[shown], mode="markers", name=f"total: {band}" if has_band
            else "total", legendgroup=group_name, error_y=error,
            marker={"color": "black", "size": 5},
            customdata=[[p, t] for p, t, s in zip(bars.periods, total_text, shown) if s],
            hovertemplate=(f"<b>{html.escape(label)}</b><br>financial year %{{customdata[0]}}"
                           "<br>total: %{customdata[1]}<extra></extra>")))
        at = np.where(np.isfinite(hi), hi, mean) if has_band else mean
        fig.add_trace(go.Scatter(
            x=xs[shown], y=at[shown], mode="text", text=[sig(m) for m in mean[shown]],
            textposition="top center", textfont={"size": 10}, legendgroup=group_name,
            showlegend=False, hoverinfo="skip", name=f"{html.escape(label)}: totals"))
    # Tall enough for the legend: a title and (components + total) per run.
    entries = runs * (len(bars.components) + 2)
    fig.update_layout(**_layout(f"Annual cost by component, {group}", barmode="stack",
                                bargap=0, hovermode="closest",
                                height=max(460, 150 + 21 * entries)))
    fig.update_xaxes(tickmode="array", tickvals=x, ticktext=bars.periods,
                     title_text="financial year (April to March)")
    fig.update_yaxes(title_text="GBP million", tickprefix="£", rangemode="tozero")
    return fig


def sweep_scatter_figure(parameters: list[str], x: np.ndarray, y: np.ndarray, name: str,
                         units: str, point: np.ndarray, replication: np.ndarray | None = None):
    """An outcome against each parameter (one panel per parameter, one point
    per run: ``x`` [runs, parameters], ``y`` [runs]), as the sweep report's
    scatter PNG; hover: the run's design point, every parameter's value and
    the outcome with its units."""
    go = require()
    from plotly.subplots import make_subplots
    k = len(parameters)
    columns = min(k, 3)
    rows = (k + columns - 1) // columns
    fig = make_subplots(rows=rows, cols=columns, horizontal_spacing=0.08,
                        vertical_spacing=0.16 if rows > 1 else 0.1)
    unit_text = f" {html.escape(units)}" if units else ""
    custom = np.column_stack([point, replication if replication is not None
                              else np.zeros_like(point), x])
    lines = "".join(f"<br>{html.escape(p)} = %{{customdata[{j + 2}]:.4g}}"
                    for j, p in enumerate(parameters))
    template = (f"<b>{html.escape(name)}: %{{y:.4g}}{unit_text}</b><br>point %{{customdata[0]}}, "
                f"replication %{{customdata[1]}}{lines}<extra></extra>")
    for j, parameter in enumerate(parameters):
        r, c = j // columns + 1, j % columns + 1
        fig.add_trace(go.Scatter(x=x[:, j], y=y, mode="markers", name=html.escape(parameter),
                                 marker={"size": 6, "opacity": 0.65, "color": COLOURS[0]},
                                 customdata=custom, hovertemplate=template, showlegend=False),
                      row=r, col=c)
        fig.update_xaxes(title_text=html.escape(parameter), row=r, col=c)
        fig.update_yaxes(title_text=html.escape(name) + (f" ({html.escape(units)})"
                                                         if units else ""),
                         title_font={"size": 10}, row=r, col=c)
    fig.update_layout(**_layout(f"{name} against each parameter (one point per run)",
                                height=300 * rows + 120, hovermode="closest"))
    return fig
