"""The story beyond the date: a provider chosen, a certification, a ruling, a tender.

``find_findings(text, published, catalog)`` reads an article already judged relevant to
the HDH's hosting and returns one ``Finding`` per thing it says happened, each with
its sentence:

- ``provider`` — a provider *selected* ("Scaleway a été retenu", "le ministère a choisi
  Scaleway", "X remporte le marché", "selected Scaleway"), *renewed* ("Microsoft
  reconduit"), *shortlisted* ("X reste en lice", "shortlisted") or *excluded* ("X a été
  écarté", "n'a pas été retenu", "ruled out");
- ``certification`` — a provider's SecNumCloud or HDS qualification *obtained* ("X
  obtient la qualification SecNumCloud") or *expected* / *delayed*;
- ``legal`` — a decision of the CNIL or a ruling of the Conseil d'État on the HDH
  ("la CNIL a autorisé", "le Conseil d'État a rejeté");
- ``tender`` — the procurement *launched*, *awarded* or *cancelled*.

Only news counts: a sentence retelling the past (a pluperfect, "en 2019", a year
before the article's, "récemment") is history, and a hypothesis ("pourrait être
retenu", "si un appel d'offres serait lancé") is not news either. How sure each
finding is follows the deadlines' scale: "high" when the sentence (or the headline)
names the HDH, "medium" otherwise. Everything is read on the accent-folded text, so
offsets are offsets in ``text``.
"""

from __future__ import annotations

import re
from datetime import date

from hdhwatch.classify.providers import ProviderCatalog, provider_spans
from hdhwatch.records import Finding
from hdhwatch.textutil import document, required_literals, sentences_holding

__all__ = ["Finding", "find_findings"]

PROVIDER_REACH = 70  # characters between a verb and the provider it is about


def _words(*alternatives: str) -> str:
    return r"(?<![\w])(?:" + "|".join(alternatives) + r")(?![\w])"


# Verbs of the provider's fate, with the side the provider stands on: "before" for a
# passive ("Scaleway a été retenu"), "after" for an active ("a choisi Scaleway").
_PROVIDER = (
    ("excluded", "before", _words(
        r"n'(?:a|ont)\s+pas\s+ete\s+(?:retenue?s?|choisie?s?|selectionnee?s?)",
        r"(?:a|ont)\s+ete\s+(?:ecartee?s?|exclue?s?|eliminee?s?)", r"(?:est|sont)\s+ecartee?s?",
        r"(?:was|were|has\s+been|have\s+been)\s+(?:ruled\s+out|excluded|eliminated|dropped)")),
    ("excluded", "after", _words(
        r"ecart(?:e|ent|ant)", r"exclu(?:t|ent)", r"elimin(?:e|ent)", r"rules?\s+out",
        r"ruled\s+out", r"exclud(?:es|ed)")),
    ("selected", "before", _words(
        r"(?:a|ont)\s+(?:finalement\s+)?ete\s+(?:retenue?s?|choisie?s?|selectionnee?s?"
        r"|designee?s?)", r"(?:est|sont)\s+(?:finalement\s+)?(?:retenue?s?|choisie?s?"
        r"|selectionnee?s?|designee?s?)", r"remport(?:e|ent|ait)", r"a\s+remporte",
        r"(?:was|were|has\s+been|have\s+been)\s+(?:selected|chosen|picked|named|awarded)",
        r"wins?", r"won", r"(?:devient|deviendra|becomes?|will\s+become)\s+(?:le\s+|the\s+)?"
        r"(?:nouvel\s+|futur\s+|new\s+|future\s+)?(?:hebergeur|host)")),
    ("selected", "after", _words(
        r"(?:a|ont)\s+(?:finalement\s+)?(?:retenu|choisi|selectionne|designe)",
        r"(?:retient|choisit|selectionne|designe|retiennent|choisissent)",
        r"(?:le|du|au)\s+choix\s+(?:de|d')", r"(?:chose|selected|picked|has\s+chosen"
        r"|have\s+chosen|has\s+selected|have\s+selected|selects|chooses|picks)",
        r"(?:confie|a\s+confie|confiera)\s+(?:l'hebergement|la\s+plateforme|le\s+marche)\s+a",
        r"(?:attribue|a\s+ete\s+attribue|awarded)\s+(?:a|to)")),
    ("renewed", "before", _words(
        r"(?:est\s+|a\s+ete\s+)?reconduite?", r"(?:was\s+|has\s+been\s+)?renewed")),
    ("shortlisted", "before", _words(
        r"(?:reste|restent|est|sont|demeure)\s+en\s+lice", r"(?:est|sont)\s+finalistes?",
        r"(?:is|are|was|were|has\s+been|have\s+been)\s+shortlisted")),
    ("shortlisted", "after", _words(r"en\s+lice\s*:", r"finalistes?\s*:", r"shortlist(?:ed)?")),
)
_PROVIDER = tuple((status, side, re.compile(pattern)) for status, side, pattern in _PROVIDER)

