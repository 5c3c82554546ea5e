"""Listing pages, read with the CSS selectors given in the source's config."""

from __future__ import annotations

from hdhwatch.errors import FeedError
from hdhwatch.extract import parse_listing

from .base import SourceSpider


class ListingSpider(SourceSpider):
    name = "listing"
    kind = "listing"

    async def start(self):
        for source in self.session.sources.values():
            for url in source.urls:
                yield self.discovery_request(source.name, url, self.parse_listing, page=1)

    def parse_listing(self, response):
        body = self.discovery_body(response)
        if body is None:
            return
        source = self.session.sources[response.meta["source"]]
        try:
            links, next_url = parse_listing(
                response.text,
                response.url,
                source.link_selector,
                source.next_selector,
                source.allow,
            )
        except (FeedError, AttributeError) as exc:
            self.session.error(source.name, "malformed_listing", f"{response.url}: {exc}")
            return
        yield from self.article_requests(source.name, (link.url for link in links))
        page = response.meta["page"]
        if next_url and page < source.max_pages and self.session.may_request(source.name, next_url):
            yield self.discovery_request(source.name, next_url, self.parse_listing, page=page + 1)
