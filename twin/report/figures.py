"""The report's floor maps, drawn with matplotlib's Agg renderer (never a Qt backend).

Each map is one picture: the temperature (or change) plane in metres with a colour bar
in °C (or K), racks and cooling units outlined and labelled, failed units crossed out
in red, and a north arrow. `Picture` holds it as inline SVG (report.html) and as PNG
(report.pdf), so both show the same drawing.
"""
from __future__ import annotations

import io
import re
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib import patches
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure
from matplotlib.transforms import offset_copy

from twin.report.png import DIFF_STOPS, HEAT_STOPS

WIDTH_IN = 7.0                 # every picture is drawn this wide (A4 text width is ~7.3 in)
PNG_DPI = 200
RC = {"svg.fonttype": "none", "svg.hashsalt": "dctwin", "font.size": 9,
      "font.family": "DejaVu Sans", "axes.titlesize": 10, "axes.titleweight": "bold"}
FRONT_RGB, REAR_RGB = "#2b6cb0", "#c53030"
FAILED_RGB = "#c00000"
LARGE_ROOM_M = 15.0            # a room longer than this gets a full-page map
ARROW_ROOM_IN = 0.55           # kept free above a map's colour bar for the north arrow


@dataclass(frozen=True)
class Picture:
    """One figure of the report, in both formats."""
    key: str
    alt: str
    svg: str
    png: bytes
    width_in: float


def heat_cmap(diverging: bool = False) -> LinearSegmentedColormap:
    """The app's colour ramps (twin.report.png), so the report reads like the floor view."""
    stops = DIFF_STOPS if diverging else HEAT_STOPS
    cmap = LinearSegmentedColormap.from_list("dctwin-diff" if diverging else "dctwin-heat",
                                             stops / 255.0)
    return cmap.with_extremes(bad="#5a5a5a")


