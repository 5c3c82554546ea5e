"""Text helpers shared by the stages: accent folding that keeps offsets, sentence splitting."""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Iterator
from functools import lru_cache

try:  # Python 3.11+
    import re._constants as _sre
    import re._parser as _sre_parser
except ImportError:  # pragma: no cover
    import sre_constants as _sre  # type: ignore[no-redef]
    import sre_parse as _sre_parser  # type: ignore[no-redef]

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'"})
_SPACES = str.maketrans({"\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " "})
_DASHES = str.maketrans({"\u2010": "-", "\u2011": "-", "\u2012": "-", "\u2013": "-", "\u2014": "-"})


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFD", ch)
    base = "".join(c for c in decomposed if not unicodedata.combining(c))
    return base if len(base) == 1 else ch


def fold(text: str) -> str:
    """Lower-case, strip accents, normalise apostrophes, spaces and dashes.

    The result has exactly the length of the input, so an offset found in the
    folded text is the offset in the original.
    """
    text = text.translate(_APOSTROPHES).translate(_SPACES).translate(_DASHES)
    out = []
    for ch in text:
        if ch.isascii():
            out.append(ch.lower())
        else:
            low = ch.lower()
            folded = _fold_char(low if len(low) == 1 else ch)
            out.append(folded if len(folded) == 1 else ch)
    return "".join(out)


# A sentence ends at . ! ? … (optionally followed by closing quotes/brackets) and
# whitespace, or at a paragraph break. Abbreviations common in French press are kept.
_ABBREVIATIONS = (
    "M.",
    "MM.",
    "Mme.",
    "Dr.",
    "St.",
    "p.",
    "n°.",
    "cf.",
    "etc.",
    "vol.",
    "av.",
    "J.-C.",
)
_BOUNDARY = re.compile(r"(?<=[.!?…])[»\"')\]]?\s+(?=[«\"(\[]?\s?[A-ZÀ-ÖØ-Þ0-9«\"(\[])|\n\s*\n")


# Where a _BOUNDARY match may start: just after a sentence-ending mark, or at a newline.
_BOUNDARY_MARK = re.compile(r"[.!?…]|\n")


def _boundaries(text: str) -> Iterator[re.Match[str]]:
    """``_BOUNDARY.finditer(text)``, tried only where a match may start.

    ``_BOUNDARY`` opens on a look-behind, so ``re`` tries it at every position; its
    first branch can only start right after . ! ? …, its second only at a newline.
    Trying it at those positions in ascending order, from the end of the last match
    (matches are never empty), yields exactly ``finditer``'s matches (the look-behind
    sees the text before ``pos``).
    """
    end = 0
    for mark in _BOUNDARY_MARK.finditer(text):
        pos = mark.start() if mark.group() == "\n" else mark.end()
        if pos >= end and (match := _BOUNDARY.match(text, pos)) is not None:
            yield match
            end = match.end()


def sentences(text: str) -> list[tuple[int, str]]:
    """Split text into ``(offset, sentence)`` pairs; offsets index ``text``.

    Linear in the size of the input; never raises.
    """
    result: list[tuple[int, str]] = []
    start = 0
    for match in _boundaries(text):
        end = match.start()
        chunk = text[start:end]
        tail = chunk.rstrip()
        # str.endswith with a tuple: true when any abbreviation ends the chunk
        if tail.endswith(_ABBREVIATIONS) and "\n\n" not in match.group():
            continue
        _append(result, text, start, match.end() if match.group().strip() else end)
        start = match.end()
    _append(result, text, start, len(text))
    return result


def _append(result: list[tuple[int, str]], text: str, start: int, end: int) -> None:
    chunk = text[start:end]
    stripped = chunk.strip()
    if stripped:
        result.append((start + (len(chunk) - len(chunk.lstrip())), stripped))


_NON_ASCII_RUN = re.compile(r"[^\x00-\x7f]+")


def fold_fast(text: str) -> str:
    """``fold(text)``, with the per-character work done only where the text is not ASCII.

    The same result as ``fold`` (so the same length and offsets), several
    times faster on long French text: ASCII runs are lower-cased in one call
    and each distinct non-ASCII character is folded once.
    """
    cache: dict[str, str] = {}
    parts: list[str] = []
    pos = 0
    for m in _NON_ASCII_RUN.finditer(text):
        parts.append(text[pos : m.start()].lower().replace("`", "'"))
        for ch in m.group():
            folded = cache.get(ch)
            if folded is None:
                folded = cache[ch] = fold(ch)
            parts.append(folded)
        pos = m.end()
    parts.append(text[pos:].lower().replace("`", "'"))
    return "".join(parts)


def required_literals(pattern: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which is inside every match of ``pattern`` (``None`` when unknown).

    Read from the parsed pattern: a run of literal characters that every path
    consumes, or, for a group or an alternation every branch of which has such
    strings, all of theirs; the set whose shortest string is longest is kept.
    A window of text that holds none of them (``str.find``, which is fast) holds
    no match either, so a regex need not be run over it.
    """
    if pattern.flags & re.IGNORECASE:
        return None
    found = _literals(_sre_parser.parse(pattern.pattern, pattern.flags))
    if not found:
        return None
    # one that holds another is redundant: wherever it occurs, the shorter one does too
    return tuple(sorted(n for n in found if not any(m != n and m in n for m in found)))


def sentences_holding(text: str, starts: list[int], ends: list[int],
                      needles: tuple[str, ...]) -> set[int]:
    """The indexes of the spans ``[starts[i], ends[i])`` (ascending, disjoint) in which an
    occurrence of one of ``needles`` starts."""
    out: set[int] = set()
    for needle in needles:
        at = text.find(needle)
        while at >= 0:
            i = bisect.bisect_right(starts, at) - 1
            if i >= 0 and at < ends[i]:
                out.add(i)
                at = text.find(needle, ends[i])  # the rest of this span is decided
            else:
                at = text.find(needle, at + 1)
    return out


def _literals(items) -> set[str] | None:  # items: a parsed sequence of (opcode, argument)
    best: set[str] | None = None

    def consider(candidate: set[str] | None) -> None:
        nonlocal best
        if candidate and (best is None or min(map(len, candidate)) > min(map(len, best))):
            best = candidate

    run: list[str] = []
    for op, arg in [*items, (None, None)]:
        if op is _sre.LITERAL:
            run.append(chr(arg))
            continue
        if run:  # a literal run ends: every match consumed it whole
            consider({"".join(run)})
            run = []
        if op is _sre.SUBPATTERN:
            consider(_literals(arg[-1]))
        elif op is _sre.BRANCH:
            branches = [_literals(branch) for branch in arg[1]]
            if all(branches):
                consider(set().union(*branches))
        elif op in (_sre.MAX_REPEAT, _sre.MIN_REPEAT) and arg[0] >= 1:
            consider(_literals(arg[2]))  # repeated at least once
        # anything else (classes, look-arounds, optional parts) consumes no known literal
    return best


class WordPattern:
    r"""``re.compile(rf"(?<!\w)(?:{body})(?!\w)")``, searched at the speed of ``body`` alone.

    A pattern that opens on a look-behind loses ``re``'s fast scan for a literal
    prefix, and is tried at every position of the text: on a long article that
    is 10-30 times slower. Here the scan runs without the look-behind, and the
    full pattern is then matched where the scan stops, so ``finditer`` yields
    exactly the matches of the full pattern's ``finditer``. ``body`` must not
    match the empty string.
    """

    def __init__(self, body: str) -> None:
        self.pattern = re.compile(rf"(?<!\w)(?:{body})(?!\w)")
        self._scan = re.compile(rf"(?:{body})(?!\w)")
        self._body = re.compile(body)
        # Every match of ``body`` (so of the pattern) holds one of these strings: a text
        # holding none of them (``in`` is far faster than a regex scan) holds no match.
        self._needles = required_literals(self._body)

    def _absent(self, text: str) -> bool:
        """Whether ``text`` surely holds no match of ``body`` (a literal it needs is missing)."""
        needles = self._needles
        if needles is None:
            return False
        if len(needles) == 1:  # the usual case, without a generator
            return needles[0] not in text
        return not any(n in text for n in needles)

    def finditer(self, text: str) -> Iterator[re.Match[str]]:
        if self._absent(text):
            return
        pos = 0
        while (candidate := self._scan.search(text, pos)) is not None:
            match = self.pattern.match(text, candidate.start())
            if match is None:  # a word character just before: try one position further
                pos = candidate.start() + 1
                continue
            yield match
            pos = match.end()

    def search(self, text: str) -> re.Match[str] | None:
        """The first match of ``finditer``, or ``None``."""
        if self._absent(text):
            return None
        pos = 0
        while (candidate := self._scan.search(text, pos)) is not None:
            match = self.pattern.match(text, candidate.start())
            if match is not None:
                return match
            pos = candidate.start() + 1
        return None

    def occurs_in(self, text: str) -> bool:
        """Whether ``body`` matches anywhere in ``text``, word-bounded or not.

        When it does not, no part of ``text`` holds a match either, provided
        ``body`` has no look-around or anchor of its own: one test on a whole
        article spares scanning each of its sentences.
        """
        return not self._absent(text) and self._body.search(text) is not None


class Document:
    """A text with its folded form and sentence index, computed once."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.folded = fold_fast(text)
        self.sentences = sentences(text) or [(0, text)]
        self.starts = [start for start, _ in self.sentences]

    def sentence_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def span(self, index: int) -> tuple[int, int]:
        start, sentence = self.sentences[index]
        return start, start + len(sentence)

    def window(self, index: int, radius: int) -> str:
        lo = max(0, index - radius)
        hi = min(len(self.sentences) - 1, index + radius)
        return self.folded[self.span(lo)[0] : self.span(hi)[1]]


@lru_cache(maxsize=2)
def document(text: str) -> Document:
    """The text's Document, shared by the stages that classify one article in turn
    (providers, frames, deadlines) so that it is folded and split once."""
    return Document(text)
