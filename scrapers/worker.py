"""The spider of ``hdhwatch worker``: every kind of source, fed from the shared queue.

It pops the names of due sources from Redis (``P:seeds``) and asks for their feeds,
sitemaps or listings; the requests it makes, and those of every other worker, go
through the shared scrapy-redis queue (``scrapers.distributed``). When the whole queue
is quiet it records its runs as finished and moves the timeline (one worker at a
time); with ``--idle-exit`` it then stops once the queue has stayed quiet that long.
"""

from __future__ import annotations

import time

from scrapy import signals
from scrapy.exceptions import DontCloseSpider
from twisted.internet import task

from hdhwatch.config import load_settings
from hdhwatch.crawl import distributed
from hdhwatch.crawl.session import CrawlSession
from hdhwatch.crawl.workers import PageWorkers
from scrapers.distributed import INFLIGHT, in_flight
from scrapers.spiders.feeds import FeedSpider
from scrapers.spiders.listing import ListingSpider
from scrapers.spiders.sitemap import NewsSitemapSpider

POLL_EVERY = 0.5  # seconds: seeds, heartbeat, dead workers, quiet queue
QUEUE_LOW = 64  # pop another source only while the shared queue is shorter than this
SEEDS_PER_POLL = 16


class WorkerSpider(FeedSpider, NewsSitemapSpider, ListingSpider):
    name = "worker"
    kind = ""
    filter_articles = True

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = cls(*args, **kwargs)
        spider._set_crawler(crawler)
        settings = crawler.settings.get("HDHWATCH_SETTINGS") or load_settings()
        spider.hdhwatch_settings = settings
        spider.session = CrawlSession(settings, settings.sources, lazy_runs=True)
        # One process a worker: it prepares and stores its pages itself (run more workers to
        # use more cores)
        spider.workers, spider._own_workers = PageWorkers(settings, 1), True
        spider.keys = distributed.Keys(settings.redis_prefix)
        spider.idle_exit = crawler.settings.get("HDHWATCH_IDLE_EXIT")
        crawler.signals.connect(spider._open_session, signal=signals.spider_opened)
        crawler.signals.connect(spider._idle, signal=signals.spider_idle)
        return spider

    def _open_session(self, spider) -> None:
        self.session.open()
        self.in_flight = in_flight(self.crawler)
        self.client = self.in_flight.client
        self.quiet_since: float | None = None
        self.in_flight.beat()
        self._poller = task.LoopingCall(self._poll)
        self._poller.start(POLL_EVERY, now=True)

    async def start(self):
        return
        yield  # no start requests: sources come from the shared queue

    def _poll(self) -> None:
        self.in_flight.beat()
        if self.in_flight.recover():
            self.logger.info("requeued the requests of a worker that stopped answering")
        # Sources while the shared queue runs low: a few at a time, so that 500 sources
        # due together start in seconds, and the other workers get theirs.
        for _ in range(SEEDS_PER_POLL):
            if self.client.llen(self.keys.requests) >= QUEUE_LOW:
                break
            name = self.client.lpop(self.keys.seeds)
            if name is None:
                break
            self._discover(name.decode())
        if self.client.llen(self.keys.requests):
            # wake the engine now rather than at its next 5-second heartbeat
            slot = getattr(self.crawler.engine, "_slot", None)
            if slot is not None:
                slot.nextcall.schedule()

    def _discover(self, name: str) -> None:
        source = self.session.sources.get(name)
        if source is None:  # enqueued by a scheduler with another configuration
            self.logger.warning("unknown source %r in the queue: skipped", name)
            return
        callbacks = {"feed": self.parse_feed, "sitemap": self.parse_sitemap,
                     "listing": self.parse_listing}
        extra = {"page": 1} if source.kind == "listing" else {}
        for url in source.urls:
            request = self.discovery_request(name, url, callbacks[source.kind], **extra)
            # through the shared queue: any worker may fetch it, and none loses it
            self.crawler.engine.crawl(request)

    def _idle(self, spider) -> None:
        state = distributed.queue_state(self.client, self.keys)
        if not distributed.is_quiet(state):
            self.quiet_since = None
            raise DontCloseSpider
        if self.quiet_since is None:
            self.quiet_since = time.monotonic()
            self._finish_batch()
        if self.idle_exit is None or time.monotonic() - self.quiet_since < self.idle_exit:
            raise DontCloseSpider

    def _finish_batch(self) -> None:
        """The queue is quiet: record this worker's runs as finished, move the timeline."""
        for name in self.session.running:
            c = self.session.counts[name]
            errors = ", ".join(f"{k} {v}" for k, v in sorted(c.errors.items())) or "none"
            self.logger.info("%s: fetched %d, new %d, skipped %d, dropped %d, errors: %s",
                             name, c.pages_fetched, c.new_articles, c.skipped, c.dropped, errors)
        if not self.session.finish_runs():
            return
        if distributed.take_timeline_turn(self.client, self.keys, self.in_flight.worker):
            from hdhwatch.crawl.run import bring_timeline_up_to_date

            try:
                bring_timeline_up_to_date(self.hdhwatch_settings, self.session.db)
            finally:
                distributed.end_timeline_turn(self.client, self.keys, self.in_flight.worker)

    def on_error(self, failure) -> None:
        super().on_error(failure)
        self.in_flight.release(failure.request.meta.get(INFLIGHT))

    def closed(self, reason: str) -> None:
        if self._poller.running:
            self._poller.stop()
        self.workers.close()
        # Runs still open when the queue is not quiet (stopped by SIGTERM or Ctrl-C): the
        # other workers, or the next, finish their sources.
        self.session.close("finished" if reason == "finished" else "interrupted")
        self.in_flight.leave()
