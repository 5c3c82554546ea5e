"""The store pipeline: a thin adapter handing each fetched page to the library."""

from __future__ import annotations

from scrapy.exceptions import DropItem
from twisted.internet.threads import deferToThread


class StorePipeline:
    """Extract, filter and store each page in a worker thread, so the reactor keeps fetching."""

    def __init__(self, crawler) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_item(self, item, spider=None):
        session = self.crawler.spider.session
        deferred = deferToThread(session.process_page, item)
        deferred.addCallback(self._outcome, item)
        return deferred

    @staticmethod
    def _outcome(outcome, item):
        if outcome.status in ("new", "known"):
            return item
        raise DropItem(outcome.reason or outcome.status)
