"""The timeline chart's geometry, for a server-rendered SVG (``templates/_chart.html.j2``).

x is the day an article appeared, y the target it stated. The known target is a
step line; each confirmed move is an arrow from the old target to the new one;
each statement is a point, drawn by its category (``read.plot.category``, the
picture the CLI draws): current, former, bound, interim, unsure, signal. A point
is a link to its article that carries its outlet, day and sentence.

A big store states thousands of targets: past ``MAX_POINTS`` statements, one point
stands for the statements of one quarter, target and category (it says how many).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from hdhwatch.read.plot import category
from hdhwatch.read.words import describe_target, format_day, short_target

WIDTH, HEIGHT = 960, 440
LEFT, RIGHT, TOP, BOTTOM = 96, 24, 20, 44
TIP_W, TIP_H = 280, 132
MAX_POINTS = 400
# A move's label (14 px bold, style.css): a generous width per character and the box
# around its baseline, for placing it clear of the points, the arrows and the other labels
LABEL_CHAR_W, LABEL_ASCENT, LABEL_DESCENT = 8.6, 13, 4
LABEL_GAP = 8  # px between an arrow and its label
# (fill, stroke, shape, radius): colours of the CLI's picture, darker greys for contrast
STYLES = {
    "current": ("#1f5fa8", "#1f5fa8", "circle", 6),
    "former": ("#ffffff", "#c0392b", "circle", 6),
    "bound": ("#7d3c98", "#7d3c98", "triangle", 7),
    "interim": ("#6b6b6b", "#6b6b6b", "circle", 4),
    "unsure": ("#ffffff", "#6b6b6b", "circle", 4),
    "signal": ("#f5c542", "#8a6d00", "diamond", 7),
}
CATEGORIES = tuple(STYLES)


@dataclass
class Point:
    x: float
    y: float
    category: str
    article_id: int
    outlet: str
    day: str  # in words
    target: str  # in words
    sentence: str
    title: str
    more: int = 0  # statements it stands for besides its own
    tip_x: float = 0
    tip_y: float = 0

    @property
    def style(self) -> tuple[str, str, str, int]:
        return STYLES[self.category]

    @property
    def shape_path(self) -> str:
        _fill, _stroke, shape, r = self.style
        if shape == "triangle":
            return (f"M{self.x:.1f},{self.y - r:.1f} L{self.x + r:.1f},{self.y + r * 0.8:.1f} "
                    f"L{self.x - r:.1f},{self.y + r * 0.8:.1f} Z")
        if shape == "diamond":
            return (f"M{self.x:.1f},{self.y - r:.1f} L{self.x + r:.1f},{self.y:.1f} "
                    f"L{self.x:.1f},{self.y + r:.1f} L{self.x - r:.1f},{self.y:.1f} Z")
        return ""


@dataclass
class Arrow:
    x: float
    y1: float
    y2: float
    label: str
    label_y: float = 0
    label_x: float = 0
    anchor: str = "start"


@dataclass
class Chart:
    width: int = WIDTH
    height: int = HEIGHT
    points: list[Point] = field(default_factory=list)
    arrows: list[Arrow] = field(default_factory=list)
    step: str = ""  # an SVG path
    x_ticks: list[tuple[float, str]] = field(default_factory=list)
    y_ticks: list[tuple[float, str]] = field(default_factory=list)
    plot: tuple[float, float, float, float] = (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM)
    statements: int = 0

    @property
    def empty(self) -> bool:
        return not self.points


def _days(value: str) -> date:
    return date.fromisoformat(value)


Box = tuple[float, float, float, float]  # x0, y0, x1, y1


def _overlaps(a: Box, b: Box) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


def _label_box(x: float, y: float, anchor: str, text: str) -> Box:
    width = len(text) * LABEL_CHAR_W
    x0 = x if anchor == "start" else x - width
    return (x0, y - LABEL_ASCENT, x0 + width, y + LABEL_DESCENT)


def _label_spots(arrow: Arrow, preferred: str):
    """Where a label may go, best first: beside the arrow's middle (on the side with more
    room first), a little higher or lower, then above its upper end or below its lower."""
    middle = (arrow.y1 + arrow.y2) / 2 + 4
    sides = (preferred, "start" if preferred == "end" else "end")
    for dy in (0, -18, 18, -36, 36):
        for anchor in sides:
            x = arrow.x - LABEL_GAP if anchor == "end" else arrow.x + LABEL_GAP
            yield x, middle + dy, anchor
    upper, lower = min(arrow.y1, arrow.y2), max(arrow.y1, arrow.y2)
    for anchor in sides:
        x = arrow.x - LABEL_GAP if anchor == "end" else arrow.x + LABEL_GAP
        yield x, upper - LABEL_GAP - LABEL_DESCENT, anchor
        yield x, lower + LABEL_GAP + LABEL_ASCENT, anchor


def _place_labels(chart: Chart) -> None:
    """Put each move's label where it hides no point, no arrow and no other label, inside
    the plot; where no spot is free (a crowded chart), where it hides the fewest."""
    left, top, right, bottom = chart.plot
    taken: list[Box] = [(p.x - p.style[3] - 2, p.y - p.style[3] - 2,
                         p.x + p.style[3] + 2, p.y + p.style[3] + 2) for p in chart.points]
    taken += [(a.x - 4, min(a.y1, a.y2) - 4, a.x + 4, max(a.y1, a.y2) + 4)
              for a in chart.arrows]
    for arrow in chart.arrows:
        preferred = "end" if arrow.x > (left + right) / 2 else "start"
        best: tuple[int, float, float, str] | None = None
        for x, y, anchor in _label_spots(arrow, preferred):
            box = _label_box(x, y, anchor, arrow.label)
            if box[0] < left + 2 or box[2] > right - 2 or box[1] < top or box[3] > bottom:
                continue
            hidden = sum(_overlaps(box, other) for other in taken)
            if best is None or hidden < best[0]:
                best = (hidden, x, y, anchor)
            if not hidden:
                break
        if best is None:  # wider than the plot: beside the middle, as it comes
            best = (0, *next(_label_spots(arrow, preferred)))
        _, arrow.label_x, arrow.label_y, arrow.anchor = best
        taken.append(_label_box(arrow.label_x, arrow.label_y, arrow.anchor, arrow.label))


def build_chart(rows: Sequence[dict], shifts: Sequence[dict], signals: Sequence[dict],
                lang: str = "fr") -> Chart:
    """The chart of ``timeline_rows``, ``shift_rows`` and the signals (``shift_rows`` with
    status "signal"), its words in ``lang``."""
    chart = Chart(statements=len(rows))
    if not rows:
        return chart
    waiting = {s["to"] for s in signals}
    published = [_days(r["published"]) for r in rows if r["published"]]
    deadlines = [_days(r["deadline"]) for r in rows]
    deadlines += [_days(s["to"]) for s in shifts] + [_days(s["from"]) for s in shifts
                                                     if s["from"]]
    moved = [_days(s["published"]) for s in shifts if s["published"]]
    x0 = min(published + moved) - timedelta(days=90)
    x1 = max(published + moved) + timedelta(days=90)
    y0 = min(deadlines) - timedelta(days=200)
    y1 = max(deadlines) + timedelta(days=200)
    left, top, right, bottom = chart.plot

    def fx(day: date) -> float:
        return left + (day - x0).days / max((x1 - x0).days, 1) * (right - left)

    def fy(day: date) -> float:
        return bottom - (day - y0).days / max((y1 - y0).days, 1) * (bottom - top)

    chart.x_ticks = [(fx(date(y, 1, 1)), str(y)) for y in range(x0.year + 1, x1.year + 1)]
    years = range(y0.year, y1.year + 1)
    every = max(1, len(years) // 8)
    chart.y_ticks = [(fy(date(y, 12, 31)), short_target(date(y, 12, 31), "year")
                      if lang == "fr" else f"end {y}")
                     for y in years if y0 <= date(y, 12, 31) <= y1 and (y - y0.year) % every == 0]

    thin = len(rows) > MAX_POINTS
    seen: dict[tuple, Point] = {}
    for row in rows:
        if not row["published"]:
            continue
        day = _days(row["published"])
        cat = category(row, waiting)
        key = ((day.year, (day.month - 1) // 3) if thin else row["article_id"], row["deadline"],
               cat)
        if key in seen:
            seen[key].more += 1
            continue
        deadline = _days(row["deadline"])
        point = Point(fx(day), fy(deadline), cat, row["article_id"], row["outlet"] or "",
                      format_day(day, lang), describe_target(deadline, row["precision"], lang),
                      row["sentence"], row["title"] or "")
        point.tip_x = min(max(point.x - TIP_W / 2, left), right - TIP_W)
        point.tip_y = point.y + 12 if point.y < (top + bottom) / 2 else point.y - 12 - TIP_H
        seen[key] = point
        chart.points.append(point)
    # signals and sure targets on top
    order = {c: i for i, c in enumerate(("unsure", "interim", "former", "bound", "current",
                                         "signal"))}
    chart.points.sort(key=lambda p: order[p.category])

    if shifts:
        first = shifts[0]
        start = _days(first["from"]) if first["from"] else _days(first["to"])
        path = [f"M{fx(x0 + timedelta(days=90)):.1f},{fy(start):.1f}"]
        for shift in shifts:
            x = fx(_days(shift["published"]))
            new = _days(shift["to"])
            path.append(f"H{x:.1f} V{fy(new):.1f}")
            if shift["from"]:
                y_old, y_new = fy(_days(shift["from"])), fy(new)
                old = describe_target(_days(shift["from"]), shift["from_precision"] or "day",
                                      "en")
                label = shift["move_short"] if lang == "fr" else (
                    f"{old} → {describe_target(new, shift['to_precision'], 'en')}")
                chart.arrows.append(Arrow(x, y_old, y_new, label))
        path.append(f"H{fx(x1 - timedelta(days=30)):.1f}")
        chart.step = " ".join(path)
        _place_labels(chart)
    return chart
