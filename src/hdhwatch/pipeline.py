"""The pipeline, one page at a time: extract → keep or drop → classify → store → detect.

``prepare`` is the pure part (no database, no network; ``hdhwatch.prepare``): a
fetched page or a corpus line becomes an article, is dropped when it names no watch
term, and is classified. It is the costly part, so a crawl may run it in worker
processes, which import that module alone. ``store`` writes a
prepared article and its classification in the caller's transaction, and ``process``
is the two together. The crawl, ``hdhwatch eval`` and the benchmarks all go through
them. ``advance_timeline`` then runs the event detectors over what is stored (once per
crawl: articles arrive in crawl order, not publication order), and the alerts they
cause commit with the events. The crawl reaches the mail channels only through here
(``shift_alerts``).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from hdhwatch.channels.notify import cancel_stale_alerts, enqueue_alerts
from hdhwatch.classify import classify
from hdhwatch.classify.providers import ProviderCatalog
from hdhwatch.config import Settings
from hdhwatch.events import detect
from hdhwatch.events.timeline import MOVE
from hdhwatch.prepare import Prepared, matches_watch_terms, prepare, terms_version
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.records import Classification
from hdhwatch.store.articles import SaveResult, save_article
from hdhwatch.store.classifications import persist_classification, persist_new_classification
from hdhwatch.store.models import Article, Event

__all__ = [  # the pure half, from hdhwatch.prepare, with the rest
    "Prepared", "advance_timeline", "analyse_article", "matches_watch_terms", "prepare",
    "process", "reclassify_all", "shift_alerts", "store", "terms_version",
]


def store(
    session: Session, prepared: Prepared, *, fetched_urls: Sequence[str] = (),
    source_id: int | None = None, run_id: int | None = None,
) -> SaveResult:
    """Store a prepared article and, when it is new, its classification (idempotent: an
    article stored already is left as it is). In the caller's transaction."""
    result = save_article(session, prepared.article, prepared.content_hash,
                          fetched_urls=fetched_urls, source_id=source_id, run_id=run_id)
    if result.new:
        persist_new_classification(session, result.article_id, prepared.classification)
    return result


def process(session: Session, page: bytes | str | ArticleRecord, url: str | None = None,
            **options) -> SaveResult:
    """``prepare`` then ``store``: one page through the pipeline, up to the store."""
    placement = {k: options.pop(k) for k in ("fetched_urls", "source_id", "run_id")
                 if k in options}
    return store(session, prepare(page, url, **options), **placement)


def record_of(article: Article) -> ArticleRecord:
    return ArticleRecord(
        url=article.url,
        title=article.title,
        text=article.text,
        lead=article.lead,
        published=article.published_at,
        updated=article.updated_at,
        authors=tuple(article.authors or ()),
        outlet=article.outlet,
        language=article.language,
        description=article.description,
    )


def classify_stored(
    session: Session, article: Article, catalog: ProviderCatalog | None = None
) -> Classification:
    result = classify(record_of(article), catalog, today=article.fetched_at.date())
    persist_classification(session, article, result)
    return result


def analyse_article(
    session: Session,
    article_id: int,
    catalog: ProviderCatalog | None = None,
    on_shifts: Callable[[Session, list[Event]], None] | None = None,
    *,
    move_timeline: bool = True,
) -> list[Event]:
    """Classify one stored article and (unless told not to) move the timeline.

    A crawl stores many articles in crawl order, not publication order: it
    passes ``move_timeline=False`` and calls ``move_timeline`` once at the end.
    """
    article = session.get(Article, article_id)
    result = classify_stored(session, article, catalog)
    if not (move_timeline and result.relevant and result.deadlines):
        return []
    return advance_timeline(session, on_shifts)


def advance_timeline(
    session: Session, on_shifts: Callable[[Session, list[Event]], None] | None = None
) -> list[Event]:
    """Run every event detector over what is stored; returns the events it newly
    believes. The events, the alerts they cause and the cancelled ones commit together,
    in the caller's transaction.

    Only news is announced: the move that set today's target, and each story family's
    latest events (see ``events``). The first crawl of a store, or an old article crawled
    late, adds events deep in the past, which belong in the record, not in an alert. A
    queued alert about anything else (gone from the timeline, or superseded before it
    was sent) is cancelled.
    """
    update = detect(session)
    cancel_stale_alerts(session, update.news)
    believed = [e for e in update.confirmed if e.kind != MOVE or e.from_deadline is not None]
    announce = [e for e in believed if e.key in update.news]
    if announce and on_shifts:
        on_shifts(session, announce)
    return believed


def shift_alerts(settings: Settings) -> Callable[[Session, list[Event]], None]:
    """The ``on_shifts`` callback that queues the shift alerts in the transaction raising
    the shifts (a transactional outbox)."""
    return functools.partial(enqueue_alerts, settings=settings)


@dataclass(frozen=True)
class ReclassifySummary:
    articles: int
    relevant: int
    statements: int
    new_shifts: int


def reclassify_all(
    session: Session,
    catalog: ProviderCatalog | None = None,
    progress: Callable[[int, int], None] | None = None,
    on_shifts: Callable[[Session, list[Event]], None] | None = None,
) -> ReclassifySummary:
    """Re-classify every stored article and rebuild the timeline (idempotent)."""
    ids = list(session.scalars(select(Article.id).order_by(Article.id)))
    relevant = statements = 0
    for i, article_id in enumerate(ids, 1):
        result = classify_stored(session, session.get(Article, article_id), catalog)
        relevant += result.relevant
        statements += len(result.deadlines)
        if progress:
            progress(i, len(ids))
        if i % 200 == 0:
            session.flush()
            session.expunge_all()
    events = advance_timeline(session, on_shifts)
    return ReclassifySummary(len(ids), relevant, statements, len(events))
