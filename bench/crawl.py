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
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent
sys.path[:0] = [str(HERE), str(CHECKOUT / "src")]

import _corpus  # noqa: E402

from hdhwatch.config import Settings, child_environment, load_settings  # noqa: E402
from hdhwatch.demo.sitesrv import SiteServer  # noqa: E402

TARGET_RATIO = 0.25  # issue 13, on 2 cores
TARGET_CPU_MS = 15.0
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
        self.rss = RssSampler()

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
        self.rss.stop()
        return {
            "rss_mb": self.rss.peak_mb,
            "workers_rss_mb": self.rss.workers_mb,
            "crawl_cpu_ms": self.rss.cpu_of("crawl") / max(len(articles), 1) * 1000,
            "workers_cpu_ms": self.rss.cpu_of("worker") / max(len(articles), 1) * 1000,
            "label": label,
            "pages": len(articles),
            "requests": len(requests),
            "startup": first - self.launched,
            "seconds": seconds,
            "rate": len(articles) / seconds if seconds > 0 else float("nan"),
            "cpu_ms": cpu / max(len(articles), 1) * 1000,
            "window_cpu_ms": (self.rss.cpu_at(self.last_line) - self.rss.cpu_at(first))
            / max(len(articles), 1) * 1000,
        }


class RssSampler:
    """Peak RSS (VmHWM) of the crawl process (a child of this one, or of its
    ``run_crawl`` helper) and, apart, of its worker processes, read from /proc every
    0.2 s while the crawl runs."""

    def __init__(self) -> None:
        self.peaks: dict[int, tuple[str, int]] = {}
        self.cpu: dict[int, tuple[str, float]] = {}  # last seen (a sample misses the end)
        self.series: list[tuple[float, float]] = []  # (monotonic time, CPU s of all so far)
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        me = os.getpid()
        while not self._done.wait(0.2):
            for pid in _descendants(me):
                try:
                    cmdline = Path(f"/proc/{pid}/cmdline").read_bytes()
                    status = Path(f"/proc/{pid}/status").read_text()
                except OSError:
                    continue
                kind = "worker" if b"spawn_main" in cmdline else (
                    "crawl" if b"crawl.process" in cmdline or b"_nullcrawl" in cmdline else "")
                for line in status.splitlines():
                    if kind and line.startswith("VmHWM:"):
                        kb = int(line.split()[1])
                        self.peaks[pid] = (kind, max(kb, self.peaks.get(pid, (kind, 0))[1]))
                if kind:
                    try:
                        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
                    except OSError:
                        continue
                    ticks = int(fields[11]) + int(fields[12])  # utime + stime
                    self.cpu[pid] = (kind, ticks / os.sysconf("SC_CLK_TCK"))
            self.series.append((time.monotonic(), sum(s for _, s in self.cpu.values())))

    def stop(self) -> None:
        self._done.set()
        self._thread.join()

    def cpu_at(self, moment: float) -> float:
        """CPU seconds of the crawl's processes at ``moment``, between two samples."""
        before = [(t, c) for t, c in self.series if t <= moment]
        after = [(t, c) for t, c in self.series if t > moment]
        if not before or not after:
            return (before or after or [(0.0, 0.0)])[-1 if before else 0][1]
        (t0, c0), (t1, c1) = before[-1], after[0]
        return c0 + (c1 - c0) * (moment - t0) / (t1 - t0)

    def cpu_of(self, kind: str) -> float:
        return sum(seconds for k, seconds in self.cpu.values() if k == kind)

    @property
    def peak_mb(self) -> float:
        return max((kb for k, kb in self.peaks.values() if k == "crawl"), default=0) / 1024

    @property
    def workers_mb(self) -> float:
        return max((kb for k, kb in self.peaks.values() if k == "worker"), default=0) / 1024


def _descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = list(Path(f"/proc/{parent}/task").iterdir())
        except OSError:
            continue
        for task in tasks:
            try:
                children = [int(c) for c in (task / "children").read_text().split()]
            except OSError:
                continue
            found += children
            todo += children
    return found


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


def run_hdhwatch(
    settings: Settings, servers: list[SiteServer], workers: int
) -> tuple[dict, list]:
    from hdhwatch.crawl.run import run_crawl

    window = Window(servers)
    summaries = run_crawl(settings, echo=window.line, workers=workers)
    return window.result(f"(b) hdhwatch, {workers} worker{'s' * (workers > 1)}"), summaries


def recrawl_one_new_item(
    settings: Settings, servers: list[SiteServer], site: Path, outlet: _corpus.Outlet,
    workers: int,
) -> dict:
    """Add one item (a new page) to one outlet's feed, crawl again, count article requests."""
    from hdhwatch.crawl.run import run_crawl

    pages = sorted((site / outlet.slug / "articles").glob("*.html"))
    new_page = site / outlet.slug / "articles" / "zz-nouvel-article.html"
    shutil.copy(pages[0], new_page)
    feed = site / outlet.slug / "feed.xml"
    link = f"{{{{BASE}}}}/{outlet.slug}/articles/{new_page.name}"
    item = f"<item><title>Nouveau</title><link>{link}</link></item>"
    feed.write_text(feed.read_text(encoding="utf-8").replace("</channel>", item + "</channel>"),
                    encoding="utf-8")
    window = Window(servers)
    run_crawl(settings, workers=workers)
    window.rss.stop()
    requests = window.requests()
    return {
        "articles": sum("/articles/" in r.path for r in requests),
        "feeds": sum(r.path.endswith(".xml") for r in requests),
        "not_modified": sum(r.status == 304 for r in requests),
    }


