"""The store pipeline: a thin adapter handing each fetched page to the library.

With one worker, the crawl's writer thread prepares and stores each page. With
more, pages go in batches to the worker processes, and each prepared page comes
back to the writer thread, which stores it (``hdhwatch.crawl.workers``). The
reactor only queues pages and awaits their outcomes.
"""

from __future__ import annotations

from concurrent.futures import Future

from scrapy.exceptions import DropItem
from scrapy.utils.defer import maybe_deferred_to_future
from twisted.internet.defer import Deferred
from twisted.python.failure import Failure

from hdhwatch.crawl.workers import BATCH_SIZE

BATCH_WAIT = 0.05  # seconds a short batch waits for more pages before it is sent


class StorePipeline:
    """Prepare and store each page off the reactor, so it keeps fetching."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler
        self._batch: list[tuple[object, Deferred]] = []
        self._timer = None
        self._here = False  # a batch is being prepared in this process

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    async def process_item(self, item):
        spider = self.crawler.spider
        workers = spider.workers
        if workers.pool is None:
            deferred = _deferred(workers.writer.submit(spider.session.process_page, item))
        else:
            deferred = Deferred()
            self._batch.append((item, deferred))
            if len(self._batch) >= BATCH_SIZE:
                self._send()
            elif self._timer is None:
                from twisted.internet import reactor

                self._timer = reactor.callLater(BATCH_WAIT, self._send)
        outcome = await maybe_deferred_to_future(deferred)
        if outcome.status in ("new", "known"):
            return item
        raise DropItem(outcome.reason or outcome.status)

    def _send(self) -> None:
        if self._timer is not None and self._timer.active():
            self._timer.cancel()
        self._timer = None
        batch, self._batch = self._batch, []
        if not batch:
            return
        spider = self.crawler.spider
        pages = [item for item, _ in batch]
        pool = spider.workers.pool
        if not pool.started or (pool.busy() and not self._here):
            # Too few pages for a worker process to pay for its start-up, or every one is
            # busy: the crawl process's writer thread, often idle meanwhile, prepares this
            # batch (one at a time when workers run, so storing never waits long).
            self._here = True
            prepared = spider.workers.writer.submit(
                lambda: [spider.session.prepare(page) for page in pages])
            _deferred(prepared).addBoth(self._prepared_here).addCallback(self._store, batch)
        else:
            prepared = spider.workers.pool.submit(pages)
            _deferred(prepared).addCallback(self._store, batch)

    def _prepared_here(self, result):
        self._here = False
        return result

    def _store(self, results, batch) -> None:
        spider = self.crawler.spider
        for (item, deferred), prepared in zip(batch, results, strict=True):
            stored = spider.workers.writer.submit(spider.session.settle, item, prepared)
            _deferred(stored).chainDeferred(deferred)


def _deferred(future: Future) -> Deferred:
    """A Deferred fired in the reactor thread with the future's result."""
    from twisted.internet import reactor

    deferred: Deferred = Deferred()

    def fire(done: Future) -> None:
        exc = done.exception()
        if exc is None:
            deferred.callback(done.result())
        else:
            deferred.errback(Failure(exc))

    future.add_done_callback(lambda done: reactor.callFromThread(fire, done))
    return deferred
