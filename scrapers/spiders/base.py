"""What the three spiders share: source selection, conditional GET, article requests, errors."""

from __future__ import annotations

import sys
import time
from collections.abc import Iterable, Iterator
from typing import NoReturn

import scrapy
from scrapy import signals
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Request, TextResponse
from scrapy.spidermiddlewares.httperror import HttpError
from sqlalchemy.exc import SQLAlchemyError
from twisted.internet import defer
from twisted.internet import error as twisted_error

from hdhwatch.config import load_settings
from hdhwatch.crawl.session import CrawlSession, Page
from hdhwatch.crawl.workers import PageWorkers
from hdhwatch.errors import UnknownSource
from scrapers.middlewares import RefusedRequest

# The counters reach the database every FLUSH_EVERY pages, and after a page that comes
# FLUSH_SECONDS or more after the last save: a killed crawl keeps what it did.
FLUSH_EVERY = 20
FLUSH_SECONDS = 2.0


class SourceSpider(scrapy.Spider):
    kind = ""
    # The session already asks for each article once per process. The dupefilter would
    # drop, silently, a redirect to a page another link led to. Workers sharing a queue
    # need it (``WorkerSpider``): it is how they ask for each page once between them.
    filter_articles = False

    def __init__(
        self, source: str | None = None, *args, workers: PageWorkers | None = None, **kwargs
    ) -> None:
        super().__init__(*args, **kwargs)
        self.source_names = [name.strip() for name in (source or "").split(",") if name.strip()]
        self.session: CrawlSession
        # Shared by the spiders of one crawl process (crawl.process); a spider run by
        # ``scrapy crawl`` has its own, in-process.
        self.workers = workers
        self._own_workers = False
        self._flushed_at = time.monotonic()

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        settings = crawler.settings.get("HDHWATCH_SETTINGS") or load_settings()
        try:
            if spider.source_names:
                sources = [settings.source(name) for name in spider.source_names]
            else:
                sources = [s for s in settings.sources if s.enabled and s.kind == cls.kind]
        except UnknownSource as exc:
            _usage_error(str(exc))
        wrong = [s.name for s in sources if s.kind != cls.kind]
        if wrong:
            _usage_error(f"{', '.join(wrong)}: not a {cls.kind} source (spider {cls.name!r})")
        spider.session = CrawlSession(settings, sources)
        if spider.workers is None:
            spider.workers, spider._own_workers = PageWorkers(settings, 1), True
        crawler.signals.connect(spider._open_session, signal=signals.spider_opened)
        return spider

    def _open_session(self, spider) -> None:
        self.session.open()

    def closed(self, reason: str) -> None:
        if self._own_workers:
            self.workers.close()
        # stopped by SIGTERM or Ctrl-C ("shutdown"): its sources are not done
        self.session.close("finished" if reason == "finished" else "interrupted")
        for name, counts in self.session.counts.items():
            errors = ", ".join(f"{k} {v}" for k, v in sorted(counts.errors.items())) or "none"
            print(
                f"{name}: fetched {counts.pages_fetched}, new {counts.new_articles}, "
                f"skipped {counts.skipped}, dropped {counts.dropped}, errors: {errors}",
                flush=True,
            )

    # discovery -------------------------------------------------------------
    def discovery_request(self, source: str, url: str, callback, **meta) -> Request:
        etag, modified = self.session.validators(source, url)
        headers = {}
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return Request(
            url,
            callback=callback,
            errback=self.on_error,
            headers=headers,
            dont_filter=True,
            meta={"source": source, "discovery_url": url, "handle_httpstatus_list": [304], **meta},
        )

    def discovery_body(self, response) -> bytes | None:
        """The body of a discovery response, or None when unchanged since the last crawl."""
        source = response.meta["source"]
        self.session.fetched(source)
        if response.status == 304:
            self.logger.info("%s: %s not modified since the last crawl", source, response.url)
            return None
        self.session.remember_validators(
            source,
            response.meta["discovery_url"],
            _header(response, "ETag"),
            _header(response, "Last-Modified"),
        )
        return response.body

    def article_requests(self, source: str, urls: Iterable[str]) -> Iterator[Request]:
        fresh = self.session.new_links(source, urls)
        if fresh:
            self.workers.expect_pages(len(fresh))
        for _url, canonical in fresh:
            yield Request(
                canonical,
                callback=self.parse_article,
                errback=self.on_error,
                dont_filter=not self.filter_articles,
                meta={"source": source},
            )

    # articles --------------------------------------------------------------
    def parse_article(self, response):
        source = response.meta["source"]
        self.session.fetched(source)
        now = time.monotonic()
        if (sum(c.pages_fetched for c in self.session.counts.values()) % FLUSH_EVERY == 0
                or now - self._flushed_at >= FLUSH_SECONDS):
            # by the writer thread, between two articles: the reactor never waits for the
            # database, nor the two threads for each other's SQLite lock
            self._flushed_at = now
            self.workers.writer.submit(self._flush_counts)
        body = response.text if isinstance(response, TextResponse) else response.body
        yield Page(
            source=source,
            url=response.url,
            body=body,
            requested=tuple(response.meta.get("redirect_urls", ())),
        )

    def _flush_counts(self) -> None:
        try:
            self.session.flush()
        except SQLAlchemyError as exc:  # the counters reach the database at the end anyway
            self.logger.warning("could not save the counters so far: %s", str(exc).splitlines()[0])

    def on_error(self, failure) -> None:
        request = failure.request
        kind, message = describe_failure(failure)
        self.logger.warning("%s: %s", kind, message)
        self.session.error(request.meta.get("source", "?"), kind, message)


