"""RSS and Atom feeds."""

from __future__ import annotations

from hdhwatch.errors import FeedError
from hdhwatch.extract import parse_feed

from .base import SourceSpider


class FeedSpider(SourceSpider):
    name = "feeds"
    kind = "feed"

    async def start(self):
        for source in self.session.sources.values():
            for url in source.urls:
                yield self.discovery_request(source.name, url, self.parse_feed)

    def parse_feed(self, response):
        body = self.discovery_body(response)
        if body is None:
            return
        source = response.meta["source"]
        try:
            links = parse_feed(body, response.url)
        except FeedError as exc:
            self.session.error(source, exc.reason, f"{response.url}: {exc}")
            links = exc.links  # what could still be read
        if not links:
            self.logger.info("%s: %s has no items", source, response.url)
        yield from self.article_requests(source, (link.url for link in links))
