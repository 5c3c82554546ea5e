"""The health of the sources, as events for the operator (never mailed to readers).

From the recorded crawl runs:

- ``source_failing`` — a source whose last ``FAILING_RUNS`` runs fetched nothing at all
  (not even its feed: a dead address, a refused connection, a site that now blocks
  us). A quiet feed answering "304 Not Modified" is fetched, and healthy.
- ``source_drift`` — extraction drift: in the source's last run, at least
  ``DRIFT_SHARE`` of the pages came without a date or without a body, where the runs
  before it had fewer than ``DRIFT_BASELINE`` such pages: the outlet changed its page
  structure and the extractor no longer finds what it found.

One event per episode (keyed by the day it began), removed when the source recovers,
so a source that breaks again months later is announced again. Every current episode is
news: the operator hears of it once, when it is first believed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdhwatch.store.articles import dialect_insert
from hdhwatch.store.db import utcnow
from hdhwatch.store.models import Article, CrawlRun, Event, Source

KINDS = ("source_failing", "source_drift")
FAILING_RUNS = 3  # consecutive runs that fetched nothing
DRIFT_SHARE = 0.5
DRIFT_BASELINE = 0.2
DRIFT_MIN_PAGES = 5  # a run with fewer pages says nothing about drift
HISTORY = 8  # runs read per source


@dataclass(frozen=True)
class SourcesUpdate:
    confirmed: list[Event]
    removed: list[str]
    news: set[str]


@dataclass(frozen=True)
class _Run:
    id: int
    started_at: datetime
    pages: int
    new: int
    errors: dict
    last_error: str | None
    undated: int = 0

    @property
    def missing_share(self) -> tuple[int, float]:
        """(pages judged, share of them without a date or a body)."""
        empty = int((self.errors or {}).get("empty_body", 0))
        judged = self.new + empty
        return judged, ((self.undated + empty) / judged if judged else 0.0)


def _runs(session: Session) -> dict[str, list[_Run]]:
    """The recent finished or interrupted runs of each source, newest first."""
    undated = dict(session.execute(
        select(Article.crawl_run_id, func.count())
        .where(Article.published_at.is_(None), Article.crawl_run_id.is_not(None))
        .group_by(Article.crawl_run_id)
    ).all())
    rows = session.execute(
        select(Source.name, CrawlRun.id, CrawlRun.started_at, CrawlRun.pages_fetched,
               CrawlRun.new_articles, CrawlRun.errors, CrawlRun.last_error)
        .join(CrawlRun, CrawlRun.source_id == Source.id)
        .where(CrawlRun.status != "running")
        .order_by(Source.name, CrawlRun.started_at.desc(), CrawlRun.id.desc())
    ).all()
    runs: dict[str, list[_Run]] = {}
    for name, run_id, started, pages, new, errors, last_error in rows:
        kept = runs.setdefault(name, [])
        if len(kept) < HISTORY:
            kept.append(_Run(run_id, started, pages, new, errors or {}, last_error,
                             undated.get(run_id, 0)))
    return runs


def _episodes(runs: dict[str, list[_Run]]) -> dict[str, tuple[str, str, datetime, dict]]:
    """key -> (kind, source, since, payload) for every current episode."""
    found: dict[str, tuple[str, str, datetime, dict]] = {}
    for name, recent in runs.items():
        failing = recent[:FAILING_RUNS]
        if len(failing) == FAILING_RUNS and all(r.pages == 0 for r in failing):
            since = failing[-1].started_at
            for run in recent[FAILING_RUNS:]:
                if run.pages:
                    break
                since = run.started_at
            errors: dict[str, int] = {}
            for run in failing:
                for kind, count in run.errors.items():
                    errors[kind] = errors.get(kind, 0) + int(count)
            found[f"source_failing:{name}:{since.date().isoformat()}"] = (
                "source_failing", name, since,
                {"subject": name, "runs": len(failing), "errors": errors,
                 "last_error": failing[0].last_error or "", "since": since.isoformat()})
        latest, before = recent[0] if recent else None, recent[1:]
        if latest is None:
            continue
        judged, share = latest.missing_share
        base = [r.missing_share for r in before if r.missing_share[0]]
        base_pages = sum(n for n, _ in base)
        if judged >= DRIFT_MIN_PAGES and share >= DRIFT_SHARE and base_pages >= DRIFT_MIN_PAGES:
            baseline = sum(n * s for n, s in base) / base_pages
            if baseline < DRIFT_BASELINE:
                found[f"source_drift:{name}:{latest.started_at.date().isoformat()}"] = (
                    "source_drift", name, latest.started_at,
                    {"subject": name, "share": round(share, 2),
                     "baseline": round(baseline, 2), "pages": judged,
                     "since": latest.started_at.isoformat()})
    return found


def update_sources(session: Session, now: datetime | None = None) -> SourcesUpdate:
    """Replay the crawl runs into source-health events (see the module's docstring)."""
    now = now or utcnow()
    episodes = _episodes(_runs(session))
    existing = {e.key: e for e in session.scalars(select(Event).where(Event.kind.in_(KINDS)))}
    confirmed: list[Event] = []
    for key, (kind, _name, since, payload) in episodes.items():
        event = existing.pop(key, None)
        if event is None:
            session.execute(dialect_insert(session, Event).values(
                kind=kind, key=key, status="confirmed", article_id=None, payload=payload,
                published_at=since, detected_at=now, confirmed_at=now,
            ).on_conflict_do_nothing(index_elements=["key"]))
            event = session.scalars(select(Event).where(Event.key == key)).one()
            confirmed.append(event)
        else:
            event.payload = payload
    for recovered in existing.values():
        session.delete(recovered)
    session.flush()
    return SourcesUpdate(confirmed, list(existing), set(episodes))