_FRAME = re.compile(r"sec[ \-]?num[ \-]?cloud|(?<![\w])hds(?![\w])|hebergeur de donnees de sante")
_CERTIFICATION = (
    ("obtained", re.compile(_words(
        r"obt(?:ient|iennent|enu|enue|enir)", r"(?:a|ont)\s+obtenu", r"decroch\w*",
        r"(?:est|sont|a\s+ete|ont\s+ete)\s+(?:desormais\s+)?qualifiee?s?",
        r"obtain(?:s|ed)", r"(?:has|have)\s+(?:been\s+)?(?:obtained|qualified|certified)",
        r"(?:was|were)\s+(?:qualified|certified)", r"(?:is|are)\s+now\s+(?:qualified|certified)",
        r"secured"))),
    ("delayed", re.compile(_words(
        r"repouss\w+", r"retard\w*", r"report\w*", r"decal\w+", r"delayed", r"postponed",
        r"pushed\s+back"))),
    ("expected", re.compile(_words(
        r"attend\w*", r"vis(?:e|ent)", r"espere\w*", r"prevue?", r"expects?", r"expected",
        r"(?:is|are)\s+due", r"aims?\s+(?:for|at)")))
)
_LEGAL = (
    ("CNIL", re.compile(_words(r"cnil", r"commission\s+nationale\s+de\s+l'informatique\s+et\s+des"
                               r"\s+libertes"))),
    ("Conseil d'État", re.compile(_words(
        r"conseil\s+d'etat", r"council\s+of\s+state", r"juge\s+des\s+referes",
        r"haute\s+juridiction\s+administrative", r"supreme\s+administrative\s+court"))),
)
_RULING = re.compile(_words(
    r"(?:a|ont)\s+(?:autorise|valide|rejete|refuse|ordonne|suspendu|annule|rendu|juge|estime"
    r"|considere|enjoint|mis\s+en\s+demeure|sanctionne|donne\s+son\s+feu\s+vert)",
    r"(?:autorise|valide|rejette|refuse|ordonne|suspend|annule|enjoint|sanctionne)",
    r"(?:authori[sz]ed|approved|rejected|dismissed|refused|ordered|suspended|annulled|ruled)",
    r"deliberation", r"ordonnance", r"mise\s+en\s+demeure", r"feu\s+vert"))
_TENDER_NOUN = re.compile(_words(
    r"appels?\s+d'offres?", r"procedure\s+(?:de\s+mise\s+en\s+concurrence|d'achat)",
    r"mise\s+en\s+concurrence", r"marches?\s+(?:public|d'hebergement)", r"(?:call\s+for\s+)?"
    r"tenders?", r"procurement", r"request\s+for\s+proposals?"))
