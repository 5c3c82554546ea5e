"""The baseline crawl of ``bench/crawl.py``: Scrapy fetching the same pages and doing nothing.

``python bench/_nullcrawl.py SOURCE...`` runs in its own process (the Twisted
reactor cannot be restarted), with hdhwatch's own Scrapy settings
(``scrapers.settings``, built from the ``HDHWATCH_*`` environment the benchmark
sets, exactly as ``python -m hdhwatch.crawl.process`` builds them): same robots.txt,
concurrency per domain, delay, AutoThrottle, middlewares, User-Agent and log
level. Only the spider and the item pipeline differ: the feeds are parsed with
the same ``hdhwatch.extract.parse_feed``, every item link is fetched, and the
article responses are dropped on the floor.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

CHECKOUT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(CHECKOUT), str(CHECKOUT / "src")]


def main(argv: list[str] | None = None) -> int:
    import scrapy
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings as ScrapySettings

    from hdhwatch.config import load_settings
    from hdhwatch.crawl.run import select_sources
    from hdhwatch.extract import parse_feed

    parser = argparse.ArgumentParser(prog="python bench/_nullcrawl.py")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("sources", nargs="*")
    args = parser.parse_args(argv)

    settings = load_settings()
    sources = select_sources(settings, args.sources)
    scrapy_settings = ScrapySettings()
    scrapy_settings.setmodule("scrapers.settings", priority="project")
    scrapy_settings.set("HDHWATCH_SETTINGS", settings, priority="cmdline")
    scrapy_settings.set("LOG_LEVEL", args.log_level, priority="cmdline")
    scrapy_settings.set("ITEM_PIPELINES", {}, priority="cmdline")
    process = CrawlerProcess(scrapy_settings)

    class NullSpider(scrapy.Spider):
        name = "null"

        async def start(self):
            for source in sources:
                for url in source.urls:
                    yield scrapy.Request(url, callback=self.parse_feed, dont_filter=True)

        def parse_feed(self, response):
            for link in parse_feed(response.body, response.url):
                yield scrapy.Request(link.url, callback=self.parse_article)

        def parse_article(self, response):
            return None

    process.crawl(NullSpider)
    process.start()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