def _usage_error(message: str) -> NoReturn:
    """Stop like Scrapy's own usage errors, one line and status 2: a UsageError raised here,
    inside the running reactor, would only be logged with a traceback."""
    print(f"crawl: error: {message}", file=sys.stderr, flush=True)
    raise SystemExit(2)


def _scrapy_errors(*names: str) -> tuple[type, ...]:
    import scrapy.exceptions

    return tuple(getattr(scrapy.exceptions, n) for n in names if hasattr(scrapy.exceptions, n))


def _header(response, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else None


def describe_failure(failure) -> tuple[str, str]:
    """A short error kind (http_404, timeout, dns, robots, too_large, …) and a message."""
    url = failure.request.url if getattr(failure, "request", None) else "?"
    if failure.check(HttpError):
        status = failure.value.response.status
        return f"http_{status}", f"{url} answered HTTP {status}"
    if failure.check(RefusedRequest):
        return failure.value.reason, failure.getErrorMessage()
    if failure.check(IgnoreRequest):
        # Scrapy's own IgnoreRequests differ only by their message.
        message = failure.getErrorMessage()
        if "robots.txt" in message:
            return "robots", f"{url} forbidden by robots.txt"
        if "DOWNLOAD_MAXSIZE" in message:  # HttpCompressionMiddleware: a decompression bomb
            return "too_large", f"{url}: larger than max_page_bytes once decompressed"
        if "max redirections" in message:
            return "too_many_redirects", f"{url}: more redirects than REDIRECT_MAX_TIMES"
        return "ignored", f"{url}: {message}"
    detail = failure.getErrorMessage() or failure.type.__name__
    for kind, types in _NETWORK_KINDS:
        if failure.check(*types):
            return kind, f"{url}: {detail}"
    return "network", f"{url}: {detail}"


# Scrapy ≥ 2.14 raises its own download errors; older ones raise Twisted's. A download
# is cancelled when its size goes over DOWNLOAD_MAXSIZE (max_page_bytes).
_NETWORK_KINDS = (
    ("too_large", (defer.CancelledError, *_scrapy_errors("DownloadCancelledError"))),
    ("dns", (twisted_error.DNSLookupError, *_scrapy_errors("CannotResolveHostError"))),
    (
        "timeout",
        (
            twisted_error.TimeoutError,
            twisted_error.TCPTimedOutError,
            *_scrapy_errors("DownloadTimeoutError"),
        ),
    ),
    (
        "connection",
        (twisted_error.ConnectionRefusedError, *_scrapy_errors("DownloadConnectionRefusedError")),
    ),
)
