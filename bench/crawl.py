"""Crawl throughput: hdhwatch's full path against Scrapy alone, on the same local mirror.

    python bench/crawl.py [--pages 1000] [--quick] [--database-url URL]

Writes a mirror of ``--pages`` article pages (~60 KB each, see ``_corpus.py``) for
ten outlets, one RSS feed each, and robots.txt into a temporary folder, and serves
it with ``SiteServer`` on loopback addresses 127.0.0.1 … 127.0.0.N (``--hosts``),
each a distinct site to Scrapy's per-domain slots. Then, each in its own process:

(a) baseline: Scrapy alone (``_nullcrawl.py``), fetching every feed and article
    and doing nothing with them;
(b) hdhwatch: ``hdhwatch.crawl.run.run_crawl`` → ``python -m hdhwatch.crawl.process``, which
    fetches, extracts, filters on the watch terms, stores, classifies, and replays
    the timeline at the end, into a fresh SQLite file (or ``--database-url``).

Both sides use ``scrapers/settings.py`` built from the same config: 2 requests at
a time per site (as shipped), ROBOTSTXT_OBEY, CONCURRENT_REQUESTS 16, and, for a
throughput measure rather than a politeness one, ``download_delay = 0`` and
AutoThrottle off on both sides.

Pages/s are article pages served with 200 during the window that runs from the
crawl's first request (robots.txt) to the last line the process prints (its
close); interpreter start-up, imports and migrations are outside the window and
shown apart. The baseline runs before and after (b) and the faster of the two is
used, since the machine may be shared. CPU ms/page is the crawl process's user +
system time over its article pages (start-up included).

Then the stages of ``CrawlSession.process_page`` are timed, in this process and one
page at a time, on ``--stage-pages`` pages of the mirror and a SQLite file of their
own, to show where (b)'s time goes. The ratio b/a is what to watch; absolute
figures depend on the machine and on what else runs on it.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent
sys.path[:0] = [str(HERE), str(CHECKOUT / "src")]

import _corpus  # noqa: E402

from hdhwatch.config import Settings, child_environment, load_settings  # noqa: E402
from hdhwatch.demo.sitesrv import SiteServer  # noqa: E402

TARGET_RATIO = 0.5
CRAWL_SETTINGS = (
    "\n[crawl]\nconcurrent_per_domain = 2\ndownload_delay = 0\nautothrottle = false\n"
    "allow_private_addresses = true\n"
    "retry_times = 2\nretry_after_max = 5\ndownload_timeout = 30\n"
)


def write_config(config_dir: Path, servers: list[SiteServer], outlets: list[_corpus.Outlet]):
    """The project's watch terms and providers, the bench's crawl settings, one feed per outlet."""
    config_dir.mkdir(parents=True, exist_ok=True)
    main = (CHECKOUT / "config" / "hdhwatch.toml").read_text(encoding="utf-8")
    main = main.split("[crawl]")[0] + CRAWL_SETTINGS
    (config_dir / "hdhwatch.toml").write_text(main, encoding="utf-8")
    shutil.copy(CHECKOUT / "config" / "providers.toml", config_dir / "providers.toml")
    sources = "".join(
        f'[[source]]\nname = "{o.slug}"\ntitle = "{o.name}"\nkind = "feed"\n'
        f'urls = ["{servers[o.host].base_url}/{o.slug}/feed.xml"]\n\n'
        for o in outlets
    )
    (config_dir / "sources.toml").write_text(sources, encoding="utf-8")


class Window:
    """What the servers saw from one crawl: article pages and the time they took."""

    def __init__(self, servers: list[SiteServer]) -> None:
        self.servers = servers
        self.marks = [len(s.requests) for s in servers]
        self.launched = time.monotonic()
        self.last_line = self.launched
        self.cpu = _children_cpu()

    def line(self, text: str) -> None:
        self.last_line = time.monotonic()
        if self.echo:
            print(f"    | {text}", flush=True)

    echo = False

    def requests(self):
        return [r for s, m in zip(self.servers, self.marks, strict=True) for r in s.requests[m:]]

    def result(self, label: str) -> dict:
        requests = self.requests()
        if not requests:
            raise SystemExit(f"{label}: the crawl made no request")
        first = min(r.time for r in requests)
        articles = [r for r in requests if "/articles/" in r.path and r.status == 200]
        seconds = self.last_line - first
        cpu = _children_cpu() - self.cpu
        return {
            "label": label,
            "pages": len(articles),
            "requests": len(requests),
            "startup": first - self.launched,
            "seconds": seconds,
            "rate": len(articles) / seconds if seconds > 0 else float("nan"),
            "cpu_ms": cpu / max(len(articles), 1) * 1000,
        }


def _children_cpu() -> float:
    """User + system CPU seconds of the finished child processes (the crawls)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_baseline(
    settings: Settings, servers: list[SiteServer], log_level: str, label: str = "(a) Scrapy alone"
) -> dict:
    window = Window(servers)
    cmd = [sys.executable, str(HERE / "_nullcrawl.py"), "--log-level", log_level]
    proc = subprocess.Popen(
        cmd,
        env=child_environment(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
        cwd=CHECKOUT,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        window.line(line.rstrip("\n"))
    if proc.wait() != 0:
        raise SystemExit(f"the baseline crawl failed (exit {proc.returncode})")
    return window.result(label)


def run_hdhwatch(settings: Settings, servers: list[SiteServer]) -> tuple[dict, list]:
    from hdhwatch.crawl.run import run_crawl

    window = Window(servers)
    summaries = run_crawl(settings, echo=window.line)
    return window.result("(b) hdhwatch crawl"), summaries


class StageTimer:
    """Wall time spent in each stage of ``CrawlSession.process_page``, by wrapping the
    functions it calls where it looks them up (restored by :meth:`restore`)."""

    STAGES = (
        ("extract (parse_article)", "hdhwatch.pipeline", "parse_article"),
        ("watch terms", "hdhwatch.pipeline", "matches_watch_terms"),
        ("store (save_article)", "hdhwatch.pipeline", "save_article"),
        ("classify", "hdhwatch.pipeline", "classify"),
        ("persist classification", "hdhwatch.pipeline", "persist_classification"),
    )

    def __init__(self) -> None:
        import importlib

        self.seconds = {label: 0.0 for label, _, _ in self.STAGES}
        self._saved = []
        for label, module_name, attribute in self.STAGES:
            module = importlib.import_module(module_name)
            original = getattr(module, attribute, None)
            if original is None:  # the library moved on: that stage is not shown
                del self.seconds[label]
                continue
            self._saved.append((module, attribute, original))
            setattr(module, attribute, self._wrap(label, original))

    def _wrap(self, label: str, fn):
        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self.seconds[label] += time.perf_counter() - started

        return timed

    def restore(self) -> None:
        for module, attribute, original in self._saved:
            setattr(module, attribute, original)


def stage_breakdown(settings: Settings, site: Path, base_url: str, count: int) -> dict:
    """Run ``count`` mirror pages through ``CrawlSession.process_page`` in this process,
    one at a time, on a database of their own, timing each stage."""
    from dataclasses import replace

    from hdhwatch.crawl.session import CrawlSession, Page

    url = f"sqlite:///{site.parent / 'data' / 'stages.sqlite3'}"
    settings = replace(settings, database_url=url)
    files = sorted(site.glob("*/articles/*.html"))[: count + 1]
    pages = [
        Page(
            settings.sources[0].name,
            base_url + "/" + f.relative_to(site).as_posix(),
            f.read_text(encoding="utf-8").replace("{{BASE}}", base_url),
        )
        for f in files
    ]
    session = CrawlSession(settings, settings.sources[:1])
    session.open()
    try:
        session.process_page(pages[0])  # first-use costs: imports, catalogue, patterns
        timer = StageTimer()
        try:
            started, cpu = time.perf_counter(), time.process_time()
            for page in pages[1:]:
                session.process_page(page)
            total, cpu = time.perf_counter() - started, time.process_time() - cpu
        finally:
            timer.restore()
    finally:
        session.close()
    n = len(pages) - 1
    return {"pages": n, "total": total, "cpu": cpu, "stages": timer.seconds}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/crawl.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--pages", type=int, default=1000, help="article pages (default 1000)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 100 pages")
    parser.add_argument("--outlets", type=int, default=10, help="outlets, one feed each")
    parser.add_argument("--hosts", type=int, default=4, help="loopback addresses serving them")
    parser.add_argument("--database-url", help="an empty database (default: a fresh SQLite file)")
    parser.add_argument("--only", choices=["a", "b"], help="run one side only (for profiling)")
    parser.add_argument(
        "--stage-pages",
        type=int,
        default=200,
        help="pages for the per-stage breakdown, run in this process (0: none; default 200)",
    )
    parser.add_argument("--log-level", default="INFO", help="both crawls' Scrapy log level")
    parser.add_argument("--echo", action="store_true", help="show the crawls' output")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    if args.quick:
        args.pages = min(args.pages, 100)
        args.stage_pages = min(args.stage_pages, 30)
    if not 1 <= args.hosts <= 254:
        parser.error("--hosts must be between 1 and 254 (127.0.0.1 … 127.0.0.254)")
    Window.echo = args.echo

    workdir = Path(tempfile.mkdtemp(prefix="hdhwatch-bench-"))
    try:
        started = time.monotonic()
        outlets = _corpus.write_site(workdir / "site", args.pages, args.outlets, args.hosts)
        size = sum(f.stat().st_size for f in (workdir / "site").rglob("*.html"))
        print(
            f"mirror: {args.pages} pages, {size / args.pages / 1000:.1f} kB each on average, "
            f"{len(outlets)} feeds on {args.hosts} loopback addresses "
            f"({time.monotonic() - started:.1f} s to write)",
            flush=True,
        )
        servers = [SiteServer(workdir / "site", host=f"127.0.0.{i + 1}") for i in range(args.hosts)]
        for server in servers:
            server.start()
        try:
            write_config(workdir / "config", servers, outlets)
            env = {
                "HDHWATCH_CONFIG_DIR": str(workdir / "config"),
                "HDHWATCH_DATA_DIR": str(workdir / "data"),
                "HDHWATCH_DATABASE_URL": args.database_url
                or f"sqlite:///{workdir / 'data' / 'hdhwatch.sqlite3'}",
            }
            settings = load_settings({**os.environ, **env})
            baselines, results, summaries = [], [], []
            # a, b, a: the machine may be shared, so the baseline is taken on both sides
            # of the long crawl and the faster of the two is used (the stricter ratio).
            if args.only in (None, "a"):
                print("running (a) Scrapy alone …", flush=True)
                baselines.append(run_baseline(settings, servers, args.log_level))
            if args.only in (None, "b"):
                print("running (b) the hdhwatch crawl …", flush=True)
                result, summaries = run_hdhwatch(settings, servers)
                results.append(result)
            if args.only is None:
                print("running (a) Scrapy alone again …", flush=True)
                baselines.append(
                    run_baseline(settings, servers, args.log_level, "(a) again, after (b)")
                )
        finally:
            for server in servers:
                server.stop()
        stages = None
        if args.stage_pages and args.only in (None, "b"):
            print(f"timing the stages of process_page on {args.stage_pages} pages …", flush=True)
            stages = stage_breakdown(
                settings, workdir / "site", "https://www.example-presse.fr", args.stage_pages
            )
        report(baselines, results, summaries, args.pages, stages)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(
    baselines: list[dict], results: list[dict], summaries: list, pages: int, stages: dict | None
) -> None:
    print()
    print(
        f"{'':24} {'pages':>6} {'window s':>9} {'pages/s':>8} {'start-up s':>10} "
        f"{'CPU ms/page':>11}"
    )
    for r in baselines + results:
        print(
            f"{r['label']:24} {r['pages']:6d} {r['seconds']:9.2f} {r['rate']:8.1f} "
            f"{r['startup']:10.2f} {r['cpu_ms']:11.1f}"
        )
    for r in baselines + results:
        if r["pages"] != pages:
            print(f"warning: {r['label']} fetched {r['pages']} article pages of {pages}")
    if summaries:
        new = sum(s.new_articles for s in summaries)
        dropped = sum(s.dropped for s in summaries)
        errors: dict[str, int] = {}
        for s in summaries:
            for kind, n in s.errors.items():
                errors[kind] = errors.get(kind, 0) + n
        print(
            f"(b) stored {new} new articles, dropped {dropped} off-topic, errors: "
            f"{', '.join(f'{k} {v}' for k, v in sorted(errors.items())) or 'none'}"
        )
    if baselines and results:
        best = max(b["rate"] for b in baselines)
        ratio = results[0]["rate"] / best
        verdict = "meets" if ratio >= TARGET_RATIO else "below"
        print(
            f"ratio b/a: {ratio:.3f} against the faster baseline, {best:.1f} pages/s "
            f"({verdict} the {TARGET_RATIO} target)"
        )
        cpu = min(b["cpu_ms"] for b in baselines) / results[0]["cpu_ms"]
        print(
            f"CPU per page a/b: {cpu:.3f} (whole processes, start-up included: the figure "
            "that a busy machine moves least)"
        )
    if stages:
        n, total = stages["pages"], stages["total"]
        print(
            f"\nwhere (b)'s time goes: process_page, one page at a time in one thread, "
            f"{n} pages, {n / total:.1f} pages/s, CPU {stages['cpu'] / total:.0%} of wall"
        )
        print(f"{'':30} {'ms/page':>8} {'share':>6}")
        rows = list(stages["stages"].items())
        rows.append(("other (session, commit, …)", total - sum(stages["stages"].values())))
        for label, seconds in rows:
            print(f"{label:30} {seconds / n * 1000:8.2f} {seconds / total:6.0%}")
        print(f"{'total':30} {total / n * 1000:8.2f}")


if __name__ == "__main__":
    raise SystemExit(main())
