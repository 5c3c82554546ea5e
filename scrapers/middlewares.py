"""Downloader middlewares: the crawl policy on every request and redirect, Retry-After
on 429/503; and a quieter log formatter."""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

from scrapy import logformatter
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import deferred_to_future
from w3lib.url import safe_url_string

from hdhwatch.crawl.policy import check_addresses, check_url
from hdhwatch.errors import RedirectLoop, RefusedUrl

logger = logging.getLogger(__name__)


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class RetryAfterMiddleware:
    """On 429/503 with Retry-After: slow the domain, wait, retry (a bounded number of times)."""

    def __init__(self, crawler, max_wait: float, max_times: int, shared: bool = False) -> None:
        self.crawler = crawler
        self.max_wait = max_wait
        self.max_times = max_times
        # hdhwatch worker: the wait and the slowdown are kept in Redis for every worker
        # (scrapers.distributed.SharedPolitenessMiddleware), not in this process's slot
        self.shared = shared

    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            crawler,
            crawler.settings.getfloat("HDHWATCH_RETRY_AFTER_MAX", 300),
            crawler.settings.getint("RETRY_TIMES", 2),
            crawler.settings.getbool("HDHWATCH_SHARED_POLITENESS"),
        )

    async def process_response(self, request, response, spider=None):
        if response.status not in (429, 503):
            return response
        wait = retry_after_seconds(response.headers.get("Retry-After"))
        if wait is None:
            return response  # RetryMiddleware's ordinary retry applies
        tries = request.meta.get("retry_after_times", 0)
        if wait > self.max_wait or tries >= self.max_times:
            request.meta["dont_retry"] = True  # give up: the errback records http_429/503
            logger.warning(
                "giving up on %s: %s with Retry-After %.0fs", request.url, response.status, wait
            )
            return response
        if not self.shared:
            self._slow_down(request, wait)
        logger.info("%s answered %s; retrying in %.1fs", request.url, response.status, wait)
        from twisted.internet import reactor  # the one Scrapy installed
        from twisted.internet.task import deferLater

        await deferred_to_future(deferLater(reactor, wait, lambda: None))
        retry = request.replace(dont_filter=True)
        retry.meta["retry_after_times"] = tries + 1
        return retry

    def _slow_down(self, request, wait: float) -> None:
        # Keep the whole domain at least this far apart for a while: 429 means "slow down".
        downloader = self.crawler.engine.downloader
        key = request.meta.get("download_slot") or downloader.get_slot_key(request)
        slot = downloader.slots.get(key)
        if slot is not None:
            slot.delay = max(slot.delay, min(wait, 60.0))


class RefusedRequest(IgnoreRequest):
    """A request the crawl policy refuses; ``reason`` is the error kind the errback records."""

    def __init__(self, error: RefusedUrl, message: str | None = None) -> None:
        super().__init__(message or str(error))
        self.reason = error.reason


REDIRECTS = (301, 302, 303, 307, 308)


class UrlPolicyMiddleware:
    """Only http(s) URLs, on public addresses unless ``[crawl] allow_private_addresses``:
    checked on every request (robots.txt and redirects included) and on every redirect's
    target, which Scrapy would otherwise leave as an HTTP 3xx error when not http(s).
    A redirect back to a URL of its own chain is refused as a loop."""

    def __init__(self, allow_private: bool) -> None:
        self.allow_private = allow_private
        self._addresses: dict[str, asyncio.Future] = {}  # host -> its addresses, resolved once

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler.settings.getbool("HDHWATCH_ALLOW_PRIVATE_ADDRESSES"))

    async def process_request(self, request, spider=None):
        try:
            check_url(request.url)
            if not self.allow_private:
                host = urlsplit(request.url).hostname
                check_addresses(host, await self._resolve(host))
        except RefusedUrl as exc:
            raise RefusedRequest(exc) from exc
        return None

    def process_response(self, request, response, spider=None):
        location = response.headers.get("Location")
        if response.status in REDIRECTS and location and not request.meta.get("dont_redirect"):
            target = urljoin(request.url, safe_url_string(location))
            try:
                check_url(target)
                # Caught here, not left to the dupefilter, which would drop it silently.
                if target in (*request.meta.get("redirect_urls", ()), request.url):
                    raise RedirectLoop(f"{target} was already visited")
            except RefusedUrl as exc:
                raise RefusedRequest(exc, f"{request.url} redirects to {exc}") from exc
        return response

    def _resolve(self, host: str) -> asyncio.Future:
        if host not in self._addresses:
            loop = asyncio.get_running_loop()
            self._addresses[host] = loop.run_in_executor(None, _host_addresses, host)
        return self._addresses[host]


def _host_addresses(host: str) -> list[str]:
    """The addresses ``host`` resolves to; none when it does not resolve, so that the
    download itself fails and is counted as ``dns``."""
    try:
        infos = socket.getaddrinfo(host, None, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError):
        return []
    return [info[4][0] for info in infos]


class QuietDropFormatter(logformatter.LogFormatter):
    """Dropped items (off topic, already stored) are routine, and the database records
    each (``dropped_urls``, the run's counts): one line at DEBUG."""

    def dropped(self, item, exception, response, spider):
        entry = super().dropped(item, exception, response, spider)
        entry["level"] = logging.DEBUG
        entry["msg"] = "Dropped %(exception)s: %(url)s"
        entry["args"] = {"exception": exception, "url": getattr(item, "url", "?")}
        return entry