class StageTimer:
    """Wall time spent in each stage of ``CrawlSession.process_page``, by wrapping the
    functions it calls where it looks them up (restored by :meth:`restore`)."""

    STAGES = (
        ("extract (parse_article)", "hdhwatch.prepare", "parse_article"),
        ("watch terms", "hdhwatch.prepare", "matches_watch_terms"),
        ("store (save_article)", "hdhwatch.pipeline", "save_article"),
        ("classify", "hdhwatch.prepare", "classify"),
        ("persist classification", "hdhwatch.pipeline", "persist_new_classification"),
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
    parser.add_argument(
        "--workers", default="1,2",
        help="side (b) once per count, comma-separated: processes preparing pages, the "
        "crawl's own included (default 1,2)",
    )
    parser.add_argument(
        "--no-recrawl", action="store_true",
        help="skip the re-crawl after one new feed item",
    )
    parser.add_argument("--log-level", default="INFO", help="both crawls' Scrapy log level")
    parser.add_argument("--echo", action="store_true", help="show the crawls' output")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)
    try:
        worker_counts = [int(n) for n in args.workers.split(",")]
    except ValueError:
        parser.error("--workers takes counts separated by commas, such as 1,2")
    if args.database_url and len(worker_counts) > 1:
        parser.error("--database-url takes one empty database: give one --workers count")
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
            baselines, results, summaries, recrawl = [], [], [], None
            # a, b, a: the machine may be shared, so the baseline is taken on both sides
            # of the long crawl and the faster of the two is used (the stricter ratio).
            if args.only in (None, "a"):
                print("running (a) Scrapy alone …", flush=True)
                baselines.append(run_baseline(settings, servers, args.log_level))
            if args.only in (None, "b"):
                from dataclasses import replace

                for workers in worker_counts:
                    print(f"running (b) the hdhwatch crawl, --workers {workers} …", flush=True)
                    run_settings = settings if args.database_url else replace(
                        settings,
                        database_url=f"sqlite:///{workdir / 'data' / f'w{workers}.sqlite3'}",
                    )
                    result, summaries = run_hdhwatch(run_settings, servers, workers)
                    results.append(result)
                if not args.no_recrawl:
                    print("re-crawl after one new feed item …", flush=True)
                    recrawl = recrawl_one_new_item(
                        run_settings, servers, workdir / "site", outlets[0], worker_counts[-1])
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
        report(baselines, results, summaries, args.pages, stages, recrawl)
    finally:
        if args.keep:
            print(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 0


def report(
    baselines: list[dict], results: list[dict], summaries: list, pages: int,
    stages: dict | None, recrawl: dict | None = None,
) -> None:
    print()
    print(
        f"{'':26} {'pages':>6} {'window s':>9} {'pages/s':>8} {'start-up s':>10} "
        f"{'CPU ms/page':>11} {'in window':>9} {'peak RSS MB':>11} {'worker RSS MB':>13}"
    )
    for r in baselines + results:
        print(
            f"{r['label']:26} {r['pages']:6d} {r['seconds']:9.2f} {r['rate']:8.1f} "
            f"{r['startup']:10.2f} {r['cpu_ms']:11.1f} {r['window_cpu_ms']:9.1f} "
            f"{r['rss_mb']:11.0f} "
            f"{r['workers_rss_mb'] or float('nan'):13.0f}"
        )
    print("(CPU ms/page: every process of the crawl, its worker processes included, "
          "start-up included; in window: the same, from the first request to the last line "
          "only, sampled every 0.2 s; peak RSS: the crawl process; worker RSS: the largest "
          "worker)")
    for r in results:
        print(f"{r['label']}: CPU ms/page, sampled every 0.2 s: crawl process "
              f"{r['crawl_cpu_ms']:.1f}, worker processes {r['workers_cpu_ms']:.1f}")
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
        for result in results:
            ratio = result["rate"] / best
            verdict = "meets" if ratio >= TARGET_RATIO else "below"
            cpu = "meets" if result["cpu_ms"] <= TARGET_CPU_MS else "above"
            print(
                f"{result['label']}: ratio b/a {ratio:.3f} against the faster baseline, "
                f"{best:.1f} pages/s ({verdict} the {TARGET_RATIO} target); "
                f"CPU {result['cpu_ms']:.1f} ms/page ({cpu} the {TARGET_CPU_MS} ms target)"
            )
    if recrawl:
        print(
            f"re-crawl after one new feed item: {recrawl['articles']} article request(s), "
            f"{recrawl['feeds']} feed requests ({recrawl['not_modified']} answered 304)"
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
