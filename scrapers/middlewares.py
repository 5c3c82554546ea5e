"""Downloader middleware honouring Retry-After on 429/503, and a quieter log formatter."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy import logformatter
from scrapy.utils.defer import deferred_to_future

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

    def __init__(self, crawler, max_wait: float, max_times: int) -> None:
        self.crawler = crawler
        self.max_wait = max_wait
        self.max_times = max_times

    @classmethod
    def from_crawler(cls, crawler):
        return cls(
            crawler,
            crawler.settings.getfloat("HDHWATCH_RETRY_AFTER_MAX", 300),
            crawler.settings.getint("RETRY_TIMES", 2),
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


class QuietDropFormatter(logformatter.LogFormatter):
    """Dropped items (off topic, already stored) are routine: log them at INFO, one line."""

    def dropped(self, item, exception, response, spider):
        entry = super().dropped(item, exception, response, spider)
        entry["level"] = logging.INFO
        entry["msg"] = "Dropped %(exception)s: %(url)s"
        entry["args"] = {"exception": exception, "url": getattr(item, "url", "?")}
        return entry
