"""Deadlines: every statement of a target date for the HDH migration, French and English.

``find_deadlines(text, published)`` reads an article already judged relevant to
the Health Data Hub's hosting story and returns one ``Deadline`` per distinct
(deadline, role) that the text gives for the migration off Microsoft Azure.
``reported_shift`` says whether the article itself reports that the target
moved, and ``same_target`` is FORMAT.md's "same period at the coarser
precision" comparison, which the timeline and the scorer share.

How a date is found, in four steps, all over the accent-folded text (folding
keeps offsets, so every position is also a position in the original):

1. *Date phrases.* Small regular expressions find the core of a phrase (a
   year, "premier semestre 2024", "T3 2025", "septembre", "30/06/2025",
   "dix-huit mois", ...); the words just before it are then attached as a
   modifier ("fin", "début", "mi-", "early", "late") and an introducer ("d'ici",
   "pour", "pas avant", "by", ...). A bare number only becomes a year when an
   introducer, a modifier or a "l'horizon ... est 2025" context says so.
   Linked phrases ("fin 2026 ou début 2027", "entre ... et ...", "2025-2026",
   "2025, voire 2026") are one range, worth its later end. dateparser is used
   only for full dates with abbreviated month names ("12 sept. 2025").
2. *Is it about the migration?* The sentence, or for a continuation ("Elle
   devrait intervenir fin 2026") the sentence before it, must speak of the
   move. Then the nearest competing cue on the left of the date decides
   whether the date belongs to something else: a tender, another project's
   launch or certification, a hearing or report, a contract's end. Past
   facts are dropped: a period that ended before ``published`` only counts as
   a former target, and a date of the current year governed by a past-tense
   event verb ("en 2022, le HDH a lancé ...") is dropped.
3. *Role.* Cues between the previous date and this one ("initialement",
   "devait", "au lieu de", "désormais", "repoussée à", ...) or after it ("...
   est intenable", "... a été repoussée") set former/current; the strongest,
   then nearest, cue wins. Then the article as a whole (``_reconcile``).
4. *Bound and scope.* "pas avant", "au plus tôt", "au moins jusqu'au" give a
   lower bound; a date whose stretch of sentence speaks of a temporary copy
   ("solution intercalaire", "copie temporaire", "projets pilotes") rather
   than of the full migration is an interim step.

Decisions where FORMAT.md is silent (the tests pin each one):

- ``hiver 2025`` is the winter that *starts* in December 2025: it ends on the
  last day of February 2026 (meteorological seasons: spring Mar-May, summer
  Jun-Aug, autumn Sep-Nov, winter Dec-Feb). A season and a quarter have the
  same rank for ``same_target``.
- ``avant 2025`` (a bare year after "avant"/"before") means by the end of 2024;
  "avant la fin 2025", "avant l'été 2025" keep the period named.
- "à partir de 2025" is a lower bound; "dès 2025" a plain target.
- A yearless period introduced as a target ("d'ici juin", "au premier
  semestre") is the next one not over, as FORMAT.md says. A yearless day,
  month or season without such an introducer ("le 9 octobre", "en juillet")
  is mostly a recent event: it is the occurrence nearest to ``published``, or
  takes the year of a date just stated in its sentence ("le 30 novembre 2019,
  avant d'ouvrir en décembre"). Under a future tense ("la copie sera prête à
  l'automne") it is the coming one. Beside a verb of saying, with another date
  in its sentence ("le ministère évoquait en février une migration fin 2026"),
  it dates the saying and is dropped. "l'an dernier" is never a target.
- Dates of other events compete with the migration's: a court's or an
  authority's ruling ("doit se prononcer cet été"), the presentation of a plan
  ("Bercy doit présenter au printemps ..."), and the start of the works ("les
  travaux démarrent ce mois-ci, pour une bascule prévue fin 2026"): the target
  is the completion. A copy of the data is a step of the move, so "will start
  copying ... later this year" stays an (interim) target.
- "les premiers mois de 2027" is "début 2027"; "les derniers mois", "fin".
- An interview's question or answer with a timing, anaphor or former cue
  continues the migration talk of the sentence before it, as a continuation
  does, so "Q : Le ministère parlait pourtant de fin 2026…" is read.
- The end of Microsoft's contract ("le contrat expire en 2026", "prolongé
  jusqu'en 2026") is not the migration date: contract words compete like
  tender words, so the date is kept only when a migration word stands nearer
  to it. "Microsoft restera l'hébergeur jusqu'en 2026" (no contract word) is
  a current target, and with "au moins" a lower bound.
- A relative duration ("d'ici deux ans") is anchored on an earlier past date
  of its sentence when there is one ("En novembre 2020, le ministre
  promettait une migration d'ici deux ans"; a bare year gives a year), else
  on ``published``. Over by now, such a promise is a former target. With no such date in
  its sentence, a duration in a promise retold (a past tense: imperfect, pluperfect,
  "then"; or a promise noun, "la promesse de 2020 de migrer sous deux ans") counts from
  the nearest past date or bare year before it in its paragraph; retold in a past tense
  with none, it is dropped: a retold promise never becomes a target counted from
  ``published``. A passé composé ("s'est engagé lundi") is news and counts from
  ``published``. A duration counted from an event to come ("douze mois à compter de la
  notification du marché", "within 12 months of the contract award") is dropped.
- A duration and a calendar phrase naming the same target in one article ("within two
  years, that is by the end of 2022") are one statement: the calendar phrase is kept, and
  takes the former role of the promise told as over.
- The date a promise was made ("l'engagement pris en novembre 2020", "promise dès octobre
  2020") is not a target; nor is the date of another obligation or step (a standard's
  compliance date, a "point d'étape", a consultation, a parliament's final votes, an
  authorisation that "arrive à échéance").
- "a indiqué que la migration devait être achevée fin 2026" is indirect speech (sequence of
  tenses): current. "comme annoncé" alone confirms a target; only "comme prévu
  initialement" makes it former. "X, fixé ... après ..., ne sera pas tenu": the verdict
  after the apposition is about X too. In the article, the head target is the first
  current one not stated in a sentence telling the past ("had said in February that ...").
- A period that ended before ``published`` is kept only as a *former* target:
  with a former cue, with a cue that moved it, or when it is plainly stated
  as a target ("d'ici", "prévue pour", "objectif", ...) and so was missed.
- Superseded targets: in "prévue pour 2025, la migration est désormais
  attendue fin 2026" or "fin 2022, puis 2025, puis fin 2026" the earlier dates
  are former. Across the article, the first plain current target (the
  headline's, usually) wins: an earlier, different "current" date told in a
  retrospective sentence (imperfect, "puis", a past date beside it) is
  former, and no target can be current if it ends before a stated lower
  bound.
- Beyond 20 000 date phrases the text is not prose: the rest is ignored, so
  that time stays bounded.
"""

from __future__ import annotations

import calendar
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache

from hdhwatch.records import TARGET_KINDS, Deadline, Shift
from hdhwatch.textutil import document

__all__ = ["find_dates", "find_deadlines", "label_of", "labels", "period_end", "reported_shift",
           "same_target"]

# ------------------------------------------------------------------------------------------
# Periods
# ------------------------------------------------------------------------------------------

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


# ------------------------------------------------------------------------------------------
# Vocabulary
# ------------------------------------------------------------------------------------------

_MONTHS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7,
    "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}
# English words that are also common verbs: a month only with a year beside it.
_MONTHS_NEEDING_YEAR = {"may", "march"}
_MONTH_ABBR = ("janv", "fevr", "fev", "avr", "juil", "sept", "oct", "nov", "dec",
               "jan", "feb", "mar", "apr", "jun", "jul", "aug", "sep")
_SEASONS = {"printemps": 0, "spring": 0, "ete": 1, "summer": 1, "automne": 2, "autumn": 2,
            "fall": 2, "hiver": 3, "winter": 3}
_WEEKDAYS = ("lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|"
             "monday|tuesday|wednesday|thursday|friday|saturday|sunday")
_NUMBERS = {
    "un": 1, "une": 1, "deux": 2, "trois": 3, "quatre": 4, "cinq": 5, "six": 6, "sept": 7,
    "huit": 8, "neuf": 9, "dix": 10, "onze": 11, "douze": 12, "treize": 13, "quatorze": 14,
    "quinze": 15, "seize": 16, "dix-sept": 17, "dix-huit": 18, "dix-neuf": 19, "vingt": 20,
    "vingt-et-un": 21, "vingt-deux": 22, "vingt-trois": 23, "vingt-quatre": 24, "trente": 30,
    "trente-six": 36, "quarante-huit": 48, "soixante": 60,
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14,
    "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
    "twenty": 20, "twenty-one": 21, "twenty-two": 22, "twenty-three": 23, "twenty-four": 24,
    "thirty": 30, "thirty-six": 36, "forty-eight": 48, "sixty": 60, "a": 1, "an": 1,
}
_ORDINALS = {
    "premier": 1, "premiere": 1, "1er": 1, "1ere": 1, "1e": 1, "1": 1, "first": 1, "1st": 1,
    "second": 2, "seconde": 2, "2nd": 2, "2nde": 2, "2d": 2, "deuxieme": 2, "2e": 2,
    "2eme": 2, "2": 2, "troisieme": 3, "3e": 3, "3eme": 3, "3": 3, "third": 3, "3rd": 3,
    "quatrieme": 4, "4e": 4, "4eme": 4, "4": 4, "fourth": 4, "4th": 4,
    "latter": 2,
}

# ------------------------------------------------------------------------------------------
# Date-phrase cores (on folded text)
# ------------------------------------------------------------------------------------------

_Y = r"20[0-4]\d"


def _word_start(alternatives: Sequence[str], before: str = r"\w") -> str:
    """An alternation whose matches do not start right after a ``before`` character.

    Branches are grouped by their first letter, and each group's look-behind
    comes after that letter ("m(?<![\\w]m)(?:igr|...)"), not before it: re can
    then use its fast first-character scan, several times faster on long
    texts than a leading look-behind, with the same matches (branches with
    different first letters never match at the same place, so grouping them
    keeps each group's order of preference).
    """
    groups: dict[str, list[str]] = {}
    others: list[str] = []
    for alt in (b for a in alternatives for b in _expand_leading(a)):
        first, second = alt[:1], alt[1:2]
        if first.isalnum() and first.isascii() and second not in ("?", "*", "+", "{") and \
                not _top_level_bar(alt):
            groups.setdefault(first, []).append(alt[1:])
        else:
            others.append(f"(?<![{before}])(?:{alt})")
    branches = [f"{first}(?<![{before}]{first})(?:{'|'.join(rests)})"
                for first, rests in groups.items()]
    return "(?:" + "|".join(branches + others) + ")"


def _expand_leading(alt: str, depth: int = 0) -> list[str]:
    """Branches that each open with a literal: "(?:a|b)c" -> "ac", "bc"; "(?:a)?c" -> "ac", "c".

    Same matches in the same order of preference; it only lets re use its
    first-character scan.
    """
    if depth > 3 or not alt.startswith("(?:"):
        return [alt]
    close = _group_end(alt)
    if close < 0:
        return [alt]
    inner, rest = alt[3:close], alt[close + 1:]
    optional = rest.startswith("?") and not rest.startswith("??")
    if rest[:1] in ("*", "+", "{") or (rest.startswith("?") and not optional):
        return [alt]
    if optional:
        rest = rest[1:]
    out = [b for part in _split_top(inner) for b in _expand_leading(part + rest, depth + 1)]
    if optional:
        out.extend(_expand_leading(rest, depth + 1))
    return [b for b in out if b] or [alt]


