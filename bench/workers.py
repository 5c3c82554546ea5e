"""Many machines: the Redis queue's own cost, 1 against 2 workers, and the planning figure.

    python bench/workers.py queue [--requests 20000]
    python bench/workers.py scale [--pages 1000] [--runs 2]
    python bench/workers.py plan  [--outlets 500] [--articles 1.5] [--workers 1]
    python bench/workers.py       # all three

(a) ``queue``: what the shared queue costs per request, on the local Redis, with the
    calls a worker makes for one article page, one round trip each, unpipelined as the
    worker makes them: seen-or-queued (the dupefilter's SET NX EX and the LPUSH, one Lua
    script), the claim into the in-flight list (LMOVE), the site's shared slot (the Lua
    acquire script, then ZREM) and the release (LREM). Wall µs per request seen by the
    client, and Redis's own CPU (``INFO cpu``, user + sys) per request.
(b) ``scale``: the bench site of ``_corpus.py`` (``--pages`` pages of ~60 KB, 10 outlets,
    4 loopback addresses), crawled by one worker pinned to core 0 (``taskset -c 0``), then
    by two pinned to cores 0 and 1, each into a fresh PostgreSQL database, ``--runs``
    times. Pages/s: article pages answered 200, over the window from the first request
    to the last article page served; CPU ms/page: the workers' user + system time
    (start-up included) over the article pages.
(c) ``plan``: 500 outlets every 30 minutes. The load of one 30-minute cycle, on
    loopback: ``--outlets`` sources, each on its own loopback address (its own site to
    politeness: 2 downloads at once, ``--delay`` seconds apart, robots.txt), each with a
    feed holding ``--articles`` new article pages on average, crawled by ``--workers``
    workers into PostgreSQL. Nothing is scaled: the real per-page CPU, the real delay;
    only the network is loopback. The cycle must end well inside 30 minutes; the run is
    bounded by ``--timeout``.

Needs the local Redis (``HDHWATCH_REDIS_URL``, default redis://127.0.0.1:6379/0) and
PostgreSQL (``HDHWATCH_BENCH_PG_URL``, default postgresql://root@127.0.0.1:5432/test:
a database is created per run and dropped after it).
"""

from __future__ import annotations

import argparse
import os
import pickle
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

HERE = Path(__file__).resolve().parent
CHECKOUT = HERE.parent
sys.path[:0] = [str(HERE), str(CHECKOUT / "src")]

import _corpus  # noqa: E402
import redis  # noqa: E402

from hdhwatch.crawl import distributed  # noqa: E402
from hdhwatch.demo.sitesrv import SiteServer  # noqa: E402

REDIS_URL = os.environ.get("HDHWATCH_REDIS_URL", "redis://127.0.0.1:6379/0")
PG_ADMIN_URL = os.environ.get("HDHWATCH_BENCH_PG_URL", "postgresql://root@127.0.0.1:5432/test")
HDHWATCH = str(Path(sys.executable).parent / "hdhwatch")
TARGET_RATIO = 1.8
CRAWL = (
    "\n[crawl]\nconcurrent_per_domain = 2\ndownload_delay = {delay}\nautothrottle = false\n"
    "allow_private_addresses = true\nretry_times = 2\nretry_after_max = 5\n"
    'download_timeout = 30\nredis_prefix = "{prefix}"\n'
)


# --- (a) the queue's own cost ---------------------------------------------------------------
def redis_cpu(client) -> float:
    info = client.info("cpu")
    return info["used_cpu_user"] + info["used_cpu_sys"]


def redis_command_time(client) -> float:
    """Seconds Redis spent executing commands (INFO commandstats), I/O not included."""
    return sum(v["usec"] for v in client.info("commandstats").values()) / 1e6


