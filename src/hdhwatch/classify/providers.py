"""Which cloud providers and which legal or certification frames an article names.

The provider catalogue lives in ``config/providers.toml`` (canonical names,
aliases, guards for names that are also ordinary words, jurisdiction and
certifications). ``find_providers`` matches it against a text; ``find_frames``
looks for SecNumCloud, HDS, the Cloud Act and the other frames the HDH story
turns on. Both work on ``textutil.fold``-ed text, so accents and case do not
matter and offsets stay those of the original text. The text is folded and split
into sentences once, for both: ``classify`` calls them on the same text.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from hdhwatch.config import default_dir
from hdhwatch.errors import ConfigError
from hdhwatch.records import FrameMention, ProviderMention
from hdhwatch.textutil import Document, WordPattern, document, fold_fast

DEFAULT_PROVIDERS_PATH = default_dir("config") / "providers.toml"

# Characters that may open a sentence before its first word: quotes, dashes, brackets.
_OPENERS = " \t\n«»\"“”'‘’—–-([*•"


@dataclass(frozen=True)
class AliasRule:
    """One form of a provider's name and the guards it must pass."""

    form: str  # as written in the configuration
    capitalised: bool = False
    mid_sentence: bool = False
    context: tuple[str, ...] = ()  # folded prefixes, one needed in the sentence or a neighbour
    reject_context: tuple[str, ...] = ()  # folded prefixes, none allowed in the sentence
    not_before: tuple[str, ...] = ()  # folded phrases that must not follow the name
    not_after: tuple[str, ...] = ()  # folded phrases that must not precede the name

    @property
    def guarded(self) -> bool:
        return bool(
            self.capitalised
            or self.mid_sentence
            or self.context
            or self.reject_context
            or self.not_before
            or self.not_after
        )


@dataclass(frozen=True)
class Certification:
    name: str  # SecNumCloud | HDS
    date: str = ""  # ISO year, month or day; empty when not known for sure
    confirmed: bool = True
    note: str = ""


@dataclass(frozen=True)
class Provider:
    name: str  # canonical
    aliases: tuple[AliasRule, ...]
    country: str = ""
    jurisdiction: str = ""
    parent: str = ""
    note: str = ""
    certifications: tuple[Certification, ...] = ()
    operated_by: tuple[str, ...] = ()  # a joint venture's operators …
    technology: str = ""  # … and whose cloud they run

    def certified(self, name: str) -> bool:
        """Whether the catalogue records a confirmed certification ``name``."""
        return any(c.name == name and c.confirmed for c in self.certifications)


@dataclass(frozen=True)
class ProviderCatalog:
    providers: tuple[Provider, ...]

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.providers)

    def get(self, name: str) -> Provider:
        """The provider whose canonical name or alias is ``name`` (accent/case-insensitive)."""
        key = fold_fast(name).strip()
        for provider in self.providers:
            if fold_fast(provider.name) == key or any(
                fold_fast(a.form) == key for a in provider.aliases
            ):
                return provider
        raise KeyError(name)


# --- loading -------------------------------------------------------------------


def load_providers(path: Path) -> ProviderCatalog:
    """Read a providers TOML file; raise ``ConfigError`` saying what is wrong."""
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"{path}: provider catalogue not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read provider catalogue: {exc}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    return parse_providers(data, str(path))


def parse_providers(data: Mapping[str, Any], origin: str = "providers.toml") -> ProviderCatalog:
    """Build a catalogue from already-parsed TOML data."""
    raw_providers = data.get("provider")
    if not isinstance(raw_providers, list) or not raw_providers:
        raise ConfigError(f"{origin}: no [[provider]] table")
    providers: list[Provider] = []
    owner: dict[str, str] = {}  # folded alias -> provider, to refuse ambiguous catalogues
    for i, raw in enumerate(raw_providers):
        where = f"{origin}: provider #{i + 1}"
        if not isinstance(raw, Mapping):
            raise ConfigError(f"{where}: must be a table")
        name = raw.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f"{where}: missing 'name'")
        where = f"{origin}: provider {name!r}"
        rules = [AliasRule(form) for form in _strings(raw, "aliases", where)]
        for j, guard in enumerate(raw.get("guarded", [])):
            rules.extend(_guarded_rules(guard, f"{where}, guarded #{j + 1}"))
        if not rules:
            raise ConfigError(f"{where}: needs at least one alias or guarded form")
        for rule in rules:
            key = fold_fast(rule.form).strip()
            if not key:
                raise ConfigError(f"{where}: empty alias")
            if owner.get(key, name) != name:
                raise ConfigError(f"{where}: alias {rule.form!r} already belongs to {owner[key]!r}")
            owner[key] = name
        certifications = tuple(
            _certification(c, f"{where}, certification #{k + 1}")
            for k, c in enumerate(raw.get("certification", []))
        )
        providers.append(
            Provider(
                name=name,
                aliases=tuple(rules),
                country=str(raw.get("country", "")),
                jurisdiction=str(raw.get("jurisdiction", "")),
                parent=str(raw.get("parent", "")),
                note=str(raw.get("note", "")),
                certifications=certifications,
                operated_by=_strings(raw, "operated_by", where),
                technology=str(raw.get("technology", "")),
            )
        )
    names = [p.name for p in providers]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ConfigError(f"{origin}: duplicate provider name(s) {', '.join(duplicates)}")
    return ProviderCatalog(tuple(providers))


