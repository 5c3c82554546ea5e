"""Scrapy's side of the shared queue (``hdhwatch worker``): thin adapters over
``hdhwatch.crawl.distributed``.

- ``ReliableScheduler``: scrapy-redis's Scheduler whose pops move each request into
  this worker's in-flight list; a request queued again (a retry, a redirect) leaves it.
- ``ExpiringDupeFilter``: scrapy-redis's RFPDupeFilter, one expiring key per fingerprint,
  so that a page that failed today is asked for again by a later crawl.
- ``InFlightMiddleware``: a request leaves the in-flight list once what it gave is
  handled: its article stored or dropped, its links queued, its failure recorded.
- ``SharedPolitenessMiddleware``: per-site downloads, delay and Retry-After for all workers.
"""

from __future__ import annotations

import asyncio
import uuid
from urllib.parse import urlsplit

from scrapy import signals
from scrapy_redis.dupefilter import RFPDupeFilter
from scrapy_redis.scheduler import Scheduler

from hdhwatch.crawl.distributed import (
    DUPEFILTER_TTL,
    HostPoliteness,
    InFlight,
    Keys,
)
from scrapers.middlewares import retry_after_seconds

INFLIGHT = "_hdhwatch_inflight"  # request.meta: the request as popped, to release it by
TOKEN = "_hdhwatch_slot"  # request.meta: (host, token) of the shared download slot it holds


def in_flight(crawler) -> InFlight:
    """This worker's in-flight list, on a connection of the component's own."""
    from scrapy_redis.connection import get_redis_from_settings

    settings = crawler.settings
    return InFlight(
        get_redis_from_settings(settings),
        Keys(settings.get("HDHWATCH_REDIS_PREFIX")),
        settings.get("HDHWATCH_WORKER_ID"),
    )


class ReliableScheduler(Scheduler):
    """Pops into the in-flight list (LMOVE), so that a killed worker loses nothing."""

    @classmethod
    def from_crawler(cls, crawler):
        scheduler = super().from_crawler(crawler)
        scheduler.in_flight = in_flight(crawler)
        return scheduler

    def next_request(self):
        raw = self.in_flight.claim()
        if raw is None:
            return None
        request = self.queue._decode_request(raw)
        request.meta[INFLIGHT] = raw
        if self.stats:
            self.stats.inc_value("scheduler/dequeued/redis")
        return request

    def enqueue_request(self, request):
        held = request.meta.pop(INFLIGHT, None)  # a retry or redirect of a popped request
        if request.dont_filter:
            self.queue.push(request)
            queued = True
        else:  # seen-or-queued in one step (ExpiringDupeFilter's key, the queue)
            key = f"{self.df.key}:{self.df.request_fingerprint(request)}"
            queued = self.in_flight.push_new(key, self.queue._encode_request(request))
            if not queued:
                self.df.log(request, self.spider)
        if queued and self.stats:
            self.stats.inc_value("scheduler/enqueued/redis")
        self.in_flight.release(held)  # once queued again (or filtered as a duplicate)
        return queued


class ExpiringDupeFilter(RFPDupeFilter):
    """One key per fingerprint, SET NX with an expiry: atomic across workers.
    ``ReliableScheduler`` sets that key and queues the request in one Lua script."""

    def request_seen(self, request):
        fingerprint = self.request_fingerprint(request)
        fresh = self.server.set(f"{self.key}:{fingerprint}", "1", nx=True, ex=DUPEFILTER_TTL)
        return not fresh

    def clear(self):  # fingerprints expire; a worker stopping clears nothing
        pass

    def close(self, reason=""):
        pass


class InFlightMiddleware:
    """Releases each request from the in-flight list once what it gave is handled."""

    def __init__(self, crawler) -> None:
        self.in_flight = in_flight(crawler)
        for signal in (signals.item_scraped, signals.item_dropped, signals.item_error):
            crawler.signals.connect(self._item_done, signal=signal)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_spider_output(self, response, result, spider=None):
        items = 0
        async for output in result:
            if not _is_request(output):
                items += 1
            yield output
        # Every request it led to is queued by now (the engine queues each as it is taken);
        # an article page is released when its item is stored or dropped (_item_done).
        if not items:
            self.in_flight.release(response.request.meta.get(INFLIGHT))

    def _item_done(self, item, response, spider=None, **kwargs) -> None:
        self.in_flight.release(response.request.meta.get(INFLIGHT))

    def release(self, request) -> None:
        self.in_flight.release(request.meta.get(INFLIGHT))


def _is_request(output) -> bool:
    from scrapy import Request

    return isinstance(output, Request)


class SharedPolitenessMiddleware:
    """Before each download, take one of the site's shared slots (``concurrent_per_domain``
    for all workers together, ``download_delay`` apart, none before a Retry-After's time);
    give it back when the download ends. A 429/503 with Retry-After holds the site for
    every worker."""

    def __init__(self, crawler) -> None:
        from scrapy_redis.connection import get_redis_from_settings

        settings = crawler.settings
        self.polite = HostPoliteness(
            get_redis_from_settings(settings),
            Keys(settings.get("HDHWATCH_REDIS_PREFIX")),
            concurrency=settings.getint("CONCURRENT_REQUESTS_PER_DOMAIN"),
            delay=settings.getfloat("HDHWATCH_SHARED_DELAY"),
            # a killed worker's slot frees itself after the longest download
            token_ttl=settings.getfloat("DOWNLOAD_TIMEOUT") + 5,
        )
        self.max_wait = settings.getfloat("HDHWATCH_RETRY_AFTER_MAX", 300)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_request(self, request, spider=None):
        host = urlsplit(request.url).hostname or ""
        token = uuid.uuid4().hex
        while True:
            wait = self.polite.try_acquire(host, token)
            if wait <= 0:
                break
            await asyncio.sleep(min(wait, 1.0))
        request.meta[TOKEN] = (host, token)
        return None

    def process_response(self, request, response, spider=None):
        self._release(request)
        if response.status in (429, 503):
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if wait is not None:
                self.polite.hold(urlsplit(request.url).hostname or "", min(wait, self.max_wait))
        return response

    def process_exception(self, request, exception, spider=None):
        self._release(request)
        return None

    def _release(self, request) -> None:
        held = request.meta.pop(TOKEN, None)
        if held:
            self.polite.release(*held)
