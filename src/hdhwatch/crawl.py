"""Crawling, library side: what a spider asks of hdhwatch, and how a crawl is launched.

A ``CrawlSession`` belongs to one spider in one process. It opens the
database, records a ``CrawlRun`` per source, answers "is this URL stored?",
keeps conditional-GET validators, and turns a fetched page into a stored
article (extract → watch terms → store → classify). Spiders and pipelines in
``scrapers/`` only call it.

``run_crawl`` launches the crawl in a subprocess: the Twisted reactor cannot
be restarted, and a crash there must not take the caller down.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from hdhwatch import store
from hdhwatch.config import Settings, SourceConfig, child_environment
from hdhwatch.db import Database, open_database, utcnow
from hdhwatch.errors import CrawlFailed, ExtractionError, OffTopic
from hdhwatch.extract import canonical_url, content_hash, parse_article
from hdhwatch.notify import enqueue_shift_alerts
from hdhwatch.records import Article
from hdhwatch.textutil import fold_fast


@dataclass(frozen=True)
class Page:
    """A fetched page as the spider hands it over."""

    source: str
    url: str  # final URL, after redirects
    body: str | bytes
    requested: tuple[str, ...] = ()  # the URLs asked for on the way (redirects)


@dataclass(frozen=True)
class PageOutcome:
    status: str  # new | known | duplicate_url | off_topic | error
    article_id: int | None = None
    reason: str | None = None


def matches_watch_terms(article: Article, terms: Sequence[str]) -> str | None:
    """The first watch term found in title, lead, description or body (accent- and
    case-insensitive, whole words), or None."""
    import re

    haystack = fold_fast(
        " \n ".join(filter(None, [article.title, article.lead, article.description, article.text]))
    )
    for term in terms:
        needle = fold_fast(term)
        # The substring test first: a pattern opening on a look-behind makes `re` try
        # every position of the text (~0.1 ms a term on an 800-word article).
        if needle in haystack and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
            return term
    return None


class CrawlSession:
    """Bookkeeping of one spider's crawl over its sources."""

    def __init__(self, settings: Settings, sources: Sequence[SourceConfig]) -> None:
        self.settings = settings
        self.sources = {s.name: s for s in sources}
        self.counts: dict[str, store.RunCounts] = {s.name: store.RunCounts() for s in sources}
        self.db: Database | None = None
        self._source_ids: dict[str, int] = {}
        self._run_ids: dict[str, int] = {}
        self._scheduled: set[str] = set()
        self._validators: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self._lock = threading.Lock()
        # Called with the session and the new shift events, in the same transaction:
        # the notifier queues its messages there (a transactional outbox).
        self.on_shifts = functools.partial(enqueue_shift_alerts, settings=settings)

    # lifecycle -------------------------------------------------------------
    def open(self) -> None:
        self.db = open_database(self.settings.database_url)
        with self.db.session() as session:
            for name, config in self.sources.items():
                source = store.ensure_source(session, config)
                self._source_ids[name] = source.id
                self._run_ids[name] = store.start_run(session, source, os.getpid()).id

    def close(self) -> None:
        if self.db is None:
            return
        with self.db.session() as session:
            for name, run_id in self._run_ids.items():
                store.save_counts(session, run_id, self.counts[name], finished=True)
            # Validators only once the feed's articles are all handled: a crawl
            # killed earlier, or whose article fetches failed, must refetch the feed.
            for (name, url), (etag, modified) in self._validators.items():
                if not self.counts[name].errors:
                    store.set_validators(session, self._source_ids[name], url, etag, modified)
        if any(c.new_articles for c in self.counts.values()):
            # Once per crawl, so the new articles are replayed in publication order.
            from hdhwatch.analyse import advance_timeline

            with self.db.session() as session:
                advance_timeline(session, self.on_shifts)
        self.db.close()
        self.db = None

    def flush(self) -> None:
        """Save the counters so far (a killed crawl keeps them)."""
        assert self.db is not None
        with self.db.session() as session:
            for name, run_id in self._run_ids.items():
                store.save_counts(session, run_id, self.counts[name], finished=False)

    # discovery -------------------------------------------------------------
    def validators(self, source: str, url: str) -> tuple[str | None, str | None]:
        assert self.db is not None
        with self.db.session() as session:
            return store.get_validators(session, self._source_ids[source], url)

    def remember_validators(self, source: str, url: str, etag: str | None, modified: str | None):
        if etag or modified:
            self._validators[(source, url)] = (etag, modified)

    def new_links(self, source: str, urls: Iterable[str]) -> list[tuple[str, str]]:
        """(url, canonical) pairs not stored yet nor scheduled in this crawl."""
        assert self.db is not None
        pairs = [(url, canonical_url(url)) for url in urls]
        with self.db.session() as session:
            known = store.known_urls(session, [c for _, c in pairs])
        fresh = []
        for url, canonical in pairs:
            if canonical in known or canonical in self._scheduled:
                self.counts[source].skipped += 1
                continue
            self._scheduled.add(canonical)
            fresh.append((url, canonical))
        return fresh

    def error(self, source: str, kind: str, message: str) -> None:
        with self._lock:
            self.counts[source].error(kind, message)

    def fetched(self, source: str) -> None:
        with self._lock:
            self.counts[source].pages_fetched += 1

    # pages -----------------------------------------------------------------
    def process_page(self, page: Page) -> PageOutcome:
        """Extract, filter on watch terms and store one page. Thread-safe."""
        assert self.db is not None
        counts = self.counts[page.source]
        try:
            article = parse_article(page.body, page.url, max_bytes=self.settings.max_page_bytes)
        except ExtractionError as exc:
            self.error(page.source, exc.reason, f"{page.url}: {exc}")
            return PageOutcome("error", reason=exc.reason)
        if self.settings.watch_terms and not matches_watch_terms(
            article, self.settings.watch_terms
        ):
            with self._lock:
                counts.dropped += 1
            return PageOutcome("off_topic", reason=OffTopic.reason)
        fetched = tuple(canonical_url(u) for u in (page.url, *page.requested))
        with self.db.session() as session:
            result = store.save_article(
                session,
                article,
                content_hash(article),
                fetched_urls=fetched,
                source_id=self._source_ids[page.source],
                run_id=self._run_ids[page.source],
            )
            if result.new:
                self._after_store(session, result.article_id)
        with self._lock:
            if result.new:
                counts.new_articles += 1
            else:
                counts.skipped += 1
        return PageOutcome("new" if result.new else "known", result.article_id)

    def _after_store(self, session, article_id: int) -> None:
        """Classify the article and move the timeline in the transaction that stores it."""
        from hdhwatch.analyse import analyse_article
        from hdhwatch.providers import default_catalog

        analyse_article(
            session,
            article_id,
            default_catalog(self.settings.providers_path),
            move_timeline=False,
        )


