"""Where a crawl process spends its CPU: preparing pages in worker processes, storing
them in one writer thread.

``prepare`` (extract, keep or drop, classify) is pure and costly; on one core it
competes with the reactor for the GIL. With ``workers`` above 1 a
``PreparePool`` of ``workers - 1`` processes (one per core beside the reactor's)
prepares the pages, sent in batches (one pickle per batch, not per page), and
hands back ``Prepared`` articles or ``Rejected`` reasons. The crawl process stores
them, one transaction per article, in one writer thread (``CrawlSession.settle``).
With ``workers == 1`` the writer thread prepares and stores each page itself, as
before, but in one thread rather than ten (the GIL made ten slower, not faster).

A worker process that dies breaks its pool: the batches it held are sent once
more to fresh workers, then each of their pages is rejected as ``worker_failed``
(counted as an error; the page is neither stored nor remembered as dropped, so
the next crawl fetches it again).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from hdhwatch.classify.providers import ProviderCatalog, default_catalog
from hdhwatch.config import Settings
from hdhwatch.crawl.lifeline import die_with_parent
from hdhwatch.errors import ExtractionError, OffTopic, WorkerFailed
from hdhwatch.prepare import Prepared, prepare

BATCH_SIZE = 8  # pages per message to a worker process
# New articles a crawl announces before its worker processes start. Fewer are prepared
# by the writer thread: a worker's start-up (about 0.6 s of CPU) costs as much as
# preparing some 50 pages, and most scheduled crawls find a handful.
POOL_AFTER = 2 * BATCH_SIZE


@dataclass(frozen=True)
class Page:
    """A fetched page as the spider hands it over."""

    source: str
    url: str  # final URL, after redirects
    body: str | bytes
    requested: tuple[str, ...] = ()  # the URLs asked for on the way (redirects)


@dataclass(frozen=True)
class Rejected:
    """A page ``prepare`` would not keep: ``reason`` is its error kind, or off_topic."""

    reason: str
    message: str


def default_workers() -> int:
    """The cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def prepare_page(
    page: Page, catalog: ProviderCatalog, watch_terms: Sequence[str], max_bytes: int
) -> Prepared | Rejected:
    """``pipeline.prepare`` on a fetched page, its rejection named rather than raised (it
    crosses a process boundary)."""
    try:
        return prepare(page.body, page.url, catalog=catalog, watch_terms=watch_terms,
                       max_bytes=max_bytes)
    except (ExtractionError, OffTopic) as exc:
        return Rejected(exc.reason, f"{page.url}: {exc}")


# In a worker process: what every page is prepared with, set once by ``_start_worker``.
_context: tuple[ProviderCatalog, tuple[str, ...], int] | None = None


def _start_worker(providers_path: str, watch_terms: tuple[str, ...], max_bytes: int,
                  parent: int) -> None:
    global _context
    die_with_parent(parent, poll=True)
    _context = (default_catalog(Path(providers_path)), watch_terms, max_bytes)


def _prepare_batch(pages: list[Page]) -> list[Prepared | Rejected]:
    assert _context is not None
    return [prepare_page(page, *_context) for page in pages]


def _ready() -> None:
    """A first task: the workers start (imports, catalogue) while the crawl fetches feeds."""


class PreparePool:
    """``processes`` worker processes preparing batches of pages, started with ``start``
    or by the first batch: a crawl that finds little or nothing new starts none (their
    start-up would be most of such a crawl's cost)."""

    def __init__(self, settings: Settings, processes: int) -> None:
        self.processes = processes
        self._initargs = (str(settings.providers_path), tuple(settings.watch_terms),
                          settings.max_page_bytes, os.getpid())
        self._lock = threading.Lock()
        self._executor: ProcessPoolExecutor | None = None
        self.restarts = 0
        self.in_flight = 0  # batches sent and not back yet

    def start(self) -> None:
        """Start the worker processes, if not yet: they get ready while pages are fetched."""
        with self._lock:
            if self._executor is None:
                self._executor = self._start()

    @property
    def started(self) -> bool:
        with self._lock:
            return self._executor is not None

    def busy(self) -> bool:
        """Whether every worker has a batch and another waits."""
        return self.in_flight > self.processes

    def _start(self) -> ProcessPoolExecutor:
        executor = ProcessPoolExecutor(
            self.processes,
            # spawn: the crawl process runs threads (reactor, writer, DNS); a fork could
            # copy a lock one of them holds.
            mp_context=multiprocessing.get_context("spawn"),
            initializer=_start_worker,
            initargs=self._initargs,
        )
        for _ in range(self.processes):
            executor.submit(_ready)
        return executor

    def submit(self, pages: list[Page]) -> Future[list[Prepared | Rejected]]:
        """A future of one result per page, in order. It never fails: a batch whose
        worker died is sent once more to fresh workers, then rejected page by page."""
        result: Future[list[Prepared | Rejected]] = Future()
        with self._lock:
            self.in_flight += 1
        result.add_done_callback(self._back)
        self.start()
        self._send(pages, result, attempt=1)
        return result

    def _back(self, _done: Future) -> None:
        with self._lock:
            self.in_flight -= 1

    def _send(self, pages: list[Page], result: Future, attempt: int) -> None:
        with self._lock:
            executor = self._executor
        try:
            inner = executor.submit(_prepare_batch, pages)
        except RuntimeError as exc:  # BrokenProcessPool, or shut down meanwhile
            self._failed(pages, result, attempt, executor, exc)
            return
        inner.add_done_callback(
            lambda done: self._settled(pages, result, attempt, executor, done)
        )

    def _settled(self, pages, result: Future, attempt: int, executor, done: Future) -> None:
        exc = done.exception()
        if exc is None:
            result.set_result(done.result())
        else:
            self._failed(pages, result, attempt, executor, exc)

    def _failed(self, pages, result: Future, attempt: int, executor, exc: BaseException):
        if attempt == 1:
            self._replace(executor)
            self._send(pages, result, attempt=2)
            return
        failed = WorkerFailed(f"the worker process preparing it died ({exc!r})")
        result.set_result([Rejected(failed.reason, f"{p.url}: {failed}") for p in pages])

    def _replace(self, broken: ProcessPoolExecutor) -> None:
        with self._lock:
            if self._executor is not broken:  # replaced already, for another batch
                return
            self._executor = self._start()
            self.restarts += 1
        broken.shutdown(wait=False, cancel_futures=True)

    def close(self) -> None:
        with self._lock:
            executor = self._executor
        if executor is not None:
            executor.shutdown(wait=True)


class PageWorkers:
    """What one crawl process prepares and stores its pages with, shared by its spiders:
    the writer thread, and the worker processes when ``workers`` is above 1."""

    def __init__(self, settings: Settings, workers: int) -> None:
        if workers < 1:
            raise ValueError(f"workers must be 1 or more, not {workers}")
        self.workers = workers
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="hdhwatch-writer")
        self.pool = PreparePool(settings, workers - 1) if workers > 1 else None
        self.expected = 0  # new articles announced so far (by the reactor thread)

    def expect_pages(self, count: int) -> None:
        """``count`` more articles are on their way: once ``POOL_AFTER`` are, start the
        worker processes, which get ready while the pages are fetched. Until then the
        writer thread prepares them."""
        self.expected += count
        if self.pool is not None and self.expected >= POOL_AFTER:
            self.pool.start()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
        self.writer.shutdown(wait=True)
