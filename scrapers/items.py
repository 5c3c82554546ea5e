"""The one item the spiders yield: a fetched article page, handed to the library as is."""

from hdhwatch.crawl.session import Page as PageItem

__all__ = ["PageItem"]
