"""Writes to the store: sources, crawl runs, conditional-GET state, articles.

Every write is idempotent: an article is inserted with ``ON CONFLICT DO
NOTHING`` on its canonical URL's hash, so a re-run, two crawls at once or a crawl
killed mid-way leave no duplicate; each article commits on its own, so a kill
loses at most the page in flight.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from functools import cache

from sqlalchemy import bindparam, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from hdhwatch.config import SourceConfig
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.store.db import core_connection, utcnow
from hdhwatch.store.models import (
    Article,
    ArticleUrl,
    CrawlRun,
    DroppedUrl,
    FeedState,
    Source,
    url_hash,
)


@dataclass(frozen=True)
class SaveResult:
    article_id: int
    new: bool
    duplicate_of: int | None = None  # same text already stored under another URL


def dialect_insert(session: Session, table):
    """An INSERT with ``on_conflict_do_*`` for the session's backend (SQLite or PostgreSQL)."""
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def ensure_source(session: Session, config: SourceConfig) -> Source:
    """The Source row for a configured source, created on first use."""
    stmt = dialect_insert(session, Source).values(
        name=config.name, kind=config.kind, title=config.title
    )
    session.execute(stmt.on_conflict_do_nothing(index_elements=["name"]))
    source = session.scalars(select(Source).where(Source.name == config.name)).one()
    if source.kind != config.kind or source.title != config.title:
        source.kind, source.title = config.kind, config.title
    return source


def mark_interrupted_runs(session: Session, source_id: int | None = None) -> int:
    """Runs still 'running' whose process is gone were killed: say so."""
    import os

    stmt = select(CrawlRun).where(CrawlRun.status == "running")
    if source_id is not None:
        stmt = stmt.where(CrawlRun.source_id == source_id)
    count = 0
    for run in session.scalars(stmt):
        if run.pid and _alive(run.pid) and run.pid != os.getpid():
            continue
        run.status = "interrupted"
        run.finished_at = run.finished_at or utcnow()
        run.last_error = run.last_error or "the crawl process stopped before finishing"
        count += 1
    return count


def _alive(pid: int) -> bool:
    import os

    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def start_run(session: Session, source: Source, pid: int) -> CrawlRun:
    mark_interrupted_runs(session, source.id)
    run = CrawlRun(source_id=source.id, pid=pid, status="running", errors={})
    session.add(run)
    session.flush()
    return run


@dataclass
class RunCounts:
    """Counters of one source's crawl, kept in memory and flushed to its CrawlRun."""

    pages_fetched: int = 0
    new_articles: int = 0
    skipped: int = 0
    dropped: int = 0
    errors: Counter[str] | None = None
    last_error: str | None = None

    def __post_init__(self) -> None:
        self.errors = self.errors or Counter()

    def error(self, kind: str, message: str) -> None:
        self.errors[kind] += 1
        self.last_error = f"{kind}: {message}"[:2000]

    def copy(self) -> RunCounts:
        """The counters as they are now, apart from these (which go on counting)."""
        return replace(self, errors=Counter(self.errors))


_SAVE_COUNTS = update(CrawlRun.__table__).where(CrawlRun.__table__.c.id == bindparam("run"))


def save_counts(
    session: Session, run_id: int, counts: RunCounts, *, finished: bool, status: str = "finished"
) -> None:
    """Save a run's counters; ``finished``: it ended, with ``status`` (finished, or
    interrupted when its process was stopped before its sources were done)."""
    values = dict(
        pages_fetched=counts.pages_fetched,
        new_articles=counts.new_articles,
        skipped=counts.skipped,
        dropped=counts.dropped,
        errors=dict(counts.errors),
        last_error=counts.last_error,
    )
    if finished:
        values.update(status=status, finished_at=utcnow())
    # A Core statement built once: the ORM's bulk update cost about 1 ms a call (a cache
    # key, and a pass over loaded objects, of which a crawl's short sessions have none),
    # and a crawl saves ten runs' counters every 20 pages.
    core_connection(session).execute(_SAVE_COUNTS, {"run": run_id, **values})


def get_validators(
    session: Session, source_id: int, url: str, terms_version: str | None = None
) -> tuple[str | None, str | None]:
    """The conditional-GET validators kept for a feed; none when they were kept under
    other watch terms than ``terms_version`` (its dropped items are to be judged again)."""
    state = session.scalars(
        select(FeedState).where(FeedState.source_id == source_id, FeedState.url == url)
    ).one_or_none()
    if state is None or (terms_version is not None and state.terms_version != terms_version):
        return (None, None)
    return (state.etag, state.last_modified)


def set_validators(
    session: Session, source_id: int, url: str, etag: str | None, last_modified: str | None,
    terms_version: str | None = None,
) -> None:
    values = dict(etag=etag, last_modified=last_modified, terms_version=terms_version,
                  checked_at=utcnow())
    stmt = dialect_insert(session, FeedState).values(source_id=source_id, url=url, **values)
    stmt = stmt.on_conflict_do_update(index_elements=["source_id", "url"], set_=values)
    session.execute(stmt)


