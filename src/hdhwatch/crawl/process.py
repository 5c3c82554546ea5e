"""The crawl process: ``python -m hdhwatch.crawl.process [--log-level L] SOURCE...``.

Runs one spider per kind over the named sources (or every enabled source) in
this process's Twisted reactor, which cannot be restarted: callers launch this
module as a subprocess (see ``crawl.run.run_crawl``), with ``--parent PID``: the
crawl then dies with its caller, so a killed scheduler leaves no crawl running
beside the next one.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
import threading
from collections import defaultdict

from hdhwatch.config import load_settings


def main(argv: list[str] | None = None) -> int:
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings as ScrapySettings

    from hdhwatch.crawl.run import select_sources

    parser = argparse.ArgumentParser(prog="python -m hdhwatch.crawl.process")
    parser.add_argument("--log-level", default="INFO")
    parser.add_argument("--parent", type=int, help="die when the process with this pid ends")
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
    for kind, names in by_kind.items():
        process.crawl(spiders[kind], source=",".join(names))
    process.start()
    return 0


def die_with_parent(parent: int) -> None:
    """SIGKILL this process when ``parent`` ends, however it ends.

    SIGKILL rather than a graceful stop, which could outlast the parent by a
    download timeout: the run is marked interrupted, like any killed crawl.
    """
    armed = False
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        # Sent when the thread that started us ends: run_crawl's caller waits in that
        # thread for as long as the crawl runs.
        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0
    if not armed:  # elsewhere: look for the parent every second
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it ended before the signal was armed
        os.kill(os.getpid(), signal.SIGKILL)


def _watch_parent(parent: int) -> None:
    import time

    while os.getppid() == parent:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGKILL)


if __name__ == "__main__":
    raise SystemExit(main())
