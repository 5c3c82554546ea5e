"""Steps 2-4, judging: what each date phrase of a sentence about the migration is.

``find_dates`` keeps the sentences that speak of the move (or continue one that
does) and hands each, with its date phrases (``phrases``) and the cue hits
(``cues``), to ``_judge_sentence``; the article as a whole is then reconciled.

2. *Is it about the migration?* The sentence, or for a continuation ("Elle
   devrait intervenir fin 2026") the sentence before it, must speak of the
   move. Then the nearest competing cue on the left of the date decides
   whether the date belongs to something else: a tender, another project's
   launch or certification, a hearing or report, a contract's end. Past
   facts are dropped: a period that ended before ``published`` only counts as
   a former target, and a date of the current year governed by a past-tense
   event verb ("en 2022, le HDH a lancé ...") is dropped. (``_excluded``: the
   dates that are something else are kept apart, as "event" or "other".)
3. *Role.* Cues between the previous date and this one ("initialement",
   "devait", "au lieu de", "désormais", "repoussée à", ...) or after it ("...
   est intenable", "... a été repoussée") set former/current; the strongest,
   then nearest, cue wins (``_set_role``). Then the article as a whole
   (``_reconcile``).
4. *Bound and scope.* "pas avant", "au plus tôt", "au moins jusqu'au" give a
   lower bound (``_set_bound``); a date whose stretch of sentence speaks of a
   temporary copy ("solution intercalaire", "copie temporaire", "projets
   pilotes") rather than of the full migration is an interim step
   (``_set_scope``).

A relative duration ("d'ici deux ans") is anchored here too, on a past date of
its sentence or paragraph when it tells a promise retold (``_anchor_relatives``,
``_anchor_retold``). The decisions these steps take where FORMAT.md is silent are
listed in the package's docstring.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from hdhwatch.classify.deadlines.cues import VOCABULARY, _Hits
from hdhwatch.classify.deadlines.periods import _add_months, _month_end, _period_start, same_target
from hdhwatch.classify.deadlines.phrases import (
    _BOUND_INTROS,
    _FROM_BEFORE,
    _FUTURE_INTROS,
    _FUTURE_VERB,
    _NEGATED_FRAMES,
    _PAST_INTROS,
    _TARGET_INTROS,
    _WEEKDAYS,
    _Atom,
    _intro_is,
)

# ------------------------------------------------------------------------------------------
# Context: the structure around a date (the word lists are in config/deadline_cues.toml)
# ------------------------------------------------------------------------------------------

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

# Names that are also common words: only with a capital letter.
_CAPITALISED_NAMES = frozenset(VOCABULARY.words["capitalised_names"])

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
_ANNOUNCING = frozenset(VOCABULARY.words["announcing"])
_PAST_PP_STOP = frozenset(VOCABULARY.words["past_participle_stop"])

_LEGAL_BEFORE = re.compile(
    r"(?<![\w'])(?:arrete|decret|loi|ordonnance|deliberation|decision|circulaire|directive"
    r"|reglement|avis|jugement|arret|note|instruction|lettre|courrier|communique|rapport"
    r"|recommandation|ordinance|decree|letter|report|comite|reunion|seance|session|audition"
    r"|sommet|conference|colloque|ceremonie|assemblee|conseil|meeting|hearing|sitting"
    r"|summit)s?(?:\s+n\s*[°o]?\s*[\d-]+)?"
    r"(?:\s+\w+){0,2}?\s+(?:du|de|en\s+date\s+du|dated|of)\s*\Z"
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

_NEG_BEFORE = re.compile(
    r"(?<![\w'])(?:pas|plus|jamais|guere|not|never|n't|cannot|incapables?|impossibles?"
    r"|impossibilite|unable|inability)(?![\w])"
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

_WINDOW = 200  # how far left a competing cue may govern a date (characters)
_PRE_WINDOW = 110  # how far left a role cue may govern a date
_POST_WINDOW = 130  # how far right a postfix role cue may govern a date (appositions)


# ------------------------------------------------------------------------------------------
# Judging the dates of one sentence
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
    for atom in atoms:
        if atom.period.kind == "rel" and _intro_is(atom.intro, ("il y a",)):
            # "lancé il y a deux ans": counted back from the day of publication
            ago = _add_months(published, -atom.period.index)
            atom.deadline = _month_end(ago.year, ago.month)
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


# ------------------------------------------------------------------------------------------
# Step 2: is the date the migration's, or something else's?
# ------------------------------------------------------------------------------------------


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
    if left > s_start and atom.period.kind in ("month", "season") and \
            atom.period.year is not None and atom.deadline is not None and \
            atom.deadline <= published and not folded[left:atom.start].strip(" ,"):
        return "event"  # "repoussée à 2025 en septembre 2022": when the target was moved
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


# ------------------------------------------------------------------------------------------
# Step 3: role
# ------------------------------------------------------------------------------------------


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


# ------------------------------------------------------------------------------------------
# Step 4: bound and scope
# ------------------------------------------------------------------------------------------


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


# ------------------------------------------------------------------------------------------
# Relative durations: what they count from
# ------------------------------------------------------------------------------------------


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


# ------------------------------------------------------------------------------------------
# Confidence
# ------------------------------------------------------------------------------------------


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


# ------------------------------------------------------------------------------------------
# The article as a whole
# ------------------------------------------------------------------------------------------


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