def queue_cost(requests: int) -> dict:
    from scrapy import Request
    from scrapy_redis.dupefilter import RFPDupeFilter

    client = redis.Redis.from_url(REDIS_URL)
    keys = distributed.Keys(f"bench-{uuid.uuid4().hex[:8]}")
    flight = distributed.InFlight(client, keys, "bench-worker")
    polite = distributed.HostPoliteness(client, keys, concurrency=2, delay=0, token_ttl=35)
    dupes = RFPDupeFilter(client, keys.dupefilter)
    base = "https://www.example-presse.fr/cloud/articles/health-data-hub-migration-"
    raw = [
        pickle.dumps(Request(f"{base}{i:06d}.html", meta={"source": "example"}).to_dict(),
                     protocol=-1)
        for i in range(requests)
    ]
    steps = {"fingerprint": 0.0, "seen + push": 0.0, "claim": 0.0, "release": 0.0,
             "site slot": 0.0}
    cpu0, wall0, commands0 = redis_cpu(client), time.perf_counter(), redis_command_time(client)
    try:
        for i, data in enumerate(raw):
            t0 = time.perf_counter()
            key = f"{keys.dupefilter}:{dupes.request_fingerprint(_Req(base, i))}"
            t1 = time.perf_counter()
            flight.push_new(key, data)  # seen-or-queued, one Lua script, as a worker does
            t2 = time.perf_counter()
            got = flight.claim()
            t3 = time.perf_counter()
            polite.try_acquire(f"host{i % 50}", str(i))
            polite.release(f"host{i % 50}", str(i))
            t4 = time.perf_counter()
            flight.release(got)
            t5 = time.perf_counter()
            steps["fingerprint"] += t1 - t0
            steps["seen + push"] += t2 - t1
            steps["claim"] += t3 - t2
            steps["site slot"] += t4 - t3
            steps["release"] += t5 - t4
        wall = time.perf_counter() - wall0
        cpu = redis_cpu(client) - cpu0
        commands = redis_command_time(client) - commands0
    finally:
        for key in client.scan_iter(f"{keys.prefix}:*", count=1000):
            client.delete(key)
        client.close()
    return {"requests": requests, "bytes": sum(map(len, raw)) / requests, "wall": wall,
            "cpu": cpu, "commands": commands, "steps": steps}


class _Req:
    """What RFPDupeFilter fingerprints: method, URL, body (the fingerprint, SHA-1 of the
    canonical URL, is computed by the client: it is in the dupefilter's wall time)."""

    def __init__(self, base: str, i: int) -> None:
        self.method, self.url, self.body = "GET", f"{base}{i:06d}.html", b""


def report_queue(r: dict) -> None:
    n = r["requests"]
    print(f"\n(a) the queue's own cost, {n} requests of {r['bytes']:.0f} bytes, local Redis")
    for step, seconds in r["steps"].items():
        print(f"  {step:12} {seconds / n * 1e6:7.1f} µs (client wall)")
    print(f"  {'total':12} {r['wall'] / n * 1e6:7.1f} µs per request, client wall "
          f"({n / r['wall']:.0f} requests/s from one client)")
    print(f"  Redis CPU    {r['cpu'] / n * 1e6:7.1f} µs per request (INFO cpu, user + sys): "
          f"one Redis core serves ~{n / max(r['cpu'], 1e-9):.0f} requests/s")
    print(f"  of which     {r['commands'] / n * 1e6:7.1f} µs executing the commands "
          "(INFO commandstats); the rest is the round trips' I/O")
    print("  (5 round trips: seen + push, claim, site slot acquire and release, release; "
          "the fingerprint is client CPU)")


# --- crawls by workers ----------------------------------------------------------------------
class Database:
    """A fresh PostgreSQL database, dropped on exit."""

    def __enter__(self) -> str:
        import psycopg

        self.admin = psycopg.connect(PG_ADMIN_URL, autocommit=True)
        self.name = f"hdhwatch_bench_{uuid.uuid4().hex[:10]}"
        self.admin.execute(f'CREATE DATABASE "{self.name}"')
        return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{self.name}"

    def __exit__(self, *exc) -> None:
        self.admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
        self.admin.close()


def write_config(config_dir: Path, sources: list[tuple[str, str]], delay: float, prefix: str):
    config_dir.mkdir(parents=True, exist_ok=True)
    main = (CHECKOUT / "config" / "hdhwatch.toml").read_text(encoding="utf-8")
    main = main.split("[crawl]")[0] + CRAWL.format(delay=delay, prefix=prefix)
    (config_dir / "hdhwatch.toml").write_text(main, encoding="utf-8")
    shutil.copy(CHECKOUT / "config" / "providers.toml", config_dir / "providers.toml")
    (config_dir / "sources.toml").write_text(
        "".join(f'[[source]]\nname = "{name}"\nkind = "feed"\nurls = ["{url}"]\ncadence = "30m"\n\n'
                for name, url in sources),
        encoding="utf-8",
    )