def known_urls(session: Session, urls: list[str]) -> set[str]:
    """Which of these canonical URLs are already stored (as an article or an alias)."""
    return _urls_with_hash(session, urls, ArticleUrl.url_hash)


def dropped_urls(session: Session, urls: list[str], terms_version: str) -> set[str]:
    """Which of these canonical URLs were dropped under the watch terms of ``terms_version``
    (a URL dropped under other terms may be on topic now: it is not among them)."""
    return _urls_with_hash(session, urls, DroppedUrl.url_hash,
                           DroppedUrl.terms_version == terms_version)


def _urls_with_hash(session: Session, urls: list[str], column, *where) -> set[str]:
    """The URLs whose hash is in ``column`` (rows matching ``where``), 500 hashes a query."""
    by_hash = {url_hash(url): url for url in urls}
    hashes = list(by_hash)
    found: set[str] = set()
    for i in range(0, len(hashes), 500):
        rows = session.scalars(select(column).where(column.in_(hashes[i : i + 500]), *where))
        found.update(by_hash[h] for h in rows)
    return found


def remember_dropped(
    session: Session, urls: Iterable[str], reason: str, terms_version: str,
    source_id: int | None = None,
) -> None:
    """Record these canonical URLs as dropped for ``reason`` under ``terms_version``
    (a URL dropped before takes the new reason and version)."""
    urls = list(dict.fromkeys(urls))
    if not urls:
        return
    connection = core_connection(session)
    now = utcnow()
    rows = [dict(url=url, url_hash=url_hash(url), reason=reason, terms_version=terms_version,
                 source_id=source_id, dropped_at=now) for url in urls]
    connection.execute(_statements(connection.dialect.name).insert_dropped,
                       rows[0] if len(rows) == 1 else rows)


class _ArticleStatements:
    """The statements ``save_article`` runs, built once per backend: executed on the
    session's connection, they skip the ORM's per-statement work and reuse their compiled
    form (a new statement object each time costs a cache key, the ORM's bulk-insert path
    and a flush check on every call)."""

    def __init__(self, dialect: str) -> None:
        insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
        articles, urls = Article.__table__, ArticleUrl.__table__
        self.by_url = select(articles.c.id).where(articles.c.url_hash == bindparam("h"))
        # The article by its URL and, in the same round trip, the first stored with the
        # same text (what a new one is a duplicate of).
        self.look_up = select(
            self.by_url.scalar_subquery(),
            select(articles.c.id)
            .where(articles.c.content_hash == bindparam("c"), articles.c.duplicate_of_id.is_(None))
            .order_by(articles.c.id)
            .limit(1)
            .scalar_subquery(),
        )
        self.insert_article = (
            insert(articles).on_conflict_do_nothing(index_elements=["url_hash"])
            .returning(articles.c.id)
        )
        self.insert_urls = insert(urls).on_conflict_do_nothing(index_elements=["url_hash"])
        dropped = insert(DroppedUrl.__table__)
        self.insert_dropped = dropped.on_conflict_do_update(
            index_elements=["url_hash"],
            set_={name: dropped.excluded[name]
                  for name in ("reason", "terms_version", "source_id", "dropped_at")},
        )


@cache
def _statements(dialect: str) -> _ArticleStatements:
    return _ArticleStatements(dialect)


def save_article(
    session: Session,
    article: ArticleRecord,
    content_hash: str,
    *,
    fetched_urls: tuple[str, ...] = (),
    source_id: int | None = None,
    run_id: int | None = None,
) -> SaveResult:
    """Insert the article unless its canonical URL is stored; record every URL it was reached at."""
    connection = core_connection(session)
    sql = _statements(connection.dialect.name)
    key = url_hash(article.url)
    existing, same_text = connection.execute(sql.look_up, {"h": key, "c": content_hash}).one()
    new = False
    duplicate_of = None
    if existing is None:
        duplicate_of = same_text
        values = dict(
            url=article.url,
            url_hash=key,
            source_id=source_id,
            crawl_run_id=run_id,
            title=article.title,
            lead=article.lead,
            description=article.description,
            text=article.text,
            published_at=article.published,
            updated_at=article.updated,
            authors=list(article.authors),
            outlet=article.outlet,
            language=article.language,
            content_hash=content_hash,
            duplicate_of_id=duplicate_of,
            fetched_at=utcnow(),
        )
        inserted = connection.execute(sql.insert_article, values).scalar()
        new = inserted is not None
        existing = inserted or connection.execute(sql.by_url, {"h": key}).scalar_one()
    urls = [dict(url=url, url_hash=url_hash(url), article_id=existing)
            for url in dict.fromkeys((article.url, *fetched_urls))]
    connection.execute(sql.insert_urls, urls[0] if len(urls) == 1 else urls)
    return SaveResult(article_id=existing, new=new, duplicate_of=duplicate_of if new else None)


def last_run_times(session: Session) -> dict[str, datetime]:
    """Start time of the last finished run of each source, by source name."""
    rows = session.execute(
        select(Source.name, CrawlRun.started_at)
        .join(CrawlRun, CrawlRun.source_id == Source.id)
        .where(CrawlRun.status == "finished")
        .order_by(CrawlRun.started_at)
    )
    return {name: started for name, started in rows}
