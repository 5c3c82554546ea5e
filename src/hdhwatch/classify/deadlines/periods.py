"""Periods: the calendar arithmetic under every date phrase.

A date phrase names a period (a year, a half, a quarter, a season, a month, a
day, or a duration counted in months); a statement keeps the *last day* of that
period and its precision. ``period_end`` and ``same_target`` are public: the
timeline, the scorer and the picture compare targets with them.

- ``_Period`` is a period before anchoring, as the phrase wrote it ("septembre"
  has no year yet); ``_resolve`` gives its last day and precision, anchored on
  the publication date when the phrase has no year.
- Seasons are meteorological (spring March-May ... winter December-February);
  December belongs to the winter that ends in the following February.
- "début" and "mi-" pick a smaller period inside a larger one (``_apply_mod``);
  "fin" keeps the period.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date

# season and quarter are both three months: same rank, compared both ways.
_RANK = {"day": 0, "month": 1, "season": 2, "quarter": 2, "half": 3, "year": 4}
_SEASON_END_MONTH = {0: 5, 1: 8, 2: 11, 3: 2}  # spring, summer, autumn, winter (next year)


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def period_end(day: date, precision: str) -> date:
    """The last day of the period of ``precision`` that contains ``day``.

    Seasons are meteorological; December belongs to the winter that ends in
    the following February. Beyond the calendar's end it is ``date.max``.
    """
    try:
        return _period_end(day, precision)
    except (ValueError, OverflowError):
        return date.max


def _period_end(day: date, precision: str) -> date:
    y, m = day.year, day.month
    if precision == "year":
        return date(y, 12, 31)
    if precision == "half":
        return _month_end(y, 6 if m <= 6 else 12)
    if precision == "quarter":
        return _month_end(y, 3 * ((m - 1) // 3 + 1))
    if precision == "season":
        if m == 12:
            return _month_end(y + 1, 2)
        if m <= 2:
            return _month_end(y, 2)
        return _month_end(y, 3 * ((m - 3) // 3) + 5)
    if precision == "month":
        return _month_end(y, m)
    return day


APPROX_DAYS = 92  # FORMAT.md: a relative duration's target is the same as one this near


def same_target(a: tuple, b: tuple) -> bool:
    """Whether two (deadline, precision[, approx]) tuples name the same target.

    Two dates are one target when they fall in the same period at the coarser
    precision: "d'ici deux ans" written in November 2020 (2022-11-30, month) and
    "2022" (2022-12-31, year) are one target; "fin 2026" and "début 2027" are two.
    A season and a quarter (same size, different calendars) are the same
    target when either calendar puts both dates in one period. A target computed
    from a relative duration (``approx``, the third item) is also the same as any
    date that ends within ``APPROX_DAYS`` of it: "d'ici deux ans" written in October
    and in November 2020 is one promise.
    """
    da, pa, db, pb = a[0], a[1], b[0], b[1]
    if (len(a) > 2 and a[2]) or (len(b) > 2 and b[2]):
        if abs((da - db).days) <= APPROX_DAYS:
            return True
    ra, rb = _RANK.get(pa, 0), _RANK.get(pb, 0)
    if ra == rb and pa != pb and {pa, pb} == {"season", "quarter"}:
        return any(period_end(da, p) == period_end(db, p) for p in ("season", "quarter"))
    coarser = pa if ra >= rb else pb
    return period_end(da, coarser) == period_end(db, coarser)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    year = max(1, min(9999, year))
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


@dataclass(frozen=True)
class _Period:
    """A period before anchoring: what kind, which one, and which year if written."""

    kind: str  # year | half | quarter | month | season | day | rel
    index: int = 0  # half 1-2, quarter 1-4, month 1-12, season 0-3, months for rel
    year: int | None = None
    spec: str | None = None  # next | last | this, for "l'an prochain", "septembre dernier"
    day: int = 0


def _bounds(kind: str, index: int, year: int) -> tuple[date, date, str]:
    """First day, last day and precision of a period in a given year."""
    if kind == "year":
        return date(year, 1, 1), date(year, 12, 31), "year"
    if kind == "half":
        return date(year, 6 * index - 5, 1), _month_end(year, 6 * index), "half"
    if kind == "quarter":
        return date(year, 3 * index - 2, 1), _month_end(year, 3 * index), "quarter"
    if kind == "month":
        return date(year, index, 1), _month_end(year, index), "month"
    # season: spring starts in March; winter starts in December and ends next February
    start = date(year, 3 * index + 3, 1)
    end_month = _SEASON_END_MONTH[index]
    return start, _month_end(year + 1 if index == 3 else year, end_month), "season"


def _apply_mod(kind: str, index: int, mod: str | None) -> tuple[str, int]:
    """The period that "début" / "mi-" pick inside a larger one; "fin" keeps it."""
    if mod == "debut":
        if kind == "year":
            return "quarter", 1
        if kind == "half":
            return "quarter", 2 * index - 1
        if kind == "quarter":
            return "month", 3 * index - 2
    elif mod == "mi":
        if kind == "year":
            return "half", 1
        if kind == "quarter":
            return "month", 3 * index - 1
    return kind, index


def _resolve(period: _Period, mod: str | None, published: date,
             nearest: bool = False) -> tuple[date, str] | None:
    """``_resolve_in_calendar``, or None for a period beyond what ``date`` can hold."""
    try:
        return _resolve_in_calendar(period, mod, published, nearest)
    except (ValueError, OverflowError):
        return None  # "l'an prochain" published in 9999


def _resolve_in_calendar(period: _Period, mod: str | None, published: date,
                         nearest: bool = False) -> tuple[date, str] | None:
    """The last day and precision of the period, anchored on ``published`` when yearless.

    A yearless period is the next occurrence that is not over, as FORMAT.md
    says; with ``nearest`` (a yearless day, month or season that no target
    word introduces: "le 9 octobre", "en juillet") it is the occurrence
    nearest to ``published``, for such dates are mostly recent events.
    """
    if period.kind == "rel":  # the end of the month reached
        reached = _add_months(published, period.index)
        return _month_end(reached.year, reached.month), "month"
    if nearest and period.year is None and period.spec is None:
        best: tuple[int, date, str] | None = None
        for year in (published.year - 1, published.year, published.year + 1):
            found = _resolve(_Period(period.kind, period.index, year, None, period.day), mod,
                             published)
            if found is None:
                continue
            end, precision = found
            middle = end if precision == "day" else end.replace(day=1)
            if precision == "season":
                middle = _add_months(end.replace(day=1), -1)
            distance = abs((middle - published).days)
            if best is None or distance <= best[0]:
                best = (distance, end, precision)
        return (best[1], best[2]) if best else None
    if period.kind == "day":
        year = period.year if period.year is not None else published.year
        try:
            day = date(year, period.index, period.day)
        except ValueError:
            return None
        if period.year is None and day < published:
            try:
                day = date(year + 1, period.index, period.day)
            except ValueError:
                return None
        return day, "day"
    kind, index = _apply_mod(period.kind, period.index, mod)
    if period.year is not None:
        start, end, precision = _bounds(kind, index, period.year)
        return end, precision
    year = published.year
    if period.spec == "next" and period.kind == "year":
        year += 1
    elif period.spec == "last" and period.kind == "year":
        year -= 1
    start, end, precision = _bounds(kind, index, year)
    if period.spec == "last":
        if end >= published:
            start, end, precision = _bounds(kind, index, year - 1)
    elif period.spec == "next" and period.kind != "year":
        if start <= published:
            start, end, precision = _bounds(kind, index, year + 1)
    elif period.spec != "this" and end < published:
        # the next occurrence that is not in the past
        start, end, precision = _bounds(kind, index, year + 1)
    return end, precision


def _period_start(end: date, precision: str) -> date:
    months = {"year": 12, "half": 6, "quarter": 3, "season": 3, "month": 1}.get(precision)
    if months is None:
        return end
    return _add_months(end.replace(day=1), 1 - months)