def crawl(workdir: Path, servers: list[SiteServer], sources, *, workers: int, cores: list[str],
          delay: float, timeout: float, label: str) -> dict:
    """Enqueue every source, run ``workers`` workers (pinned to ``cores`` when given) until
    the queue is quiet, and read the window from the servers' request logs."""
    from sqlalchemy import func, select

    from hdhwatch.config import load_settings
    from hdhwatch.store.db import open_database
    from hdhwatch.store.models import Article

    prefix = f"bench-{uuid.uuid4().hex[:8]}"
    config = workdir / f"config-{prefix}"
    write_config(config, sources, delay, prefix)
    marks = [len(s.requests) for s in servers]
    client = redis.Redis.from_url(REDIS_URL)
    with Database() as db_url:
        env = {**os.environ, "HDHWATCH_CONFIG_DIR": str(config),
               "HDHWATCH_DATA_DIR": str(workdir / "data"), "HDHWATCH_DATABASE_URL": db_url,
               "HDHWATCH_REDIS_URL": REDIS_URL}
        settings = load_settings(env)
        open_database(db_url).close()  # migrated before the workers start
        distributed.enqueue(client, distributed.Keys(prefix), settings.sources, force=True)
        cpu0, self0, machine0 = _children_cpu(), _self_cpu(), _machine()
        launched = time.monotonic()
        procs = []
        for i in range(workers):
            pin = ["taskset", "-c", cores[i]] if cores else []
            procs.append(subprocess.Popen(
                [*pin, HDHWATCH, "worker", "--idle-exit", "2"], env=env,
                stdout=(workdir / f"{label}-{i}.log").open("w"), stderr=subprocess.STDOUT))
        try:
            for p in procs:
                p.wait(timeout=max(1.0, timeout - (time.monotonic() - launched)))
        except subprocess.TimeoutExpired:
            for p in procs:
                p.kill()
            raise SystemExit(f"{label}: not done within {timeout:.0f} s") from None
        cpu, own = _children_cpu() - cpu0, _self_cpu() - self0
        busy = _busy(machine0, _machine())
        db = open_database(db_url, migrate=False)
        with db.session() as session:
            stored = session.scalar(select(func.count()).select_from(Article))
        db.close()
    for key in client.scan_iter(f"{prefix}:*", count=1000):
        client.delete(key)
    client.close()
    requests = [r for s, m in zip(servers, marks, strict=True) for r in s.requests[m:]]
    articles = [r for r in requests if "/articles/" in r.path and r.status == 200]
    first = min(r.time for r in requests)
    seconds = max(r.time for r in articles) - first
    paths = [r.path for r in articles]
    return {"label": label, "pages": len(articles), "distinct": len(set(paths)),
            "requests": len(requests), "seconds": seconds, "rate": len(articles) / seconds,
            "cpu_ms": cpu / max(len(articles), 1) * 1000, "stored": stored,
            "startup": first - launched, "busy": busy,
            "server_ms": own / max(len(articles), 1) * 1000}


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _self_cpu() -> float:
    """This process: the site servers' threads (and the bench's own bookkeeping)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _machine() -> tuple[int, int]:
    """(busy, total) jiffies of the whole machine, every process of every user."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    idle = fields[3] + fields[4]
    return sum(fields) - idle, sum(fields)


def _busy(before: tuple[int, int], after: tuple[int, int]) -> float:
    return (after[0] - before[0]) / max(after[1] - before[1], 1)


def print_row(r: dict) -> None:
    print(f"  {r['label']:26} {r['pages']:6d} {r['distinct']:6d} {r['stored']:6d} "
          f"{r['seconds']:8.2f} {r['rate']:8.1f} {r['cpu_ms']:8.1f} {r['server_ms']:8.1f} "
          f"{r['busy']:6.0%} {r['cpu_ms'] * r['rate'] / 1000:6.2f}", flush=True)


# once: distinct article pages; CPU ms/p: the workers'; site ms/p: the site servers' (this
# process); busy: the whole machine's CPU (both cores, every process) from launch to end;
# cores: the cores the workers got (their CPU ms/page × pages/s)
HEADER = (f"  {'':26} {'pages':>6} {'once':>6} {'stored':>6} {'window s':>8} {'pages/s':>8} "
          f"{'CPU ms/p':>8} {'site ms/p':>8} {'busy':>6} {'cores':>6}")