def new_figure(height_in: float, width_in: float = WIDTH_IN) -> Figure:
    fig = Figure(figsize=(width_in, height_in), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def picture(fig: Figure, key: str, alt: str) -> Picture:
    """Render `fig` to SVG text (ids made unique to `key`) and PNG bytes."""
    with matplotlib.rc_context(RC):
        svg_buf, png_buf = io.StringIO(), io.BytesIO()
        fig.savefig(svg_buf, format="svg", metadata=dict.fromkeys(("Creator", "Date", "Format", "Type")))
        fig.savefig(png_buf, format="png", dpi=PNG_DPI, metadata={"Software": None})
    return Picture(key, alt, _inline_svg(svg_buf.getvalue(), key), png_buf.getvalue(),
                   float(fig.get_figwidth()))


def _inline_svg(text: str, key: str) -> str:
    """The <svg> element alone, shrunk to fit its container, its ids prefixed with `key`."""
    text = text[text.index("<svg"):]
    ids = set(re.findall(r'id="([^"]+)"', text))
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{key}-{m.group(1)}"', text)
    text = re.sub(r"#([A-Za-z_][\w.-]*)",
                  lambda m: f"#{key}-{m.group(1)}" if m.group(1) in ids else m.group(0), text)
    return text.replace("<svg ", '<svg style="max-width:100%;height:auto" ', 1)


def floor_map(plane: np.ndarray, cell_m: float, layout, lo: float, hi: float, title: str,
              bar_label: str, diverging: bool = False) -> Figure:
    """A plane of shape (nx, ny) over the room, with the layout's racks and units on it."""
    with matplotlib.rc_context(RC):
        room_x, room_y = layout.room.size_m[0], layout.room.size_m[1]
        height_in, width_in, plot_h_in = map_size_in(room_x, room_y)
        fig = new_figure(height_in, width_in)
        ax = fig.add_subplot()
        nx, ny = plane.shape
        image = ax.imshow(np.ma.masked_invalid(plane.T), origin="lower", cmap=heat_cmap(diverging),
                          vmin=lo, vmax=hi, extent=(0, nx * cell_m, 0, ny * cell_m),
                          interpolation="nearest")
        _draw_layout(ax, layout)
        ax.set_xlim(0, room_x)
        ax.set_ylim(0, room_y)
        ax.set_aspect("equal")
        ax.set_xlabel("x (m)")
        ax.set_ylabel("y (m)")
        ax.set_title(title, loc="left")
        shrink = max(0.45, 1.0 - ARROW_ROOM_IN / plot_h_in)   # room above the bar for the arrow
        bar = fig.colorbar(image, ax=ax, shrink=shrink, pad=0.02, anchor=(0.0, 0.0))
        bar.set_label(bar_label)
        _north_arrow(bar.ax)
    return fig


def map_size_in(room_x_m: float, room_y_m: float) -> tuple[float, float, float]:
    """(height, width, plot height) of a map: two fit on an A4 page; a hall larger than
    LARGE_ROOM_M gets a page of its own so its rack labels stay legible."""
    plot_w = 5.6
    plot_h = plot_w * room_y_m / max(room_x_m, 1e-6)
    tallest = 7.0 if max(room_x_m, room_y_m) > LARGE_ROOM_M else 3.2
    if plot_h > tallest:
        plot_w, plot_h = plot_w * tallest / plot_h, tallest
    plot_h = max(plot_h, 1.2)
    return plot_h + 0.9, min(plot_w + 1.4, WIDTH_IN), plot_h


def _draw_layout(ax, layout) -> None:
    """Racks (front edge blue, rear red, id inside), cooling units, failed units crossed out."""
    scale_pt = _points_per_metre(ax, layout)
    for rack in layout.racks:
        (x, y), (w, d) = rack.position_m, rack.size_m[:2]
        ax.add_patch(patches.Rectangle((x, y), w, d, facecolor="#d9d9d9", edgecolor="#222",
                                       linewidth=0.6))
        for (ex, ey, ew, ed), colour in zip(_edges(x, y, w, d, rack.facing), (FRONT_RGB, REAR_RGB)):
            ax.add_patch(patches.Rectangle((ex, ey), ew, ed, facecolor=colour, linewidth=0))
        _label(ax, rack.id, x, y, w, d, scale_pt, "#111")
    for unit in layout.cooling_units:
        (x, y), (w, d) = unit.position_m, unit.size_m[:2]
        failed = not unit.running
        ax.add_patch(patches.Rectangle((x, y), w, d, facecolor="#f2f2f2" if failed else "#cfe3f5",
                                       edgecolor=FAILED_RGB if failed else "#1f4e79",
                                       linewidth=1.4 if failed else 0.8))
        if failed:
            ax.plot([x, x + w], [y, y + d], color=FAILED_RGB, linewidth=1.2)
            ax.plot([x, x + w], [y + d, y], color=FAILED_RGB, linewidth=1.2)
        text = f"{unit.id}\nFAILED" if failed else unit.id
        _label(ax, text, x, y, w, d, scale_pt, FAILED_RGB if failed else "#1f4e79", bold=failed)


def _edges(x, y, w, d, facing: str):
    """(front, rear) stripes of a footprint, 15 % of its depth, given the facing."""
    t = 0.15 * (d if facing in ("+y", "-y") else w)
    top, bottom = (x, y + d - t, w, t), (x, y, w, t)
    right, left = (x + w - t, y, t, d), (x, y, t, d)
    return {"+y": (top, bottom), "-y": (bottom, top), "+x": (right, left), "-x": (left, right)}[facing]


def _points_per_metre(ax, layout) -> float:
    width_in = ax.get_position().width * ax.figure.get_figwidth()
    return 72.0 * width_in / max(layout.room.size_m[0], 1e-6)


def _label(ax, text: str, x, y, w, d, scale_pt: float, colour: str, bold: bool = False) -> None:
    """The id centred in its box, turned when the box is tall, sized to fit (3.5-8 pt); a
    label that cannot fit is left out, except a failed unit's (bold), kept at 5 pt."""
    lines = text.split("\n")
    vertical = d > 1.4 * w
    along, across = (d, w) if vertical else (w, d)
    longest = max(len(s) for s in lines)
    size = min(8.0, 0.9 * along * scale_pt / (0.62 * longest), 0.8 * across * scale_pt / (1.25 * len(lines)))
    if bold:
        size = max(size, 5.0)
    elif size < 3.5:
        return
    ax.text(x + w / 2, y + d / 2, text, ha="center", va="center", fontsize=size, color=colour,
            rotation=90 if vertical else 0, fontweight="bold" if bold else "normal",
            linespacing=1.0, bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.0}
            if bold else None)


def _north_arrow(bar_ax) -> None:
    """An upward arrow marked N above the colour bar (north is +y, as in the app): clear of
    the map and of its title however narrow the room."""
    foot = offset_copy(bar_ax.transAxes, fig=bar_ax.figure, y=8, units="points")
    bar_ax.annotate("N", xy=(0.5, 1.0), xycoords=foot, xytext=(0, 22), textcoords="offset points",
                    ha="center", va="bottom", fontsize=8, fontweight="bold", annotation_clip=False,
                    arrowprops={"arrowstyle": "<|-", "color": "#222", "linewidth": 1.2,
                                "shrinkA": 1, "shrinkB": 0})