def _strings(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    value = raw.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {key!r} must be a list of strings")
    return tuple(value)


def _folded(raw: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    return tuple(fold_fast(v) for v in _strings(raw, key, where))


def _guarded_rules(guard: Any, where: str) -> list[AliasRule]:
    if not isinstance(guard, Mapping):
        raise ConfigError(f"{where}: must be a table")
    known = {
        "forms", "capitalised", "mid_sentence", "context", "reject_context", "not_before",
        "not_after",
    }  # fmt: skip
    unknown = sorted(set(guard) - known)
    if unknown:
        raise ConfigError(f"{where}: unknown key(s) {', '.join(unknown)}")
    forms = _strings(guard, "forms", where)
    if not forms:
        raise ConfigError(f"{where}: 'forms' is empty")
    for flag in ("capitalised", "mid_sentence"):
        if not isinstance(guard.get(flag, False), bool):
            raise ConfigError(f"{where}: {flag!r} must be true or false")
    return [
        AliasRule(
            form=form,
            capitalised=guard.get("capitalised", False),
            mid_sentence=guard.get("mid_sentence", False),
            context=_folded(guard, "context", where),
            reject_context=_folded(guard, "reject_context", where),
            not_before=_folded(guard, "not_before", where),
            not_after=_folded(guard, "not_after", where),
        )
        for form in forms
    ]


def _certification(raw: Any, where: str) -> Certification:
    if not isinstance(raw, Mapping) or not isinstance(raw.get("name"), str):
        raise ConfigError(f"{where}: needs a 'name'")
    date = raw.get("date", "")
    if not isinstance(date, str) or (date and not re.fullmatch(r"\d{4}(-\d{2}){0,2}", date)):
        raise ConfigError(f"{where}: 'date' must be YYYY, YYYY-MM, YYYY-MM-DD or empty")
    confirmed = raw.get("confirmed", True)
    if not isinstance(confirmed, bool):
        raise ConfigError(f"{where}: 'confirmed' must be true or false")
    return Certification(raw["name"], date, confirmed, str(raw.get("note", "")))


@lru_cache(maxsize=4)
def _cached_catalog(path: Path) -> ProviderCatalog:
    return load_providers(path)


def default_catalog(path: Path | None = None) -> ProviderCatalog:
    """The catalogue at ``path``, else ``config/providers.toml`` of this checkout (cached)."""
    return _cached_catalog(Path(path or DEFAULT_PROVIDERS_PATH).resolve())


# --- matching providers ------------------------------------------------------------


@dataclass(frozen=True)
class _Matcher:
    pattern: WordPattern
    rule: AliasRule
    provider: str


def _form_pattern(form: str, plural: bool) -> str:
    """Regex for a folded form: separators flexible, optional plural ``s`` (to be word-bounded)."""
    parts = [re.escape(p) for p in re.split(r"[ \-]+", fold_fast(form).strip()) if p]
    body = r"[ \-]{0,2}".join(parts)
    # A plain plural ("les Google") is allowed only for unguarded forms not already
    # ending in s: a guarded "Bleus" or "Oranges" is the team or the fruit.
    suffix = "s?" if plural and not body.endswith("s") else ""
    return f"{body}{suffix}"


_LAST_MATCHERS: tuple[ProviderCatalog, tuple[_Matcher, ...]] | None = None


def _catalog_matchers(catalog: ProviderCatalog) -> tuple[_Matcher, ...]:
    """``_matchers(catalog)``; the same catalog object again skips hashing it (a deep walk)."""
    global _LAST_MATCHERS
    last = _LAST_MATCHERS  # read once: another thread may replace it
    if last is None or last[0] is not catalog:
        last = _LAST_MATCHERS = (catalog, _matchers(catalog))
    return last[1]


@lru_cache(maxsize=8)
def _matchers(catalog: ProviderCatalog) -> tuple[_Matcher, ...]:
    return tuple(
        _Matcher(WordPattern(_form_pattern(rule.form, not rule.guarded)), rule, provider.name)
        for provider in catalog.providers
        for rule in provider.aliases
    )


@lru_cache(maxsize=256)
def _prefix_regex(words: tuple[str, ...]) -> re.Pattern[str] | None:
    # Prefixes, so that "coentreprise" also finds "coentreprises".
    if not words:
        return None
    return re.compile(r"(?<!\w)(?:" + "|".join(re.escape(w) for w in words) + ")")


def _accepted(doc: Document, rule: AliasRule, start: int, end: int) -> bool:
    if not rule.guarded:
        return True
    text, folded = doc.text, doc.folded
    if rule.capitalised and not text[start].isupper():
        return False
    index = doc.sentence_index(start)
    sent_start, sent_end = doc.span(index)
    if rule.mid_sentence and not text[sent_start:start].strip(_OPENERS):
        return False
    after = folded[end : end + 40].lstrip(" ,")
    if any(after.startswith(p) and _ends_word(after, len(p)) for p in rule.not_before):
        return False
    before = folded[max(0, start - 40) : start].rstrip(" ")
    if any(before.endswith(p) and _starts_word(before, len(p)) for p in rule.not_after):
        return False
    sentence = folded[sent_start:sent_end]
    reject = _prefix_regex(rule.reject_context)
    if reject and reject.search(sentence):
        return False
    need = _prefix_regex(rule.context)
    if need:
        # The name itself must not count as its own context ("Orange" for Bleu is
        # fine, but "Bleu" is not in Bleu's list), so blank it out of the window.
        lo, _ = doc.span(max(0, index - 1))
        window = doc.window(index, 1)
        window = window[: start - lo] + " " * (end - start) + window[end - lo :]
        if not need.search(window):
            return False
    return True


def _ends_word(text: str, n: int) -> bool:
    return n >= len(text) or not (text[n - 1].isalnum() and text[n].isalnum())


def _starts_word(text: str, n: int) -> bool:
    i = len(text) - n
    return i <= 0 or not (text[i].isalnum() and text[i - 1].isalnum())


# The last (text, catalog, spans): classify() asks for one article's spans twice (providers,
# then story findings). Keyed by the catalog's identity, since hashing a catalog walks it all.
_LAST_SPANS: tuple[str, ProviderCatalog, tuple[tuple[int, int, str], ...]] | None = None


def provider_spans(text: str,
                   catalog: ProviderCatalog | None = None) -> list[tuple[int, int, str]]:
    """Every accepted mention of a provider: (start, end, canonical name), in text order;
    where two forms overlap ("Microsoft Azure" and "Azure"), the longer one."""
    global _LAST_SPANS
    catalog = catalog or default_catalog()
    last = _LAST_SPANS
    if last is not None and last[1] is catalog and last[0] == text:
        return list(last[2])  # a fresh list: callers may change theirs
    spans = _provider_spans(text, catalog)
    _LAST_SPANS = (text, catalog, tuple(spans))
    return spans


def _provider_spans(text: str, catalog: ProviderCatalog) -> list[tuple[int, int, str]]:
    doc = document(text)
    candidates: list[tuple[int, int, str]] = []
    for matcher in _catalog_matchers(catalog):
        for match in matcher.pattern.finditer(doc.folded):
            if _accepted(doc, matcher.rule, match.start(), match.end()):
                candidates.append((match.start(), match.end(), matcher.provider))
    candidates.sort(key=lambda c: (c[0], -(c[1] - c[0])))
    spans: list[tuple[int, int, str]] = []
    last_end = -1
    for start, end, name in candidates:
        if start < last_end:
            continue  # inside a longer mention already taken
        last_end = end
        spans.append((start, end, name))
    return spans


def find_providers(
    text: str, catalog: ProviderCatalog | None = None
) -> tuple[ProviderMention, ...]:
    """Every provider the text names, once each, sorted by first mention.

    ``alias`` is the matched form as written in the text. Where two forms
    overlap ("Microsoft Azure" and "Azure"), the longer accepted one wins.
    """
    doc = document(text)
    firsts: dict[str, tuple[int, int]] = {}
    counts: dict[str, int] = {}
    for start, end, name in provider_spans(text, catalog):
        counts[name] = counts.get(name, 0) + 1
        firsts.setdefault(name, (start, end))
    mentions = []
    for name, (start, end) in sorted(firsts.items(), key=lambda item: item[1][0]):
        mentions.append(
            ProviderMention(
                name=name,
                count=counts[name],
                sentence=doc.sentences[doc.sentence_index(start)][1],
                offset=start,
                alias=text[start:end],
            )
        )
    return tuple(mentions)


# --- frames --------------------------------------------------------------------------

# (canonical name, patterns over folded text, acronym patterns that must be written
# in capitals in the original so that a lower-case word never counts).
_FRAME_SPECS: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("SecNumCloud", (r"sec[ \-]?num[ \-]?cloud",), ()),
    (
        "HDS",
        (
            r"hebergeurs? de donnees de sante",
            r"hebergement de donnees de sante",
            r"health data host(?:ing|s)?(?: certification| provider)",
        ),
        (r"hds",),
    ),
    (
        "EUCS",
        (
            r"european cybersecurity certification scheme for cloud(?: services)?",
            r"schema europeen de certification[\w ,'\-]{0,40}?cloud",
        ),
        (r"eucs",),
    ),
    ("Cloud Act", (r"cloud[ \-]?act", r"clarifying lawful overseas use of data act"), ()),
    (
        "RGPD",
        (
            r"reglement general (?:sur|de) la protection des donnees",
            r"general data protection regulation",
        ),
        (r"rgpd", r"gdpr"),
    ),
    ("Privacy Shield", (r"privacy shield", r"bouclier de protection des donnees"), ()),
    (
        "Data Privacy Framework",
        (
            r"(?:eu[ \-]us |trans[ \-]?atlantic )?data privacy framework",
            r"cadre (?:transatlantique )?de protection des donnees (?:personnelles )?"
            r"(?:ue[ \-]etats[ \-]unis|entre l'(?:ue|union europeenne) et les etats[ \-]unis)",
        ),
        (r"dpf",),
    ),
    (
        "FISA",
        (r"foreign intelligence surveillance act", r"(?:section|article) 702"),
        (r"fisa",),
    ),
    ("Schrems II", (r"schrems[ \-]?(?:ii|2)", r"arret schrems(?![ \-]?(?:i|1)(?!\w))"), ()),
    (
        "SREN",
        (r"loi (?:dite )?sren", r"loi visant a securiser et (?:a )?reguler l'espace numerique"),
        (r"sren",),
    ),
    ("Doctrine cloud au centre", (r"doctrine (?:« ?)?cloud au centre",), ()),
)


@dataclass(frozen=True)
class _Frame:
    name: str
    pattern: WordPattern
    capitals: bool


def _compile_frames() -> tuple[_Frame, ...]:
    frames = []
    for name, words, acronyms in _FRAME_SPECS:
        for p in words:
            frames.append(_Frame(name, WordPattern(p), False))
        for p in acronyms:
            frames.append(_Frame(name, WordPattern(p), True))
    return tuple(frames)


_FRAMES = _compile_frames()
# "hébergeur de données de santé (HDS)" is one mention, not two.
_GLUE = re.compile(r"[\s(),\-–—:«»\"]*")


def find_frames(text: str) -> tuple[FrameMention, ...]:
    """The certifications and legal frames the text names, sorted by first mention."""
    doc = document(text)
    spans: dict[str, list[tuple[int, int]]] = {}
    for frame in _FRAMES:
        for match in frame.pattern.finditer(doc.folded):
            written = text[match.start() : match.end()]
            if frame.capitals and written.upper() != written:
                continue
            spans.setdefault(frame.name, []).append((match.start(), match.end()))
    mentions = []
    for name, found in spans.items():
        found.sort(key=lambda s: (s[0], -s[1]))
        count, last_end = 0, -1
        for start, end in found:
            if start < last_end:
                continue  # overlapping forms of the same frame
            glue = doc.folded[last_end:start] if last_end >= 0 else "x"
            if not (glue == "" or (len(glue) <= 4 and _GLUE.fullmatch(glue))):
                count += 1
            last_end = max(last_end, end)
        first = found[0][0]
        mentions.append(
            FrameMention(
                name=name,
                count=count,
                sentence=doc.sentences[doc.sentence_index(first)][1],
                offset=first,
            )
        )
    return tuple(sorted(mentions, key=lambda m: m.offset))