_TENDER = (
    ("cancelled", re.compile(_words(
        r"annulee?s?", r"abandonnee?s?", r"(?:declaree?s?\s+)?infructueu\w+", r"suspendue?s?",
        r"cancel(?:l)?ed", r"scrapped", r"abandoned", r"called\s+off"))),
    ("awarded", re.compile(_words(
        r"attribuee?s?", r"notifiee?s?", r"remportee?s?", r"awarded", r"won"))),
    ("launched", re.compile(_words(
        r"lancee?s?", r"publiee?s?", r"ouverte?s?", r"(?:a|ont)\s+lance", r"lance(?:nt)?",
        r"launch(?:es|ed)?", r"published", r"opened", r"issued"))),
)
# History, not news: a pluperfect, a past year named, "à l'époque".
_RETOLD = re.compile(_words(
    r"avai(?:t|ent)", r"s'etai(?:t|ent)", r"etai(?:t|ent)", r"had", r"a\s+l'epoque",
    r"at\s+the\s+time", r"back\s+in", r"initialement", r"originally", r"en\s+20[0-4]\d",
    r"recemment", r"recently", r"l'an\s+dernier", r"last\s+year",
    r"in\s+20[0-4]\d", r"depuis", r"since"))
_YEAR = re.compile(r"(?<![\w])(20[0-4]\d)(?![\w])")
_HYPOTHETICAL = re.compile(_words(
    r"pourrai(?:t|ent)", r"devrai(?:t|ent)", r"serai(?:t|ent)", r"could", r"might", r"would",
    r"may", r"si", r"if", r"whether", r"eventuel\w*", r"candidat\w*\s+a"))
_NEGATION = re.compile(r"(?<![\w])(?:ne|n')\s*(?:\w+\s+){0,2}?(?:pas|plus|jamais)(?![\w])"
                       r"|(?<![\w])(?:not|never|no\s+longer|yet\s+to)(?![\w])"
                       r"|(?<![\w])(?:aucune?|sans|no|without)\s"
                       r"|(?<![\w])(?:personne|rien|nulle?)\s+(?:ne|n')")
# A step to come is not an event yet: "un appel d'offres sera lancé", "will be awarded".
_TO_COME = re.compile(r"(?<![\w])(?:sera|seront|serait|seraient|va\s+etre|vont\s+etre|doit"
                      r"\s+etre|devrait\s+etre|will\s+be|would\s+be|to\s+be|is\s+to\s+be)"
                      r"(?:\s+\w+)?\s*\Z")
_HDH = re.compile(_words(
    r"health[\s-]*data[\s-]*hub", r"hdh", r"plateforme\s+(?:des|de)\s+donnees\s+de\s+sante",
    r"la\s+plateforme", r"the\s+platform", r"snds",
    r"(?:national|french|france's)\s+health\s+data\s+(?:platform|hub)"))


def _needles(*patterns: re.Pattern[str]) -> tuple[str, ...] | None:
    """Strings one of which is in every match of any of ``patterns``; None if one has none."""
    found: list[str] = []
    for pattern in patterns:
        literals = required_literals(pattern)
        if literals is None:
            return None
        found.extend(literals)
    # one that holds another is redundant: wherever it occurs, the shorter one does too
    return tuple(n for n in dict.fromkeys(found) if not any(m != n and m in n for m in found))


# A sentence makes a finding only if one of the patterns below matches in it: a provider's
# fate, a ruling's authority, a tender noun, or both a frame and a certification status.
# Each match holds one of its pattern's required literals, so a sentence holding none of
# them makes no finding, and all its regex work (history, hypothesis, HDH) is skipped.
_FINDING_NEEDLES = _needles(*(p for _, _, p in _PROVIDER), *(p for _, p in _LEGAL),
                            _TENDER_NOUN)
_FRAME_NEEDLES = _needles(_FRAME)
_CERTIFICATION_NEEDLES = _needles(*(p for _, p in _CERTIFICATION))


def _gate(pattern: re.Pattern[str]) -> re.Pattern[str] | None:
    """A plain alternation of the literals one of which every match of ``pattern`` holds
    (None when unknown). Where it finds none inside a window, ``pattern`` has no match
    there either; and it is scanned several times faster than ``pattern``, which opens on
    a look-behind and so is tried at every position."""
    literals = required_literals(pattern)
    if literals is None:
        return None
    return re.compile("|".join(re.escape(n) for n in sorted(literals, key=lambda n: (-len(n), n))))


