"""Is an article about the hosting of the Health Data Hub, or its move to another cloud?

The answer rests on two kinds of anchor, in French and English:

- an *HDH anchor*: "Health Data Hub", "HDH", "Plateforme des données de santé"
  ("PDS" only when one of those is also present); the SNDS counts for half,
  because epidemiology stories name it without any hosting angle;
- a *hosting anchor*: hébergement, cloud, Microsoft/Azure, migration,
  souveraineté, réversibilité, SecNumCloud, Cloud Act, an alternative provider,
  the tender for the hosting...

Neither alone makes an article relevant: cloud-market stories never name the
HDH, and HDH research stories never talk about its hosting. What counts is the
two meeting — in the title, in the lead (the chapô, or else the opening
sentences), or in body sentences that name the HDH with a hosting anchor in the
same or a neighbouring sentence — and how often. When the title or lead makes
the HDH the subject, every hosting sentence of the body counts, since the press
then writes "la plateforme" or "the hub" rather than the name.

Two press habits are allowed for: a rubric or kicker ("Le constat.",
"Chronique.") is not one of the lede's sentences, and a story that opens on a
scene (regional papers) states its subject in the sentences just after the
lede. A lead that repeats the title's HDH without a hosting word adds nothing,
so an HDH story with one passing hosting line stays "in passing".

Every point scored is listed in ``Relevance.reasons``, so a verdict can be
explained and a rule tuned without guessing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

from hdhwatch.records import Relevance
from hdhwatch.textutil import WordPattern, document, fold_fast, sentences

# --- thresholds and weights ----------------------------------------------------------
# Points are added up; the article is relevant at RELEVANT_POINTS. The weights are
# set so that:
# - HDH and hosting together in the title, or in the lead, decide alone
#   (TITLE_BOTH, LEAD_BOTH >= threshold): headline and chapô are the editor's own
#   summary of what the story is about;
# - in the body, it takes three sentences pairing the HDH with hosting, or two and
#   an HDH title/lead: a single pairing is the "named in passing" case (a
#   sovereign-cloud story recalling the 2020 Microsoft controversy in one line);
# - title or lead points that are not themselves a pairing count only when the
#   body has at least one pairing, so "HDH" in a title over a research story with
#   no hosting word scores nothing;
# - a lead that merely opens on the HDH makes it the subject less surely than a
#   title does (a story on EU health data may open on it), so its hosting
#   sentences count half.
RELEVANT_POINTS = 3.0
TITLE_BOTH = 4.0  # HDH and hosting anchors both in the title
TITLE_HDH = 1.5  # HDH anchor in the title, the body supplies the hosting angle
TITLE_HOST_HEALTH = 1.5  # hosting + "données de santé" in the title, HDH named in the lead
TITLE_HOST = 0.5  # hosting anchor alone in the title: most cloud stories have one
LEAD_BOTH = 3.0
LEAD_HDH = 1.0
LEAD_HOST = 0.5
PAIR_STRONG = 1.0  # body sentence: HDH + a specific hosting term (Azure, migration, cloud...)
PAIR_WEAK = 0.5  # HDH + only a generic one ("hébergées", "serveurs"), or SNDS + hosting
MAX_BODY_POINTS = 6.0  # a long article should not drown out the title and lead
NEIGHBOURS = 1  # a hosting anchor one sentence before or after still pairs
LEDE_SENTENCES = 2  # without a chapô, the text's first two sentences stand in for it
# A rubric or kicker ("Le constat.", "Chronique.", "Entretien.") is not a lede sentence.
LEDE_MIN_WORDS = 4
NUT_GRAF = 2  # body sentences right after the lede that still state the subject
MAX_TITLE_CHARS = 200  # a first line this short, with no final stop, is a headline
TOPIC_TITLE = 1.0  # weight of a body hosting sentence when the title names the HDH
TOPIC_LEAD = 0.5  # ... when only the lead does


@dataclass(frozen=True)
class _Anchor:
    label: str  # shown in reasons
    pattern: WordPattern
    capitals: bool = False  # an acronym: must be written in capitals in the original
    weak: bool = False


def _anchor(label: str, regex: str, *, capitals: bool = False, weak: bool = False) -> _Anchor:
    return _Anchor(label, WordPattern(regex), capitals, weak)


# Word forms are written against ``fold``-ed text: lower case, no accents.
_HDH = (
    _anchor("health data hub", r"health[ \-]?data[ \-]?hub"),
    _anchor("hdh", r"hdh", capitals=True),
    _anchor("plateforme des données de santé", r"plateforme (?:des|de) donnees de sante"),
    # "Hosting of French health data by Microsoft": the French health data, as one whole,
    # is the HDH's (English-language press names it so, and French "les données de santé
    # des Français" likewise).
    _anchor(
        "french health data",
        r"french (?:people's )?health data|france's health data|health data of (?:the )?french"
        r"|donnees de sante des francais",
    ),
    # How the English-language press describes it when it does not name it.
    _anchor(
        "national health data platform",
        r"(?:national|french|france's) health data (?:platform|hub)"
        r"|plateforme nationale (?:des|de) donnees de sante",
    ),
)
_PDS = _anchor("pds", r"pds", capitals=True)
_SNDS = (
    _anchor("snds", r"snds", capitals=True, weak=True),
    _anchor("snds", r"systeme national des donnees de sante", weak=True),
)
# Words naming health data generally: enough, with a hosting word, to make a
# title about the HDH's hosting when the HDH itself is only named below.
_HEALTH_DATA = _anchor(
    "données de santé", r"donnees (?:de|medicales|personnelles de) sante|health data"
)

_HOSTING = (
    # The nouns name the hosting arrangement itself; the verb is mostly descriptive
    # ("les données hébergées par la plateforme" in any research story).
    _anchor("hébergement", r"hebergements?|hebergeurs?"),
    _anchor(
        "héberger",
        r"heberg(?:e|es|ee|ees|er|ent|eait|eaient|eant|era|eront|erait|eraient)",
        weak=True,
    ),
    _anchor("hosting", r"hosting|hosting providers?|re-?host\w*"),
    _anchor("host", r"hosts?|hosted", weak=True),
    _anchor("serveurs", r"serveurs?|servers?", weak=True),
    _anchor("datacenter", r"data ?cent(?:er|re)s?|centres? de donnees", weak=True),
    _anchor("prestataire", r"prestataires?", weak=True),
    _anchor("cloud", r"clouds?"),
    _anchor("microsoft", r"microsoft"),
    _anchor("azure", r"azure"),
    _anchor(
        "migration",
        r"migrations?|migr(?:er|e|ee|es|ees|ent|era|eront|erait|eraient|ait|aient|ons)"
        r"|migrat(?:e|es|ed|ing|ion|ions)",
    ),
    _anchor("réversibilité", r"reversibilite"),
    _anchor("souveraineté", r"souverain\w*|sovereign\w*"),
    _anchor("secnumcloud", r"sec ?num ?cloud"),
    _anchor("cloud act", r"cloud ?act"),
    _anchor("extraterritorialité", r"extra-?territorial\w*"),
    _anchor(
        "droit américain",
        r"(?:loi|lois|droit|geant|geants|entreprise|societe|groupe|firme|acteur)s? americaine?s?",
    ),
    _anchor("appel d'offres", r"appels? d'offres?|tenders?|marches? publics?"),
    _anchor(
        "fournisseur alternatif",
        r"ovh\w*|scaleway|outscale|s3ns|numspot|cloud temple|oodrive|aws|amazon web services"
        r"|google cloud",
    ),
    _anchor("quitter", r"quitter (?:microsoft|azure)|sortir de (?:microsoft|azure)"),
)


# The HDH's move itself, in the sentence that names it.
_MOVE = re.compile(
    r"(?<![\w])(?:migr\w+|transf[eè]r\w*|quitt\w+|sortir\s+de|sortie\s+de|bascul\w+"
    r"|demenag\w+|moves?|moving|switch\w*|leav\w+|relocat\w+)(?![\w])"
)


@dataclass
class _Found:
    hdh: list[str]
    weak_hdh: list[str]
    hosting: list[str]
    strong_hosting: bool


@dataclass(frozen=True)
class _Anchors:
    """The anchors looked for in the parts of one article."""

    hdh: tuple[_Anchor, ...]
    weak_hdh: tuple[_Anchor, ...]
    hosting: tuple[_Anchor, ...]


def _anchors(folded: str, allow_pds: bool) -> _Anchors:
    """The anchors that may occur in ``folded``, the whole article folded.

    The title, the lead and every sentence are parts of the article, and no part
    holds an anchor the whole cannot: each sentence is then scanned only for the
    few anchors the article may have.
    """

    def present(anchors: tuple[_Anchor, ...]) -> tuple[_Anchor, ...]:
        return tuple(a for a in anchors if a.pattern.occurs_in(folded))

    return _Anchors(
        hdh=present(_HDH + ((_PDS,) if allow_pds else ())),
        weak_hdh=present(_SNDS),
        hosting=present(_HOSTING),
    )


def _scan(original: str, folded: str, anchors: tuple[_Anchor, ...]) -> list[_Anchor]:
    hits = []
    for anchor in anchors:
        if anchor.capitals:
            written = (original[m.start() : m.end()] for m in anchor.pattern.finditer(folded))
            found = any(w.upper() == w for w in written)
        else:
            found = anchor.pattern.search(folded) is not None
        if found:
            hits.append(anchor)
    return hits


def _find(original: str, folded: str, anchors: _Anchors) -> _Found:
    """The ``anchors`` found in ``original``, whose ``fold`` is ``folded``."""
    hdh = _scan(original, folded, anchors.hdh)
    weak = _scan(original, folded, anchors.weak_hdh)
    hosting = _scan(original, folded, anchors.hosting)
    return _found(hdh, weak, hosting)


def _scan_sentences(original: str, folded: str, split: list[tuple[int, str]],
                    anchors: tuple[_Anchor, ...]) -> list[list[_Anchor]]:
    """``[_scan(s, fold(s), anchors) for s in split]``, each anchor run once over the text.

    Exact because no anchor match can cross or touch a sentence's edge: a sentence is
    bounded by whitespace in ``original`` (``sentences`` strips it), a match starts with
    a letter and holds no sentence-ending mark (. ! ? … closing quote) nor any whitespace
    but a literal space before another letter, so a match never spans a sentence end.
    The look-behind and look-ahead see whitespace at a sentence's edge as they see the
    edge of its slice. So the whole text's matches that lie in a sentence are exactly
    the sentence's own matches, in order.
    """
    hits: list[list[_Anchor]] = [[] for _ in split]
    if not split or not anchors:
        return hits
    starts = [start for start, _ in split]
    ends = [start + len(sentence) for start, sentence in split]
    for anchor in anchors:
        last = -1  # the last sentence this anchor was found in
        for m in anchor.pattern.finditer(folded):
            i = bisect_right(starts, m.start()) - 1
            if i == last or i < 0 or m.end() > ends[i]:
                continue
            written = original[m.start() : m.end()]
            if anchor.capitals and written.upper() != written:
                continue  # an acronym must be written in capitals; a later match may be
            hits[i].append(anchor)
            last = i
    return hits


# A sentence without any anchor (most of them): one shared value, only ever read.
_NOTHING = _Found(hdh=[], weak_hdh=[], hosting=[], strong_hosting=False)


def _found(hdh: list[_Anchor], weak: list[_Anchor], hosting: list[_Anchor]) -> _Found:
    return _Found(
        hdh=_labels(hdh),
        weak_hdh=_labels(weak),
        hosting=_labels(hosting),
        strong_hosting=any(not a.weak for a in hosting) or len(hosting) >= 2,
    )


def _labels(anchors: list[_Anchor]) -> list[str]:
    return list(dict.fromkeys(a.label for a in anchors))


def names_hdh(text: str) -> bool:
    """Whether ``text`` names the HDH itself (not only the SNDS or health data generally)."""
    folded = fold_fast(text)
    return bool(_scan(text, folded, tuple(a for a in _HDH if a.pattern.occurs_in(folded))))


def _split_lede(title: str, lead: str | None, text: str) -> tuple[str, str, str]:
    """``(where, lead, body)``: without a chapô, the opening sentences play its part.

    Press articles state their subject in their first sentences; a page
    extracted without its chapô (or a corpus line without one) should not lose
    that. A title or lead repeated at the top of the text is not counted twice.
    """
    head, _, rest = text.strip().partition("\n\n")
    if title and _same_start(title, head):
        text = rest
        head, _, rest = text.strip().partition("\n\n")
    if lead and lead.strip():
        # A meta description often repeats the first paragraph.
        return "lead", lead, rest if _same_start(lead, head) else text
    opening = [s for s in sentences(text) if len(s[1].split()) >= LEDE_MIN_WORDS]
    opening = opening[:LEDE_SENTENCES]
    if not opening:
        return "lead", "", text
    end = opening[-1][0] + len(opening[-1][1])
    return "lede", text[:end], text[end:]


def _fold_parts(parts: tuple[str, str, str], source: str) -> str:
    """``fold_fast("\n\n".join(parts))``, sliced out of ``source``'s cached fold.

    Folding is per character (``fold_fast`` keeps lengths and offsets), so the fold of
    a part found in ``source`` at ``k`` is ``document(source).folded[k:k + len(part)]``,
    and the fold of a join is the join of the folds ("\n" folds to itself).
    """
    doc = document(source)
    folded = []
    for part in parts:
        at = doc.text.find(part)
        folded.append(doc.folded[at : at + len(part)] if at >= 0 else fold_fast(part))
    return "\n\n".join(folded)


def _title_from_text(text: str) -> tuple[str, str]:
    """A headline-like first line (short, no final stop) when no title was given."""
    head, _, rest = text.strip().partition("\n\n")
    if "\n" not in head and len(head) <= MAX_TITLE_CHARS and not head.rstrip().endswith("."):
        return head, rest
    return "", text


def _same_start(a: str, b: str, n: int = 80) -> bool:
    a, b = (_start_of(x, n) for x in (a, b))
    return bool(a) and b.startswith(a)


def _start_of(x: str, n: int) -> str:
    """``" ".join(fold_fast(x).split()).rstrip(".… ")[:n]``, folding only a prefix of ``x``
    when that settles it (a paragraph can be long). Folding is per character and
    the join of a prefix's words is a prefix of the whole's join; once that join has a
    character other than ". … " past ``n``, the strip cannot reach the first ``n``."""
    head = " ".join(fold_fast(x[:4 * n]).split())
    if len(head) > n and head[n:].rstrip(".… "):
        return head[:n]
    return " ".join(fold_fast(x).split()).rstrip(".… ")[:n]


def assess_relevance(
    title: str, lead: str | None, text: str, language: str | None = None
) -> Relevance:
    """Score an article's relevance to the HDH's hosting; reasons list every point.

    ``language`` is accepted for symmetry with the other stages; the anchors
    cover French and English together, because French articles quote English
    names ("Cloud Act", "Health Data Hub") and English ones French ones.
    """
    # The text classify() hands the other stages (classified_text): its Document, folded
    # once and shared with them, also gives the fold of the parts read here.
    source = "\n\n".join(p.strip() for p in (title, lead, text) if p and p.strip())
    title, text = (title, text or "") if title else _title_from_text(text or "")
    where_lead, lead, text = _split_lede(title, lead, text)
    whole = "\n\n".join((title, lead, text))
    # "PDS" is an ordinary acronym elsewhere; only trust it in an HDH article.
    # Folding works character by character and keeps offsets, so the fold of
    # each part is its slice of the whole's: the article is folded once.
    folded = _fold_parts((title, lead, text), source)
    lead_at = len(title) + 2
    body_at = lead_at + len(lead) + 2
    folded_title = folded[: len(title)]
    allow_pds = bool(_scan(whole, folded, _HDH))
    anchors = _anchors(folded, allow_pds)
    heads = (
        ("title", _find(title, folded_title, anchors), TITLE_BOTH, TITLE_HDH, TITLE_HOST),
        (
            where_lead,
            _find(lead, folded[lead_at : lead_at + len(lead)], anchors),
            LEAD_BOTH,
            LEAD_HDH,
            LEAD_HOST,
        ),
    )
    # The HDH is the subject when the title or the lead names it: then every
    # hosting sentence of the body is about its hosting, anaphora included
    # ("la plateforme", "the hub").
    topic = TOPIC_TITLE if heads[0][1].hdh else TOPIC_LEAD if heads[1][1].hdh else 0.0
    body_points, body_reasons, body_strong, body_move = _body(
        text, folded[body_at:], anchors, topic)

    points = 0.0
    reasons: list[str] = []
    hdh_only = 0.0  # the title and the lead naming the HDH without hosting: one subject
    for where, found, both_w, hdh_w, host_w in heads:
        reasons.extend(f"{where}:{label}" for label in found.hdh + found.hosting)
        if found.hdh and found.strong_hosting:
            points += both_w
        elif body_points and found.hdh:
            # A lead repeating the title's HDH says the same thing twice: counted once,
            # so that one passing hosting line in an HDH story stays "in passing".
            points += max(0.0, hdh_w - hdh_only)
            hdh_only = max(hdh_only, hdh_w)
        elif body_points and found.hosting:
            # "Données de santé" + hosting in the title reads as the HDH's hosting
            # only when the lead names the HDH, or the sentences just after the lede
            # (the "nut graf" of a story that opens on a scene, as regional papers do)
            # tie the HDH to a specific hosting term; otherwise it is any hospital,
            # which may recall the HDH's choice of Microsoft further down.
            health = (
                where == "title"
                and (topic > 0 or body_strong or body_move)
                and bool(found.weak_hdh or _scan(title, folded_title, (_HEALTH_DATA,)))
            )
            if health:
                reasons.append(f"{where}:données de santé")
            points += TITLE_HOST_HEALTH if health else host_w
    reasons.extend(body_reasons)
    points += body_points
    score = round(points / (points + RELEVANT_POINTS), 3) if points else 0.0
    return Relevance(relevant=points >= RELEVANT_POINTS, score=score, reasons=tuple(reasons))


def _body(text: str, folded: str, anchors: _Anchors,
          topic: float) -> tuple[float, list[str], bool, bool]:
    """Points for body sentences that tie the HDH to its hosting, with their reasons.

    Two ways to count, the larger wins: sentences naming the HDH with a hosting
    anchor in the same or a neighbouring sentence ("pairs"); and, when the HDH
    is the subject of the article, every sentence with a hosting anchor, at the
    ``topic`` weight.
    Counting pairs from the HDH side keeps a single passing mention to one pair
    however many cloud words surround it. The third value says whether one of
    the first ``NUT_GRAF`` sentences names the HDH itself with a specific hosting
    term; the fourth, whether a sentence names the HDH's move itself ("la migration attendue
    du Health Data Hub", "transférer la totalité de la plateforme") beside a specific hosting
    term. ``folded`` is the text's ``fold``.
    """
    split = sentences(text)
    offsets = [start for start, _ in split]
    lengths = [len(s) for _, s in split]
    found = [
        _found(hdh, weak, hosting) if hdh or weak or hosting else _NOTHING
        for hdh, weak, hosting in zip(
            _scan_sentences(text, folded, split, anchors.hdh),
            _scan_sentences(text, folded, split, anchors.weak_hdh),
            _scan_sentences(text, folded, split, anchors.hosting),
            strict=True,
        )
    ]
    pair_points, topic_points = 0.0, 0.0
    pairs, topical = 0, 0
    strong_here = moved = False
    labels: dict[str, None] = {}
    for i, here in enumerate(found):
        if here.hosting and topic:
            topic_points += topic * (PAIR_STRONG if here.strong_hosting else PAIR_WEAK)
            topical += 1
            labels.update(dict.fromkeys(here.hdh + here.weak_hdh + here.hosting))
        if not (here.hdh or here.weak_hdh):
            continue
        if i < NUT_GRAF and here.hdh and here.strong_hosting:
            strong_here = True
        window = found[max(0, i - NEIGHBOURS) : i + NEIGHBOURS + 1]
        hosting = list(dict.fromkeys(label for f in window for label in f.hosting))
        if not hosting:
            continue
        strong = any(f.strong_hosting for f in window) or len(hosting) >= 2
        # The SNDS alone is a weak anchor whatever the hosting words.
        pair_points += PAIR_STRONG if strong and here.hdh else PAIR_WEAK
        if strong and here.hdh and not moved:
            start = offsets[i]
            moved = _MOVE.search(folded, start, start + lengths[i]) is not None
        pairs += 1
        labels.update(dict.fromkeys(here.hdh + here.weak_hdh + hosting))
    points = min(max(pair_points, topic_points), MAX_BODY_POINTS)
    if not points:
        return 0.0, [], False, False
    reasons = [f"body:{label}" for label in labels]
    reasons.append(f"body:pairs={pairs}")
    if topic:
        reasons.append(f"body:hosting-sentences={topical}")
    return points, reasons, strong_here, moved