def _group_end(pattern: str) -> int:
    """Index of the parenthesis closing the group that opens ``pattern``, or -1."""
    depth, escaped, in_class = 0, False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_top(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern``."""
    parts, depth, escaped, in_class, start = [], 0, False, False, 0
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _top_level_bar(pattern: str) -> bool:
    depth, escaped, in_class = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return False


# The literal text each pattern's matches open with, for the cues and cores whose every
# branch opens on a letter or digit after a non-word character (see _word_start): such a
# pattern can only match at the start of a word that opens with one of its heads. Keyed by
# the pattern's source: hashing a compiled pattern hashes its whole program.
_HEADS: dict[str, tuple[str, ...]] = {}
_HEAD_STOP = frozenset("\\[](){}.*+?|^$")


def _heads(alternatives: Sequence[str]) -> tuple[str, ...] | None:
    """The literal opening of each branch ``_word_start`` makes, or None when a branch does
    not open on a letter (it would then not be confined to word starts)."""
    heads: list[str] = []
    for alt in (b for a in alternatives for b in _expand_leading(a)):
        first, second = alt[:1], alt[1:2]
        if not (first.isalnum() and first.isascii() and second not in ("?", "*", "+", "{")
                and not _top_level_bar(alt)):
            return None
        head = first
        for i in range(1, len(alt)):
            if alt[i] in _HEAD_STOP or alt[i + 1:i + 2] in ("?", "*", "+", "{"):
                break
            head += alt[i]
        heads.append(head)
    return tuple(heads)


_E = r"(?![\w])"  # end of a word
_YSPEC = (
    r"(?:\s*,?\s+(?:de\s+l'an(?:nee)?\s+|de\s+|d'|of\s+(?:the\s+year\s+)?)?(?P<y>" + _Y + r")"
    + _E
    + r"|\s+(?:de\s+l'an(?:nee)?\s+)?(?P<n>prochaine?)" + _E
    + r"|\s+(?:of\s+)?next\s+year(?P<n2>)" + _E
    + r"|\s+(?:de\s+l'an(?:nee)?\s+)?(?P<l>derniere?)" + _E
    + r"|\s+(?:of\s+)?last\s+year(?P<l2>)" + _E
    + r"|\s+de\s+(?:cette\s+annee|l'an(?:nee)?\s+en\s+cours)(?P<c>)" + _E
    + r"|\s+(?:of\s+)?this\s+year(?P<c2>)" + _E
    + r")?"
)

_DAY = r"(?P<d>\d(?<![\w]\d)\d?)(?:er|st|nd|rd|th)?"  # "1er", "30", "3rd"
_MONTH_WORDS = sorted(_MONTHS, key=len, reverse=True)
_MONTH_WORD = r"(?P<m>" + _word_start(_MONTH_WORDS) + r")" + _E
_NUM_WORDS = [k.replace("-", r"[\s-]+") for k in sorted(_NUMBERS, key=len, reverse=True)] + [
    f"{d}\\d{{0,2}}" for d in range(10)]
_NUM = _word_start(_NUM_WORDS)
_ORD_WORDS = sorted(_ORDINALS, key=len, reverse=True)
_ORD = _word_start(_ORD_WORDS)
_SEASON_WORDS = ["printemps", "automne", "hiver", "ete", "spring", "summer", "autumn", "fall",
                 "winter"]
_YEAREND_WORDS = [r"year[\s-]end", r"end[\s-]year"]
_YEARUNIT_WORDS = ["annee", "an", "year"]
_MONTHREL_WORDS = [r"mois\s+prochain", r"mois-ci", r"next\s+month", r"this\s+month",
                   r"mois\s+en\s+cours", r"fin\s+du\s+mois", r"end\s+of\s+the\s+month"]
# Each core opens with a literal (see _word_start): weekdays, "ce"/"cet", "the" are
# introducers, looked for separately.
_CORES: tuple[tuple[str, re.Pattern[str]], ...] = tuple(
    (name, re.compile(pattern))
    for name, pattern in (
        ("iso", r"(?P<y>2(?<![\w]2)0[0-4]\d)-(?P<m>0?[1-9]|1[0-2])-(?P<d>[0-3]?\d)(?![\w/.-])"),
        ("num", r"(?P<a>\d(?<![\w/.,-]\d)\d?)[/.](?P<b>[01]?\d)[/.](?P<y>" + _Y
         + r"|\d\d)(?![\w/]|[.,]\d)"),
        ("daymonth", _DAY + r"\s+(?:of\s+)?" + _MONTH_WORD
         + r"(?:\s*,?\s+(?P<y>" + _Y + r")" + _E + r")?"),
        ("monthday", _MONTH_WORD + r"\s+(?P<d>[0-3]?\d)(?:st|nd|rd|th)?"
         r"(?:\s*,\s*|\s+)(?P<y>" + _Y + r")" + _E),
        ("abbr", _DAY + r"\s+(?P<m>" + "|".join(_MONTH_ABBR) + r")\.?\s+(?P<y>" + _Y + r")"
         + _E),
        ("month", _MONTH_WORD + _YSPEC),
        ("half", r"(?P<o>" + _ORD + r")\s+(?:semestre|half)(?:\s+of)?(?:\s+the\s+year)?" + _E
         + _YSPEC),
        ("halfshort", r"(?P<k>[sh])(?<![\w].)(?P<o>[12])(?:\s*[-/']\s*|\s+)?(?P<y>" + _Y
         + r"|\d\d)" + _E),
        ("quarter", r"(?P<o>" + _ORD + r")\s+(?:trimestre|quarter)(?:\s+of)?(?:\s+the\s+year)?"
         + _E + _YSPEC),
        ("quartershort", r"(?P<k>[tq])(?<![\w].)(?P<o>[1-4])(?:\s*[-/']\s*|\s+)?(?P<y>" + _Y
         + r"|\d\d)" + _E),
        ("season", r"(?P<s>" + _word_start(_SEASON_WORDS) + r")"
         + _E + _YSPEC + r"(?:\s*[-/]\s*(?P<yb>" + _Y + r")" + _E + r")?"),
        ("rentree", r"r(?<![\w]r)entree(?:\s+scolaire|\s+de\s+septembre)?" + _E + _YSPEC),
        ("yearend", _word_start(_YEAREND_WORDS) + _E
         + r"(?:\s+(?P<y>" + _Y + r")" + _E + r")?"),
        ("yearunit", r"(?P<u>" + _word_start(_YEARUNIT_WORDS) + r")" + _E + _YSPEC),
        ("rel", r"(?P<a>" + _NUM + r")(?:\s*(?:a|ou|-|et|to|or)\s*(?P<b>" + _NUM
         + r"))?\s+(?:(?P<p>prochaine?s|next)\s+)?(?P<u>mois|ans?|annees?|months?|years?)"
         + _E + r"(?:\s+et\s+(?P<h>demie?))?"),
        ("monthrel", _word_start(_MONTHREL_WORDS) + _E),
        ("year", r"(?P<y>2(?<![\w.,/']2)0[0-4]\d)(?![\w]|[.,/]\d|-(?!" + _Y + r"(?!\w))\d)"),
    )
)
# "\d" opens some cores: any decimal digit, not only ASCII ones ("٣٠/٠٦/٢٠٢٥")
_DIGIT = "\\d"
_DIGITS = (_DIGIT,)
_CORE_HEADS: dict[str, tuple[str, ...] | None] = {
    "num": _DIGITS, "daymonth": _DIGITS, "abbr": _DIGITS,
    "monthday": _heads(_MONTH_WORDS), "month": _heads(_MONTH_WORDS),
    "half": _heads(_ORD_WORDS), "quarter": _heads(_ORD_WORDS),
    "halfshort": ("s1", "s2", "h1", "h2"),
    "quartershort": ("t1", "t2", "t3", "t4", "q1", "q2", "q3", "q4"),
    "season": _heads(_SEASON_WORDS), "rentree": ("rentree",), "yearend": _heads(_YEAREND_WORDS),
    "yearunit": _heads(_YEARUNIT_WORDS), "rel": _heads(_NUM_WORDS),
    "monthrel": _heads(_MONTHREL_WORDS),
}
_HEADS.update({pattern.pattern: heads for name, pattern in _CORES
               if (heads := _CORE_HEADS.get(name))})
# Every match of these cores holds one of these words: without them, no pass is needed.
_CORE_WORDS = {
    "half": ("semestre", "half"),
    "quarter": ("trimestre", "quarter"),
    "rentree": ("rentree",),
    "yearend": ("year",),
    "monthrel": ("mois", "month"),
}
# "ce printemps", "cette année", "next summer": the word before a season or a year
_ABBREVIATED_MONTH_END = re.compile(
    r"(?<![\w])(?:janv|f[ée]vr|avr|juil|sept|oct|nov|d[ée]c|jan|feb|mar|apr|jun|jul|aug|sep)\.\Z",
    re.IGNORECASE,
)
_THIS_BEFORE = re.compile(r"(?<![\w'])(?P<w>ce|cet|cette|this|next|last)\s+\Z")

# The words before a core: a modifier picks a part of the period ...
_MOD_TAIL = (r"(?:\s+(?:de\s+l'|de\s+la\s+|du\s+|des\s+|de\s+|d'|of\s+the\s+|of\s+|in\s+)"
             r"|\s*-\s*|\s+)")
_MOD = re.compile(
    r"(?P<fin>" + _word_start(["fin", "end", r"derniers\s+mois", r"last\s+months"], r"\w'")
    + r")" + _MOD_TAIL
    + r"|(?P<debut>" + _word_start(["debut", "early", "beginning", "start", r"premiers\s+mois",
                                    r"first\s+months"], r"\w'") + r")"
    + _MOD_TAIL
    + r"|(?P<mi>" + _word_start(["mi", "mid", "middle", "milieu"], r"\w'") + r")" + _MOD_TAIL
    + r"|(?P<courant>" + _word_start(["courant", "cours", "late", "later"], r"\w'") + r")"
    + _MOD_TAIL
)
# ... and an introducer says what the date is to the sentence (a target, a bound, the past).
# The alternation is ordered: several words first, then single words with their article.
_ART = r"(?:\s+(?:la|le|l'))?"
# "vise toujours 2025", "table désormais sur 2027"
_ADVERB = (r"(?:\s+(?:toujours|desormais|encore|maintenant|officiellement|plutot|donc|bien"
           r"|aujourd'hui|dorenavant|clairement|ouvertement|a\s+present))?")
_INTRO = re.compile(
    r"(?P<i>"
    + _word_start([
        r"au\s+plus\s+tard(?:\s+(?:en|le|au|a|pour|d'ici))?",
        r"au\s+plus\s+tot(?:\s+(?:en|le|au|a|pour|d'ici))?",
        r"pas\s+avant" + _ART, r"jamais\s+avant" + _ART,
        r"au\s+moins\s+jusqu'(?:a|au|en)" + _ART,
        r"au\s+lieu\s+(?:de|d')", r"au\s+cours\s+des",
        r"a\s+partir\s+(?:de\s+la|de\s+l'|du|de|d')", r"a\s+un\s+horizon\s+(?:de|d')",
        r"a\s+horizon(?:\s+(?:de|d'))?", r"a\s+l'horizon(?:\s+(?:de|d'))?",
        r"l'horizon(?:\s+(?:de|d'|of))?", r"horizon(?:\s+(?:de|d'|of))?",
        r"d'ici(?:\s+(?:a|au|la|le|les|l'))*",
        r"jusqu'(?:a|au|en)" + _ART, r"jusque\s+(?:en|a|au)",
        r"dans\s+un\s+delai(?:\s+(?:maximum|maximal|compris\s+entre|de|d'))*",
        r"sous\s+un\s+delai(?:\s+(?:maximum|maximal|compris\s+entre|de|d'))*",
        r"en\s+moins\s+de", r"dans\s+les", r"plutot\s+qu'(?:en|a)",
        r"celui\s+(?:de|d')", r"celle\s+(?:de|d')", r"ceux\s+(?:de|d')",
        r"vis(?:er|e|ent|ons|ait|aient)" + _ADVERB,
        r"tabl(?:er|e|ent|ait|aient)" + _ADVERB + r"\s+sur",
        r"mis(?:er|e|ent)" + _ADVERB + r"\s+sur",
        r"nouvelle\s+echeance(?:\s+(?:de|d'|:))?", r"echeance(?:\s+(?:de|d'|:))?",
        r"objectif(?:\s+(?:de|d'|:))?", r"cible(?:\s+(?:de|d'|:))?", r"cap\s+sur",
        r"target\s+of", r"deadline\s+of", r"goal\s+of", r"date\s+of",
        r"date(?:\s+(?:butoir|limite|cible))?(?:\s+(?:de|d'|:))?",
        r"instead\s+of", r"rather\s+than", r"that\s+of", r"aim(?:s|ing)?\s+(?:for|at)",
        r"no\s+later\s+than", r"not\s+before", r"no\s+earlier\s+than", r"not\s+until",
        r"until\s+at\s+least", r"at\s+least\s+until", r"as\s+early\s+as",
        r"within\s+the\s+next", r"in\s+the\s+next", r"over\s+the\s+next", r"within(?:\s+the)?",
        r"target(?:s|ing|ed)?", r"eye(?:s|ing)?", r"depass(?:er|ant)", r"exced(?:er|ant)",
        r"exceed(?:ing)?",
        r"dans" + _ART, r"sous", r"pour" + _ART, r"avant" + _ART, r"apres" + _ART,
        r"vers" + _ART, r"des" + _ART, r"depuis" + _ART, r"il\s+y\s+a", r"entre" + _ART,
        r"en", r"au", r"a(?:\s+(?:la|l'))?", r"la", r"le", r"l'", r"les",
        r"by(?:\s+the)?", r"in(?:\s+the)?", r"until(?:\s+the)?", r"till",
        r"before(?:\s+the)?", r"after(?:\s+the)?", r"from(?:\s+the)?", r"since(?:\s+the)?",
        r"around(?:\s+the)?", r"during(?:\s+the)?", r"starting(?:\s+in)?", r"for(?:\s+the)?",
        r"to", r"at\s+the", r"the", r"puis", r"then",
        r"cette", r"cet", r"ce", r"this", r"next", r"last",
        *_WEEKDAYS.split("|"),
    ], r"\w-")
    + r")(?:\s+|(?<=')(?=\w))"
)

_TARGET_INTROS = ("au plus tard", "d'ici", "jusqu", "pour", "for", "avant", "horizon", "l'horizon",
                  "a horizon", "a l'horizon", "a un horizon", "echeance", "nouvelle echeance",
                  "objectif", "cible", "cap sur", "date", "no later than", "by", "within",
                  "dans un delai", "sous un delai", "sous", "dans", "en moins de", "dans les",
                  "in the next", "within the next", "over the next")
_YEAR_INTROS = ("au plus tard", "au plus tot", "pas avant", "jamais avant", "au moins jusqu",
                "d'ici", "jusqu", "jusque", "a partir", "horizon", "l'horizon", "a horizon",
                "a l'horizon", "a un horizon", "pour", "avant", "apres", "vers", "des",
                "depuis", "entre", "en", "a", "echeance", "nouvelle echeance", "objectif",
                "cible", "cap sur", "date", "no later than", "not before", "no earlier than",
                "not until", "until at least", "at least until", "as early as", "by", "in",
                "until", "till", "before", "after", "from", "since", "around", "during",
                "starting", "dans le courant", "au cours", "au lieu", "plutot qu'", "celui",
                "celle", "ceux", "viser", "vise", "visent", "visons", "visait", "visaient",
                "tabler", "table", "tablent", "tablait", "tablaient", "miser", "mise", "misent",
                "horizon of", "target of", "deadline of", "goal of", "date of", "instead of",
                "rather than", "that of", "aim", "aims", "aiming", "target", "targets",
                "targeting", "targeted", "eyes", "eyeing", "to", "for", "puis", "then")
_REL_INTROS = ("d'ici", "dans", "sous", "entre", "depasser", "depassant", "exceder",
               "excedant", "exceed", "exceeding",
               "dans un delai", "sous un delai", "a horizon",
               "a un horizon", "a l'horizon", "horizon", "en moins de", "dans les",
               "au cours des", "within", "in", "in the next", "within the next",
               "over the next", "au plus tard", "il y a", "en")
_PAST_INTROS = ("depuis", "since", "il y a")
_NEGATED_FRAMES = ("depasser", "depassant", "exceder", "excedant", "exceed", "exceeding")
_ARTICLES = frozenset({"la", "le", "l'", "les", "the", "a", "a la", "a l'"})
# "dès" is not here: "dès 2025" looks ahead, "avait recommandé dès le 8 octobre" back
_FUTURE_INTROS_EXTRA = ("vers", "apres", "after", "until", "till", "before", "to")
_BOUND_INTROS: tuple[str, ...] = (
    "pas avant", "jamais avant", "au plus tot", "a partir", "au moins jusqu", "not before",
    "no earlier than", "not until", "until at least", "at least until",
)
_FUTURE_INTROS = _TARGET_INTROS + _BOUND_INTROS + _FUTURE_INTROS_EXTRA

# ------------------------------------------------------------------------------------------
# Cues (on folded text)
# ------------------------------------------------------------------------------------------


def _cue(*alternatives: str) -> re.Pattern[str]:
    # a cue ending in an apostrophe ("plutôt qu'", "au lieu d'") is followed by a word
    pattern = re.compile(_word_start(alternatives) + r"(?:(?<=')|(?![\w]))")
    heads = _heads(alternatives)
    if heads is not None:
        _HEADS[pattern.pattern] = heads
    return pattern


# The sentence speaks of the HDH and its hosting (continuations aside).
_TOPIC = _cue(
    r"migr\w*", r"bascul\w*", r"quitt\w*", r"sorti[re]?", r"sortie", r"reversibilite",
    r"transf[eè]r\w*", r"demenag\w*", r"rapatri\w*", r"heberg\w*", r"souverain\w*",
    r"health\s+data\s+hub", r"hdh", r"plateforme\w*", r"hub", r"donnees\s+de\s+sante",
    r"snds", r"microsoft", r"azure", r"cloud\w*", r"scaleway", r"calendrier", r"echeances?",
    r"horizon", r"objectifs?", r"cible", r"move", r"moving", r"leav\w+", r"switch\w*",
    r"host\w*", r"sovereign\w*", r"platform\w*", r"deadline", r"targets?", r"timeline",
    r"timetable", r"schedule\w*", r"relocat\w*", r"exit", r"transition\w*", r"bascule",
    r"nouvel\s+hebergeur", r"changement\s+d'hebergeur", r"accueill\w*",
    r"(?:un|le|son|leur)\s+depart",
    r"date\s+(?:butoir|limite|cible)", r"repli(?:qu|c)\w+",
)
# The HDH named as the sentence's subject (or the platform, by its common nouns).
_HDH_SUBJECT = _cue(
    r"health[\s-]*data[\s-]*hub", r"hdh", r"plateforme\s+(?:des|de)\s+donnees\s+de\s+sante",
    r"plateforme\s+nationale\s+des\s+donnees\s+de\s+sante", r"snds", r"la\s+plateforme",
    r"the\s+(?:platform|hub)", r"(?:national|french|france's)\s+health\s+data\s+(?:platform|hub)",
    r"entrepot\s+de\s+donnees\s+de\s+sante", r"donnees\s+de\s+sante\s+des\s+francais",
)
# A quotation: an official's words carry more weight than a writer's paraphrase.
_QUOTED = re.compile(r"[«»\"“”]|(?<![\w'])(?:selon|d'apres|according\s+to)(?![\w])")
# A sentence that continues the previous one without naming the migration.
_ANAPHOR = re.compile(
    r"\W*(?:elle|il|celle-ci|celui-ci|cette\s+(?:migration|operation|bascule|etape|echeance"
    r"|date|transition|demarche|operation)|ce\s+(?:calendrier|transfert|demenagement|chantier"
    r"|projet|changement|basculement|processus)|l'operation|le\s+chantier|le\s+projet"
    r"|la\s+bascule|le\s+calendrier|l'echeance|la\s+date|l'objectif|it|this|that|the\s+move"
    r"|the\s+process|the\s+switch)(?![\w])"
)
_TIMING = _cue(
    r"devrai(?:t|ent)", r"doi(?:t|vent)", r"prevue?s?", r"attendue?s?", r"interviendr\w+",
    r"aura\s+lieu", r"effective?s?", r"achevee?s?", r"terminee?s?", r"finalisee?s?",
    r"abouti\w*", r"expected", r"due", r"scheduled", r"planned", r"should", r"will",
    r"fixee?s?", r"programmee?s?", r"annoncee?s?", r"envisagee?s?", r"visee?s?",
    r"calendrier", r"echeances?", r"horizon",
)
# Words of the move itself: they win against the competing cues below when nearer.
_MIGRATION = _cue(
    r"migr\w*", r"bascul\w*", r"quitt\w*", r"sortir\s+de", r"sortie\s+de", r"reversibilite",
    r"transf[eè]r\w*", r"demenag\w*", r"rapatri\w*", r"heberg\w*", r"accueill\w*",
    r"cloud\s+souverain", r"solution\s+(?:souveraine|francaise|europeenne)",
    r"changement\s+d'hebergeur", r"calendrier", r"echeances?", r"horizon", r"objectifs?",
    r"(?:un|le|son|leur)\s+depart",
    r"cibles?", r"move", r"moving", r"migrat\w+", r"leav\w+", r"exit\w*", r"switch\w*",
    r"transfer\w*", r"relocat\w*", r"sovereign\s+cloud", r"deadline", r"targets?",
    r"timeline", r"timetable",
    # the interim copy is a step of the move: "will start copying ... later this year"
    r"repli(?:qu|c)\w+", r"copi\w+", r"copy\w*", r"dupliqu\w+",
)
# Competing subjects: the date then belongs to them, not to the migration.
# "le marché d'hébergement", "l'appel d'offres pour le nouvel hébergeur": the tender's noun
# phrase takes its complement, so the hosting word in it does not count as the migration's.
_HOSTING = (
    r"\s+(?:pour|de|du|d'|de\s+l'|de\s+la)\s*(?:(?:le|la|l'|son|sa|un|une|nouvel|nouveau|futur"
    r"|nouvelle|future)\s*)*(?:hebergeur|hebergement|cloud|prestataire|plateforme|operateur)\w*"
)
_TENDER = _cue(
    r"appels?\s+d'offres?(?:" + _HOSTING + ")?", r"marches?" + _HOSTING,
    r"appel\s+a\s+(?:candidatures?|projets?|manifestation\w*)",
    r"(?:cloture|date\s+limite)\s+des\s+(?:depots|candidatures|inscriptions|dossiers)",
    r"attribu\w+", r"notifi\w+", r"candidat\w*", r"(?:depot|remise|reception)\s+des\s+offres",
    r"date\s+limite\s+de\s+(?:depot|reponse|remise)\w*", r"offres\s+(?:finales|definitives)",
    r"reponses?", r"consultation", r"cahier\s+des\s+charges", r"dialogue\s+competitif",
    r"marche\s+public", r"procedure", r"mise\s+en\s+concurrence",
    r"(?:sera|seront|soit|doit\s+etre|devrait\s+etre|devra\s+etre)\s+(?:choisie?s?|selectionnee?s?"
    r"|retenue?s?|designee?s?|connue?s?)", r"laureat\w*", r"tenders?", r"award\w*", r"bids?",
    r"bidders?", r"request\s+for\s+proposals?", r"rfp", r"shortlist\w*", r"procurement",
    r"(?:nom|identite|choix|selection|designation)\s+(?:d[ue]|d'une?)\s+(?:l'|la\s+)?(?:futur\s+|nouvel\s+"
    r"|nouveau\s+|prochain\s+)?\w+(?:" + _HOSTING + ")?", r"remport\w*", r"winning\s+\w+",
    r"(?:choose|select|pick|name|appoint)\s+(?:a|an|the|its)\s+(?:\w+\s+){0,3}?(?:provider|host"
    r"|winner|bidder|supplier|operator)",
    r"(?:will|would|to)\s+be\s+(?:chosen|selected|picked|named|awarded)",
)
_OTHER_EVENT = _cue(
    r"(?:sera|seront|soit|etre|est|sont|a\s+ete|ont\s+ete|obtenir|obtiendr\w+|obtienne\w*"
    r"|obtention\s+de|recevoir|recevra\w*|decroch\w+)\s+(?:(?:la|le|sa|son|leur|une|un)\s+)?"
    r"(?:qualifi\w+|certifi\w+|labellis\w+|homologu\w+|visa|label)",
    r"entr\w+\s+en\s+vigueur", r"adopt\w+", r"promulgu\w+", r"(?:be|been|get|gets|obtain\w*"
    r"|receive\w*|win|wins)\s+(?:\w+\s+)?(?:certified|qualified|certification|qualification)",
    r"come\s+into\s+force", r"takes?\s+effect", r"applicables?", r"s'appliqu\w+",
    r"entr\w+\s+en\s+application", r"appl(?:y|ies)",
    # data fed into the platform is not the platform moving
    r"versee?s?\s+dans", r"alimentation", r"alimentee?s?",
    # money: "son budget pour 2023"
    r"budgets?", r"couts?", r"financements?", r"funding", r"spending",
    # other obligations and steps: a standard's compliance date, a check-up, a consultation,
    # a parliament's vote
    r"se\s+conformer", r"mise?s?\s+en\s+conformite", r"conformite", r"compl(?:y|iance)",
    r"point\s+d'etape", r"concertation", r"votes?\s+(?:finaux|final|definitifs?)",
    # a document to hand in: "transmettre une note à la commission avant le 30 juin"
    r"(?:transmett|remett|fourni|communiqu|envoy|adress|rend|submit|send|deliver)\w*\s+"
    r"(?:\w+\s+)?(?:un|une|le|la|les|sa|son|ses|leur|a|an|the|its)\s+(?:\w+\s+)?(?:note|rapport"
    r"|document|plan|feuille\s+de\s+route|calendrier\s+detaille|report|roadmap|timetable)"
    r"(?:\s+(?:sur|de|du|relative?s?\s+a|on|about)\s+(?:le|la|l'|les|the|its)\s*\w+)?",
    r"vote\s+solennel", r"final\s+votes?",
)
_OTHER_NAME = _cue(
    r"bleu", r"s3ns", r"eucs", r"sren", r"gaia-?x", r"numspot", r"eeds", r"ehds",
    r"espace\s+europeen\s+des\s+donnees\s+de\s+sante", r"data\s+act", r"ai\s+act",
    r"loi", r"reglement", r"directive", r"doctrine", r"cloud\s+de\s+confiance", r"schema",
    r"la\s+qualification", r"sa\s+qualification", r"son\s+offre", r"leur\s+offre",
    r"l'offre", r"the\s+law", r"regulation", r"mon\s+espace\s+sante", r"dmp",
    r"dossier\s+medical\s+partage", r"european\s+health\s+data\s+space", r"blue", r"sens",
)
# Names that are also common words: only with a capital letter.
_CAPITALISED_NAMES = frozenset({"blue", "sens"})
_EVENT = _cue(
    r"auditionn\w*", r"auditions?", r"entendre", r"entendus?", r"etudes?\s+de\s+marche",
    r"conclusions", r"creee?s?", r"fondee?s?", r"instituee?s?", r"created", r"founded",
    r"established", r"set\s+up", r"ruling", r"jugement", r"ordonnance", r"lancement",
    r"launch", r"(?:un|le|son|leur|dans\s+un|dans\s+son)\s+rapport",
    r"rapport\s+(?:publie|rendu|remis|annuel)", r"publi\w+", r"parution", r"entretien",
    r"interview\w*", r"interroge\w*", r"conference\s+de\s+presse", r"colloque",
    r"table\s+ronde", r"seminaire", r"salon", r"conseil\s+d'administration",
    r"assemblee\s+generale", r"reunion", r"devant\s+(?:le\s+senat|l'assemblee|la\s+commission"
    r"|les\s+deputes|les\s+senateurs)", r"communique", r"tribune", r"hearing", r"testif\w+",
    r"a\s+report", r"the\s+report", r"published", r"told\s+\w+", r"said\s+on",
    r"se\s+reuni\w+", r"reuni\w+", r"comite\s+de\s+pilotage", r"meeting", r"will\s+meet",
    r"comites?\s+\w+", r"conseil\s+des\s+ministres", r"se\s+tiendr\w+", r"seances?",
    # a legal action: "annonce d'autres recours dès la rentrée"
    r"(?:recours|appeals?|plaintes?|requetes?|lawsuits?|contentieux)(?:\s+(?:contre|sur|against"
    r"|over)\s+(?:le|la|l'|les|son|sa|ses|the|its)\s*\w+(?:\s+(?:chez|par|de|du|by|with)\s+\w+)?)?",
    # a court's or an authority's ruling: "la CJUE doit se prononcer cet été sur ..."
    r"se\s+prononc\w+", r"statu(?:er|era|eront|erait|ait|e)", r"trancher\w*", r"saisie?s?",
    r"rendr\w+\s+(?:sa|son|ses|leur)\s+(?:decision|avis|arret|verdict|conclusions|rapport)",
    r"audiences?", r"deliber\w+", r"(?:to|will|would|should|is\s+due\s+to)\s+rule",
    r"rules?\s+on", r"verdict",
    # presenting a plan is not carrying it out: "Bercy doit présenter au printemps ..."
    r"present(?:er|era|eront|erait|eraient|ent)", r"devoil\w+", r"(?:to|will)\s+(?:present"
    r"|unveil)", r"unveil\w*",
    # the start of the works, not the target: "les travaux démarrent dès ce mois-ci, pour une
    # bascule prévue fin 2026"; "la migration doit commencer à l'automne"
    r"demarr\w+", r"commenc\w+", r"debut(?:e|ent|era|eront|erait|er|ait|aient)", r"lanc(?:er"
    r"|era|eront|erait)", r"(?:starts|started|(?:to|will|would)\s+(?:start|begin)"
    r"|begins|began|begun|kicks?\s+off|kicked\s+off)",
)
# The participle of an event just before its date: "lancés début septembre", "engagé en
# juin", "défini par le gouvernement en mai". Only looked for on the left of a date.
_EVENT_PP = _cue(
    # set or promised *when*: "fixée en 2023", "avait promis en 2020" (not "fixée à 2025")
    r"(?:promesses?|engagements?|annonces?|promises?|pledges?|commitments?)(?:\s+(?:initiale?s?"
    r"|originelle?s?|initial|original|first|premiere?s?))?\s*,?(?=\s+(?:en|in|from)\s)",
    r"(?:fixee?s?|promise?|promis|promet(?:tait|taient)?|decidee?s?|actee?s?|promised|set"
    r"|decided|prise?s?|faite?s?|formulee?s?|made|given|taken)(?=\s+(?:en|le|lors|des|dès"
    r"|in|on|back\s+in)\s)",
    r"(?:lancee?s?|engagee?s?|demarree?s?|initiee?s?|ouverte?s?|signee?s?|adressee?s?|reprise?s?"
    r"|envoyee?s?|rendue?s?|publiee?s?|presentee?s?|devoilee?s?|annoncee?s?|remise?s?"
    r"|obtenue?s?|deposee?s?|votee?s?|definie?s?|adoptee?s?|revisee?s?|nommee?s?|launched|started|opened|signed|sent"
    r"|published|presented|unveiled|announced|filed|issued|defined|adopted)"
    r"(?:\s+(?:par|by)(?:\s+[\w'-]+){1,4}?)?(?=\s+(?:en|au|a\s+la|a\s+l'|le|lors|ce|cette|cet"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|debut|fin|mi|in|on|at|last|early"
    r"|late|this|du|dans|de)(?![\w]))",
)
# Someone saying or promising something, in a past tense: beside a yearless month it dates
# the saying ("le ministère évoquait encore en février une migration fin 2026").
_SAID = _cue(
    r"(?:evoqu|jur|promett|annonc|affirm|assur|parl|expliqu|indiqu|declar|estim|tabl"
    r"|garantiss|prevoy)ai(?:t|ent)",
    r"(?:a|ont|avait|avaient)\s+(?:(?:deja|encore|alors|pourtant|bien|meme)\s+)?(?:annonce"
    r"|promis|jure|assure|affirme|evoque|indique|declare|explique|parle|garanti|table|estime)",
    r"(?:said|promised|pledged|announced|claimed|vowed|told|insisted|suggested)",
)
_CONTRACT = _cue(
    r"contrat\w*", r"licences?", r"accord-cadre", r"bail", r"expir\w+",
    r"arriv\w+\s+a\s+(?:son\s+)?(?:terme|echeance|expiration)", r"prend\w*\s+fin",
    r"court\s+jusqu", r"se\s+termin\w+", r"contracts?", r"licen[cs]es?", r"runs?\s+(?:out|until)",
    r"prolong\w+", r"reconduit\w*", r"renouvel\w+", r"extended", r"renewed", r"extension",
)
_PAST_EVENT_FR = re.compile(
    r"(?<![\w'])(?:a|ont|avait|avaient|eut|eurent|avons|avez|s'est|se\s+sont)\s+"
    r"(?:(?:deja|bien|alors|ainsi|notamment|egalement|aussi|pourtant|finalement|enfin|meme"
    r"|toutefois|donc|ete|ensuite|encore|depuis|officiellement|discretement|rapidement"
    r"|vite|une\s+nouvelle\s+fois|de\s+nouveau|a\s+nouveau)\s+)*(?P<pp>[a-z]{3,}(?:e|ee|es|ees|i|ie|is|ies|u|ue|us|ues|t|te|ts)"
    r"|eu\s+lieu|eu)"
    r"(?![\w])"
)
_PAST_EVENT_EN = re.compile(
    r"(?<![\w'])(?:(?:was|were|had|has|have)\s+(?:\w+\s+)?(?P<pp>\w+ed)|(?P<sp>\w+ed)\s+(?:in|on))"
    r"(?![\w])"
)
# Past participles that announce a target rather than report a finished fact.
_ANNOUNCING = frozenset(
    "annonce promis prevu fixe indique precise confirme assure declare explique evoque estime "
    "reconnu admis affirme souligne repousse reporte decale retarde differe ajoute rappele dit "
    "ecrit envisage decide vise table programme planifie acte officialise engage glisse "
    "espere admet reconnaissait announced promised planned expected scheduled pushed delayed "
    "postponed stated confirmed targeted committed pledged moved slipped revised said "
    "indicated estimated".split()
)
_PAST_PP_STOP = frozenset("une cette des les ses ces plus pas tout tous toute toutes trop".split())

_FORMER_PRE = _cue(
    r"initialement", r"a\s+l'origine", r"originellement", r"au\s+depart", r"a\s+l'epoque",
    r"devai(?:t|ent)", r"aurai(?:t|ent)\s+du", r"aurai(?:t|ent)\s+du\s+etre",
    r"etai(?:t|ent)\s+(?:censee?s?|prevue?s?|attendue?s?|annoncee?s?|programmee?s?|fixee?s?"
    r"|planifiee?s?|envisagee?s?|promise?s?|visee?s?|esperee?s?)",
    r"avai(?:t|ent)\s+ete\s+(?:prevue?s?|fixee?s?|annoncee?s?|promise?s?|programmee?s?"
    r"|evoquee?s?|planifiee?s?)",
    r"(?:avai(?:t|ent)|s'etai(?:t|ent))\s+(?:\w+\s+){0,2}?(?:promis|prevu|annonce|fixe|evoque"
    r"|envisage|vise|table|engagee?s?|assure|garanti|affirme|espere)",
    r"(?:promettai|annoncai|prevoyai|visai|tablai|evoquai|envisageai|esperai|comptai|parlai"
    r"|jurai|affirmai|assurai|garantissai)(?:t|ent)",
    r"promise?s?\s+(?:pour|d'ici|a|en|avant)", r"au\s+lieu\s+d[e']", r"plutot\s+qu[e']",
    r"et\s+non(?:\s+plus|\s+pas)?", r"non\s+plus", r"n'(?:est|etait|sont)\s+plus",
    r"ne\s+(?:sera|seront|pourra|pourront|serait)\s+(?:pas|plus)", r"abandonn\w+",
    r"l'ancien(?:ne)?\s+(?:calendrier|echeance|objectif|date|horizon|cible|promesse)",
    r"(?:calendrier|echeance|objectif|date|horizon|cible|promesse|plan|engagement)\s+(?:initiale?|d'origine"
    r"|de\s+depart|originel(?:le)?)", r"premier\s+calendrier",
    r"initially", r"originally", r"at\s+first",
    r"(?:prevue?s?|annoncee?s?|envisagee?s?|promise?s?|evoquee?s?)\s+un\s+temps",
    r"un\s+temps\s+(?:prevue?s?|annoncee?s?|envisagee?s?|promise?s?|evoquee?s?)",
    r"once\s+(?:planned|promised|expected|slated|scheduled|targeted|due)",
    r"(?:was|were)\s+(?:supposed|due|expected|slated|scheduled|set|planned|meant|promised"
    r"|intended|meant)", r"had\s+(?:been\s+)?(?:promised|planned|pledged|aimed|targeted|set|hoped"
    r"|committed|scheduled|expected|announced)", r"promised\s+(?:for|by)",
    r"(?:original|initial|earlier|previous|old|former)\s+(?:deadline|target|plan|timeline|date"
    r"|goal|schedule|timetable|horizon)", r"instead\s+of", r"rather\s+than", r"no\s+longer",
    r"abandoned", r"(?:pushed\s+back|delayed|postponed|moved|slipped)\s+from",
)
_FORMER_POST = _cue(
    r"(?:comme\s+)?(?:initialement|originellement)(?:\s+prevue?s?)?",
    r"comme\s+(?:prevu|annonce|promis)\s+(?:initialement|a\s+l'origine)",
    r"a\s+l'origine", r"au\s+depart",
    r"(?:est|sont|semble|semblent|parait|apparait|etait|devient|s'avere|se\s+revele)\s+"
    r"(?:(?:desormais|aujourd'hui|donc|deja|bel\s+et\s+bien|clairement|totalement)\s+)?"
    r"(?:intenable|irrealiste|inatteignable|hors\s+d'atteinte|caduque?|obsolete|depassee?"
    r"|abandonnee?|trop\s+ambitieu\w+|impossible\w*|compromise?|enterree?|illusoire)",
    r"intenables?", r"irrealistes?", r"trop\s+ambitieu\w+",
    # a promise not kept, in any tense or mood: "ne sera donc pas tenue", "ne pourrait pas
    # être tenu", "n'a jamais été respectée"
    r"n(?:e\s+|')(?:[\w-]+\s+){0,3}?(?:pas|plus|jamais)\s+(?:[\w-]+\s+){0,3}?(?:tenue?s?"
    r"|respectee?s?|atteinte?s?|honoree?s?)", r"n'(?:est|etait)\s+plus\s+(?:d'actualite|tenable"
    r"|realiste|possible|atteignable|envisageable|l'objectif|l'horizon|la\s+cible)",
    r"(?:a\s+ete|est|sera)\s+(?:abandonnee?|oubliee?|enterree?)", r"ne\s+tiendra\s+pas",
    # "ne pourrait pas intervenir dans les temps", "won't happen on time"
    r"n(?:e\s+|')(?:[\w-]+\s+){0,3}?(?:pas|plus|jamais)\s+(?:[\w-]+\s+){0,4}?(?:dans\s+les"
    r"\s+(?:temps|delais)|a\s+temps|a\s+l'heure)",
    r"(?:won't|will\s+not|cannot|can't|could\s+not|couldn't|would\s+not|wouldn't)\s+(?:\w+\s+)"
    r"{0,3}?(?:on\s+time|in\s+time)",
    r"a\s+fait\s+long\s+feu", r"est\s+passee?\s+a\s+la\s+trappe",
    r"originally", r"initially",
    r"(?:is|was|now\s+looks|looks|seems|appears|became|has\s+become|proved)\s+(?:\w+\s+)?"
    r"(?:unrealistic|untenable|out\s+of\s+reach|abandoned|impossible|unachievable"
    r"|over-ambitious|too\s+ambitious)", r"(?:was|were|has\s+been|have\s+been)\s+missed",
    r"will\s+not\s+be\s+met", r"won't\s+be\s+met", r"is\s+no\s+longer",
    r"as\s+(?:originally|initially)\s+(?:planned|promised|announced)",
    r"(?:has|have|had|was|were)\s+(?:\w+\s+){0,2}?(?:been\s+)?(?:abandoned|dropped|scrapped|missed"
    r"|shelved|ditched)", r"quietly\s+(?:dropped|ditched|scrapped|abandoned|shelved)",
    r"(?:in\s+turn\s+)?evaporated",
    r"(?:a|the)\s+(?:target|deadline|date|goal)\s+(?:\w+\s+){0,3}?(?:dropped"
    r"|scrapped|abandoned|missed)", r"(?:which|that)\s+(?:\w+\s+){0,2}?(?:dropped|scrapped"
    r"|abandoned|missed)",
    r"abandonnee?s?", r"enterree?s?", r"caduques?", r"oubliee?s?",
    # "repoussée à 2025, avant d'être à son tour abandonnée"
    r"avant\s+d'etre\s+(?:[\w']+\s+){0,3}?(?:abandonnee?s?|enterree?s?|oubliee?s?"
    r"|repoussee?s?|reportee?s?|decalee?s?|jugee?s?\s+(?:intenable|irrealiste)s?)",
)
# A date that is the subject of a move: "la migration, prévue fin 2025, a été repoussée à 2026".
_MOVED_POST = _cue(
    r"(?:a|ont)\s+(?:\w+\s+)?ete\s+(?:repoussee?s?|reportee?s?|decalee?s?|differee?s?|retardee?s?)",
    r"(?:est|sont)\s+(?:\w+\s+)?(?:repoussee?s?|reportee?s?|decalee?s?|differee?s?|retardee?s?)",
    r"(?:has|have|was|were)\s+(?:\w+\s+)?been\s+(?:pushed\s+back|delayed|postponed)",
)
_NEGATION = re.compile(
    r"n(?<![\w']n)(?:e\s+|')(?:\w+\s+){0,3}?(?:pas|plus(?!\s+(?:tot|tard))|jamais)(?![\w])"
)
_SHIFT = _cue(
    r"repouss\w*", r"report(?:e|ee|es|ees|er|era|erait|ant)", r"report\s+(?:de|a|au|en)",
    r"decal\w+", r"glisse\w*", r"glissement", r"differ(?:e|ee|es|ees|er)", r"retarde\w*",
    r"ajourn\w+", r"renvoy\w+", r"renvoie\w*", r"pushed\s+back", r"push\s+back", r"delayed",
    r"postponed", r"moved\s+back", r"slipped", r"pushed",
)
_CURRENT_STRONG = _cue(
    r"nouvel(?:le)?\s+(?:horizon|echeance|date|cible|objectif|feuille\s+de\s+route|deadline"
    r"|delai)", r"nouveau\s+(?:calendrier|delai|cap|terme|report|retard|objectif)",
    r"(?:calendrier|echeance|objectif|date|horizon)\s+revisee?",
    r"desormais\s+(?:prevue?s?|attendue?s?|fixee?s?|programmee?s?|envisagee?s?)",
    r"new\s+(?:deadline|target|date|timeline|timetable|schedule|goal|horizon)",
    r"now\s+(?:expected|scheduled|planned|slated|due|set)",
    r"revised\s+(?:target|deadline|date|timeline|timetable|schedule)",
)
_CURRENT_WEAK = _cue(
    r"desormais", r"maintenant", r"aujourd'hui", r"a\s+present", r"dorenavant", r"actuellement",
    r"pour\s+l'heure", r"a\s+ce\s+jour", r"en\s+l'etat\s+actuel", r"now", r"currently", r"today",
)
_TARGET_WORD = _cue(
    r"prevue?s?", r"attendue?s?", r"programmee?s?", r"annoncee?s?", r"fixee?s?", r"promise?s?",
    r"planifiee?s?", r"visee?s?", r"echeances?", r"objectifs?", r"horizon", r"cibles?",
    r"calendrier", r"expected", r"planned", r"scheduled", r"slated", r"due", r"targets?",
    r"deadline", r"goal", r"promised", r"pledged",
    # historical present of a promise: "En novembre 2020, le ministre promet une bascule avant
    # la fin 2022"
    r"promet(?:tent)?", r"s'engagen?t?", r"engagements?",
)
_INTERIM = _cue(
    r"intercalaires?", r"temporaires?", r"provisoires?", r"transitoires?", r"intermediaires?",
    r"copie\w*", r"dupliqu\w+", r"duplication", r"premiere\s+etape", r"solution\s+de\s+transition",
    r"interim", r"temporary", r"stopgap", r"transitional", r"first\s+step", r"partial\s+copy",
    r"pilotes?", r"pilots?", r"phases?\s+de\s+tests?", r"tests?\s+phase",
    r"premi(?:ere|ers|eres)\s+(?:partie|lots?|jeux|vagues?|bases|donnees)",
    r"une\s+partie\s+des\s+donnees", r"part\s+of\s+(?:its|the)\s+data", r"first\s+batch",
)
_FULL = _cue(
    r"migration\s+(?:complete|definitive|totale|integrale)", r"(?:l'ensemble|la\s+totalite)\s+des"
    r"\s+donnees", r"totalement", r"definitivement", r"completement", r"a\s+terme",
    r"(?:complete|full|entire|final)\s+(?:migration|move|switch|transfer)", r"fully",
    r"in\s+full", r"l'integralite",
)
_HORIZON_NOUN = _cue(
    r"horizon", r"echeances?", r"objectifs?", r"cibles?", r"date", r"calendrier", r"terme",
    r"deadline", r"target", r"goal",
)
_LEGAL_BEFORE = re.compile(
    r"(?<![\w'])(?:arrete|decret|loi|ordonnance|deliberation|decision|circulaire|directive"
    r"|reglement|avis|jugement|arret|note|instruction|lettre|courrier|communique|rapport"
    r"|recommandation|ordinance|decree|letter|report|comite|reunion|seance|session|audition"
    r"|sommet|conference|colloque|ceremonie|assemblee|conseil|meeting|hearing|sitting"
    r"|summit)s?(?:\s+n\s*[°o]?\s*[\d-]+)?"
    r"(?:\s+\w+){0,2}?\s+(?:du|de|en\s+date\s+du|dated|of)\s*\Z"
)
_NUMBER_BEFORE = re.compile(
    r"(?:plus\s+de|pres\s+de|moins\s+de|environ|quelque|n\s*°|numero|article|art\.|more\s+than"
    r"|about|some|nearly|over)\s*\Z"
)
_NEXT_WORD = re.compile(r"\s+([a-z]{4,})")
_NOT_PLURAL = frozenset(
    "puis mais alors dans sous sans vers apres depuis plus moins tous toutes nous vous leurs ses "
    "ces les des mes tes aux tres jamais desormais toujours ailleurs lors parfois voire pres hors "
    "avons avez sommes etes sont ans mois tandis dont jours this was has its his is as thus plus "
    "selon".split()
)
_COUNT_AFTER = re.compile(
    r"\s*(?:%|€|\$|(?:euros?|dollars?|millions?|milliards?|km|ans|years?\s+old|m2)(?![\w]))"
)
_CONNECTOR = re.compile(
    r"\A\s*,?\s*(?:ou\s+bien|ou|et|a|au|-|/|voire(?:\s+meme)?|sinon|or|to|and|through"
    r"|jusqu'(?:a|au|en))\s*(?:(?:en|au|a|la|le|l'|pour|d'ici|in|by|the|at|meme|plutot|tout)\s*)*"
    r"\Z"
)
_CLAUSE_END = re.compile(
    r"[;:!?()]|-(?<=\s-)(?=\s)|"
    + _word_start(["mais", "but", r"tandis\s+que", r"alors\s+que"]) + r"(?![\w])"
)
_AFTER_BOUND = re.compile(
    r"\s*,?\s*(?:au\s+plus\s+tot|au\s+mieux|at\s+the\s+earliest|at\s+best|au\s+minimum)(?!\w)"
)
_BOUND_BEFORE = re.compile(
    r"(?<![\w'])(?:au\s+plus\s+tot|pas\s+avant|not\s+before|no\s+earlier\s+than|not\s+until)"
    r"(?:\s+[\w']+){0,2}\s*\Z"
)
_AFTER_AT_LEAST = re.compile(r"\s*,?\s*(?:au\s+moins|at\s+least)(?!\w)")
_BEFORE_AT_LEAST = re.compile(r"(?:au\s+moins|at\s+least)\s*\Z")
_PREPOSITION_BEFORE = re.compile(
    r"(?<![\w'])(?:vers|chez|sur|a|au|par|de|d'|du|des|avec|to|with|on|onto|by|for|from)\s*"
    r"(?:(?:un|une|le|la|les|l'|the|a|an)\s*)?\Z"
)
# A future tense near a yearless month or season: the coming one, not the nearest.
_FUTURE_VERB = re.compile(
    r"(?<![\w'])(?:sera|seront|aura|auront|devra|devront|pourra|pourront|ira|iront"
    r"|\w{3,}(?:era|eront|ira|iront)|(?:va|vont)\s+\w+(?:er|ir|re)|will|shall)(?![\w])"
)
_NEG_BEFORE = re.compile(
    r"(?<![\w'])(?:pas|plus|jamais|guere|not|never|n't|cannot|incapables?|impossibles?"
    r"|impossibilite|unable|inability)(?![\w])"
)
_FROM_BEFORE = re.compile(r"(?<![\w'])(?:de|d'|from)\s*\Z")
_HORIZON_VERB = re.compile(
    r"(?<![\w'])(?:est|sera|serait|reste|devient|demeure|desormais|is|was|now|becomes)\s*\Z"
    r"|:\s*\Z"
)
_HORIZON_AFTER = re.compile(
    r"\s*,?\s*(?:est|sera|serait|devient|reste|:|is|becomes)?\s*(?:le|la|l'|un|une|the|a)?\s*"
    r"(?:nouvel(?:le)?\s+|nouveau\s+|new\s+)?(?:horizon|echeance|objectif|cible|date|deadline"
    r"|target)(?![\w])"
)
# A sentence telling the past of the story: a target in it may be an old one.
_RETRO = re.compile(
    r"(?<![\w'])(?:avai(?:t|ent)|etai(?:t|ent)|devai(?:t|ent)|\w{2,}(?<!r)ai(?:t|ent)"
    r"|avant\s+d'etre|puis|ensuite|auparavant|jusqu'ici|jusque-la|then|later|had|previously"
    r"|earlier|once)(?![\w])"
)
# A duration counted from a later event, not from today: "dans un délai de douze mois à
# compter de la notification du marché", "within 18 months of the contract award".
_COUNTED_FROM = re.compile(
    r"\s*,?\s*(?:a\s+compter|a\s+partir|apres|suivant|des|une\s+fois|of|from|after|following"
    r"|once|within)\s+(?:d[eu]\s+|d'|des\s+)?(?:la|le|l'|les|sa|son|ses|leur|the|its|their)?\s*"
    r"(?:notification|attribution|signature|choix|selection|entree|designation|lancement"
    r"|demarrage|debut|validation|publication|contrat|marche|award|signing|start|launch"
    r"|contract|selection|decision|choice|appointment|hebergeur|titulaire|prestataire"
    r"|provider|winner)"
)
# A past modal before a yearless date: "le HDH a dû renoncer, en janvier, à ...".
_MODAL_PAST = re.compile(
    r"(?<![\w'])(?:a|ont|avait|avaient)\s+(?:du|pu|voulu|su|had\s+to)\s+\w+|(?<![\w'])had\s+to\s+\w+"
)
# Page furniture: a clock time after a date, or a publishing word before it.
_CLOCK_AFTER = re.compile(
    r"\s*(?:[,|-]\s*)?(?:a|at|,|-)?\s*(?:[01]?\d|2[0-3])\s*(?:h|:)\s*[0-5]\d(?![\d])"
    r"|\s*(?:[,|-]\s*)?(?:a|at)?\s*(?:[01]?\d|2[0-3])\s*h(?![\w])"
)
_FURNITURE_LINE = re.compile(
    r"[\s\W]*(?:a\s+lire\s+aussi|lire\s+aussi|a\s+lire\s+egalement|lire\s+egalement"
    r"|a\s+lire|voir\s+aussi|sur\s+le\s+meme\s+sujet|dans\s+la\s+meme\s+rubrique"
    r"|articles?\s+(?:lies|similaires|recommandes)|read\s+(?:also|more)|see\s+also"
    r"|related(?:\s+(?:posts?|articles?|stories|coverage))?|more\s+on\s+this|recommended"
    r"|you\s+may\s+also\s+like|also\s+read|plus\s+d'articles)(?![\w])"
)
_STAMP_BEFORE = re.compile(
    r"(?<![\w'])(?:publiee?|mise?\s+a\s+jour|maj|modifiee?|actualisee?|posted|published"
    r"|updated|last\s+updated|dernieres?\s+mises?\s+a\s+jour|date\s+de\s+publication"
    r"|paru|parution)\s*(?:le|du|on|:|-)?\s*(?:(?:" + _WEEKDAYS + r")\s*)?,?\s*\Z"
)
# A verb of saying or deciding, any tense, just before a date that no target word
# introduces: the date is when it was said.
_SAYING = (
    r"(?:annonc|declar|indiqu|affirm|expliqu|precis|confirm|assur|decid|estim|soulign"
    r"|rappel|jur|promi|promet|evoqu|reconn|admett|admi|tranch|ordonn|autoris|deliber|statu"
    r"|rejet|valid|approuv|adopt|vot|publi|present|devoil|communiqu|revel|signal)\w*"
    r"|said|announced|declared|stated|confirmed|told|decided|ruled|explained|indicated"
    r"|promised|pledged|revealed|unveiled|approved|rejected|published|wrote|reported"
)
_SAID_BEFORE = re.compile(
    r"(?<![\w])(?:" + _SAYING + r")(?:\s+(?:deja|encore|alors|aussi|egalement|pourtant"
    r"|publiquement|officiellement|notamment|meme|that|it))*\s*,?\s*"
    r"(?:(?:en|le|les|ce|cet|cette|on|in|at|lors\s+d[eu]|au\s+cours\s+d[eu]"
    r"|(?:" + _WEEKDAYS + r"))\s*)*\Z"
)
_DAY_INTRO = re.compile(r"(?<![\w'])(?:le|on|ce|cet|en|in)\s+\S\Z|\A\s*\S")
_SAID_AFTER = re.compile(
    r"\s*,?\s*(?:[\w'-]+\s+){0,6}?(?:a|ont|avait|avaient|has|have|had)?\s*"
    r"(?:(?:deja|alors|officiellement|publiquement)\s+)?(?:" + _SAYING + r")(?![\w])"
)
# A promise retold in the pluperfect with the day it was made ("s'était engagé en novembre
# 2020 à migrer dans les 18 mois"): while its term runs, not a sign that it failed. (A
# calendar date so retold, "on nous avait annoncé la fin de 2022", and the imperfect,
# "promettait", tell a promise since dropped, as the press uses them.)
_RETOLD_PROMISE = re.compile(
    r"(?:avai(?:t|ent)|s'etai(?:t|ent))\s+(?:\w+\s+){0,2}?(?:promis|engagee?s?|annonce|assure"
    r"|garanti|affirme)(?![\w])"
)
# A meeting, a hearing, a vote as the sentence's subject: its dates are its own.
_EVENT_SUBJECT = re.compile(
    r"[\s\W]*(?:le|la|les|l'|un|une|ce|cette|the|a|an)\s*(?:prochaine?s?\s+|next\s+)?"
    r"(?:comites?|reunions?|seances?|auditions?|conferences?|assemblees?|sommets?|colloques?"
    r"|tables?\s+rondes?|votes?|conseils?\s+d'administration|meetings?|hearings?|sessions?"
    r"|summits?)(?![\w])"
)
# A promise named as such: a duration in it counts from when it was made.
_PROMISE_NOUN = re.compile(
    r"(?<![\w'])(?:promesses?|engagements?|promises?|pledges?|commitments?|vows?)(?![\w])"
)
# "s'engageait", "n'était": the imperfect after an elided pronoun
_ELIDED_IMPERFECT = re.compile(r"(?<![\w])(?:s|n|l|qu|j)'\w{2,}(?<!r)ai(?:t|ent)(?![\w])")
_SINCE_BEFORE = re.compile(
    r"(?<![\w'])(?:depuis|since|creee?s?\s+en|fondee?s?\s+en|created\s+in|founded\s+in"
    r"|launched\s+in|lancee?s?\s+en)\s*\Z"
)
# Indirect speech: "le ministère a indiqué que la migration devait être achevée fin 2026"
# (sequence of tenses), not a former plan.
_REPORTED_SPEECH = re.compile(
    r"(?<![\w'])(?:a|ont)\s+(?:\w+\s+){0,2}?(?:indique|precise|confirme|annonce|affirme|assure"
    r"|declare|explique|fait\s+savoir|souligne|ecrit|repete)(?![\w])[^.!?]*?(?<![\w'])qu[e']"
    r"[^.!?]*\Z"
)
_BARE_YEAR = re.compile(r"(?<![\w,.])20[0-4]\d(?![\w,.]\d|\w)")
# "fin 2022, puis 2025": nothing but the connector between the two dates
_SEQUENCE = re.compile(
    r"\s*,?\s*(?:puis|ensuite|then|later)\s*,?\s*(?:(?:en|a|pour|to|for|in)\s+)?$"
)
_FRENCH_WORDS = re.compile(r"(?<![\w'])(?:le|la|les|des|du|et|est|une|pour|dans|qui|que)(?![\w])")
_ENGLISH_WORDS = re.compile(r"(?<![\w'])(?:the|and|is|of|to|for|in|that|which|will|by)(?![\w])")

_WINDOW = 200  # how far left a competing cue may govern a date (characters)
_PRE_WINDOW = 110  # how far left a role cue may govern a date
_POST_WINDOW = 130  # how far right a postfix role cue may govern a date (appositions)
_MAX_ATOMS = 20000  # beyond this, the input is not prose: stop looking (keeps time bounded)


# ------------------------------------------------------------------------------------------
# Hits: one regex pass over the text, then O(log n) look-ups per date
# ------------------------------------------------------------------------------------------


class _Hits:
    """The non-overlapping matches of one cue pattern, for range queries."""

    __slots__ = ("spans", "starts")

    def __init__(self, pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]],
                 candidates: list[int] | None = None):
        self.spans: list[tuple[int, int]] = []
        if candidates is None:
            for lo, hi in spans:
                self.spans.extend(m.span() for m in pattern.finditer(text, lo, hi))
        else:
            # the same matches as finditer, tried only where one may start (ascending)
            found = self.spans
            for lo, hi in spans:
                end = lo
                for pos in candidates[bisect_left(candidates, lo):bisect_left(candidates, hi)]:
                    if pos >= end and (m := pattern.match(text, pos, hi)) is not None:
                        found.append(m.span())
                        end = m.end()
        self.starts = [s for s, _ in self.spans]

    def last(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The rightmost hit inside [lo, hi)."""
        i = bisect_right(self.starts, hi) - 1
        while i >= 0 and self.spans[i][1] > hi:
            i -= 1
        if i >= 0 and self.spans[i][0] >= lo:
            return self.spans[i]
        return None

    def overlaps(self, lo: int, hi: int) -> bool:
        """Whether a hit overlaps [lo, hi)."""
        i = bisect_left(self.starts, hi) - 1  # ends grow with starts: hits do not overlap
        return i >= 0 and self.spans[i][1] > lo

    def first(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The leftmost hit inside [lo, hi)."""
        i = bisect_left(self.starts, lo)
        if i < len(self.spans) and self.spans[i][1] <= hi:
            return self.spans[i]
        return None


class _Cues(dict[str, _Hits]):
    """The ``_Hits`` of each cue by name, each pattern run over its regions on first use.

    Many cues are never asked about in a given article (the continuation cues when
    every dated sentence names the migration, the verbs of saying when no month
    lacks its year): their passes over the text are skipped.
    """

    def __init__(self, text: str,
                 planned: dict[str, tuple[re.Pattern[str], list[tuple[int, int]]]],
                 candidates: dict[str, list[int]]) -> None:
        super().__init__()
        self._text = text
        self._planned = dict(planned)
        self._candidates = candidates  # where each pattern of _HEADS may match

    def plan(self, planned: Iterable[tuple[str, tuple[re.Pattern[str],
                                                     list[tuple[int, int]]]]]) -> None:
        """Add cues to run on first use; a cue already planned keeps its regions."""
        for name, todo in planned:
            self._planned.setdefault(name, todo)

    def __missing__(self, name: str) -> _Hits:
        pattern, regions = self._planned[name]
        candidates = self._candidates.get(pattern.pattern)
        hits = self[name] = _Hits(pattern, self._text, regions, candidates)
        return hits


_WORD = re.compile(r"\w+")
# first three characters of a word -> the patterns that may match there (filled as met)
_PATTERNS_AT: dict[str, tuple[str, ...]] = {}


def _word_candidates(text: str) -> dict[str, list[int]]:
    """For each pattern of ``_HEADS`` (by its source), the word starts of ``text`` that open
    with one of its heads, ascending: three characters are compared, the pattern checks the
    rest. One pass over the words stands for a pass of each pattern over every letter."""
    out: dict[str, list[int]] = {source: [] for source in _HEADS}
    table = _PATTERNS_AT
    for m in _WORD.finditer(text):
        pos = m.start()
        key = text[pos:pos + 3]
        sources = table.get(key)
        if sources is None:
            sources = tuple(source for source, heads in _HEADS.items()
                            if _opens_with(key, heads))
            if len(table) < 100_000:
                table[key] = sources
        for source in sources:
            out[source].append(pos)
    return out


def _opens_with(key: str, heads: tuple[str, ...]) -> bool:
    """Whether a word whose first three characters are ``key`` may open with a head."""
    return any(key[:1].isdecimal() if h == _DIGIT else key.startswith(h) or h.startswith(key)
               for h in heads)


def _scan(pattern: re.Pattern[str], text: str,
          candidates: dict[str, list[int]]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, tried only at the pattern's candidates when it has some."""
    starts = candidates.get(pattern.pattern)
    if starts is None:
        yield from pattern.finditer(text)
        return
    end = 0
    for pos in starts:
        if pos >= end and (m := pattern.match(text, pos)) is not None:
            yield m
            end = m.end()


@dataclass
class _Atom:
    """A date phrase found in the text, before it is judged."""

    start: int  # phrase start, introducer included (text offset)
    mod_start: int  # after the introducer
    core_start: int
    end: int
    period: _Period
    mod: str | None
    intro: str  # normalised introducer ("" if none)
    deadline: date | None = None
    precision: str = ""
    role: str = "current"
    cue: tuple[int, int] | None = None  # where the words that set the role are
    cue_kind: str | None = None  # which list they come from (former_pre, shift, ...)
    bound: str | None = None
    scope: str | None = None
    sent: int = 0  # index of its sentence
    link: str | None = None  # the connector joining it to the previous date ("ou", "-")
    strong_cue: bool = False  # a cue of its own set the role
    forced: str | None = None  # "from" / "to" of a "repoussée de X à Y" move
    retro: tuple[int, int] | None = None  # where its sentence tells the story's past
    offset: int = 0  # its sentence's offset
    sentence_end: int = 0
    free_rel: bool = False  # a duration anchored on ``published`` for want of a past date
    kind: str = "target"  # target | interim | bound | event | other (set when judged)
    stale: bool = False  # a target over at publication, told in the future tense
    basis: str = "topic"  # shift | migration | quoted | topic: what the confidence rests on
    confidence: str = "low"


# ------------------------------------------------------------------------------------------
# Public API
# ------------------------------------------------------------------------------------------


def find_deadlines(text: str, published: date, language: str | None = None) -> list[Deadline]:
    """Every statement of a target date for the HDH migration in ``text``.

    ``text`` is the article's title, lead and body joined by blank lines;
    ``published`` anchors relative and yearless phrases. Offsets index
    ``text``. One ``Deadline`` per distinct (deadline, role) in the headline (the
    first paragraph) and one in the body, the first evidence kept. Never raises on
    any string.
    """
    return [d for d in find_dates(text, published, language) if d.kind in TARGET_KINDS]


def find_dates(text: str, published: date, language: str | None = None) -> list[Deadline]:
    """``find_deadlines``, and the dates that the sentences about the migration give for
    something else (``kind`` "event" or "other"), in text order."""
    if not isinstance(text, str) or not text:
        return []
    if isinstance(published, datetime):
        published = published.date()
    # classify() has just run find_providers and find_frames on this text: their folded
    # text and sentence index are reused (one cache keyed by the text).
    doc = document(text)
    folded = doc.folded
    lang = _language(folded, language)
    split = doc.sentences
    if split == [(0, text)] and not text.strip():
        return []  # the document's stand-in for a text of blanks, which has no sentence
    spans = _rejoin_abbreviations(text, split)
    if not spans:
        return []
    sent_starts = [s for s, _ in spans]
    sent_ends = [s + len(body) for s, body in spans]

    candidates = _word_candidates(folded)
    atoms = _find_atoms(text, folded, lang, published, sent_starts, sent_ends, candidates)
    if not atoms:
        return []
    by_sentence: dict[int, list[_Atom]] = {}
    for atom in atoms:
        by_sentence.setdefault(bisect_right(sent_starts, atom.start) - 1, []).append(atom)

    # Cue passes only over the sentences that hold a date and the sentence before each;
    # all the cues only over the sentences that speak of the migration.
    def spans_of(indexes: set[int]) -> list[tuple[int, int]]:
        return _merge_regions([(sent_starts[i], sent_ends[i]) for i in sorted(indexes)])

    dated = set(by_sentence)
    around = spans_of(dated | {i - 1 for i in dated if i})
    here = spans_of(dated)
    hits = _Cues(folded, {"topic": (_TOPIC, around), "timing": (_TIMING, here),
                          "former_here": (_FORMER_PRE, here)}, candidates)
    continuation: dict[int, bool] = {}
    for i in sorted(dated):
        if hits["topic"].first(sent_starts[i], sent_ends[i]) is not None:
            continuation[i] = False
        elif i > 0 and (hits["topic"].first(sent_starts[i - 1], sent_ends[i - 1]) is not None
                        or i - 1 in continuation) \
                and (_ANAPHOR.match(folded, sent_starts[i], sent_ends[i]) is not None
                     or hits["timing"].first(sent_starts[i], sent_ends[i]) is not None
                     or hits["former_here"].first(sent_starts[i], sent_ends[i]) is not None):
            # "Elle devrait intervenir fin 2026."; an interview's question and its answer:
            # "Q : Le ministère parlait pourtant de fin 2026…" "R : Il parlait de ..."
            continuation[i] = True
    regions = spans_of({j for i in continuation for j in (i - 1, i) if j >= 0})
    hits.plan((name, (pattern, regions)) for name, pattern in _CUE_PATTERNS)

    judged: list[_Atom] = []
    set_aside: list[_Atom] = []
    # A headline naming the HDH makes it the subject of the article's migration sentences.
    head_end = folded.find("\n\n")
    headline = _HDH_SUBJECT.search(folded, 0, head_end if head_end >= 0 else 300) is not None
    for index in sorted(continuation):
        s_start, s_end = sent_starts[index], sent_ends[index]
        inherited_interim = continuation[index] and hits["interim"].first(
            sent_starts[index - 1], sent_ends[index - 1]) is not None and hits["full"].first(
            sent_starts[index - 1], sent_ends[index - 1]) is None
        aside: list[_Atom] = []
        for atom in _judge_sentence(text, folded, lang, published, by_sentence[index],
                                    s_start, s_end, inherited_interim, hits, aside):
            atom.offset, atom.sentence_end = s_start, s_end
            subject = headline or continuation[index] or hits["hdh"].first(
                s_start, s_end) is not None
            _set_confidence(atom, folded, hits, s_start, s_end, subject)
            judged.append(atom)
        for atom in aside:
            atom.offset, atom.sentence_end = s_start, s_end
        set_aside.extend(aside)
    _anchor_retold(judged, atoms, folded, published)
    judged = [a for a in judged if a.deadline is not None]
    for atom in judged:
        if atom.cue_kind == "retold" and atom.role == "former" and atom.deadline is not None \
                and atom.deadline >= published and atom.period.kind == "rel":
            # a promise retold with its date ("s'était engagé en novembre 2020 à migrer
            # dans les 18 mois"), whose term is still ahead, with nothing saying it failed
            atom.role, atom.cue, atom.cue_kind, atom.strong_cue = "current", None, None, False
    _reconcile(judged)
    judged = _drop_relative_twins(judged)
    for atom in judged:
        atom.kind = "bound" if atom.bound else "interim" if atom.scope else "target"

    found: list[Deadline] = []
    seen: set[tuple] = set()
    for atom in sorted(judged + set_aside, key=lambda a: a.start):
        # the headline and the body each keep their first statement of a (date, role): an
        # alert quotes the body's sentence, not the headline
        key = (atom.deadline, atom.role if atom.kind in TARGET_KINDS else atom.kind,
               atom.kind in TARGET_KINDS, head_end >= 0 and atom.start < head_end)
        if atom.deadline is None or key in seen:
            continue
        seen.add(key)
        found.append(Deadline(
            deadline=atom.deadline, precision=atom.precision, role=atom.role,
            sentence=text[atom.offset:atom.sentence_end], offset=atom.offset,
            phrase=text[atom.start:atom.end].strip(),
            cue=text[atom.cue[0]:atom.cue[1]].strip(" ,") if atom.cue else None, bound=atom.bound,
            scope=atom.scope, kind=atom.kind, confidence=atom.confidence, basis=atom.basis,
            approx=atom.period.kind == "rel",
        ))
    return found


def _set_confidence(atom: _Atom, folded: str, hits: dict[str, _Hits], s_start: int,
                    s_end: int, subject: bool) -> None:
    """How sure the rule is that this date is the migration's: a reported move ("repoussée
    à", "nouvelle échéance") or a migration word in the date's clause with the HDH as the
    sentence's subject is "high"; a migration word alone, or a quoted official, "medium"; a
    date that only stands near the topic, "low"."""
    if atom.forced or (atom.strong_cue and atom.cue_kind in ("shift", "current_strong")) or (
            atom.role == "former" and atom.strong_cue):
        # a move reported: the new date, or the old one explicitly given up
        atom.basis, atom.confidence = "shift", "high"
        return
    lo = s_start
    clause = hits["clause"].last(max(s_start, atom.start - _WINDOW), atom.start)
    if clause is not None:
        lo = clause[1]
    migration = hits["migration"].last(lo, atom.start) is not None or hits["migration"].first(
        atom.end, min(s_end, atom.end + 60)) is not None
    if migration and subject:
        atom.basis, atom.confidence = "migration", "high"
    elif migration:
        atom.basis, atom.confidence = "migration", "medium"
    elif _QUOTED.search(folded, s_start, s_end):
        atom.basis, atom.confidence = "quoted", "medium"
    else:
        atom.basis, atom.confidence = "topic", "low"


def _rejoin_abbreviations(text: str, spans: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Undo the sentence breaks after an abbreviated month: "le 12 sept. | 2025"."""
    joined: list[tuple[int, str]] = []
    for start, body in spans:
        if joined and body[:1].isdigit() and _ABBREVIATED_MONTH_END.search(joined[-1][1]):
            first = joined[-1][0]
            joined[-1] = (first, text[first:start + len(body)])
        else:
            joined.append((start, body))
    return joined


def label_of(statement: Deadline) -> dict:
    """One statement as a labelled-corpus deadline: day, precision, role, and the optional
    bound, scope and approx."""
    label = {"deadline": statement.deadline.isoformat(), "precision": statement.precision,
             "role": statement.role}
    if statement.bound:
        label["bound"] = statement.bound
    if statement.scope:
        label["scope"] = statement.scope
    if statement.approx:
        label["approx"] = True
    return label


def labels(deadlines: Sequence[Deadline]) -> dict:
    """An article's statements as the labelled-corpus format states them: each (deadline,
    role) of the migration once (the headline's and the body's statement of one target are
    one label), and the shift the article reports."""
    out: list[dict] = []
    seen: set[tuple[date, str]] = set()
    targets = sorted((d for d in deadlines if d.is_target), key=lambda d: d.offset)
    for d in targets:
        if (d.deadline, d.role) not in seen:
            seen.add((d.deadline, d.role))
            out.append(label_of(d))
    shift = reported_shift(targets)
    return {"deadlines": out, "shift": {"from": shift.from_deadline.isoformat(),
                                        "to": shift.to_deadline.isoformat()} if shift else None}


def reported_shift(deadlines: Sequence[Deadline]) -> Shift | None:
    """The move of the target that the article itself reports, if any.

    It takes at least one former and one current target (neither a lower
    bound nor an interim step). ``to`` is the first current target in the
    text; ``from`` is the most recent former target by date that is not the
    same target as ``to`` (an article retelling 2022 → 2025 → 2026 reports the
    last move, 2025 → 2026); ties go to the one stated first.
    """
    plain = [d for d in deadlines if d.bound is None and d.scope is None]
    current = sorted((d for d in plain if d.role == "current"), key=lambda d: d.offset)
    former = [d for d in plain if d.role == "former"]
    if not current or not former:
        return None
    to = current[0]
    candidates = [d for d in former
                  if not same_target((d.deadline, d.precision), (to.deadline, to.precision))]
    if not candidates:
        return None
    latest = max(d.deadline for d in candidates)
    frm = min((d for d in candidates if d.deadline == latest), key=lambda d: d.offset)
    return Shift(from_deadline=frm.deadline, from_precision=frm.precision,
                 to_deadline=to.deadline, to_precision=to.precision)


# ------------------------------------------------------------------------------------------
# Step 1: date phrases
# ------------------------------------------------------------------------------------------

_CUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("topic", _TOPIC), ("timing", _TIMING), ("migration", _MIGRATION), ("tender", _TENDER),
    ("other_event", _OTHER_EVENT), ("other_name", _OTHER_NAME), ("event", _EVENT),
    ("event_pp", _EVENT_PP),
    ("contract", _CONTRACT), ("former_pre", _FORMER_PRE), ("former_post", _FORMER_POST),
    ("negation", _NEGATION), ("shift", _SHIFT), ("current_strong", _CURRENT_STRONG),
    ("current_weak", _CURRENT_WEAK), ("target", _TARGET_WORD), ("interim", _INTERIM),
    ("full", _FULL), ("horizon", _HORIZON_NOUN), ("clause", _CLAUSE_END),
    ("moved_post", _MOVED_POST), ("said", _SAID), ("hdh", _HDH_SUBJECT),
)


def _language(folded: str, language: str | None) -> str:
    if language:
        code = language.strip().lower()[:2]
        if code in ("fr", "en"):
            return code
    sample = folded[:20000]
    fr = sum(1 for _ in _FRENCH_WORDS.finditer(sample))
    en = sum(1 for _ in _ENGLISH_WORDS.finditer(sample))
    return "en" if en > fr else "fr"


def _merge_regions(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(regions):
        if merged and lo <= merged[-1][1] + 2:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


def _spec(m: re.Match[str]) -> tuple[int | None, str | None]:
    """Year and relative spec ("next", "last", "this") of a core's optional year part."""
    groups = m.groupdict()
    if groups.get("y"):
        return _year(groups["y"]), None
    if groups.get("n") is not None or groups.get("n2") is not None:
        return None, "next"
    if groups.get("l") is not None or groups.get("l2") is not None:
        return None, "last"
    if groups.get("c") is not None or groups.get("c2") is not None:
        return None, "this"
    return None, None


def _year(token: str) -> int:
    value = int(token)
    return value + 2000 if value < 100 else value


def _period_of(name: str, m: re.Match[str], folded: str, text: str, lang: str,
               published: date) -> _Period | None:
    """The period a core match names, or None when it is not a date after all."""
    g = m.groupdict()
    if name == "iso":
        return _Period("day", int(g["m"]), int(g["y"]), day=int(g["d"]))
    if name == "num":
        a, b = int(g["a"]), int(g["b"])
        day, month = (a, b)
        if lang == "en" and a <= 12 < b:
            day, month = b, a  # US order only when the day cannot be first
        if not (1 <= month <= 12 and 1 <= day <= 31):
            return None
        return _Period("day", month, _year(g["y"]), day=day)
    if name in ("daymonth", "monthday"):
        day = 1 if g["d"] == "1er" else int(g["d"])
        month = _MONTHS[g["m"]]
        if not 1 <= day <= 31:
            return None
        if g["y"] is None and g["m"] in _MONTHS_NEEDING_YEAR:
            return None
        return _Period("day", month, int(g["y"]) if g["y"] else None, day=day)
    if name == "abbr":
        parsed = _dateparse(text[m.start():m.end()], published, lang)
        if parsed is None:
            return None
        return _Period("day", parsed.month, parsed.year, day=parsed.day)
    if name == "month":
        year, spec = _spec(m)
        before_word = _THIS_BEFORE.search(folded, max(0, m.start() - 8), m.start())
        if before_word and spec is None and year is None:
            spec = {"next": "next", "last": "last"}.get(before_word.group("w"), "this")
        if year is None and g["m"] in _MONTHS_NEEDING_YEAR:
            return None
        return _Period("month", _MONTHS[g["m"]], year, spec)
    if name in ("half", "quarter"):
        year, spec = _spec(m)
        order = _ORDINALS.get(g["o"], 0)
        if g["o"] in ("dernier", "last"):
            order = 2 if name == "half" else 4
        if not order or (name == "half" and order > 2):
            return None
        return _Period(name, order, year, spec)
    if name in ("halfshort", "quartershort"):
        kind = "half" if name == "halfshort" else "quarter"
        return _Period(kind, int(g["o"]), _year(g["y"]))
    if name == "season":
        year, spec = _spec(m)
        before_word = _THIS_BEFORE.search(folded, max(0, m.start() - 8), m.start())
        if before_word:
            spec = {"next": "next", "last": "last"}.get(before_word.group("w"), "this")
        word = g["s"]
        before = folded[max(0, m.start() - 2):m.start()]
        if word == "ete" and not (before_word or year or before == "l'"):
            return None  # "a été": a participle, not the summer
        if word == "fall" and not (before_word or year or folded[max(0, m.start() - 4):
                                                                 m.start()] == "the "):
            return None
        return _Period("season", _SEASONS[word], year, spec)
    if name == "rentree":
        year, spec = _spec(m)
        return _Period("month", 9, year, spec)
    if name == "yearend":  # "by year-end": this year's
        return _Period("year", 0, int(g["y"]) if g.get("y") else None,
                       None if g.get("y") else "this")
    if name == "monthrel":  # "le mois prochain", "ce mois-ci", "d'ici la fin du mois"
        core = folded[m.start():m.end()]
        return _Period("rel", 1 if ("prochain" in core or "next" in core) else 0, spec="this")
    if name == "yearunit":
        year, spec = _spec(m)
        before_word = _THIS_BEFORE.search(folded, max(0, m.start() - 8), m.start())
        if before_word and spec is None:
            spec = {"next": "next", "last": "last"}.get(before_word.group("w"), "this")
        if g["u"] == "an" and folded[max(0, m.start() - 1):m.start()] != "'":
            return None  # English article "an", or "un an" (a duration)
        if spec == "last":
            return None  # "l'an dernier", "last year": when something happened, not a target
        return _Period("year", 0, year, spec)
    if name == "rel":
        a = _number(g["a"])
        b = _number(g["b"]) if g.get("b") else None
        if a is None:
            return None
        months_per = 1 if g["u"].startswith("mois") or g["u"].startswith("month") else 12
        count = max(a, b or 0) * months_per
        if g.get("h"):
            count += 6 if months_per == 12 else 0
        if not 0 < count <= 120:
            return None
        return _Period("rel", count)
    if name == "year":
        return _Period("year", 0, int(g["y"]))
    return None


def _number(token: str | None) -> int | None:
    if not token:
        return None
    key = re.sub(r"[\s-]+", "-", token.strip())
    if key.isdigit():
        return int(key)
    return _NUMBERS.get(key)


def _dateparse(span: str, published: date, lang: str) -> date | None:
    """A full date with an abbreviated month, read by dateparser (the rules do the rest)."""
    import dateparser  # slow to import, and only needed for this rare form

    base = datetime(published.year, published.month, published.day)
    try:
        parsed = dateparser.parse(
            span[:60],
            languages=[lang],
            settings={"RELATIVE_BASE": base, "PREFER_DATES_FROM": "future",
                      "REQUIRE_PARTS": ["day", "month", "year"]},
        )
    except Exception:  # noqa: BLE001 - third-party parser on arbitrary text: no date is the answer
        return None
    return parsed.date() if parsed is not None else None


def _find_atoms(text: str, folded: str, lang: str, published: date,
                sent_starts: list[int], sent_ends: list[int],
                candidates: dict[str, list[int]]) -> list[_Atom]:
    """Every date phrase, cores extended with their modifier and introducer, ranges linked."""
    raw: list[tuple[int, int, str, re.Match[str]]] = []
    for name, pattern in _CORES:
        words = _CORE_WORDS.get(name)
        if words is not None and not any(word in folded for word in words):
            continue  # a pass over the whole text that cannot find anything
        for m in _scan(pattern, folded, candidates):
            raw.append((m.start(), m.end(), name, m))
            if len(raw) > 4 * _MAX_ATOMS:
                break
    if not raw:
        return []
    # leftmost, then longest: "30 juin 2025" wins over "juin 2025" and "2025"
    raw.sort(key=lambda r: (r[0], -r[1]))
    picked: list[tuple[int, int, str, re.Match[str]]] = []
    last_end = -1
    for item in raw:
        if item[0] >= last_end:
            picked.append(item)
            last_end = item[1]
            if len(picked) >= _MAX_ATOMS:
                break

    # modifiers and introducers are only looked for just before the cores
    near = _merge_regions([(max(0, start - 80), start + 1) for start, _, _, _ in picked])
    mods = {m.end(): m for lo, hi in near for m in _MOD.finditer(folded, lo, hi)}
    intros = {m.end(): m for lo, hi in near for m in _INTRO.finditer(folded, lo, hi)}
    atoms: list[_Atom] = []
    for start, end, name, m in picked:
        si = bisect_right(sent_starts, start) - 1
        if si < 0 or end > sent_ends[si]:
            continue  # a phrase never spans two sentences
        period = _period_of(name, m, folded, text, lang, published)
        if period is None:
            continue
        mod = None
        mod_start = start
        mod_match = mods.get(start)
        if mod_match is not None and mod_match.start() >= sent_starts[si]:
            mod = next(k for k, v in mod_match.groupdict().items() if v is not None)
            mod_start = mod_match.start()
        intro, phrase_start = _intro_before(text, intros.get(mod_start), sent_starts[si])
        atoms.append(_Atom(start=phrase_start if intro else mod_start, mod_start=mod_start,
                           core_start=start, end=end, period=period, mod=mod, intro=intro,
                           sent=si))
    return _validate(text, folded, atoms, published, sent_starts)


def _intro_before(text: str, match: re.Match[str] | None, floor: int) -> tuple[str, int]:
    """The introducer ending where the phrase starts, as normalised words, and its start."""
    if match is None or match.start() < floor:
        return "", 0
    intro = " ".join(match.group("i").split())
    start = match.start()
    # "a" and "des" are the prepositions "à" and "dès" only with their accents
    if intro in ("a", "a la", "a l'") and text[start] not in "àÀ":
        return "", 0
    if (intro == "des" or intro.startswith("des ")) and text[start + 1: start + 2] not in "èÈ":
        return "", 0
    return intro, start


@lru_cache(maxsize=8192)
def _intro_is(intro: str, options: tuple[str, ...]) -> bool:
    """Whether the introducer is one of ``options`` or starts with one of them as words."""
    return any(intro == o or intro.startswith(o + " ") or intro.startswith(o + "'")
               or (o[-1:] == "'" and intro.startswith(o)) for o in options)


def _valid(atom: _Atom, folded: str) -> bool:
    """Whether a core is a date phrase in its context (before ranges are linked)."""
    kind, period = atom.period.kind, atom.period
    core = folded[atom.core_start:atom.end]
    if kind == "rel":
        if period.spec:
            return True  # "le mois prochain"
        if core.startswith(("a ", "an ")):
            return _intro_is(atom.intro, ("within",))
        return _intro_is(atom.intro, _REL_INTROS)
    if kind == "year" and period.year is not None and atom.mod is None and (
            core[:1].isdigit() or core.startswith(("an", "year"))):
        # "en 2025", "pour l'année 2025"; not "2025 chercheurs", "sur l'année 2026"
        if _NUMBER_BEFORE.search(folded, max(0, atom.mod_start - 20), atom.mod_start):
            return False
        if core[:1].isdigit() and (_COUNT_AFTER.match(folded, atom.end)
                                   or _plural_after(folded, atom.end)):
            return False
        return _intro_is(atom.intro, _YEAR_INTROS)
    if kind == "year" and period.year is None:
        # "l'an prochain", "cette année", "fin d'année", "dans l'année"; not "une année"
        return bool(period.spec or atom.mod or _intro_is(atom.intro, ("dans",)))
    real_intro = bool(atom.intro) and atom.intro not in _ARTICLES
    if kind == "month" and period.year is None and period.spec is None:
        return bool(atom.mod or real_intro)
    if kind == "season" and period.year is None and period.spec is None:
        # "à l'automne" too: the nearest autumn, or the coming one after a future tense
        return bool(atom.mod or real_intro or atom.intro in ("a l'", "a la"))
    return True


def _plural_after(folded: str, pos: int) -> bool:
    """"2025 chercheurs", "en 2024 projets": the number counts things."""
    m = _NEXT_WORD.match(folded, pos, pos + 30)
    if not m:
        return False
    word = m.group(1)
    return word[-1] in "sx" and word not in _NOT_PLURAL


def _horizon_year(atom: _Atom, folded: str, horizon_nouns: Callable[[], list[int]],
                  floor: int) -> bool:
    """"le nouvel horizon ... est 2025", "2025 est la nouvelle échéance"."""
    if _HORIZON_AFTER.match(folded, atom.end, atom.end + 60):
        return True
    if not _HORIZON_VERB.search(folded, max(floor, atom.mod_start - 30), atom.mod_start):
        return False
    horizon = horizon_nouns()
    i = bisect_left(horizon, max(floor, atom.start - 120))
    return i < len(horizon) and horizon[i] < atom.start


def _future_tense(folded: str, atom: _Atom, sent_starts: list[int]) -> bool:
    """Whether a future tense governs the phrase: just before it, or just after it when the
    phrase opens its sentence ("À l'automne, les données seront copiées")."""
    floor = sent_starts[atom.sent]
    if _FUTURE_VERB.search(folded, max(floor, atom.start - 50), atom.start):
        return True
    return atom.start - floor < 5 and _FUTURE_VERB.search(
        folded, atom.end, atom.end + 50) is not None


def _validate(text: str, folded: str, atoms: list[_Atom], published: date,
              sent_starts: list[int]) -> list[_Atom]:
    """Keep the cores that are dates; link the ones joined by "ou", "et", "-", "à" ...

    A bare year with no introducer is a date when it is linked to a date
    ("en 2026 ou 2027"), when an "horizon ... est" context names it, or when
    "de" opens it and a linked date follows ("repoussée de 2022 à 2025").
    """
    found: list[list[int]] = []

    def horizon_nouns() -> list[int]:
        # a pass over the whole text, made only for a bare year after "est", "sera", ...
        if not found:
            found.append([m.start() for m in _HORIZON_NOUN.finditer(folded)])
        return found[0]

    n = len(atoms)
    ok = [_valid(a, folded) for a in atoms]
    links: list[str | None] = [None] * n
    for i in range(1, n):
        prev, atom = atoms[i - 1], atoms[i]
        if prev.sent == atom.sent and 0 <= atom.mod_start - prev.end <= 40:
            between = folded[prev.end:atom.mod_start]
            if _CONNECTOR.match(between + " "):
                links[i] = " ".join(between.replace(",", " ").split())
    for i, atom in enumerate(atoms):
        bare = atom.period.kind == "year" and atom.mod is None and not atom.intro
        if ok[i] or not bare:
            continue
        floor = sent_starts[atom.sent]
        if (links[i] and ok[i - 1]) or _horizon_year(atom, folded, horizon_nouns, floor):
            ok[i] = True
    for i in range(n - 2, -1, -1):
        atom = atoms[i]
        if ok[i] or not (links[i + 1] and ok[i + 1]) or atom.period.kind != "year":
            continue
        found = _FROM_BEFORE.search(folded, max(0, atom.start - 6), atom.start)
        if found:
            ok[i] = True
            atom.intro, atom.start = "de", found.start()
    result: list[_Atom] = []
    for i, atom in enumerate(atoms):
        if not ok[i]:
            continue
        nearest = atom.period.kind in ("day", "month", "season") and not (
            _intro_is(atom.intro, _FUTURE_INTROS))
        if nearest and atom.period.year is None and _future_tense(folded, atom, sent_starts):
            nearest = False  # "la copie sera opérationnelle à l'automne": the coming autumn
        if nearest and atom.period.year is None and atom.period.spec is None:
            # "le 30 novembre 2019, avant d'ouvrir en décembre": the year just stated
            dated = next((a for a in reversed(result) if a.sent == atom.sent
                          and a.period.year is not None
                          and a.period.kind in ("day", "month", "season")), None)
            if dated is not None and dated.period.year is not None:
                later = atom.period.index >= dated.period.index or atom.period.kind != \
                    dated.period.kind
                atom.period = replace(atom.period, year=dated.period.year + (0 if later else 1))
        resolved = _resolve(atom.period, atom.mod, published, nearest)
        if resolved is None:
            continue
        atom.deadline, atom.precision = resolved
        if links[i] and result and result[-1] is atoms[i - 1]:
            atom.link = links[i]
        result.append(atom)
    return result


# ------------------------------------------------------------------------------------------
# Steps 2-4: judging the dates of one sentence
# ------------------------------------------------------------------------------------------


def _judge_sentence(text: str, folded: str, lang: str, published: date, atoms: list[_Atom],
                    s_start: int, s_end: int, inherited_interim: bool,
                    hits: dict[str, _Hits], set_aside: list[_Atom]) -> list[_Atom]:
    """The dates of one sentence about the migration that state its target; the dates it
    gives for something else (events, other deadlines) go to ``set_aside`` with their kind."""
    shift_in_sentence = hits["shift"].first(s_start, s_end) is not None
    atoms = _merge_ranges(atoms, folded, shift_in_sentence)
    marker = _RETRO.search(folded, s_start, s_end)
    past = next((a for a in atoms if a.deadline is not None and a.deadline < published), None)
    retro = marker.span() if marker else ((past.start, past.end) if past else None)
    kept: list[_Atom] = []
    for i, atom in enumerate(atoms):
        left = atoms[i - 1].end if i > 0 else s_start
        right = atoms[i + 1].start if i + 1 < len(atoms) else s_end
        kind = _excluded(atom, text, folded, lang, published, left, right, s_start, s_end, hits)
        if kind is None:
            kept.append(atom)
        else:
            atom.kind = kind
            set_aside.append(atom)
    for i, atom in enumerate(kept):
        left = kept[i - 1].end if i > 0 else s_start
        right = kept[i + 1].start if i + 1 < len(kept) else s_end
        _set_bound(atom, folded, left, right)
        _set_role(atom, folded, left, right, hits, i + 1 < len(kept))
        _set_scope(atom, left, right, s_start, s_end, len(kept), hits, inherited_interim)
        atom.retro = retro
        if i + 1 < len(kept) and atom.scope is None and _SEQUENCE.match(
                folded, atom.end, kept[i + 1].mod_start) and not (atom.strong_cue
                                                                  and atom.role == "current"):
            # "fin 2022, puis 2025, puis fin 2026": each step superseded by the next
            atom.role, atom.cue, atom.strong_cue = "former", (atom.end, kept[i + 1].mod_start), True
    _apposition_subject(kept, folded, s_end, hits)
    for atom in kept:
        if atom.deadline is not None and atom.deadline < published and atom.role == "current" \
                and not atom.strong_cue and _FUTURE_VERB.search(
                    folded, max(s_start, atom.start - 120), atom.start):
            # "will see the platform migrate ... by 2025", written in 2026: a stale or wrong
            # page; labelled as written, and the timeline never takes it for a move
            atom.stale = True
    judged = [a for a in kept if a.deadline is not None and not (
        a.deadline < published and a.role != "former" and not a.stale
        and not _missed_target(a, folded, hits, s_start))]
    _supersede(judged, folded)
    _anchor_relatives(judged, atoms, published)
    return [a for a in judged if a.deadline is not None and
            not (a.deadline < published and a.role != "former" and not a.stale)]


def _reconcile(atoms: list[_Atom]) -> None:
    """Roles that only the whole article can tell.

    - The first plain current target is the article's: an earlier, different
      "current" date stated in a retrospective sentence (imperfect, "puis",
      a past date beside it) is a superseded one.
    - No plain target can be current if it ends before a stated lower bound
      ("pas avant 2026" makes a 2025 target a former one).
    """
    plain = [a for a in atoms if a.role == "current" and a.bound is None and a.scope is None
             and a.deadline is not None]
    if plain:
        # a target stated in a sentence telling the past ("had said in February that ...")
        # yields the head to one stated plainly
        head = next((a for a in plain if not a.retro), plain[0])
        head_key = (head.deadline or date.max, head.precision)
        for atom in plain:
            if atom is head:
                continue
            key = (atom.deadline or date.max, atom.precision)
            if atom.retro and key[0] < head_key[0] and not same_target(key, head_key):
                atom.role, atom.cue = "former", atom.retro
    for bound in atoms:
        if bound.bound != "not_before" or bound.role != "current" or bound.deadline is None:
            continue
        start = _period_start(bound.deadline, bound.precision)
        for atom in plain:
            if atom.role == "current" and atom.deadline is not None and atom.deadline < start:
                atom.role, atom.cue = "former", (bound.start, bound.end)


def _period_start(end: date, precision: str) -> date:
    months = {"year": 12, "half": 6, "quarter": 3, "season": 3, "month": 1}.get(precision)
    if months is None:
        return end
    return _add_months(end.replace(day=1), 1 - months)


def _merge_ranges(atoms: list[_Atom], folded: str, shift: bool) -> list[_Atom]:
    """Linked dates are one range worth its later end ("fin 2026 ou début 2027").

    In a sentence with a shift verb, "de X à Y" is a move instead: X is the
    former target and Y the current one.
    """
    merged: list[_Atom] = []
    for atom in atoms:
        prev = merged[-1] if merged else None
        if atom.link is None or prev is None or prev.end > atom.start:
            merged.append(atom)
            continue
        conn = atom.link.split()[0] if atom.link.split() else atom.link
        opened_by_from = prev.intro in ("de", "d'", "from") or _FROM_BEFORE.search(
            folded, max(0, prev.start - 6), prev.start) is not None
        if shift and opened_by_from and conn in ("a", "au", "to", "jusqu'a", "jusqu'au",
                                                  "jusqu'en"):
            prev.forced, atom.forced = "from", "to"
            merged.append(atom)
            continue
        if prev.forced == "from":
            merged.append(atom)
            continue
        later = atom if (atom.deadline or date.min) >= (prev.deadline or date.min) else prev
        merged[-1] = _Atom(start=prev.start, mod_start=prev.mod_start,
                           core_start=later.core_start, end=atom.end, period=later.period,
                           mod=later.mod, intro=prev.intro, deadline=later.deadline,
                           precision=later.precision, sent=atom.sent)
    return merged


def _nearest_left(hits: dict[str, _Hits], names: Sequence[str], lo: int,
                  hi: int) -> tuple[str, tuple[int, int]] | None:
    best: tuple[str, tuple[int, int]] | None = None
    for name in names:
        hit = hits[name].last(lo, hi)
        if hit is not None and (best is None or hit[1] > best[1][1]):
            best = (name, hit)
    return best


def _nearest_right(hits: dict[str, _Hits], names: Sequence[str], lo: int,
                   hi: int) -> tuple[str, tuple[int, int]] | None:
    best: tuple[str, tuple[int, int]] | None = None
    for name in names:
        hit = hits[name].first(lo, hi)
        if hit is not None and (best is None or hit[0] < best[1][0]):
            best = (name, hit)
    return best


# Ties go to the first: a tender's noun phrase ending on "hébergeur" is the tender's.
_COMPETING = ("tender", "other_event", "event", "contract", "migration")


_EVENT_CUES = frozenset({"event"})  # competing cues whose date is an event; the rest: "other"


def _excluded(atom: _Atom, text: str, folded: str, lang: str, published: date, left: int,
              right: int, s_start: int, s_end: int, hits: dict[str, _Hits]) -> str | None:
    """What the date is when it is not the migration's target: "event" (an announcement, a
    hearing, a page stamp, a finished fact) or "other" (another deadline: a tender, a
    contract's end, another project's); None when it may be the target."""
    if _intro_is(atom.intro, _PAST_INTROS):
        return "event"
    if atom.precision == "day" and atom.deadline is not None and atom.deadline <= published:
        return "event"  # a day already come: a dateline, a hearing, an announcement
    if _stamp(atom, folded, s_start):
        return "event"  # "Publié le 24 janvier 2022 à 10h17", "Newsgene 04/02/2022 à 11:09"
    if atom.period.kind == "rel" and _COUNTED_FROM.match(folded, atom.end,
                                                         min(s_end, atom.end + 60)):
        return "other"  # counted from an event to come: not anchored on ``published``
    if _LEGAL_BEFORE.search(folded, max(s_start, atom.start - 60), atom.mod_start):
        return "event"  # "l'arrêté du 9 octobre 2020", "le rapport de juin 2024"
    clause_lo = max(s_start, atom.start - _WINDOW)
    clause = hits["clause"].last(clause_lo, atom.start)
    if clause is not None:
        clause_lo = clause[1]
    lo = max(left, clause_lo)
    if _said_on(atom, folded, lo, min(right, s_end)):
        return "event"  # "a annoncé, le 5 février 2026, ...", "On 23 April 2026 it announced"
    nearest = _nearest_left(hits, _COMPETING, lo, atom.start)
    ends = hits["contract"].last(lo, atom.mod_start)
    if ends is not None and ends[1] > atom.start:
        return "other"  # "l'autorisation arrive à échéance fin 2026": the introducer is its end
    event_pp = hits["event_pp"].last(lo, atom.start)
    if event_pp is not None and atom.start - event_pp[1] <= 25 and (
            nearest is None or event_pp[1] >= nearest[1][1]):
        return "event"  # "présenté en mai", "engagé en juin": the date of that event
    if nearest is None:
        hi = min(right, atom.end + 80, s_end)
        clause_r = hits["clause"].first(atom.end, hi)
        if clause_r is not None:
            hi = clause_r[0]
        nearest = _nearest_right(hits, _COMPETING, atom.end, hi)
    if nearest is not None and nearest[0] != "migration":
        return "event" if nearest[0] in _EVENT_CUES else "other"
    if _said_when(atom, left, right, s_start, s_end, hits):
        return "event"
    if _other_subject(atom, text, folded, left, s_start, s_end, hits):
        return "other"
    if _EVENT_SUBJECT.match(folded, s_start) and not _intro_is(atom.intro, _TARGET_INTROS):
        return "event"  # "Le comité de pilotage de la migration, prévu en janvier, ..."
    if atom.period.year is None and atom.period.kind in ("day", "month", "season") and \
            _MODAL_PAST.search(folded, max(lo, atom.start - 50), atom.start) and \
            not _intro_is(atom.intro, _FUTURE_INTROS):
        return "event"  # "a dû renoncer, en janvier, à sa demande": when that happened
    if atom.deadline is not None and (atom.deadline.year <= published.year
                                      or atom.period.year is None):
        if _past_event(atom, text, folded, lang, lo, clause_lo, min(right, s_end), hits):
            return "event"
    return None


def _stamp(atom: _Atom, folded: str, s_start: int) -> bool:
    """Page furniture: a date with a clock time ("le 4 février à 11h09", "6 February 2026 at
    15:15"), after "publié", "mis à jour", "updated" ..., alone in brackets ("(22/04/2026)"),
    or in a line of links to other stories ("Lire aussi", "Related")."""
    if _CLOCK_AFTER.match(folded, atom.end, atom.end + 16):
        return True
    if folded[atom.start - 1:atom.start] == "(" and folded[atom.end:atom.end + 1] == ")":
        return True
    if _FURNITURE_LINE.match(folded, s_start):
        return True
    return _STAMP_BEFORE.search(folded, max(s_start, atom.start - 40), atom.start) is not None


def _said_on(atom: _Atom, folded: str, lo: int, hi: int) -> bool:
    """The day something was said, announced or decided: a verb of saying or deciding right
    before a date that no target word introduces ("a annoncé, le 5 février 2026, que",
    "affirmait en mai 2020", "expliquait en début d'année"), or right after a date that
    opens its clause ("Le 5 février, le gouvernement a annoncé", "On 23 April 2026 the
    platform announced")."""
    if _intro_is(atom.intro, _FUTURE_INTROS):
        return False
    # "évoquait la fin 2026", "announced the second half of 2026": the date is what was said
    said_object = atom.intro in ("la", "le", "l'", "les", "the") and atom.period.kind != "day"
    if not said_object and _SAID_BEFORE.search(folded, max(lo, atom.start - 45), atom.start):
        return True
    if atom.start - lo > 12 and not _DAY_INTRO.search(folded, max(lo, atom.start - 4),
                                                      atom.start + 1):
        return False
    return _SAID_AFTER.match(folded, atom.end, min(hi, atom.end + 70)) is not None


def _said_when(atom: _Atom, left: int, right: int, s_start: int, s_end: int,
               hits: dict[str, _Hits]) -> bool:
    """A yearless month beside a verb of saying, with another date in its sentence, is when
    it was said: "En février, le ministère jurait que tout serait bouclé fin 2026"."""
    if atom.period.year is not None or atom.period.spec is not None or \
            atom.period.kind not in ("day", "month", "season") or \
            _intro_is(atom.intro, _FUTURE_INTROS):
        return False
    if left == s_start and right == s_end:
        return False  # the only date of its sentence: it may well be the target
    return hits["said"].last(max(s_start, atom.start - 40), atom.start) is not None or \
        hits["said"].first(atom.end, min(s_end, atom.end + 40)) is not None


def _other_subject(atom: _Atom, text: str, folded: str, left: int, s_start: int, s_end: int,
                   hits: dict[str, _Hits]) -> bool:
    """Another project is the subject of the date: "Bleu sera opérationnel en 2024", "Le
    règlement EHDS, ..., applicable en 2029". Not when the name follows a preposition
    ("la migration vers Bleu") or a migration word stands between it and the date."""
    lo = max(s_start, atom.start - 300)
    hi = atom.start
    while True:
        name = hits["other_name"].last(lo, hi)
        if name is None:
            break
        word = folded[name[0]:name[1]]
        if word in _CAPITALISED_NAMES and not text[name[0]].isupper():
            hi = name[0]
            continue
        if hits["migration"].last(name[1], atom.start) is not None:
            return False
        head = hits["other_name"].last(max(s_start, name[0] - 8), name[0])
        while head is not None and not folded[head[1]:name[0]].strip():
            # "la loi SREN": the noun phrase opens on its first name
            name, head = head, hits["other_name"].last(max(s_start, head[0] - 8), head[0])
        return not _PREPOSITION_BEFORE.search(folded, max(s_start, name[0] - 8), name[0])
    if left == s_start and atom.start - s_start < 30:
        # "En 2024, Bleu sera opérationnel"
        name = hits["other_name"].first(atom.end, min(s_end, atom.end + 40))
        if name is not None and hits["migration"].first(atom.end, name[0]) is None:
            word = folded[name[0]:name[1]]
            return word not in _CAPITALISED_NAMES or text[name[0]].isupper()
    return False


def _past_event(atom: _Atom, text: str, folded: str, lang: str, lo: int, clause_lo: int,
                hi: int, hits: dict[str, _Hits]) -> bool:
    """A finished fact of this year or before: "en 2022, le HDH a lancé ...".

    The governing verb is looked for just left of the date, and just right of
    it when the date opens its clause. Verbs that announce or move a target
    ("a annoncé", "a repoussé", "was missed") do not make it a past fact.
    """
    pattern = _PAST_EVENT_EN if lang == "en" else _PAST_EVENT_FR
    windows = [(max(lo, atom.start - 50), atom.start)]
    if atom.start - clause_lo < 25:
        windows.append((atom.end, min(hi, atom.end + 60)))
    for w_lo, w_hi in windows:
        for m in pattern.finditer(folded, w_lo, w_hi):
            pp = m.group("pp") or (m.groupdict().get("sp") or "")
            if pp in _PAST_PP_STOP or any(pp[:len(pp) - k] in _ANNOUNCING for k in range(3)):
                continue
            if lang != "en" and folded[m.start()] == "a" and text[m.start()] not in "aA":
                continue  # "à" + word, not the auxiliary
            if any(hits[name].overlaps(m.start(), m.end())
                   for name in ("shift", "former_pre", "former_post")):
                continue
            return True
    return False


def _set_role(atom: _Atom, folded: str, left: int, right: int, hits: dict[str, _Hits],
              next_date: bool) -> None:
    if atom.forced in ("from", "to"):
        # "repoussée de fin 2022 à 2025"
        atom.role = "former" if atom.forced == "from" else "current"
        atom.cue = hits["shift"].last(max(0, atom.start - 3 * _PRE_WINDOW), atom.start)
        atom.cue_kind, atom.strong_cue = "shift", True
        return
    lo = max(left, atom.start - _PRE_WINDOW)
    clause = hits["clause"].last(lo, atom.start)
    if clause is not None:
        lo = clause[1]  # "L'échéance de 2025 n'est plus d'actualité : ... fin 2026"
    hi = atom.mod_start  # the introducer may be the cue: "au lieu de 2025"
    # "ne ... pas avant 2026", "ne devra pas dépasser deux ans": the negation frames the date
    negation_framed = atom.bound is not None or _intro_is(atom.intro, _NEGATED_FRAMES)
    candidates: list[tuple[float, str, tuple[int, int], str]] = []
    for name, role, strength in (("former_pre", "former", 2.0), ("shift", "current", 2.0),
                                 ("current_strong", "current", 2.0),
                                 ("current_weak", "current", 1.0)):
        hit = hits[name].last(lo, hi)
        if hit is not None and negation_framed and folded.startswith(("ne ", "n'"), hit[0]):
            continue  # the negation of "ne ... pas avant 2026" makes the bound, not a former
        if hit is not None and name == "former_pre" and folded.startswith("devai", hit[0]) and \
                _REPORTED_SPEECH.search(folded, max(0, hit[0] - 160), hit[0]):
            continue  # "a indiqué que la migration devait être achevée fin 2026": reported now
        if hit is not None and name == "shift" and (
                atom.start - hit[1] > 30 or "," in folded[hit[1]:atom.start]):
            continue  # "was pushed back once already, in 2022": when, not to when
        if hit is not None:
            candidates.append((strength * 1000 - max(0, atom.start - hit[1]), role, hit, name))
    neg = hits["negation"].last(max(lo, atom.start - 50), hi)
    if neg is not None and not negation_framed:
        candidates.append((1500 - (atom.start - neg[1]), "former", neg, "negation"))
    post = hits["former_post"].first(atom.end, min(right, atom.end + _POST_WINDOW))
    if post is not None and next_date and right - post[1] < post[0] - atom.end:
        post = None  # nearer to the next date: its prefix ("..., initially planned for 2025")
    moved = hits["moved_post"].first(atom.end, min(right + 40, atom.end + _POST_WINDOW))
    if moved is not None and (post is None or moved[0] < post[0]):
        post = moved  # a move after the date is about it even when the new date follows
    if post is not None:
        strength = 3.0 if post[0] - atom.end <= 25 else 2.0
        candidates.append((strength * 1000 - (post[0] - atom.end), "former", post, "post"))
    if not candidates:
        return
    _, role, hit, kind = max(candidates, key=lambda c: c[0])
    if kind == "former_pre" and _RETOLD_PROMISE.match(folded, hit[0], hit[1]):
        kind = "retold"  # former only if it is over by now: see ``_retold_promises``
    atom.role, atom.cue, atom.cue_kind, atom.strong_cue = role, hit, kind, True


def _set_bound(atom: _Atom, folded: str, left: int, right: int) -> None:
    intro = atom.intro
    if _intro_is(intro, _BOUND_INTROS):
        atom.bound = "not_before"
    elif _intro_is(intro, ("avant", "before", "until")) and _NEG_BEFORE.search(
            folded, max(left, atom.start - 120), atom.start):
        atom.bound = "not_before"  # "ne pourra pas migrer avant 2025"
    elif _AFTER_BOUND.match(folded, atom.end, min(right + 30, atom.end + 40)):
        atom.bound = "not_before"
    elif _BOUND_BEFORE.search(folded, max(left, atom.start - 40), atom.start):
        atom.bound = "not_before"  # "au plus tôt qu'en 2025", "pas avant la fin 2025"
    elif _intro_is(intro, ("jusqu", "jusque", "until", "till")) and (
            _AFTER_AT_LEAST.match(folded, atom.end, atom.end + 20)
            or _BEFORE_AT_LEAST.search(folded, max(0, atom.start - 15), atom.start)):
        atom.bound = "not_before"
    if atom.bound is None and atom.period.kind == "year" and atom.mod is None and \
            atom.period.year is not None and _intro_is(intro, ("avant", "before")) and \
            folded[atom.core_start:atom.core_start + 1].isdigit():
        # "avant 2025": by the end of 2024
        atom.deadline = date(atom.period.year - 1, 12, 31)


def _set_scope(atom: _Atom, left: int, right: int, s_start: int, s_end: int, count: int,
               hits: dict[str, _Hits], inherited: bool) -> None:
    """An interim step when a temporary copy is what the date's stretch of sentence speaks of.

    The nearer of an interim cue ("copie temporaire") and a full-migration cue
    ("migration complète") on the left decides; failing both, the nearer on
    the right.
    """
    lo, hi = (s_start, s_end) if count == 1 else (left, right)
    interim_l = hits["interim"].last(lo, atom.start)
    full_l = hits["full"].last(lo, atom.start)
    if interim_l is not None or full_l is not None:
        if full_l is None or (interim_l is not None and interim_l[1] > full_l[1]):
            atom.scope = "interim"
        return
    interim_r = hits["interim"].first(atom.end, hi)
    full_r = hits["full"].first(atom.end, hi)
    if interim_r is not None and (full_r is None or interim_r[0] < full_r[0]):
        atom.scope = "interim"
    elif interim_r is None and full_r is None and inherited:
        atom.scope = "interim"


def _missed_target(atom: _Atom, folded: str, hits: dict[str, _Hits], floor: int) -> bool:
    """A period already over, plainly stated as a target ("prévue pour fin 2022", "d'ici
    2022"): a missed, so former, one."""
    cue = None
    if atom.strong_cue and atom.cue and atom.bound is None and atom.cue_kind not in (
            "current_weak", "current_strong"):
        # "avant d'être décalée à 2025", written in 2026: a target the text moved, now over
        atom.role = "former"
        return True
    if _intro_is(atom.intro, ("d'ici", "au plus tard", "by", "no later than", "horizon",
                              "l'horizon", "a l'horizon", "a horizon", "echeance", "objectif",
                              "avant", "before", "pour", "within", "sous", "dans")):
        cue = (atom.start, atom.mod_start)
    else:
        cue = hits["target"].last(max(floor, atom.start - 30), atom.start)
    if cue is None or atom.bound is not None:
        return False
    atom.role, atom.cue = "former", cue
    return True


def _supersede(atoms: list[_Atom], folded: str) -> None:
    """Dates stated before a "désormais"/"repoussée à" date of the same sentence, with no
    cue of their own, are the superseded targets."""
    for k, atom in enumerate(atoms):
        if atom.role != "current" or not atom.strong_cue or atom.cue is None:
            continue
        if not (atom.cue_kind in ("shift", "current_strong") or folded[
                atom.cue[0]:atom.cue[1]] in ("desormais", "maintenant", "now")):
            continue
        for earlier in atoms[:k]:
            if earlier.strong_cue or earlier.bound or earlier.scope or earlier.role != "current":
                continue
            if earlier.deadline is not None and atom.deadline is not None and \
                    earlier.deadline != atom.deadline:
                earlier.role, earlier.cue = "former", atom.cue


def _anchor_relatives(kept: list[_Atom], atoms: list[_Atom], published: date) -> None:
    """"En novembre 2020, le ministre promettait une migration d'ici deux ans": a relative
    duration counts from the past date stated before it in the same sentence (or from "il
    y a deux ans"); over by now, it was a target that was missed."""
    for atom in kept:
        if atom.period.kind != "rel" or _intro_is(atom.intro, ("il y a",)):
            continue
        before = [a for a in atoms if a.end <= atom.start]
        ago = [a for a in before if _intro_is(a.intro, ("il y a",)) and a.period.kind == "rel"]
        past = [a for a in before if a.deadline is not None and a.deadline < published
                and a.period.kind in ("month", "day", "year")
                and not _intro_is(a.intro, _TARGET_INTROS)]
        if ago:
            anchor = ago[-1]
            base = _add_months(published, -anchor.period.index)
        elif past and past[-1].deadline is not None:
            anchor = past[-1]
            anchor_day = anchor.deadline
            if past[-1].period.kind == "year":
                # a year alone: count from its middle, and say no more than a year
                end = _add_months(date(anchor_day.year, 7, 1), atom.period.index)
                atom.deadline, atom.precision = date(end.year, 12, 31), "year"
                _missed(atom, published, past[-1])
                continue
            base = date(anchor_day.year, anchor_day.month, 1)
        else:
            atom.free_rel = True
            continue
        end = _add_months(base, atom.period.index)
        atom.deadline = _month_end(end.year, end.month)
        _missed(atom, published, anchor)


def _missed(atom: _Atom, published: date, anchor: _Atom) -> None:
    if atom.deadline is not None and atom.deadline < published and atom.role == "current":
        atom.role, atom.cue = "former", atom.cue or (anchor.start, anchor.end)


def _apposition_subject(kept: list[_Atom], folded: str, s_end: int,
                        hits: dict[str, _Hits]) -> None:
    """"L'objectif de 2025, fixé après l'abandon de l'échéance de fin 2022, ne sera pas
    tenu": the verdict after the closing comma is about the subject's date, the first of the
    sentence, not only about the date nearest to it."""
    if len(kept) < 2:
        return
    first = kept[0]
    if first.strong_cue or first.role != "current" or first.bound or first.scope:
        return
    if not folded.startswith(",", first.end) and not folded[first.end:first.end + 3].lstrip(
            " ").startswith(","):
        return
    post = hits["former_post"].first(kept[-1].end, min(s_end, kept[-1].end + 40))
    if post is None or not folded[kept[-1].end:post[0]].rstrip().endswith(","):
        return
    if folded.count(",", first.end, post[0]) < 2 or post[0] - first.end > 250:
        return
    first.role, first.cue, first.cue_kind, first.strong_cue = "former", post, "post", True


def _anchor_retold(judged: list[_Atom], atoms: list[_Atom], folded: str,
                   published: date) -> None:
    """A duration with no past date in its sentence, in a promise retold ("la promesse de
    quitter Microsoft sous deux ans", "Véran s'était engagé à migrer dans un délai de deux
    ans"), counts from the nearest past date before it in its paragraph. Retold in a past
    tense with no such date, it is dropped: never a target counted from ``published``."""
    for atom in judged:
        if not atom.free_rel or atom.deadline is None:
            continue
        lo = max(atom.offset, atom.start - 160)
        # told in a past tense (imperfect, pluperfect, "then", "had"): a story's past;
        # a promise noun ("la promesse de ...") may be old or new: anchored only when a past
        # date stands before it; a passé composé ("s'est engagé") is news: left as it is
        retold = _RETRO.search(folded, atom.offset, atom.sentence_end) is not None or \
            _ELIDED_IMPERFECT.search(folded, atom.offset, atom.sentence_end) is not None
        promise = _PROMISE_NOUN.search(folded, lo, atom.start)
        if promise is None and not retold:
            continue
        para = folded.rfind("\n\n", 0, atom.start) + 1
        para = max(para, atom.start - 3000)
        best: tuple[int, date, str] | None = None
        for other in atoms:
            if other.start >= atom.start:
                break
            if other.start < para or other.deadline is None or other.deadline >= published:
                continue
            if other.period.kind not in ("month", "day", "year") or _intro_is(
                    other.intro, _TARGET_INTROS + _PAST_INTROS):
                continue
            best = (other.start, other.deadline, other.period.kind)
        inside = [(a.start, a.end) for a in atoms if para <= a.start < atom.start]
        for m in _BARE_YEAR.finditer(folded, para, atom.start):
            year = int(m.group(0))
            if any(lo <= m.start() < hi for lo, hi in inside):
                continue  # the year of a date phrase already weighed above
            if _SINCE_BEFORE.search(folded, max(0, m.start() - 16), m.start()):
                continue  # "depuis 2019", "créé en 2019": not when the promise was made
            if year < published.year and (best is None or m.start() > best[0]):
                best = (m.start(), date(year, 12, 31), "year")
        if best is None:
            if retold:
                atom.deadline = None
            continue
        _, day, kind = best
        if kind == "year":
            end = _add_months(date(day.year, 7, 1), atom.period.index)
            atom.deadline, atom.precision = date(end.year, 12, 31), "year"
        else:
            end = _add_months(date(day.year, day.month, 1), atom.period.index)
            atom.deadline, atom.precision = _month_end(end.year, end.month), "month"
        if atom.deadline < published and atom.role == "current":
            atom.role, atom.cue = "former", atom.cue or (atom.start, atom.end)


def _drop_relative_twins(atoms: list[_Atom]) -> list[_Atom]:
    """A duration ("within two years") and a calendar phrase ("by the end of 2022") that
    name the same target: the calendar phrase is kept, and it takes the duration's former
    role when the promise is told as over."""
    calendar_atoms = [a for a in atoms if a.period.kind != "rel" and a.deadline is not None]
    kept: list[_Atom] = []
    for atom in atoms:
        if atom.period.kind == "rel" and atom.deadline is not None and atom.bound is None:
            twins = [c for c in calendar_atoms if c.bound is None and c.scope == atom.scope
                     and same_target((c.deadline or date.max, c.precision),
                                     (atom.deadline, atom.precision))]
            if twins:
                if atom.role == "former":
                    for twin in twins:
                        if twin.role == "current" and not twin.strong_cue:
                            twin.role, twin.cue = "former", atom.cue
                continue
        kept.append(atom)
    return kept
