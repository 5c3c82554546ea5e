"""Crawling, library side: what a spider asks of hdhwatch.

A ``CrawlSession`` belongs to one spider in one process. It opens the
database, records a ``CrawlRun`` per source, answers "is this URL stored, or
dropped under the current watch terms?", keeps conditional-GET validators, and
turns a fetched page into a stored article (extract → watch terms → classify →
store; ``prepare`` here or in a worker process, ``settle`` in the writer thread,
see ``crawl.workers``), or remembers it as dropped. Spiders and pipelines in
``scrapers/`` only call it. ``crawl.run`` launches the process it runs in.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy.exc import SQLAlchemyError

from hdhwatch.classify.providers import default_catalog
from hdhwatch.config import Settings, SourceConfig
from hdhwatch.crawl.policy import check_url
from hdhwatch.crawl.workers import Page, Rejected, prepare_page
from hdhwatch.errors import BadScheme, BadUrl, OffTopic, RefusedUrl, StoreFailed, UrlTooLong
from hdhwatch.extract import canonical_url
from hdhwatch.pipeline import Prepared, terms_version
from hdhwatch.pipeline import store as store_prepared
from hdhwatch.store import articles as store
from hdhwatch.store.db import Database, open_database

# Errors of a link itself: fetching the feed again cannot mend them, so they do not
# stop its conditional-GET validators from being kept.
LINK_ERRORS = frozenset(e.reason for e in (BadScheme, BadUrl, UrlTooLong))

__all__ = ["CrawlSession", "Page", "PageOutcome"]


@dataclass(frozen=True)
class PageOutcome:
    status: str  # new | known | duplicate_url | off_topic | error
    article_id: int | None = None
    reason: str | None = None


class CrawlSession:
    """Bookkeeping of one spider's crawl over its sources."""

    def __init__(
        self, settings: Settings, sources: Sequence[SourceConfig], *, lazy_runs: bool = False
    ) -> None:
        # lazy_runs: a run is recorded for a source when its first page or error comes (a
        # ``hdhwatch worker`` serves every source, and only crawls those enqueued as due)
        self.lazy_runs = lazy_runs
        self.catalog = default_catalog(settings.providers_path)
        self.settings = settings
        self.terms_version = terms_version(settings.watch_terms)
        self.sources = {s.name: s for s in sources}
        self.counts: dict[str, store.RunCounts] = {s.name: store.RunCounts() for s in sources}
        self.db: Database | None = None
        self._source_ids: dict[str, int] = {}
        self._run_ids: dict[str, int] = {}
        self._scheduled: set[str] = set()
        self._validators: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        self._lock = threading.Lock()
        self._flushed: dict[int, store.RunCounts] = {}  # each run's counters as last saved

    # lifecycle -------------------------------------------------------------
    def open(self) -> None:
        self.db = open_database(self.settings.database_url)
        with self.db.session() as session:
            for name, config in self.sources.items():
                source = store.ensure_source(session, config)
                self._source_ids[name] = source.id
                if not self.lazy_runs:
                    self._run_ids[name] = store.start_run(session, source, os.getpid()).id

    @property
    def running(self) -> list[str]:
        """The sources with a run open in this session."""
        return list(self._run_ids)

    def _run_id(self, name: str) -> int:
        """The run of this source, recorded now if it is the first page of a lazy session."""
        with self._lock:
            if name not in self._run_ids:
                assert self.db is not None
                with self.db.session() as session:
                    source = store.ensure_source(session, self.sources[name])
                    self._run_ids[name] = store.start_run(session, source, os.getpid()).id
            return self._run_ids[name]

    def finish_runs(self, status: str = "finished") -> list[str]:
        """Record the runs so far as ended (``finished``, or ``interrupted``: stopped before
        their sources were done), finished ones with their validators, and start afresh:
        the next page of a source opens a new run. The names of the sources ended."""
        assert self.db is not None
        with self.db.session() as session:
            for name, run_id in self._run_ids.items():
                store.save_counts(session, run_id, self.counts[name], finished=True,
                                  status=status)
            # Validators only once the feed's articles are all handled: a crawl
            # stopped or killed earlier, or whose article fetches failed, must refetch
            # the feed.
            validators = self._validators.items() if status == "finished" else ()
            for (name, url), (etag, modified) in validators:
                if set(self.counts[name].errors) <= LINK_ERRORS:
                    store.set_validators(session, self._source_ids[name], url, etag, modified,
                                         self.terms_version)
        finished = list(self._run_ids)
        if self.lazy_runs:
            self._run_ids.clear()
            self._validators.clear()
            self._scheduled.clear()
            self.counts = {name: store.RunCounts() for name in self.sources}
        return finished

    def close(self, status: str = "finished") -> None:
        if self.db is None:
            return
        self.finish_runs(status)
        # The timeline is not moved here: each spider closes on its own, and a move
        # announced from one spider's partial view would be announced again, corrected,
        # when the next closes. ``run.run_crawl`` moves it once, after the whole crawl.
        self.db.close()
        self.db = None

    def flush(self) -> None:
        """Save the counters that changed since the last flush (a killed crawl keeps them)."""
        assert self.db is not None
        with self._lock:
            changed = {}
            for name, run_id in self._run_ids.items():
                counts = self.counts[name].copy()
                if self._flushed.get(run_id) != counts:
                    changed[run_id] = counts
        if not changed:
            return
        with self.db.session() as session:
            for run_id, counts in changed.items():
                store.save_counts(session, run_id, counts, finished=False)
        self._flushed.update(changed)

    # discovery -------------------------------------------------------------
    def validators(self, source: str, url: str) -> tuple[str | None, str | None]:
        assert self.db is not None
        with self.db.session() as session:
            return store.get_validators(session, self._source_ids[source], url,
                                        self.terms_version)

    def remember_validators(self, source: str, url: str, etag: str | None, modified: str | None):
        if etag or modified:
            self._validators[(source, url)] = (etag, modified)

    def may_request(self, source: str, url: str) -> bool:
        """Whether the crawler may request this discovered link; a refusal is counted as
        an error of its kind (bad_scheme, bad_url, url_too_long)."""
        try:
            check_url(url)
        except RefusedUrl as exc:
            self.error(source, exc.reason, str(exc))
            return False
        return True

    def new_links(self, source: str, urls: Iterable[str]) -> list[tuple[str, str]]:
        """(url, canonical) pairs the crawler may request: not stored yet, nor dropped
        under the current watch terms, nor scheduled in this crawl. A refused link is
        counted and skipped; the others go on."""
        assert self.db is not None
        pairs = [(url, canonical_url(url)) for url in urls if self.may_request(source, url)]
        canonicals = [c for _, c in pairs]
        with self.db.session() as session:
            known = store.known_urls(session, canonicals)
            known |= store.dropped_urls(session, canonicals, self.terms_version)
        fresh = []
        for url, canonical in pairs:
            if canonical in known or canonical in self._scheduled:
                self.counts[source].skipped += 1
                continue
            self._scheduled.add(canonical)
            fresh.append((url, canonical))
        return fresh

    def error(self, source: str, kind: str, message: str) -> None:
        if self.lazy_runs and source in self.sources:
            self._run_id(source)
        with self._lock:
            self.counts[source].error(kind, message)

    def fetched(self, source: str) -> None:
        if self.lazy_runs:
            self._run_id(source)
        with self._lock:
            self.counts[source].pages_fetched += 1

    # pages -----------------------------------------------------------------
    def process_page(self, page: Page) -> PageOutcome:
        """Prepare (extract, filter on watch terms, classify) and store one page.
        Thread-safe."""
        return self.settle(page, self.prepare(page))

    def prepare(self, page: Page) -> Prepared | Rejected:
        """Extract, filter on watch terms and classify one page, in this process."""
        return prepare_page(page, self.catalog, self.settings.watch_terms,
                            self.settings.max_page_bytes)

    def settle(self, page: Page, prepared: Prepared | Rejected) -> PageOutcome:
        """Store a prepared page (one transaction), remember an off-topic one as dropped,
        count a rejected one. Thread-safe."""
        assert self.db is not None
        counts = self.counts[page.source]
        fetched = tuple(canonical_url(u) for u in (page.url, *page.requested))
        if isinstance(prepared, Rejected) and prepared.reason != OffTopic.reason:
            self.error(page.source, prepared.reason, prepared.message)
            return PageOutcome("error", reason=prepared.reason)
        run_id = self._run_id(page.source)  # a worker's first page of a source opens its run
        try:
            with self.db.session() as session:
                if isinstance(prepared, Rejected):
                    store.remember_dropped(session, fetched, prepared.reason,
                                           self.terms_version, self._source_ids[page.source])
                    result = None
                else:
                    result = store_prepared(session, prepared, fetched_urls=fetched,
                                            source_id=self._source_ids[page.source],
                                            run_id=run_id)
        except SQLAlchemyError as exc:  # rolled back: counted, and the crawl goes on
            failed = StoreFailed(f"{page.url}: {str(exc).splitlines()[0]}")
            self.error(page.source, failed.reason, str(failed))
            return PageOutcome("error", reason=failed.reason)
        with self._lock:
            if result is None:
                counts.dropped += 1
            elif result.new:
                counts.new_articles += 1
            else:
                counts.skipped += 1
        if result is None:
            return PageOutcome("off_topic", reason=OffTopic.reason)
        return PageOutcome("new" if result.new else "known", result.article_id)
