"""The crawl process: ``python -m hdhwatch.crawl.process [--log-level L] SOURCE...``.

Runs one spider per kind over the named sources (or every enabled source) in
this process's Twisted reactor, which cannot be restarted: callers launch this
module as a subprocess (see ``crawl.run.run_crawl``).
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from hdhwatch.config import load_settings


def main(argv: list[str] | None = None) -> int:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings as ScrapySettings

    from hdhwatch.crawl.run import select_sources

    parser = argparse.ArgumentParser(prog="python -m hdhwatch.crawl.process")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("sources", nargs="*")
    args = parser.parse_args(argv)

    settings = load_settings()
    sources = select_sources(settings, args.sources)
    scrapy_settings = ScrapySettings()
    scrapy_settings.setmodule("scrapers.settings", priority="project")
    scrapy_settings.set("HDHWATCH_SETTINGS", settings, priority="cmdline")
    scrapy_settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    process = CrawlerProcess(scrapy_settings)  # installs the reactor: import spiders after

    from scrapers.spiders.feeds import FeedSpider
    from scrapers.spiders.listing import ListingSpider
    from scrapers.spiders.sitemap import NewsSitemapSpider

    spiders = {"feed": FeedSpider, "sitemap": NewsSitemapSpider, "listing": ListingSpider}
    by_kind: dict[str, list[str]] = defaultdict(list)
    for source in sources:
        by_kind[source.kind].append(source.name)
    for kind, names in by_kind.items():
        process.crawl(spiders[kind], source=",".join(names))
    process.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