@dataclass(frozen=True)
class RunSummary:
    source: str
    status: str
    pages_fetched: int
    new_articles: int
    skipped: int
    dropped: int
    errors: dict[str, int] = field(default_factory=dict)
    started_at: datetime | None = None
    last_error: str | None = None


def select_sources(settings: Settings, names: Sequence[str] = ()) -> list[SourceConfig]:
    """The named sources (any state), or every enabled one."""
    if names:
        return [settings.source(name) for name in names]
    return [s for s in settings.sources if s.enabled]


def run_crawl(
    settings: Settings,
    names: Sequence[str] = (),
    *,
    echo: Callable[[str], None] | None = None,
    progress: Callable[[list[RunSummary]], None] | None = None,
    timeout: float | None = None,
) -> list[RunSummary]:
    """Crawl the sources in a subprocess and return one summary per source.

    ``echo`` receives the crawler's log lines; ``progress`` the counts so far,
    about once a second (the crawler saves them every few pages).
    """
    sources = select_sources(settings, names)
    if not sources:
        return []
    cmd = [sys.executable, "-m", "hdhwatch.crawler", *[s.name for s in sources]]
    # Migrated before the child starts: progress reads never meet a missing schema,
    # and one engine serves every read of this crawl.
    db = open_database(settings.database_url)
    try:
        return _watch(settings, db, cmd, echo, progress, timeout)
    finally:
        db.close()


def _watch(
    settings: Settings, db: Database, cmd: list[str], echo, progress, timeout
) -> list[RunSummary]:
    launched = utcnow() - timedelta(seconds=1)
    proc = subprocess.Popen(
        cmd,
        env=child_environment(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    tail: deque[str] = deque(maxlen=40)
    reader = threading.Thread(target=_drain, args=(proc, tail, echo), daemon=True)
    reader.start()
    started = time.monotonic()
    while proc.poll() is None:
        if timeout is not None and time.monotonic() - started > timeout:
            proc.kill()
            raise CrawlFailed(f"the crawl took longer than {timeout:.0f}s and was stopped")
        reader.join(1.0)
        if progress and proc.poll() is None:
            with db.session() as session:
                progress(summaries_for_pid(session, proc.pid, launched, mark=False))
    reader.join()
    with db.session() as session:
        summaries = summaries_for_pid(session, proc.pid, launched)
    if proc.returncode != 0 and not summaries:
        raise CrawlFailed(
            f"the crawl process failed (exit code {proc.returncode}):\n" + "".join(tail).rstrip()
        )
    return summaries


def _drain(proc: subprocess.Popen, tail: deque[str], echo) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        tail.append(line)
        if echo:
            echo(line.rstrip("\n"))


def summaries_for_pid(session, pid: int, since: datetime, *, mark: bool = True) -> list[RunSummary]:
    """The runs of one crawl process; ``mark``: the process has ended, so runs it left
    'running' were interrupted."""
    from hdhwatch.models import CrawlRun, Source

    if mark:
        store.mark_interrupted_runs(session)
    rows = session.execute(
        select(Source.name, CrawlRun)
        .join(CrawlRun, CrawlRun.source_id == Source.id)
        .where(CrawlRun.pid == pid, CrawlRun.started_at >= since)
        .order_by(CrawlRun.id)
    ).all()
    return [
        RunSummary(
            source=name,
            status=run.status,
            pages_fetched=run.pages_fetched,
            new_articles=run.new_articles,
            skipped=run.skipped,
            dropped=run.dropped,
            errors=dict(run.errors or {}),
            started_at=run.started_at,
            last_error=run.last_error,
        )
        for name, run in rows
    ]