def _may_match(gate: re.Pattern[str] | None, folded: str, start: int, end: int) -> bool:
    """False only when ``gate``'s pattern surely has no match inside ``folded[start:end]``."""
    return gate is None or gate.search(folded, start, end) is not None


_PROVIDER_GATED = tuple((status, side, pattern, _gate(pattern))
                        for status, side, pattern in _PROVIDER)
_LEGAL_GATED = tuple((authority, pattern, _gate(pattern)) for authority, pattern in _LEGAL)
_CERTIFICATION_GATED = tuple((status, pattern, _gate(pattern))
                             for status, pattern in _CERTIFICATION)
_FRAME_GATE = _gate(_FRAME)
_TENDER_NOUN_GATE = _gate(_TENDER_NOUN)
_HYPOTHETICAL_GATE = _gate(_HYPOTHETICAL)
_HDH_GATE = _gate(_HDH)


def _finding_sentences(folded: str, split: list[tuple[int, str]]) -> set[int] | None:
    """The indexes of the sentences that may make a finding (None: any may)."""
    if _FINDING_NEEDLES is None or _FRAME_NEEDLES is None or _CERTIFICATION_NEEDLES is None:
        return None
    starts = [start for start, _ in split]
    ends = [start + len(sentence) for start, sentence in split]
    found = sentences_holding(folded, starts, ends, _FINDING_NEEDLES)
    framed = sentences_holding(folded, starts, ends, _FRAME_NEEDLES)
    if framed:
        found |= framed & sentences_holding(folded, starts, ends, _CERTIFICATION_NEEDLES)
    return found


def find_findings(text: str, published: date | None,
                  catalog: ProviderCatalog | None = None) -> list[Finding]:
    """Every thing the article says happened in the HDH hosting story, once per
    (kind, status, subject), the first sentence kept. Never raises on any string."""
    if not isinstance(text, str) or not text.strip():
        return []
    doc = document(text)
    folded = doc.folded
    head_end = folded.find("\n\n")
    headline_hdh = _HDH.search(folded, 0, head_end if head_end >= 0 else 200) is not None
    providers = provider_spans(text, catalog)
    found: dict[tuple[str, str, str], Finding] = {}
    may_find = _finding_sentences(folded, doc.sentences)
    for index, (start, sentence) in enumerate(doc.sentences):
        if may_find is not None and index not in may_find:
            continue  # no finding pattern can match here (see _FINDING_NEEDLES)
        end = start + len(sentence)
        if _retold(folded, start, end, published):
            continue
        if _may_match(_HYPOTHETICAL_GATE, folded, start, end) and \
                _HYPOTHETICAL.search(folded, start, end):
            continue  # "pourrait être retenu", "si un appel d'offres serait lancé"
        sure = "high" if headline_hdh or (_may_match(_HDH_GATE, folded, start, end) and
                                          _HDH.search(folded, start, end)) else "medium"
        in_sentence = [(s, e, n) for s, e, n in providers if start <= s < end]
        for kind, status, subject in _sentence_findings(folded, start, end, in_sentence):
            found.setdefault((kind, status, subject),
                             Finding(kind, status, subject, sentence, start, sure))
    return sorted(found.values(), key=lambda f: f.offset)


def _retold(folded: str, start: int, end: int, published: date | None) -> bool:
    if _RETOLD.search(folded, start, end) is None:
        return False
    if published is None:
        return True
    years = [int(y) for y in _YEAR.findall(folded, start, end)]
    # "en 2026" in an article of 2026 is news; "en 2019", or a pluperfect, is history
    return not years or any(y < published.year for y in years) or \
        re.search(r"avai|etai|had|a l'epoque|at the time|back in|initialement|originally|"
                  r"depuis|since|recemment|recently|l'an dernier|last year",
                  folded[start:end]) is not None


