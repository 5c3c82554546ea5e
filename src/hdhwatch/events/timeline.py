"""The timeline: the known target and shift events (``store.classifications`` persists statements).

The timeline is replayed from the stored statements in publication order (not
crawl order, so an old article crawled late cannot reverse it), with exactly
the rule of ../shared/corpus/FORMAT.md:

* an article reporting a shift whose new target is not the known one moves the
  target (``known → to``, or ``from → to`` while nothing is known);
* otherwise an article whose target is neither the known one nor an already
  superseded one moves the target (a superseded target restated later is a
  stale restatement, not a move back);
* the first target learnt raises nothing; lower bounds and interim steps are
  not targets; two dates are the same target when they fall in the same period
  at the coarser of their two precisions.

Each move is one ``ShiftEvent`` keyed by its dates, whatever the number of
outlets repeating it; later articles saying the same thing corroborate it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from itertools import groupby

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from hdhwatch.classify.deadlines import same_target
from hdhwatch.store.models import (
    Article,
    DeadlineStatement,
    ShiftCorroboration,
    ShiftEvent,
)

Target = tuple[date, str]  # (deadline, precision)


@dataclass(frozen=True)
class Move:
    """A move of the target found by the replay."""

    key: str
    from_target: Target | None
    to_target: Target
    article_id: int
    kind: str  # reported | inferred
    published_at: datetime | None
    statement_id: int | None
    corroborated_by: tuple[int, ...] = ()


@dataclass
class TimelineState:
    known: Target | None = None
    superseded: list[Target] = field(default_factory=list)
    moves: list[Move] = field(default_factory=list)
    known_since: int | None = None  # article that set the known target
    known_statement: int | None = None


def move_key(from_target: Target | None, to_target: Target) -> str:
    def fmt(t: Target | None) -> str:
        return f"{t[0].isoformat()}/{t[1]}" if t else "none"

    return f"{fmt(from_target)}>{fmt(to_target)}"


def _same(a: Target | None, b: Target | None) -> bool:
    return a is not None and b is not None and same_target(a, b)


@dataclass(frozen=True)
class _ArticleTargets:
    article_id: int
    published_at: datetime | None
    targets: tuple[tuple[Target, int], ...]  # (target, statement id)
    shift: tuple[Target, Target, int] | None  # (from, to, statement id of "to")


def _article_targets(session: Session) -> list[_ArticleTargets]:
    """Relevant, original (not syndicated-copy) articles with their statements, in order.

    Reads plain columns, not ORM entities, and lets the database sort: a store
    of years holds thousands of statements, and building an object for each
    cost several times the query.
    """
    from hdhwatch.classify.deadlines import reported_shift
    from hdhwatch.records import Deadline

    s = DeadlineStatement
    rows = session.execute(
        select(Article.id, Article.published_at, s.id, s.deadline, s.precision, s.role,
               s.bound, s.scope, s.offset)
        .join(s, s.article_id == Article.id)
        .where(Article.relevant.is_(True), Article.duplicate_of_id.is_(None))
        .order_by(func.coalesce(Article.published_at, Article.fetched_at), Article.id,
                  s.offset, s.id)
    ).all()
    result = []
    for article_id, group in groupby(rows, key=lambda row: row[0]):
        group = list(group)
        targets = tuple(
            ((deadline, precision), sid)
            for _, _, sid, deadline, precision, role, bound, scope, _ in group
            if role == "current" and bound is None and scope is None
        )
        # reported_shift reads dates, roles, bounds, scopes and offsets only
        shift = reported_shift([
            Deadline(deadline=deadline, precision=precision, role=role, sentence="",
                     offset=offset, phrase="", bound=bound, scope=scope)
            for _, _, _, deadline, precision, role, bound, scope, offset in group
        ])
        moved = None
        if shift is not None:
            to = (shift.to_deadline, shift.to_precision)
            sid = next((row[2] for row in group if (row[3], row[4]) == to and row[5] == "current"),
                       None)
            moved = ((shift.from_deadline, shift.from_precision), to, sid)
        result.append(_ArticleTargets(article_id, group[0][1], targets, moved))
    return result


def replay(articles: list[_ArticleTargets]) -> TimelineState:
    """Walk the articles in order and apply FORMAT.md's timeline rule."""
    state = TimelineState()
    corroboration: dict[str, list[int]] = {}
    current_key: str | None = None
    for item in articles:
        target, statement = _choose_target(item, state.known)
        if item.shift and not _same(item.shift[1], state.known):
            old = state.known or item.shift[0]
            new = item.shift[1]
            key = move_key(old, new)
            state.moves.append(
                Move(key, old, new, item.article_id, "reported", item.published_at, item.shift[2])
            )
            state.superseded.append(old)
            state.known, state.known_since, state.known_statement = (
                new,
                item.article_id,
                item.shift[2],
            )
            current_key = key
            continue
        if target is None:
            continue
        if _same(target, state.known) or (item.shift and _same(item.shift[1], state.known)):
            if current_key:
                corroboration.setdefault(current_key, []).append(item.article_id)
            continue
        if any(_same(target, old) for old in state.superseded):
            continue  # a stale restatement, not a move back
        if state.known is None:
            state.known, state.known_since, state.known_statement = (
                target,
                item.article_id,
                statement,
            )
            continue
        key = move_key(state.known, target)
        state.moves.append(
            Move(
                key, state.known, target, item.article_id, "inferred", item.published_at, statement
            )
        )
        state.superseded.append(state.known)
        state.known, state.known_since, state.known_statement = target, item.article_id, statement
        current_key = key
    state.moves = [
        Move(**{**m.__dict__, "corroborated_by": tuple(corroboration.get(m.key, ()))})
        for m in state.moves
    ]
    return state