# --- (b) one worker against two -------------------------------------------------------------
def scale(pages: int, runs: int) -> list[tuple[dict, dict]]:
    workdir = Path(tempfile.mkdtemp(prefix="hdhwatch-bench-workers-"))
    try:
        outlets = _corpus.write_site(workdir / "site", pages, 10, 4)
        servers = [SiteServer(workdir / "site", host=f"127.0.0.{i + 1}").start() for i in range(4)]
        sources = [(o.slug, f"{servers[o.host].base_url}/{o.slug}/feed.xml") for o in outlets]
        print(f"\n(b) {pages} pages, 10 feeds on 4 loopback addresses; "
              f"uptime: {_uptime()}", flush=True)
        print(HEADER)
        results = []
        try:
            for run in range(1, runs + 1):
                one = crawl(workdir, servers, sources, workers=1, cores=["0"], delay=0,
                            timeout=1800, label=f"run {run}: 1 worker (core 0)")
                print_row(one)
                two = crawl(workdir, servers, sources, workers=2, cores=["0", "1"], delay=0,
                            timeout=1800, label=f"run {run}: 2 workers (0, 1)")
                print_row(two)
                ratio = two["rate"] / one["rate"]
                verdict = "meets" if ratio >= TARGET_RATIO else "below"
                print(f"  run {run}: ratio 2/1 = {ratio:.2f} ({verdict} the {TARGET_RATIO} "
                      f"target); uptime: {_uptime()}", flush=True)
                results.append((one, two))
        finally:
            for s in servers:
                s.stop()
        return results
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def _uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


# --- (c) the planning figure ----------------------------------------------------------------
def plan(outlets: int, articles: float, workers: int, delay: float, timeout: float) -> dict:
    pages = round(outlets * articles)
    workdir = Path(tempfile.mkdtemp(prefix="hdhwatch-bench-plan-"))
    try:
        specs = _corpus.write_site(workdir / "site", pages, outlets, outlets)
        # One server on every loopback address; each outlet's feed names its own address,
        # a site of its own to the crawler's politeness.
        server = SiteServer(workdir / "site", host="", substitute=False).bind()
        port = server.base_url.rsplit(":", 1)[1]
        sources = []
        for o in specs:
            base = f"http://127.0.{1 + o.host // 250}.{1 + o.host % 250}:{port}"
            feed = workdir / "site" / o.slug / "feed.xml"
            feed.write_text(feed.read_text(encoding="utf-8").replace("{{BASE}}", base), "utf-8")
            sources.append((o.slug, f"{base}/{o.slug}/feed.xml"))
        server.start()
        print(f"\n(c) one 30-minute cycle: {outlets} outlets, each its own site, {pages} new "
              f"article pages ({articles:g} per outlet), download_delay {delay:g} s, "
              f"{workers} worker(s); uptime: {_uptime()}", flush=True)
        print(HEADER)
        try:
            r = crawl(workdir, [server], sources, workers=workers, cores=[], delay=delay,
                      timeout=timeout, label=f"{workers} worker(s), {outlets} outlets")
        finally:
            server.stop()
        print_row(r)
        print(f"  {r['requests']} requests in all (robots.txt, feeds, articles); the cycle's "
              f"work took {r['seconds']:.0f} s of the 1800 s between two cycles "
              f"({r['seconds'] / 1800:.1%})", flush=True)
        return r
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python bench/workers.py",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("part", nargs="?", choices=["queue", "scale", "plan"])
    parser.add_argument("--requests", type=int, default=20000)
    parser.add_argument("--pages", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--outlets", type=int, default=500)
    parser.add_argument("--articles", type=float, default=1.5,
                        help="new article pages per outlet per cycle (default 1.5)")
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--delay", type=float, default=1.0, help="download_delay (default 1.0)")
    parser.add_argument("--timeout", type=float, default=900, help="bound on the cycle (s)")
    args = parser.parse_args(argv)
    if args.part in (None, "queue"):
        report_queue(queue_cost(args.requests))
    if args.part in (None, "scale"):
        scale(args.pages, args.runs)
    if args.part in (None, "plan"):
        plan(args.outlets, args.articles, args.workers, args.delay, args.timeout)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
