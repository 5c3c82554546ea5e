"""The timeline of the migration's target: moves believed, signals awaiting confirmation.

The timeline is replayed from the stored statements in publication order (not
crawl order, so an old article crawled late cannot reverse it; articles of one
day in address order, so arrival order changes nothing), with the rule of the
labelled-corpus format, made careful before it believes a move:

* an article reporting a shift (the old date given up, or the new one said to
  be a move or stated surely) whose new target is not the known one moves the
  target (``known → to``, or ``from → to`` while nothing is known);
* otherwise an article whose target is neither the known one nor an already
  superseded one states a candidate: it is believed when a statement of it is
  sure ("high" confidence: the HDH's migration named with the date), or when
  ``CONFIRMING_OUTLETS`` independent outlets state it; until then it is a
  *signal*, shown to readers as "à confirmer", never announced as a move;
* a superseded target restated later is a stale restatement, not a move back;
  a target earlier than the known one is only believed when reported as a
  move; a target already over on the day of its article is stale;
* the first target learnt raises nothing; lower bounds and interim steps are
  not targets; two dates are the same target when they fall in the same period
  at the coarser of their two precisions (or, for a relative duration, within
  92 days).

Each move and each signal is one ``Event`` (kind ``target_move``) keyed by its
dates, whatever the number of outlets repeating it; later articles saying the
same thing corroborate it (``EventArticle``).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime
from itertools import groupby
from urllib.parse import urlsplit

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdhwatch.classify.deadlines import same_target
from hdhwatch.store.articles import dialect_insert
from hdhwatch.store.db import utcnow
from hdhwatch.store.models import Article, DeadlineStatement, Event, EventArticle

Target = tuple  # (deadline, precision) or (deadline, precision, approx)


# How many independent outlets (different sites, syndicated copies aside) must state a new
# target before it is believed when no statement of it is sure on its own. Measured on the
# real-press development set: one outlet's unsure sentence is where false alerts came from,
# and every real move was stated by two outlets or reported as a move (see README).
CONFIRMING_OUTLETS = 2


@dataclass(frozen=True)
class Move:
    """A move of the target found by the replay."""

    key: str
    from_target: Target | None
    to_target: Target
    article_id: int  # the article whose sentence states the new target
    kind: str  # reported | inferred
    published_at: datetime | None  # when it was confirmed (the confirming article's day)
    statement_id: int | None
    corroborated_by: tuple[int, ...] = ()  # later articles restating it
    confirmed_by: tuple[int, ...] = ()  # the articles that made it believed, first one first
    basis: str = ""  # reported | confident | outlets: why it was believed


@dataclass(frozen=True)
class Signal:
    """A new target stated, not yet believed: one outlet, no sure statement, no reported move."""

    to_target: Target
    article_id: int
    statement_id: int | None
    published_at: datetime | None
    articles: tuple[int, ...]
    outlets: tuple[str, ...]


@dataclass
class TimelineState:
    known: Target | None = None
    superseded: list[Target] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    known_since: int | None = None  # article that set the known target
    known_statement: int | None = None
    signals: list[Signal] = field(default_factory=list)


def move_key(from_target: Target | None, to_target: Target) -> str:
    def fmt(t: Target | None) -> str:
        return f"{t[0].isoformat()}/{t[1]}" if t else "none"

    return f"{fmt(from_target)}>{fmt(to_target)}"


def _same(a: Target | None, b: Target | None) -> bool:
    return a is not None and b is not None and same_target(a, b)


@dataclass(frozen=True)
class _Claim:
    """A target an article states: (deadline, precision, approx), its statement, how sure."""

    target: Target
    statement: int | None
    confident: bool  # a "high" statement: the HDH's migration named with the date


@dataclass(frozen=True)
class _ArticleTargets:
    article_id: int
    published_at: datetime | None
    outlet: str  # the site, for "independent outlets"
    claims: tuple[_Claim, ...]  # plain current targets not over at publication
    shift: tuple[Target, Target, int, bool] | None  # (from, to, statement of "to", reported)


def outlet_of(url: str | None, outlet: str | None, article_id: int) -> str:
    """Who published an article, for "independent outlets": the outlet's name as its page
    gives it, else its site (the host without "www.": an aggregator's pages count once);
    an article with neither stands alone."""
    name = " ".join((outlet or "").lower().split())
    if name:
        return name
    host = (urlsplit(url or "").hostname or "").lower()
    for prefix in ("www.", "m.", "amp."):
        host = host.removeprefix(prefix)
    if host and not host.endswith(".invalid"):
        return host
    return f"article:{article_id}"


def _article_targets(session: Session) -> list[_ArticleTargets]:
    """Relevant, original (not syndicated-copy) articles with their statements, in order.

    Reads plain columns, not ORM entities, and lets the database sort: a store
    of years holds thousands of statements, and building an object for each
    cost several times the query. Articles of one day are ordered by address, not by
    arrival, so that the replay does not depend on the order pages were crawled in.
    """
    from hdhwatch.classify.deadlines import reported_shift
    from hdhwatch.records import TARGET_KINDS, Deadline

    s = DeadlineStatement
    when = func.coalesce(Article.published_at, Article.fetched_at)
    rows = session.execute(
        select(Article.id, when, Article.url, Article.outlet, s.id, s.deadline, s.precision,
               s.role, s.bound, s.scope, s.offset, s.confidence, s.basis, s.approx,
               func.length(Article.title))
        .join(s, s.article_id == Article.id)
        .where(Article.relevant.is_(True), Article.duplicate_of_id.is_(None),
               s.kind.in_(TARGET_KINDS))
        .order_by(when, Article.url, s.offset, s.id)
    ).all()
    result = []
    for article_id, group in groupby(rows, key=lambda row: row[0]):
        # the body's statements before the headline's: an alert quotes the body's sentence
        group = list(group)
        title_end = group[0][14] or 0
        group = sorted(group, key=lambda r: (r[10] <= title_end, r[10], r[4]))
        _, published, url, outlet = group[0][:4]
        day = published.date() if published is not None else None
        claims = tuple(
            _Claim((deadline, precision, bool(approx)), sid, confidence == "high")
            for _, _, _, _, sid, deadline, precision, role, bound, scope, _, confidence, _, approx,
            _ in group
            if role == "current" and bound is None and scope is None
            and (day is None or deadline >= day)  # a target over at publication is stale
        )
        # reported_shift reads dates, roles, bounds, scopes and offsets only
        shift = reported_shift([
            Deadline(deadline=deadline, precision=precision, role=role, sentence="",
                     offset=offset, phrase="", bound=bound, scope=scope)
            for _, _, _, _, _, deadline, precision, role, bound, scope, offset, _, _, _, _ in group
        ])
        moved = None
        if shift is not None:
            to = (shift.to_deadline, shift.to_precision)
            row = next((r for r in group if (r[5], r[6]) == to and r[7] == "current"), None)
            frm = (shift.from_deadline, shift.from_precision)
            given_up = any((r[5], r[6]) == frm and r[7] == "former" and r[12] == "shift"
                           for r in group)
            if row is not None and (day is None or to[0] >= day):
                # the move is reported when the old date is explicitly given up, or the new
                # one's sentence says it moved or names the migration surely; otherwise the
                # new date is only one more statement
                reported = given_up or row[12] == "shift" or row[11] == "high"
                moved = ((*frm, False), (*to, bool(row[13])),
                         row[4], reported)
        result.append(_ArticleTargets(article_id, published, outlet_of(url, outlet, article_id),
                                      claims, moved))
    return result


@dataclass
class _Candidate:
    claim: _Claim
    article_id: int
    published_at: datetime | None
    articles: list[int]
    outlets: list[str]
    confident: bool
    reported: bool

    def believed(self) -> bool:
        return self.reported or self.confident or len(self.outlets) >= CONFIRMING_OUTLETS


def replay(articles: list[_ArticleTargets]) -> TimelineState:
    """Walk the articles in order: FORMAT.md's timeline rule, with a new target believed
    only when an article reports the move itself, when a statement of it is sure ("high":
    the HDH's migration named with the date), or when ``CONFIRMING_OUTLETS`` independent
    outlets state it. Until then it is a signal. An earlier target than the known one is
    only believed when reported as a move (else it is a stale or wrong restatement); a
    superseded one restated raises nothing.
    """
    state = TimelineState()
    corroboration: dict[str, list[int]] = {}
    current_key: str | None = None
    pending: list[_Candidate] = []
    for item in articles:
        if item.shift is not None and item.shift[3] and not _same(item.shift[1], state.known):
            claim = _Claim(item.shift[1], item.shift[2], True)
            reported = True
        else:
            claim = _choose_claim(item, state.known)
            reported = False
            if claim is None:
                continue
            if _same(claim.target, state.known):
                if current_key:
                    corroboration.setdefault(current_key, []).append(item.article_id)
                continue
            if any(_same(claim.target, old) for old in state.superseded):
                continue  # a stale restatement, not a move back
            if state.known is not None and claim.target[0] < state.known[0]:
                continue  # earlier than the known target and not reported as a move
        candidate = next((c for c in pending if _same(c.claim.target, claim.target)), None)
        if candidate is None:
            candidate = _Candidate(claim, item.article_id, item.published_at, [], [], False,
                                   False)
            pending.append(candidate)
        if item.article_id not in candidate.articles:
            candidate.articles.append(item.article_id)
        if item.outlet not in candidate.outlets:
            candidate.outlets.append(item.outlet)
        candidate.confident = candidate.confident or claim.confident
        candidate.reported = candidate.reported or reported
        if reported:
            # the reported move's own sentence is the evidence to quote
            candidate.claim, candidate.article_id = claim, item.article_id
        if not candidate.believed():
            continue
        pending.remove(candidate)
        new = candidate.claim.target
        basis = "reported" if candidate.reported else "confident" if candidate.confident \
            else "outlets"
        if state.known is None and not reported:
            state.known, state.known_since, state.known_statement = (
                new, candidate.article_id, candidate.claim.statement)
            continue  # the first target learnt raises nothing
        old = state.known or (item.shift[0] if item.shift else None)
        if old is None:
            state.known, state.known_since, state.known_statement = (
                new, candidate.article_id, candidate.claim.statement)
            continue
        key = move_key(old, new)
        state.moves.append(Move(
            key, old, new, candidate.article_id, "reported" if reported else "inferred",
            item.published_at, candidate.claim.statement,
            confirmed_by=tuple(candidate.articles), basis=basis,
        ))
        state.superseded.append(old)
        state.known, state.known_since, state.known_statement = (
            new, candidate.article_id, candidate.claim.statement)
        current_key = key
        # what was pending is judged again against the new known target
        pending = [c for c in pending if not _same(c.claim.target, new)
                   and not any(_same(c.claim.target, o) for o in state.superseded)
                   and c.claim.target[0] > new[0]]
    state.moves = [
        replace(m, corroborated_by=tuple(corroboration.get(m.key, ()))) for m in state.moves
    ]
    state.signals = [
        Signal(c.claim.target, c.article_id, c.claim.statement, c.published_at,
               tuple(c.articles), tuple(c.outlets))
        for c in pending
        if not (state.known is not None and c.claim.target[0] < state.known[0])
    ]
    return state


def _choose_claim(item: _ArticleTargets, known: Target | None) -> _Claim | None:
    """The article's target: the known one if it restates it, else the latest it states."""
    if not item.claims:
        return None
    for claim in item.claims:
        if _same(claim.target, known):
            return claim
    return max(item.claims, key=lambda c: (c.target[0], c.target[1]))


def current_state(session: Session) -> TimelineState:
    """Replay every stored statement (what ``update_timeline`` stores)."""
    return replay(_article_targets(session))


MOVE = "target_move"  # the kind of event this detector raises


def event_key(key: str) -> str:
    """The event key of a move key ("target_move:2025-12-31/year>2026-12-31/year")."""
    return f"{MOVE}:{key}"


def move_payload(frm: Target | None, to: Target, how: str, basis: str = "", **extra) -> dict:
    """A target move's ``Event.payload``: both ends (ISO day, precision, approx), how and why
    it was learnt."""
    return {
        "from": frm[0].isoformat() if frm else None,
        "from_precision": frm[1] if frm else None,
        "from_approx": bool(frm[2]) if frm and len(frm) > 2 else False,
        "to": to[0].isoformat(), "to_precision": to[1],
        "to_approx": bool(to[2]) if len(to) > 2 else False,
        "how": how, "basis": basis, **extra,
    }


def move_event(frm: Target | None, to: Target, article_id: int, *, how: str = "inferred",
               basis: str = "", statement_id: int | None = None,
               published_at: datetime | None = None, status: str = "confirmed") -> Event:
    """A new (unsaved) target-move event, keyed by its dates."""
    return Event(kind=MOVE, key=event_key(move_key(frm, to)), status=status,
                 article_id=article_id, statement_id=statement_id,
                 payload=move_payload(frm, to, how, basis), published_at=published_at)


def _target(day: str | None, precision: str | None, approx: bool | None) -> Target | None:
    return (date.fromisoformat(day), precision or "day", bool(approx)) if day else None


def _event_target(payload: dict, end: str) -> Target | None:
    return _target(payload.get(end), payload.get(f"{end}_precision"),
                   payload.get(f"{end}_approx"))


def known_target(session: Session) -> TimelineState:
    """The state readers ask for, from the stored events when there are any.

    Every crawl and ``classify --all`` ends with ``update_timeline``, so the
    stored events are the replay's result: reading them costs one query where
    a replay reads every statement (thousands in a store of years). With no
    confirmed move yet, the first target learnt is only in a replay.
    """
    events = list(session.scalars(
        select(Event).where(Event.kind == MOVE)
        .order_by(Event.published_at.nulls_first(), Event.id)
    ))
    confirmed = [e for e in events if e.status == "confirmed"]
    if not confirmed:
        return current_state(session)
    last = confirmed[-1]
    state = TimelineState(
        known=_event_target(last.payload, "to"),
        superseded=[t for e in confirmed if (t := _event_target(e.payload, "from"))],
        known_since=last.article_id,
        known_statement=last.statement_id,
    )
    state.moves = [
        Move(e.key.removeprefix(f"{MOVE}:"), _event_target(e.payload, "from"),
             _event_target(e.payload, "to"), e.article_id, e.how, e.published_at,
             e.statement_id, basis=e.payload.get("basis", ""))
        for e in confirmed
    ]
    state.signals = [
        Signal(_event_target(e.payload, "to"), e.article_id, e.statement_id, e.published_at,
               tuple(link.article_id for link in e.links),
               tuple(e.payload.get("outlets") or ()))
        for e in events if e.status == "signal"
    ]
    return state


@dataclass(frozen=True)
class TimelineUpdate:
    """What a replay changed in the stored events."""

    state: TimelineState
    confirmed: list[Event]  # moves believed by this replay (new, or signals until now)
    removed: list[str]  # keys of events the replay no longer finds
    latest: str | None  # key of the move that set today's target

    @property
    def news(self) -> set[str]:
        """The events worth announcing: the move that set today's target."""
        return {self.latest} if self.latest else set()


def update_timeline(session: Session, now: datetime | None = None) -> TimelineUpdate:
    """Replay the timeline and store its moves and signals as events.

    Events are keyed by their dates, so a replay never creates one twice, and
    the outbox keys its messages on the same key. Events the replay no longer
    finds (an older article crawled late changed the order, the rules changed)
    are removed: the stored timeline is always the replay of the stored
    statements. No savepoint: the events and the messages they cause commit in
    the caller's transaction, or not at all (a concurrent replay inserting the
    same key is settled by ``ON CONFLICT DO NOTHING``).
    """
    now = now or utcnow()
    state = current_state(session)
    existing = {e.key: e for e in session.scalars(select(Event).where(Event.kind == MOVE))}
    confirmed: list[Event] = []
    wanted: list[tuple[str, str, Move | Signal]] = [
        (event_key(m.key), "confirmed", m) for m in state.moves
    ] + [(event_key(move_key(state.known, s.to_target)), "signal", s) for s in state.signals]
    for key, status, item in wanted:
        if isinstance(item, Move):
            payload = move_payload(item.from_target, item.to_target, item.kind, item.basis)
            links = [(a, "confirms") for a in item.confirmed_by or (item.article_id,)] + [
                (a, "corroborates") for a in item.corroborated_by]
        else:
            payload = move_payload(state.known, item.to_target, "signal",
                                   outlets=list(item.outlets))
            links = [(a, "states") for a in item.articles]
        event = existing.pop(key, None)
        if event is None:
            event = _insert_event(session, key, status, item, payload, now)
            if status == "confirmed":
                confirmed.append(event)
        elif status == "confirmed" and event.status != "confirmed":
            confirmed.append(event)
        event.status, event.payload = status, payload
        event.article_id, event.statement_id = item.article_id, item.statement_id
        event.published_at = item.published_at
        if status == "confirmed" and event.confirmed_at is None:
            event.confirmed_at = now
        link_articles(session, event, links)
    for stale in existing.values():
        session.delete(stale)
    session.flush()
    latest = event_key(state.moves[-1].key) if state.moves else None
    return TimelineUpdate(state, confirmed, list(existing), latest)


def _insert_event(session: Session, key: str, status: str, item: Move | Signal, payload: dict,
                  now: datetime) -> Event:
    session.execute(
        dialect_insert(session, Event).values(
            kind=MOVE, key=key, status=status, article_id=item.article_id,
            statement_id=item.statement_id, payload=payload, published_at=item.published_at,
            detected_at=now, confirmed_at=now if status == "confirmed" else None,
        ).on_conflict_do_nothing(index_elements=["key"])
    )
    return session.scalars(select(Event).where(Event.key == key)).one()


def link_articles(session: Session, event: Event, links: list[tuple[int, str]]) -> None:
    """Make the event's articles exactly ``links`` (article, relation), first relation kept."""
    want: dict[int, str] = {}
    for article_id, relation in links:
        want.setdefault(article_id, relation)
    have = {link.article_id: link for link in event.links}
    for article_id, link in have.items():
        if article_id not in want:
            # out of the collection too (delete-orphan deletes the row): a second call for
            # the same event in this transaction must not see it and delete it again
            event.links.remove(link)
        elif link.relation != want[article_id]:
            link.relation = want[article_id]
    for article_id, relation in want.items():
        if article_id not in have:
            event.links.append(EventArticle(article_id=article_id, relation=relation))
