"""Cues: the lists of words that tell what a date is, and how they are run over a text.

A cue is a list of regular-expression alternatives matched at the start of a
word of the folded text: the words of the move ("migration", "bascule"), of a
competing subject (a tender, a contract, a hearing), of a role ("initialement",
"repoussée à", "désormais"), of a scope ("copie temporaire") ... The judging
steps ask, for each date, where the nearest hit of a cue stands on its left or
right; a cue is therefore run once over the sentences that need it, and its hits
are kept sorted for range queries (``_Hits``, ``_Cues``).

The cue lists are data, with the other word lists of the rules (months, seasons,
numbers, ordinals, modifiers, introducers, participles): ``config/deadline_cues.toml``,
each list with what it means and an example. ``VOCABULARY`` is read from it once,
when the package is imported; a malformed file raises ``ConfigError`` naming the
file and the key. Only structure stays in code: the date cores, where a clause
ends, a negation, the look-arounds.

Speed comes from the form of the patterns (``_word_start``): branches grouped by
first letter, so that re uses its first-character scan, and the literal opening
of each branch (its *head*, ``_heads``) recorded, so that a pattern is only tried
at the word starts of the text that open with one of its heads
(``_word_candidates``). The date cores of ``phrases`` use the same machinery.
"""

from __future__ import annotations

import re
import tomllib
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from hdhwatch.config import default_dir
from hdhwatch.errors import ConfigError

# ------------------------------------------------------------------------------------------
# The vocabulary: config/deadline_cues.toml
# ------------------------------------------------------------------------------------------

DEFAULT_CUES_PATH = default_dir("config") / "deadline_cues.toml"

# What the file holds: its tables, and the keys each must have (and may have).
_CUE_NAMES = ("topic", "hdh", "timing", "migration", "tender", "other_event", "other_name",
              "event", "event_pp", "said", "contract", "former_pre", "former_post", "moved_post",
              "shift", "current_strong", "current_weak", "target", "interim", "full", "horizon")
_FRAGMENT_NAMES = ("hosting", "article", "adverb")
_NUMBER_TABLES = ("months", "seasons", "numbers", "ordinals")
_WORD_LISTS = ("month_abbreviations", "months_needing_year", "weekdays", "announcing",
               "past_participle_stop", "not_plural", "capitalised_names")
_MODIFIER_NAMES = ("fin", "debut", "mi", "courant")
_INTRODUCER_KEYS = ("alternatives", "target", "year", "relative", "past", "negated_frames",
                    "articles", "bound", "future_extra")
_FRAGMENT_REF = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class Vocabulary:
    """The word lists of the deadline rules, as ``config/deadline_cues.toml`` gives them.

    Regular expressions (the cues, the modifiers, the introducers' alternatives) come with
    their fragments ("{hosting}") written out; everything keeps the file's order.
    """

    cues: dict[str, tuple[str, ...]]  # name -> alternatives
    months: dict[str, int]
    seasons: dict[str, int]  # spring 0 ... winter 3
    numbers: dict[str, int]
    ordinals: dict[str, int]
    words: dict[str, tuple[str, ...]]  # month_abbreviations, weekdays, announcing, ...
    modifiers: dict[str, tuple[str, ...]]  # fin, debut, mi, courant -> alternatives
    introducers: dict[str, tuple[str, ...]]  # alternatives; target, year, ... -> words


