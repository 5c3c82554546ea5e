"""Extraction: fetched bytes in, typed records out, without network or database.

``article`` turns one HTML page into an ``Article`` and gives the two keys that
recognise a story (``canonical_url``, ``content_hash``); ``feeds`` turns a feed,
a news sitemap or a listing page into article links.
"""

from hdhwatch.extract.article import canonical_url, content_hash, parse_article
from hdhwatch.extract.feeds import SitemapIndex, parse_feed, parse_listing, parse_sitemap

__all__ = [
    "SitemapIndex",
    "canonical_url",
    "content_hash",
    "parse_article",
    "parse_feed",
    "parse_listing",
    "parse_sitemap",
]