def _sentence_findings(folded: str, start: int, end: int,
                       providers: list[tuple[int, int, str]]) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    taken: set[str] = set()
    # each regex runs only where its gate finds a literal its matches need (see _gate)
    for status, side, pattern, gate in _PROVIDER_GATED:
        if not _may_match(gate, folded, start, end):
            continue
        for m in pattern.finditer(folded, start, end):
            if status == "selected" and _NEGATION.search(folded, max(start, m.start() - 12),
                                                          m.start()):
                status_here = "excluded"
            else:
                status_here = status
            for provider in _listed(folded, providers, m.start(), m.end(), side):
                if provider not in taken:
                    taken.add(provider)
                    out.append(("provider", status_here, provider))
    frame = _FRAME.search(folded, start, end) if providers and _may_match(
        _FRAME_GATE, folded, start, end) else None
    if frame is not None and providers:
        for status, pattern, gate in _CERTIFICATION_GATED:
            m = pattern.search(folded, start, end) if _may_match(
                gate, folded, start, end) else None
            if m is None:
                continue
            if status == "obtained" and _NEGATION.search(folded, max(start, m.start() - 40),
                                                         m.start()):
                status = "expected"  # "n'ont pas encore obtenu la qualification"
            for provider in _listed(folded, providers, m.start(), m.end(), "before") or \
                    _listed(folded, providers, m.start(), m.end(), "after"):
                out.append(("certification", status, provider))
            break
    for authority, name_pattern, gate in _LEGAL_GATED:
        if not _may_match(gate, folded, start, end):
            continue
        for name in name_pattern.finditer(folded, start, end):
            between = _RULING.search(folded, name.end(), min(end, name.end() + 35))
            if between and not re.search(r"[,;:()]", folded[name.end():between.start()]) \
                    and not _NEGATION.search(folded, name.end(), between.start()):
                out.append(("legal", "ruling", authority))
                break
    noun = _TENDER_NOUN.search(folded, start, end) if _may_match(
        _TENDER_NOUN_GATE, folded, start, end) else None
    if noun is not None:
        for status, pattern in _TENDER:
            m = pattern.search(folded, max(start, noun.start() - 60), min(end, noun.end() + 60))
            if m is None:
                continue
            lo = max(start, min(noun.start(), m.start()) - 15)
            if not _NEGATION.search(folded, lo, max(noun.end(), m.end())) and \
                    not _TO_COME.search(folded, max(start, m.start() - 25), m.start()):
                out.append(("tender", status, "HDH"))
            break
    return out


_LIST_GAP = re.compile(r"\s*(?:,|et|and|&|ou|or)?\s*(?:,|et|and|&)?\s*\Z")


def _listed(folded: str, providers: list[tuple[int, int, str]], lo: int, hi: int,
            side: str) -> list[str]:
    """The provider nearest to a verb on its side, with those listed beside it ("OVHcloud,
    Outscale et Scaleway n'ont pas été retenus", "en lice : Scaleway, OVHcloud et ...")."""
    first = _nearest(providers, lo, hi, side)
    if first is None:
        return []
    index = next(i for i, p in enumerate(providers) if p[2] == first and (
        (side != "after" and p[1] <= lo) or (side == "after" and p[0] >= hi)))
    names = [first]
    step = -1 if side != "after" else 1
    i = index
    while 0 <= i + step < len(providers):
        a, b = sorted((providers[i], providers[i + step]))
        if not _LIST_GAP.match(folded[a[1]:b[0]] + ""):
            break
        i += step
        names.append(providers[i][2])
    return list(dict.fromkeys(names))


def _nearest(providers: list[tuple[int, int, str]], lo: int, hi: int, side: str) -> str | None:
    """The provider nearest to a verb on its side, within ``PROVIDER_REACH``."""
    best: tuple[int, str] | None = None
    for s, e, name in providers:
        if side in ("before", "either") and e <= lo and lo - e <= PROVIDER_REACH:
            distance = lo - e
        elif side in ("after", "either") and s >= hi and s - hi <= PROVIDER_REACH:
            distance = s - hi
        else:
            continue
        if best is None or distance < best[0]:
            best = (distance, name)
    return best[1] if best else None