def load_vocabulary(path: Path) -> Vocabulary:
    """Read a deadline cues TOML file; raise ``ConfigError`` naming the file and the key."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: deadline cue lists not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the deadline cue lists: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return parse_vocabulary(data, str(path))


def parse_vocabulary(data: Mapping[str, Any], origin: str = "deadline_cues.toml") -> Vocabulary:
    """Check already-parsed TOML data and build the ``Vocabulary``."""
    table_names = ("fragments", *_NUMBER_TABLES, "words", "modifiers", "introducers", "cues")
    _keys(data, table_names, origin, tables=True)
    fragments = _table(data, "fragments", origin)
    _keys(fragments, _FRAGMENT_NAMES, f"{origin}: [fragments]")
    for name in _FRAGMENT_NAMES:
        where = f"{origin}: [fragments] {name}"
        if not isinstance(fragments[name], str):
            raise ConfigError(f"{where}: must be a string")
        _compiles(fragments[name], where)

    def patterns(table: str, key: str) -> tuple[str, ...]:
        where = f"{origin}: [{table}] {key}"
        out = []
        for alternative in _strings(data[table][key], where):
            for name in _FRAGMENT_REF.findall(alternative):
                if name not in _FRAGMENT_NAMES:
                    raise ConfigError(f"{where}: {alternative!r}: no fragment {{{name}}}")
            for name in _FRAGMENT_NAMES:
                alternative = alternative.replace("{" + name + "}", fragments[name])
            out.append(_compiles(alternative, where))
        return tuple(out)

    numbered = {}
    for table in _NUMBER_TABLES:
        values = _table(data, table, origin)
        if not values:
            raise ConfigError(f"{origin}: [{table}] is empty")
        for key, value in values.items():
            if not isinstance(value, int) or isinstance(value, bool):
                raise ConfigError(f"{origin}: [{table}] {key}: must be a whole number")
        numbered[table] = dict(values)
    words = _table(data, "words", origin)
    _keys(words, _WORD_LISTS, f"{origin}: [words]")
    _keys(_table(data, "modifiers", origin), _MODIFIER_NAMES, f"{origin}: [modifiers]")
    introducers = _table(data, "introducers", origin)
    _keys(introducers, _INTRODUCER_KEYS, f"{origin}: [introducers]")
    _keys(_table(data, "cues", origin), _CUE_NAMES, f"{origin}: [cues]")
    return Vocabulary(
        cues={name: patterns("cues", name) for name in data["cues"]},
        **numbered,
        words={key: _strings(words[key], f"{origin}: [words] {key}") for key in words},
        modifiers={key: patterns("modifiers", key) for key in _MODIFIER_NAMES},
        introducers={
            "alternatives": patterns("introducers", "alternatives"),
            **{key: _strings(introducers[key], f"{origin}: [introducers] {key}")
               for key in _INTRODUCER_KEYS[1:]},
        },
    )


def _table(data: Mapping[str, Any], key: str, origin: str) -> Mapping[str, Any]:
    value = data[key]
    if not isinstance(value, Mapping):
        raise ConfigError(f"{origin}: [{key}] must be a table")
    return value


def _keys(table: Mapping[str, Any], expected: Sequence[str], where: str,
          tables: bool = False) -> None:
    """Every expected key is there, and no other: a typo is not silently ignored."""
    shown = "[{}]" if tables else "{}"
    missing = [shown.format(key) for key in expected if key not in table]
    if missing:
        raise ConfigError(f"{where}: missing {', '.join(missing)}")
    unknown = [shown.format(key) for key in table if key not in expected]
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")


def _strings(value: Any, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(
            isinstance(item, str) and item for item in value):
        raise ConfigError(f"{where}: must be a list of non-empty strings")
    return tuple(value)


def _compiles(pattern: str, where: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ConfigError(f"{where}: {pattern!r} is not a regular expression: {exc}") from exc
    return pattern


VOCABULARY = load_vocabulary(DEFAULT_CUES_PATH)  # once, at import: pure data


# ------------------------------------------------------------------------------------------
# Word-start alternations: the form every cue and date core is compiled to
# ------------------------------------------------------------------------------------------


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


# "\d" opens some cores: any decimal digit, not only ASCII ones ("٣٠/٠٦/٢٠٢٥")
_DIGIT = "\\d"


# ------------------------------------------------------------------------------------------
# The cue lists, compiled (on folded text)
# ------------------------------------------------------------------------------------------


def _cue(*alternatives: str) -> re.Pattern[str]:
    # a cue ending in an apostrophe ("plutôt qu'", "au lieu d'") is followed by a word
    pattern = re.compile(_word_start(alternatives) + r"(?:(?<=')|(?![\w]))")
    heads = _heads(alternatives)
    if heads is not None:
        _HEADS[pattern.pattern] = heads
    return pattern


# The cues by name, as judge.py asks for them; "negation" and "clause" are structure.
_CUES: dict[str, re.Pattern[str]] = {
    name: _cue(*alternatives) for name, alternatives in VOCABULARY.cues.items()
}
# A negation: "n'est plus", "ne ... pas" (not "ne ... plus tôt").
_NEGATION = re.compile(
    r"n(?<![\w']n)(?:e\s+|')(?:\w+\s+){0,3}?(?:pas|plus(?!\s+(?:tot|tard))|jamais)(?![\w])"
)
# Where a clause ends: a cue on the far side of it governs no date.
# The matches of "[;:!?()]|-(?<=\s-)(?=\s)|" + _word_start([...]) + "(?![\w])", written as
# one flat alternation of branches that each open on a literal character, so that re
# uses its first-character scan (a leading class or group defeats it): no two branches
# open on the same character, so their order does not matter, and "(?:A|B)(?![\w])" is
# "A(?![\w])|B(?![\w])".
_CLAUSE_WORDS = _word_start(["mais", "but", r"tandis\s+que", r"alors\s+que"])
_CLAUSE_END = re.compile("|".join(
    [re.escape(mark) for mark in ";:!?()"] + [r"-(?<=\s-)(?=\s)"]
    + [branch + r"(?![\w])" for branch in _split_top(_CLAUSE_WORDS[3:-1])]
))


_CUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    *_CUES.items(), ("negation", _NEGATION), ("clause", _CLAUSE_END),
)


# ------------------------------------------------------------------------------------------
# Hits: one pass over the text where a cue may match, then O(log n) look-ups per date
# ------------------------------------------------------------------------------------------


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
    """Whether a word whose first three characters are ``key`` may open with a head: for
    some head ``h``, ``key.startswith(h) or h.startswith(key)``, or ``h`` is ``_DIGIT`` and
    ``key`` opens on a decimal digit. Set look-ups (see ``_head_sets``) instead of a pass
    over every head: each new key of the table is tested against every pattern."""
    prefixes, shorts, digit = _head_sets(heads)
    return (key in prefixes or key[:1] in shorts or key[:2] in shorts or key[:3] in shorts
            or (digit and key[:1].isdecimal()))


@cache
def _head_sets(heads: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str], bool]:
    """``_opens_with``'s tables for ``heads``. As ``key`` has at most three characters,
    ``h.startswith(key)`` is ``key`` being one of ``h``'s prefixes of up to three characters
    (the empty one included), and ``key.startswith(h)`` is ``h``, of at most three
    characters, being ``key[:1]``, ``key[:2]`` or ``key[:3]``."""
    words = [h for h in heads if h != _DIGIT]
    prefixes = frozenset(h[:k] for h in words for k in range(min(3, len(h)) + 1))
    shorts = frozenset(h for h in words if len(h) <= 3)
    return prefixes, shorts, _DIGIT in heads


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


def _merge_regions(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(regions):
        if merged and lo <= merged[-1][1] + 2:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


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
