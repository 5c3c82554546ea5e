"""News sitemaps (and sitemap indexes pointing at them)."""

from __future__ import annotations

from hdhwatch.errors import FeedError
from hdhwatch.extract import SitemapIndex, parse_sitemap

from .base import SourceSpider


class NewsSitemapSpider(SourceSpider):
    name = "sitemap"
    kind = "sitemap"

    async def start(self):
        for source in self.session.sources.values():
            for url in source.urls:
                yield self.discovery_request(source.name, url, self.parse_sitemap)

    def parse_sitemap(self, response):
        body = self.discovery_body(response)
        if body is None:
            return
        source = response.meta["source"]
        try:
            found = parse_sitemap(body, response.url, self.session.sources[source].allow)
        except FeedError as exc:
            self.session.error(source, exc.reason, f"{response.url}: {exc}")
            found = exc.links  # what could still be read
        if isinstance(found, SitemapIndex):
            for url in found.sitemaps:
                if self.session.may_request(source, url):
                    yield self.discovery_request(source, url, self.parse_sitemap)
            return
        yield from self.article_requests(source, (link.url for link in found))
