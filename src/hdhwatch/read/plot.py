"""A picture of the timeline: when each target was stated, and for when.

x is the day an article appeared, y the target it gave for the migration.
The target hdhwatch believed over time is a step line that moves at each
move (an arrow from the old target to the new one, labelled "fin 2025 →
fin 2026"); the target known today is a dashed line. Current targets stated
surely are filled dots, stated unsurely small hollow grey dots (noise the
timeline did not follow), abandoned ones hollow red, lower bounds ("pas avant
2025") triangles, interim steps small grey dots, and a new target awaiting
confirmation a diamond. Ticks and labels are French whatever the machine's
locale.

Two sizes: ``wide`` for ``hdhwatch timeline --plot`` and ``mail`` for the
552-pixel column of a mail, drawn at twice that resolution with type set so
that it reads at 11–12 px once shown.

Drawn with matplotlib's object API on the Agg canvas (no pyplot, no display,
no global state), so it is safe in a server, a scheduler thread or a test.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from datetime import date, timedelta
from pathlib import Path

from matplotlib import dates as mdates
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FixedLocator, FuncFormatter
from sqlalchemy.orm import Session

from hdhwatch.classify.deadlines import period_end
from hdhwatch.errors import PlotError
from hdhwatch.read.words import format_day, short_target

TITLE = "Health Data Hub : date de migration annoncée"
FORMATS = {".png": "png", ".svg": "svg"}
_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.",
           "nov.", "déc.")

# (gid, legend label, marker, size, face, edge, zorder)
_STYLES = {
    "current": ("statements-current", "échéance actuelle selon l'article", "o", 46,
                "#1f5fa8", "#1f5fa8", 4),
    "former": ("statements-former", "échéance donnée pour abandonnée", "o", 46,
               "white", "#c0392b", 3),
    "bound": ("statements-bound", "borne « pas avant »", "^", 60, "#7d3c98", "#7d3c98", 3),
    "interim": ("statements-interim", "étape intermédiaire", "o", 14, "#9a9a9a", "#9a9a9a", 2),
    "unsure": ("statements-unsure", "échéance citée sans certitude", "o", 18, "white", "#8c8c8c",
               2),
    "signal": ("statements-signal", "nouvelle échéance à confirmer", "D", 54, "#f5c542",
               "#8a6d00", 5),
}
# (figure inches, dpi of the PNG, font sizes: title, axis labels, ticks, annotations, legend)
SIZES = {
    "wide": ((11, 6.6), 110, (15, 11, 10, 9.5, 9)),
    "mail": ((5.52, 4.6), 200, (10.5, 8.5, 8, 8, 7.5)),
}
SHIFT_COLOUR = "#e67e22"
STEP_COLOUR = "#2e86c1"
CURRENT_COLOUR = "#1e8449"


def category(row: dict, signals: Sequence[str] = ()) -> str:
    """How a statement is drawn: bound and interim first, then a target awaiting
    confirmation (``signals``: their ISO days), then its role and how sure it is."""
    if row.get("bound"):
        return "bound"
    if row.get("scope"):
        return "interim"
    if row["role"] == "former":
        return "former"
    if row["deadline"] in signals:
        return "signal"
    return "unsure" if row.get("confidence") in ("low", "medium") else "current"


def image_format(path: Path) -> str:
    """'png' or 'svg' from the file's extension; anything else is a ``PlotError``."""
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise PlotError(
            f"cannot draw {str(path)!r}: the file name must end in "
            f"{' or '.join(FORMATS)}"
        )
    return fmt


