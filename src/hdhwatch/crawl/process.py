"""The crawl process: ``python -m hdhwatch.crawl.process [--log-level L] [--workers N]
SOURCE...``.

Runs one spider per kind over the named sources (or every enabled source) in
this process's Twisted reactor, which cannot be restarted: callers launch this
module as a subprocess (see ``crawl.run.run_crawl``), with ``--parent PID``: the
crawl then dies with its caller, so a killed scheduler leaves no crawl running
beside the next one. ``--workers N``: the pages are prepared in N - 1 worker
processes beside this one (see ``crawl.workers``); 1 prepares them here.
"""

from __future__ import annotations

import argparse
from collections import defaultdict

from hdhwatch.config import load_settings
from hdhwatch.crawl.lifeline import die_with_parent


def main(argv: list[str] | None = None) -> int:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings as ScrapySettings

    from hdhwatch.crawl.run import select_sources
    from hdhwatch.crawl.workers import PageWorkers, default_workers

    parser = argparse.ArgumentParser(prog="python -m hdhwatch.crawl.process")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--parent", type=int, help="die when the process with this pid ends")
    parser.add_argument(
        "--workers", type=int, default=0,
        help="processes preparing pages, this one included (default: the cores; 1: in-process)",
    )
    parser.add_argument("sources", nargs="*")
    args = parser.parse_args(argv)
    if args.parent:
        die_with_parent(args.parent)

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
    workers = PageWorkers(settings, args.workers or default_workers())
    try:
        for kind, names in by_kind.items():
            process.crawl(spiders[kind], source=",".join(names), workers=workers)
        process.start()
    finally:
        workers.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
