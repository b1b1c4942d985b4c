"""A London tile map: one square per borough, placed roughly where the
borough lies (column west to east, row north to south), in the manner of the
"London squared" maps. Names are those of scenarios/london_baseline.toml (DfE
returns); Kingston and Richmond report jointly, so their joint return is
drawn as one tile spanning both squares. Employers not in the table (e.g. neighbouring
regions) are not drawn.
"""

from __future__ import annotations

import math

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib import colors  # noqa: E402

#: name -> list of (column, row, label); row 0 is the north.
TILES: dict[str, list[tuple[int, int, str]]] = {
    "Enfield": [(4, 0, "ENF")],
    "Harrow": [(2, 1, "HRW")],
    "Barnet": [(3, 1, "BAR")],
    "Haringey": [(4, 1, "HGY")],
    "Waltham Forest": [(5, 1, "WAL")],
    "Hillingdon": [(1, 2, "HIL")],
    "Brent": [(2, 2, "BRE")],
    "Camden": [(3, 2, "CMD")],
    "Islington": [(4, 2, "ISL")],
    "Hackney": [(5, 2, "HCK")],
    "Redbridge": [(6, 2, "RED")],
    "Havering": [(7, 2, "HAV")],
    "Ealing": [(1, 3, "EAL")],
    "Kensington and Chelsea": [(2, 3, "KEN")],
    "Westminster": [(3, 3, "WST")],
    "City of London": [(4, 3, "CTY")],
    "Tower Hamlets": [(5, 3, "TOW")],
    "Newham": [(6, 3, "NWM")],
    "Barking and Dagenham": [(7, 3, "BAR-D")],
    "Hounslow": [(0, 4, "HNS")],
    "Hammersmith and Fulham": [(1, 4, "HMS")],
    "Wandsworth": [(2, 4, "WND")],
    "Lambeth": [(3, 4, "LAM")],
    "Southwark": [(4, 4, "SWK")],
    "Lewisham": [(5, 4, "LEW")],
    "Greenwich": [(6, 4, "GRN")],
    "Bexley": [(7, 4, "BXL")],
    "Richmond upon Thames": [(1, 5, "RIC")],
    "Kingston upon Thames": [(2, 5, "KIN")],
    "Merton": [(3, 5, "MRT")],
    "Croydon": [(4, 5, "CRY")],
    "Bromley": [(5, 5, "BRO")],
    "Sutton": [(3, 6, "SUT")],
}
# Joint returns: one employer, several squares.
TILES["Kingston upon Thames / Richmond upon Thames"] = (
    TILES["Kingston upon Thames"] + TILES["Richmond upon Thames"]
)


#: A note for the page wherever a joint return is drawn.
JOINT_RETURN_NOTE = ("Kingston upon Thames and Richmond upon Thames make one joint return (one "
                     "employer in the model): the map draws it once, as one tile spanning both "
                     "boroughs' squares, labelled RIC/KIN.")


def tile_positions(names) -> dict[str, list[tuple[int, int, str]]]:
    """The squares of those ``names`` that the map knows."""
    return {n: TILES[n] for n in names if n in TILES}


def tile_label(name: str) -> str:
    """The abbreviation drawn on ``name``'s tile ("RIC/KIN" for the joint
    return: its squares are drawn as one tile)."""
    return "/".join(label for _, _, label in sorted(TILES[name]))


def is_joint(name: str) -> bool:
    """``name`` is a joint return of several boroughs (several squares)."""
    return len(TILES.get(name, ())) > 1


def tile_key(names) -> list[tuple[str, str]]:
    """(abbreviation, employer name) of every tile drawn for ``names``, in
    the map's reading order (north to south, west to east)."""
    known = tile_positions(names)
    order = sorted(known, key=lambda n: min((row, col) for col, row, _ in known[n]))
    return [(tile_label(n), n) for n in order]


def draw_tilemap(values: dict[str, float], path, title: str, units: str = "pp",
                 flagged: dict[str, bool] | None = None) -> None:
    """Write a PNG tile map of ``values`` (employer name -> number), on a
    diverging colour scale centred on zero. ``flagged`` marks with * the
    boroughs whose change is distinguishable from zero. A joint return is one
    tile spanning its boroughs' squares (they are neighbours in one row), so
    its value shows once. Raises ValueError when no employer has a tile."""
    known = tile_positions(values)
    if not known:
        raise ValueError("no employer is a London borough: nothing to draw on the tile map")
    finite = [v for n, v in values.items() if n in known and math.isfinite(v)]
    vmax = max((abs(v) for v in finite), default=1.0) or 1.0
    norm = colors.TwoSlopeNorm(vmin=-vmax, vcenter=0.0, vmax=vmax)
    cmap = plt.get_cmap("RdBu_r")
    fig, ax = plt.subplots(figsize=(8, 6.4))
    for name, squares in known.items():
        v = values[name]
        face = cmap(norm(v)) if math.isfinite(v) else (0.85, 0.85, 0.85, 1)
        col = min(c for c, _, _ in squares)
        row = squares[0][1]
        width = max(c for c, _, _ in squares) - col + 0.94
        ax.add_patch(plt.Rectangle((col, -row), width, 0.94, facecolor=face, edgecolor="white"))
        dark = math.isfinite(v) and abs(norm(v) - 0.5) > 0.3
        star = "*" if flagged and flagged.get(name) else ""
        label = tile_label(name)
        text = f"{label}\n{v:+.1f}{star}" if math.isfinite(v) else f"{label}\n–"
        ax.text(col + width / 2, -row + 0.47, text, ha="center", va="center", fontsize=8,
                color="white" if dark else "black")
    ax.set_xlim(-0.2, 8.2)
    ax.set_ylim(-6.2, 1.2)
    ax.set_aspect("equal")
    ax.axis("off")
    sm = plt.cm.ScalarMappable(norm=norm, cmap=cmap)
    fig.colorbar(sm, ax=ax, shrink=0.7, label=units)
    ax.set_title(title, fontsize=10)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