def _x_axis(axis, low: date, high: date) -> None:
    """Publication days: years ('2021') over long spans, 'janv. 2026' over short ones."""
    if (high - low).days < 3 * 366:
        axis.set_major_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
        axis.set_major_formatter(FuncFormatter(
            lambda v, _p: f"{_MONTHS[mdates.num2date(v).month - 1]} {mdates.num2date(v).year}"))
        return
    axis.set_major_locator(mdates.YearLocator(max(1, (high.year - low.year) // 10)))
    axis.set_minor_locator(mdates.MonthLocator(bymonth=(7,)))
    axis.set_major_formatter(FuncFormatter(lambda v, _p: str(mdates.num2date(v).year)))


def _y_axis(axis, low: date, high: date) -> None:
    """Targets are period ends: ticks at the end of each year ('fin 2025') or quarter ('T1 2027').

    A tick at 1 January would put "fin 2025" on the line labelled 2026.
    """
    if (high - low).days < 3 * 366:
        ends = [period_end(date(y, m, 1), "quarter")
                for y in range(low.year, high.year + 1) for m in (3, 6, 9, 12)]
        precision = "quarter"
    else:
        step = max(1, (high.year - low.year) // 10)
        ends = [date(y, 12, 31) for y in range(low.year - 1, high.year + 1, step)]
        precision = "year"
    ticks = [d for d in ends if low <= d <= high]
    axis.set_major_locator(FixedLocator([mdates.date2num(d) for d in ticks]))
    axis.set_major_formatter(FuncFormatter(
        lambda v, _p: short_target(mdates.num2date(v).date(), precision)))


def _padded(days: Sequence[date]) -> tuple[date, date]:
    low, high = min(days), max(days)
    pad = max(timedelta(days=60), (high - low) * 0.05)
    return low - pad, high + pad


class _Layout:
    """Where labels can go without covering each other, a line, an arrow or a point.

    Works in axes fractions, with sizes measured from the figure and the font:
    enough to keep a handful of move labels apart, at either size.
    """

    def __init__(self, fig: Figure, ax, points: float) -> None:
        width_in = fig.get_figwidth() * 0.85  # the axes take about this much of the width
        height_in = fig.get_figheight() * 0.7
        self.points = points
        self.char = points * 0.6 / 72 / width_in  # an average bold character
        self.height = points * 1.9 / 72 / height_in
        self.line_h = 1.5 / 72 / height_in
        self.dot_w = 5 / 72 / width_in
        self.dot_h = 5 / 72 / height_in
        self.boxes: list[tuple[float, float, float, float]] = []

    def text_w(self, text: str, points: float | None = None) -> float:
        """The width of ``text`` in axes fraction, at the layout's type size or ``points``."""
        scale = points / self.points if points else 1.0
        return len(text) * self.char * scale

    def block(self, x0: float, y0: float, x1: float, y1: float) -> None:
        self.boxes.append((x0, y0, x1, y1))

    def free(self, box: tuple[float, float, float, float]) -> bool:
        x0, y0, x1, y1 = box
        inside = 0.0 <= x0 and x1 <= 1.0 and 0.0 <= y0 and y1 <= 1.0
        return inside and not any(
            x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1 for b in self.boxes
        )

    def place(self, x: float, y: float, text: str) -> tuple[float, float, str]:
        """A free spot beside (x, y): (anchor x, y, horizontal alignment).

        Left of the point first, then right, moving away vertically step by step.
        """
        width, height, gap = self.text_w(text) + 0.02, self.height, 0.012
        for step in range(60):
            dy = (step + 1) // 2 * height / 2 * (1 if step % 2 else -1)
            for left in (True, False):
                x0 = x - gap - width if left else x + gap
                box = (x0, y + dy - height / 2, x0 + width, y + dy + height / 2)
                if self.free(box):
                    self.block(*box)
                    return (x - gap, y + dy, "right") if left else (x + gap, y + dy, "left")
        return x - gap, y, "right"


def timeline_figure(rows: Sequence[dict], shifts: Sequence[dict], current: dict | None,
                    signals: Sequence[dict] = (), *, size: str = "wide") -> Figure:
    """The figure for ``report.timeline_rows`` / ``shift_rows`` / ``current_target`` and the
    signals (``shift_rows(status="signal")``), at ``size`` "wide" or "mail"."""
    (inches, _dpi, (title_pt, label_pt, tick_pt, note_pt, legend_pt)) = SIZES[size]
    fig = Figure(figsize=inches, dpi=100, layout="constrained")
    ax = fig.add_subplot()
    ax.set_title(TITLE, fontsize=title_pt, fontweight="bold", loc="left", gid="title")
    ax.set_xlabel("date de parution de l'article", fontsize=label_pt)
    ax.set_ylabel("échéance annoncée pour la migration", fontsize=label_pt)
    ax.tick_params(labelsize=tick_pt)
    ax.grid(True, color="#e5e5e5", linewidth=0.8)
    ax.set_axisbelow(True)
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

    rows = [r for r in rows if not r.get("copy_of")]  # a syndicated copy is the same point
    if not rows:
        ax.text(0.5, 0.5, "Aucune échéance dans la base pour l'instant",
                transform=ax.transAxes, ha="center", va="center", color="#666666",
                fontsize=label_pt + 2)
        ax.set_xticks([])
        ax.set_yticks([])
        return fig

    xs = [date.fromisoformat(r["published"]) for r in rows]
    ys = [date.fromisoformat(r["deadline"]) for r in rows]
    (x0, x1), (y0, y1) = _padded(xs), _padded(ys)
    nx0, nx1, ny0, ny1 = (mdates.date2num(d) for d in (x0, x1, y0, y1))

    def frac(x: date, y: date) -> tuple[float, float]:
        return ((mdates.date2num(x) - nx0) / (nx1 - nx0),
                (mdates.date2num(y) - ny0) / (ny1 - ny0))

    layout = _Layout(fig, ax, note_pt)
    handles = []
    waiting = {s["to"] for s in signals}
    # The diagonal: a target below it had already passed when the article appeared.
    lo, hi = max(x0, y0), min(x1, y1)
    if lo < hi:
        ax.plot([lo, hi], [lo, hi], color="#bbbbbb", linestyle=":", linewidth=1.2, zorder=1,
                gid="diagonal")
        handles.append(Line2D([], [], color="#bbbbbb", linestyle=":", lw=1.2,
                              label="échéance = date de parution"))

    for name, (gid, label, marker, size, face, edge, z) in _STYLES.items():
        points = [(x, y) for x, y, r in zip(xs, ys, rows, strict=True)
                  if category(r, waiting) == name]
        if not points:
            continue
        area = size * (0.6 if name != "signal" and inches[0] < 8 else 1.0)
        ax.scatter([p[0] for p in points], [p[1] for p in points], s=area, marker=marker,
                   facecolors=face, edgecolors=edge, linewidths=1.2, zorder=z, gid=gid,
                   label=label)
        handles.append(Line2D([], [], linestyle="", marker=marker, markersize=area ** 0.5,
                              markerfacecolor=face, markeredgecolor=edge, markeredgewidth=1.2,
                              label=label))
        for x, y in points:
            fx, fy = frac(x, y)
            layout.block(fx - layout.dot_w, fy - layout.dot_h, fx + layout.dot_w,
                         fy + layout.dot_h)

    if current:
        target = date.fromisoformat(current["deadline"])
        words = current.get("target_short") or short_target(target, current["precision"])
        ax.axhline(target, color=CURRENT_COLOUR, linestyle="--", linewidth=1.4, zorder=2,
                   gid="current-target")
        since = ""
        if current.get("published"):
            since = f" (depuis le {_day_words(current['published'])})"
        text = f"Échéance actuelle : {words}{since}"
        _, fy = frac(x0, target)
        # over the line, at the left: the early articles aimed lower, so it is free there
        ax.annotate(text, (0.0, target), xycoords=("axes fraction", "data"), xytext=(4, 4),
                    textcoords="offset points", ha="left", va="bottom",
                    fontsize=note_pt + 1, fontweight="bold", color=CURRENT_COLOUR, zorder=6,
                    gid="current-label")
        layout.block(0.0, fy - layout.line_h, 1.0, fy + layout.line_h)  # the dashed line
        layout.block(0.0, fy, 0.02 + layout.text_w(text, note_pt + 1), fy + layout.height)
        handles.append(Line2D([], [], color=CURRENT_COLOUR, linestyle="--", lw=1.4,
                              label="échéance connue aujourd'hui"))

    drawn = [s for s in shifts if s.get("published")]
    _step_line(ax, drawn, rows, xs, x1, layout, frac)
    for shift in drawn:
        when = date.fromisoformat(shift["published"])
        new = date.fromisoformat(shift["to"])
        old = date.fromisoformat(shift["from"]) if shift.get("from") else new
        fx, fa = frac(when, old)
        _, fb = frac(when, new)
        layout.block(fx - 0.004, min(fa, fb), fx + 0.004, max(fa, fb))
    for shift in drawn:
        when = date.fromisoformat(shift["published"])
        new = date.fromisoformat(shift["to"])
        old = date.fromisoformat(shift["from"]) if shift.get("from") else None
        ax.axvline(when, color=SHIFT_COLOUR, linewidth=0.8, alpha=0.35, zorder=1)
        if old is not None:
            arrow = ax.annotate(
                "", xy=(when, new), xytext=(when, old), zorder=5,
                arrowprops={"arrowstyle": "-|>,head_width=0.35,head_length=0.7",
                            "color": SHIFT_COLOUR, "lw": 2.2, "shrinkA": 0, "shrinkB": 0})
            arrow.arrow_patch.set_gid(f"shift-arrow-{shift['id']}")
        label = shift.get("move_short") or shift.get("move") or ""
        fx, fy = frac(when, old + (new - old) / 2 if old else new)
        lx, ly, ha = layout.place(fx, fy, label)
        ax.annotate(label, (lx, ly), xycoords="axes fraction", ha=ha, va="center",
                    fontsize=note_pt, fontweight="bold", color="#a04000", zorder=6,
                    gid=f"shift-{shift['id']}",
                    bbox={"boxstyle": "round,pad=0.25", "facecolor": "white",
                          "edgecolor": SHIFT_COLOUR, "linewidth": 0.8, "alpha": 0.92})
    if drawn:
        handles.append(Line2D([], [], color=SHIFT_COLOUR, lw=2.2, marker="^", markersize=6,
                              label="déplacement de l'échéance"))
        if drawn[0].get("from"):
            handles.append(Line2D([], [], color=STEP_COLOUR, lw=2.0, alpha=0.55,
                                  label="échéance retenue par hdhwatch"))

    ax.set_xlim(x0, x1)
    ax.set_ylim(y0, y1)
    _x_axis(ax.xaxis, x0, x1)
    _y_axis(ax.yaxis, y0, y1)
    fig.legend(handles=handles, loc="outside lower center", ncols=4 if inches[0] > 8 else 2,
               fontsize=legend_pt, frameon=False)
    return fig


def _step_line(ax, moves: Sequence[dict], rows: Sequence[dict], xs: Sequence[date],
               x1: date, layout: _Layout, frac) -> None:
    """The target hdhwatch believed over time: flat between moves, stepping at each."""
    if not moves or not moves[0].get("from"):
        return
    start = min(xs)
    points = [(start, date.fromisoformat(moves[0]["from"]))]
    for move in moves:
        points.append((date.fromisoformat(move["published"]), date.fromisoformat(move["to"])))
    points.append((x1, points[-1][1]))
    ax.step([p[0] for p in points], [p[1] for p in points], where="post", color=STEP_COLOUR,
            linewidth=2.0, alpha=0.55, zorder=2, gid="believed-target")
    for (a, y), (b, _) in zip(points, points[1:], strict=False):
        fa, fy = frac(a, y)
        fb, _ = frac(b, y)
        layout.block(fa, fy - layout.line_h, fb, fy + layout.line_h)


def _day_words(iso_day: str) -> str:
    return format_day(date.fromisoformat(iso_day), "fr")


def plot_timeline(
    rows: Sequence[dict], shifts: Sequence[dict], current: dict | None, path: Path,
    signals: Sequence[dict] = (),
) -> Path:
    """Draw the timeline to ``path`` (.png or .svg, by its extension)."""
    path = Path(path)
    fmt = image_format(path)
    figure = timeline_figure(rows, shifts, current, signals)
    try:
        figure.savefig(path, format=fmt, dpi=SIZES["wide"][1] if fmt == "png" else None)
    except OSError as exc:
        raise PlotError(f"cannot write {path}: {exc.strerror or exc}") from exc
    return path


def _session_data(session: Session) -> tuple[list[dict], list[dict], dict | None, list[dict]]:
    from hdhwatch.read.report import current_target, shift_rows, timeline_rows

    return (timeline_rows(session), shift_rows(session), current_target(session),
            shift_rows(session, status="signal"))


def render_timeline(session: Session, path: Path) -> Path:
    """Draw the store's timeline to ``path`` (.png or .svg)."""
    image_format(path)  # refuse a bad name before querying
    rows, shifts, current, signals = _session_data(session)
    return plot_timeline(rows, shifts, current, path, signals)


def timeline_png_bytes(session: Session, size: str = "mail") -> bytes:
    """The store's timeline as PNG bytes, for a picture inline in a mail (drawn for its
    552-pixel column, at twice that resolution for sharp screens)."""
    buffer = io.BytesIO()
    timeline_figure(*_session_data(session), size=size).savefig(
        buffer, format="png", dpi=SIZES[size][1])
    return buffer.getvalue()
