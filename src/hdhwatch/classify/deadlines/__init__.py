"""Deadlines: every statement of a target date for the HDH migration, French and English.

``find_deadlines(text, published)`` reads an article already judged relevant to
the Health Data Hub's hosting story and returns one ``Deadline`` per distinct
(deadline, role) that the text gives for the migration off Microsoft Azure.
``reported_shift`` says whether the article itself reports that the target
moved, and ``same_target`` is FORMAT.md's "same period at the coarser
precision" comparison, which the timeline and the scorer share.

How a date is found, in four steps, all over the accent-folded text (folding
keeps offsets, so every position is also a position in the original).
``find_dates`` below runs them in order; each module documents its own:

1. *Date phrases* (``phrases``): the core of a phrase, its modifier and
   introducer, linked phrases as one range; each resolved to the last day of
   its period (``periods``).
2. *Is it about the migration?* (``find_dates``, then ``judge``): the sentence,
   or for a continuation the sentence before it, must speak of the move; the
   nearest competing cue decides whether the date belongs to something else.
3. *Role* (``judge``): former or current, by the cues around the date, then by
   the article as a whole.
4. *Bound and scope* (``judge``): a lower bound, an interim step.

The words and phrases the steps look for (the cue lists, months, numbers,
introducers ...) are data, in ``config/deadline_cues.toml``; ``cues`` loads them
and runs them over a text only where they may match.

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

from bisect import bisect_right
from collections.abc import Sequence
from datetime import date, datetime

from hdhwatch.classify.deadlines.cues import (
    _CUE_PATTERNS,
    _CUES,
    _Cues,
    _merge_regions,
    _word_candidates,
)
from hdhwatch.classify.deadlines.judge import (
    _ANAPHOR,
    _anchor_retold,
    _drop_relative_twins,
    _judge_sentence,
    _reconcile,
    _set_confidence,
)
from hdhwatch.classify.deadlines.periods import APPROX_DAYS, period_end, same_target
from hdhwatch.classify.deadlines.phrases import _Atom, _find_atoms, _language, _rejoin_abbreviations
from hdhwatch.records import TARGET_KINDS, Deadline, Shift
from hdhwatch.textutil import document

__all__ = ["APPROX_DAYS", "find_dates", "find_deadlines", "label_of", "labels", "period_end",
           "reported_shift", "same_target"]


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

    # Step 1: the date phrases (``phrases``)
    candidates = _word_candidates(folded)
    atoms = _find_atoms(text, folded, lang, published, sent_starts, sent_ends, candidates)
    if not atoms:
        return []
    by_sentence: dict[int, list[_Atom]] = {}
    for atom in atoms:
        by_sentence.setdefault(bisect_right(sent_starts, atom.start) - 1, []).append(atom)

    # Step 2: the dated sentences that speak of the migration, or continue one that does.
    # Cue passes only over the sentences that hold a date and the sentence before each;
    # all the cues only over the sentences that speak of the migration.
    def spans_of(indexes: set[int]) -> list[tuple[int, int]]:
        return _merge_regions([(sent_starts[i], sent_ends[i]) for i in sorted(indexes)])

    dated = set(by_sentence)
    around = spans_of(dated | {i - 1 for i in dated if i})
    here = spans_of(dated)
    hits = _Cues(folded, {"topic": (_CUES["topic"], around), "timing": (_CUES["timing"], here),
                          "former_here": (_CUES["former_pre"], here)}, candidates)
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

    # Steps 2-4, sentence by sentence (``judge``)
    judged: list[_Atom] = []
    set_aside: list[_Atom] = []
    # A headline naming the HDH makes it the subject of the article's migration sentences.
    head_end = folded.find("\n\n")
    headline = _CUES["hdh"].search(folded, 0, head_end if head_end >= 0 else 300) is not None
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
    # The article as a whole
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
