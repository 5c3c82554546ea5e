"""Events: what happened in the story, detected from what is stored, raised once each.

Each detector replays the stored classifications into ``Event`` rows (kind, a stable
key, confirmed or signal, the articles behind it) and says which of its events are news
(worth announcing now). Detectors are registered here, in the order they run:

- ``timeline`` — the migration's target moving (``target_move``);
- ``story`` — a provider chosen, shortlisted or excluded, a certification, a ruling,
  a tender (``provider_selected``, ``certification_obtained``, ``legal_ruling``,
  ``tender_launched``…);
- ``sources`` — a source failing, or whose extraction drifted (``source_failing``,
  ``source_drift``): for the operator, never for readers.

A new kind of event is a new module with an ``update(session, now)`` returning what
it confirmed, removed and holds as news, and one line here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from hdhwatch.events import sources, story, timeline
from hdhwatch.store.models import Event

DETECTORS: tuple[tuple[str, Callable], ...] = (
    ("timeline", timeline.update_timeline),
    ("story", story.update_story),
    ("sources", sources.update_sources),
)


def family(kind: str) -> str:
    """The family an event kind belongs to: "target", "provider", ..., "source"."""
    return "target" if kind == "target_move" else kind.split("_", 1)[0]


FAMILIES = ("target", "provider", "certification", "legal", "tender", "source")
# What a reader gets unless they choose: everything about the story, not the operator's.
READER_FAMILIES = tuple(f for f in FAMILIES if f != "source")


@dataclass(frozen=True)
class EventsUpdate:
    """What one run of every detector changed."""

    confirmed: list[Event]  # believed by this run (new, or signals until now)
    removed: list[str]  # keys of events no detector finds any more
    news: set[str]  # keys of the events worth announcing now


def detect(session: Session, now: datetime | None = None) -> EventsUpdate:
    """Run every detector over what is stored, in the caller's transaction."""
    confirmed: list[Event] = []
    removed: list[str] = []
    news: set[str] = set()
    for _name, update in DETECTORS:
        result = update(session, now)
        confirmed.extend(result.confirmed)
        removed.extend(result.removed)
        news |= result.news
    return EventsUpdate(confirmed, removed, news)