def _choose_target(item: _ArticleTargets, known: Target | None) -> tuple[Target | None, int | None]:
    """The article's target: the known one if it restates it, else the latest it states."""
    if not item.targets:
        return None, None
    for target, statement in item.targets:
        if _same(target, known):
            return target, statement
    return max(item.targets, key=lambda t: (t[0][0], t[0][1]))


def current_state(session: Session) -> TimelineState:
    """Replay every stored statement (what ``update_timeline`` stores)."""
    return replay(_article_targets(session))


def known_target(session: Session) -> TimelineState:
    """The state readers ask for, from the stored shift events when there are any.

    Every crawl and ``classify --all`` ends with ``update_timeline``, so the
    stored events are the replay's result: reading them costs one query where
    a replay reads every statement (thousands in a store of years). With no
    event yet, the first target learnt is only in a replay.
    """
    events = list(session.scalars(
        select(ShiftEvent).order_by(ShiftEvent.published_at.nulls_first(), ShiftEvent.id)
    ))
    if not events:
        return current_state(session)
    last = events[-1]
    state = TimelineState(
        known=(last.to_deadline, last.to_precision),
        superseded=[(e.from_deadline, e.from_precision) for e in events if e.from_deadline],
        known_since=last.article_id,
        known_statement=last.statement_id,
    )
    state.moves = [
        Move(e.key, (e.from_deadline, e.from_precision) if e.from_deadline else None,
             (e.to_deadline, e.to_precision), e.article_id, e.kind, e.published_at,
             e.statement_id)
        for e in events
    ]
    return state


def update_timeline(session: Session) -> list[ShiftEvent]:
    """Replay the timeline and store its moves; returns the events that are new.

    Events are keyed by their dates, so a replay never creates one twice, and
    the outbox keys its messages on the same key, so an event removed and found
    again later is not announced twice. Events the replay no longer finds (an
    older article crawled late changed the order, the rules changed) are
    removed: the stored timeline is always the replay of the stored statements.
    """
    state = current_state(session)
    existing = {e.key: e for e in session.scalars(select(ShiftEvent))}
    new_events = []
    for move in state.moves:
        event = existing.pop(move.key, None)
        if event is None:
            event = ShiftEvent(
                key=move.key,
                from_deadline=move.from_target[0] if move.from_target else None,
                from_precision=move.from_target[1] if move.from_target else None,
                to_deadline=move.to_target[0],
                to_precision=move.to_target[1],
                article_id=move.article_id,
                statement_id=move.statement_id,
                kind=move.kind,
                published_at=move.published_at,
            )
            try:
                with session.begin_nested():
                    session.add(event)
            except IntegrityError:
                # another process stored the same move a moment ago
                event = session.scalars(select(ShiftEvent).where(ShiftEvent.key == move.key)).one()
            else:
                new_events.append(event)
        else:
            event.article_id, event.statement_id = move.article_id, move.statement_id
            event.kind, event.published_at = move.kind, move.published_at
        have = set(
            session.scalars(
                select(ShiftCorroboration.article_id).where(ShiftCorroboration.shift_id == event.id)
            )
        )
        for article_id in move.corroborated_by:
            if article_id not in have:
                session.add(ShiftCorroboration(shift_id=event.id, article_id=article_id))
    for stale in existing.values():
        session.delete(stale)
    session.flush()
    return new_events
