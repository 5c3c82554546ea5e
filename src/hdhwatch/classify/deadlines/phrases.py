"""Step 1, date phrases: every phrase of the text that names a period, resolved to its end.

Small regular expressions find the core of a phrase (a year, "premier semestre
2024", "T3 2025", "septembre", "30/06/2025", "dix-huit mois", ...); the words
just before it are then attached as a modifier ("fin", "début", "mi-", "early",
"late") and an introducer ("d'ici", "pour", "pas avant", "by", ...). A bare
number only becomes a year when an introducer, a modifier or a "l'horizon ... est
2025" context says so. Linked phrases ("fin 2026 ou début 2027", "entre ... et
...", "2025-2026", "2025, voire 2026") are one range, worth its later end (the
link is recorded here; ``judge`` merges the range). dateparser is used only for
full dates with abbreviated month names ("12 sept. 2025").

``_find_atoms`` returns the phrases as ``_Atom``s, each with the last day and
precision of its period (``periods``): a yearless phrase is anchored on the
publication date, the coming occurrence or the nearest one as its introducer
and tense say. The later steps (``judge``) decide what each date is.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from functools import lru_cache

from hdhwatch.classify.deadlines.cues import (
    _CUES,
    _DIGIT,
    _HEADS,
    VOCABULARY,
    _heads,
    _merge_regions,
    _scan,
    _word_start,
)
from hdhwatch.classify.deadlines.periods import _Period, _resolve

# ------------------------------------------------------------------------------------------
# Vocabulary
# ------------------------------------------------------------------------------------------

# The word tables of config/deadline_cues.toml (see ``cues``), under the names the code uses.
_MONTHS = VOCABULARY.months
# English words that are also common verbs: a month only with a year beside it.
_MONTHS_NEEDING_YEAR = frozenset(VOCABULARY.words["months_needing_year"])
_MONTH_ABBR = VOCABULARY.words["month_abbreviations"]
_SEASONS = VOCABULARY.seasons
_WEEKDAYS = "|".join(VOCABULARY.words["weekdays"])
_NUMBERS = VOCABULARY.numbers
_ORDINALS = VOCABULARY.ordinals

# ------------------------------------------------------------------------------------------
# Date-phrase cores (on folded text)
# ------------------------------------------------------------------------------------------

_Y = r"20[0-4]\d"

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
_SEASON_WORDS = list(_SEASONS)
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
# the cores join the cues in the one table of heads that ``_word_candidates`` reads
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
# "le 12 sept. | 2025": a sentence break after an abbreviated month is none
_ABBREVIATED_MONTH_END = re.compile(
    r"(?<![\w])(?:janv|f[ée]vr|avr|juil|sept|oct|nov|d[ée]c|jan|feb|mar|apr|jun|jul|aug|sep)\.\Z",
    re.IGNORECASE,
)
# "ce printemps", "cette année", "next summer": the word before a season or a year
_THIS_BEFORE = re.compile(r"(?<![\w'])(?P<w>ce|cet|cette|this|next|last)\s+\Z")

# ------------------------------------------------------------------------------------------
# Modifiers and introducers: the words just before a core
# ------------------------------------------------------------------------------------------

# The words before a core: a modifier picks a part of the period ...
_MOD_TAIL = (r"(?:\s+(?:de\s+l'|de\s+la\s+|du\s+|des\s+|de\s+|d'|of\s+the\s+|of\s+|in\s+)"
             r"|\s*-\s*|\s+)")
_MODIFIERS = VOCABULARY.modifiers
_MOD = re.compile(
    r"(?P<fin>" + _word_start(_MODIFIERS["fin"], r"\w'") + r")" + _MOD_TAIL
    + r"|(?P<debut>" + _word_start(_MODIFIERS["debut"], r"\w'") + r")" + _MOD_TAIL
    + r"|(?P<mi>" + _word_start(_MODIFIERS["mi"], r"\w'") + r")" + _MOD_TAIL
    + r"|(?P<courant>" + _word_start(_MODIFIERS["courant"], r"\w'") + r")" + _MOD_TAIL
)
# ... and an introducer says what the date is to the sentence (a target, a bound, the past).
# The alternation is ordered: several words first, then single words with their article.
_INTRODUCERS = VOCABULARY.introducers
_INTRO = re.compile(
    r"(?P<i>"
    + _word_start([*_INTRODUCERS["alternatives"], *_WEEKDAYS.split("|")], r"\w-")
    + r")(?:\s+|(?<=')(?=\w))"
)
# What an introducer makes of its date (``_intro_is``); deadline_cues.toml says what each means.
_TARGET_INTROS = _INTRODUCERS["target"]
_YEAR_INTROS = _INTRODUCERS["year"]
_REL_INTROS = _INTRODUCERS["relative"]
_PAST_INTROS = _INTRODUCERS["past"]
_NEGATED_FRAMES = _INTRODUCERS["negated_frames"]
_ARTICLES = frozenset(_INTRODUCERS["articles"])
_FUTURE_INTROS_EXTRA = _INTRODUCERS["future_extra"]
_BOUND_INTROS = _INTRODUCERS["bound"]
_FUTURE_INTROS = _TARGET_INTROS + _BOUND_INTROS + _FUTURE_INTROS_EXTRA

# ------------------------------------------------------------------------------------------
# Context: what the words around a core say it is
# ------------------------------------------------------------------------------------------

_NUMBER_BEFORE = re.compile(
    r"(?:plus\s+de|pres\s+de|moins\s+de|environ|quelque|n\s*°|numero|article|art\.|more\s+than"
    r"|about|some|nearly|over)\s*\Z"
)
_NEXT_WORD = re.compile(r"\s+([a-z]{4,})")
_NOT_PLURAL = frozenset(VOCABULARY.words["not_plural"])
_COUNT_AFTER = re.compile(
    r"\s*(?:%|€|\$|(?:euros?|dollars?|millions?|milliards?|km|ans|years?\s+old|m2)(?![\w]))"
)
_CONNECTOR = re.compile(
    r"\A\s*,?\s*(?:ou\s+bien|ou|et|a|au|-|/|voire(?:\s+meme)?|sinon|or|to|and|through"
    r"|jusqu'(?:a|au|en))\s*(?:(?:en|au|a|la|le|l'|pour|d'ici|in|by|the|at|meme|plutot|tout)\s*)*"
    r"\Z"
)

# A future tense near a yearless month or season: the coming one, not the nearest.
_FUTURE_VERB = re.compile(
    r"(?<![\w'])(?:sera|seront|aura|auront|devra|devront|pourra|pourront|ira|iront"
    r"|\w{3,}(?:era|eront|ira|iront)|(?:va|vont)\s+\w+(?:er|ir|re)|will|shall)(?![\w])"
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

_FRENCH_WORDS = re.compile(r"(?<![\w'])(?:le|la|les|des|du|et|est|une|pour|dans|qui|que)(?![\w])")
_ENGLISH_WORDS = re.compile(r"(?<![\w'])(?:the|and|is|of|to|for|in|that|which|will|by)(?![\w])")

_MAX_ATOMS = 20000  # beyond this, the input is not prose: stop looking (keeps time bounded)


# ------------------------------------------------------------------------------------------
# Finding the phrases
# ------------------------------------------------------------------------------------------


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


def _language(folded: str, language: str | None) -> str:
    if language:
        code = language.strip().lower()[:2]
        if code in ("fr", "en"):
            return code
    sample = folded[:20000]
    fr = sum(1 for _ in _FRENCH_WORDS.finditer(sample))
    en = sum(1 for _ in _ENGLISH_WORDS.finditer(sample))
    return "en" if en > fr else "fr"


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
            found.append([m.start() for m in _CUES["horizon"].finditer(folded)])
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
