"""``hdhwatch worker`` processes crawling together: the real Redis, the real PostgreSQL and a
real local site. Two workers store every article once and fetch no page twice, a worker
killed mid-way loses nothing, and a Retry-After one worker meets holds the other."""

from __future__ import annotations

import os
import pickle
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from conftest import write_config
from sqlalchemy import func, select

from hdhwatch.demo import DEMO_ROOT
from hdhwatch.demo.sitesrv import Rule, SiteServer
from hdhwatch.store.db import open_database
from hdhwatch.store.models import Article, CrawlRun

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

HDHWATCH = str(Path(sys.executable).parent / "hdhwatch")
DEMO_SOURCES = (DEMO_ROOT / "sources.toml").read_text(encoding="utf-8")
ARTICLES = sorted(
    "/" + p.relative_to(DEMO_ROOT).as_posix() for p in DEMO_ROOT.glob("*/articles/*.html")
)
ON_TOPIC_DEMO_ARTICLES = 25  # of 31: six are off-topic and dropped
SLOW_ARTICLES = {path: Rule(delay=0.4) for path in ARTICLES}  # workers stopped mid-way
IDLE_EXIT = "3"


def environment(
    tmp_path: Path, site: SiteServer, db_url: str, redis_url: str, prefix: str, name: str = "",
    crawl: str = "",
):
    """A worker's environment; ``name``: its own User-Agent, to tell its requests apart;
    ``crawl``: more lines of its [crawl] table."""
    sources = DEMO_SOURCES.replace("{{BASE}}", site.base_url)
    agent = f'user_agent = "hdhwatch-test-worker-{name}"\n' if name else ""
    config = write_config(
        tmp_path / f"config{name}", sources, f'redis_prefix = "{prefix}"\n{agent}{crawl}'
    )
    return {
        **os.environ,
        "HDHWATCH_CONFIG_DIR": str(config),
        "HDHWATCH_DATA_DIR": str(tmp_path / "data"),
        "HDHWATCH_DATABASE_URL": db_url,
        "HDHWATCH_REDIS_URL": redis_url,
    }


def start_worker(env: dict, log: Path, idle_exit: str = IDLE_EXIT) -> subprocess.Popen:
    return subprocess.Popen(
        [HDHWATCH, "worker", "--idle-exit", idle_exit],
        env=env, stdout=log.open("w"), stderr=subprocess.STDOUT,
    )


def stored(db_url: str) -> tuple[int, int]:
    db = open_database(db_url, migrate=False)
    try:
        with db.session() as session:
            return (
                session.scalar(select(func.count()).select_from(Article)),
                session.scalar(select(func.count(func.distinct(Article.url)))),
            )
    finally:
        db.close()


def article_fetches(site: SiteServer) -> Counter:
    return Counter(r.path for r in site.requests if "/articles/" in r.path)


def wait_for_fetches(site: SiteServer, count: int) -> None:
    """Until the site has answered ``count`` article requests (at most two minutes)."""
    deadline = time.monotonic() + 120
    while sum(article_fetches(site).values()) < count and time.monotonic() < deadline:
        time.sleep(0.05)


def worker_id(client, prefix: str, pid: int) -> str:
    for _ in range(100):
        for member in client.smembers(f"{prefix}:workers"):
            if member.decode().split(":")[1] == str(pid):
                return member.decode()
        time.sleep(0.1)
    raise AssertionError(f"worker {pid} never registered")


def test_two_workers_store_every_article_once_and_fetch_no_page_twice(
    tmp_path, pg_url, redis_url, redis_prefix
):
    with SiteServer(DEMO_ROOT) as site:
        env = environment(tmp_path, site, pg_url, redis_url, redis_prefix)
        assert subprocess.run([HDHWATCH, "enqueue"], env=env).returncode == 0
        workers = [start_worker(env, tmp_path / f"worker{i}.log") for i in range(2)]
        for w in workers:
            assert w.wait(timeout=180) == 0, (tmp_path / "worker0.log").read_text()[-3000:]
    assert stored(pg_url) == (ON_TOPIC_DEMO_ARTICLES, ON_TOPIC_DEMO_ARTICLES)
    fetches = article_fetches(site)
    assert set(fetches) == set(ARTICLES)
    assert max(fetches.values()) == 1
    client = redis.Redis.from_url(redis_url)
    assert client.llen(f"{redis_prefix}:requests") == 0
    assert not list(client.scan_iter(f"{redis_prefix}:inflight:*"))
    client.close()


def test_a_worker_killed_mid_way_loses_nothing(tmp_path, pg_url, redis_url, redis_prefix):
    # Slow article pages: the kill lands while both workers hold some in flight.
    client = redis.Redis.from_url(redis_url)
    with SiteServer(DEMO_ROOT, rules=SLOW_ARTICLES) as site:
        env = environment(tmp_path, site, pg_url, redis_url, redis_prefix)
        assert subprocess.run([HDHWATCH, "enqueue"], env=env).returncode == 0
        victim = start_worker(env, tmp_path / "victim.log")
        survivor = start_worker(env, tmp_path / "survivor.log")
        victim_id = worker_id(client, redis_prefix, victim.pid)
        wait_for_fetches(site, 8)
        victim.send_signal(signal.SIGKILL)
        victim.wait()
        # What it held when killed: popped, perhaps fetched, not stored.
        held = {
            pickle.loads(raw)["url"]
            for raw in client.lrange(f"{redis_prefix}:inflight:{victim_id}", 0, -1)
        }
        assert survivor.wait(timeout=180) == 0, (tmp_path / "survivor.log").read_text()[-3000:]
        if held:
            assert "requeued the requests of a worker" in (tmp_path / "survivor.log").read_text()
    client.close()
    assert stored(pg_url) == (ON_TOPIC_DEMO_ARTICLES, ON_TOPIC_DEMO_ARTICLES)
    fetches = article_fetches(site)
    assert set(fetches) == set(ARTICLES)  # every article fetched, the killed one's included
    twice = {path for path, n in fetches.items() if n > 1}
    # Only a page the killed worker held in flight may be fetched again, and only once more.
    assert twice <= {url.removeprefix(site.base_url) for url in held}
    assert max(fetches.values()) <= 2


def test_a_retry_after_met_by_one_worker_holds_the_others(
    tmp_path, pg_url, redis_url, redis_prefix
):
    wait, slow = 4, 1.5  # generous: a loaded machine answers and sends late
    # The first item of the first feed, answered slowly. Each worker holds at most 4
    # requests at a time: both hold some when the 429 goes out, or take some from the queue
    # (of 31 articles, at most 8 + 7 are taken or fetched by then) while the hold lasts, so
    # the worker that did not meet it has requests to make after it, however late it came.
    throttled = "/lecourrier-numerique/articles/scaleway-chantier-migration-health-data-hub.html"
    rules = {path: Rule(delay=0.2) for path in ARTICLES}
    rules[throttled] = Rule(
        status=429, headers=(("Retry-After", str(wait)),), times=1, delay=slow
    )
    client = redis.Redis.from_url(redis_url)
    with SiteServer(DEMO_ROOT, rules=rules) as site:
        envs = [environment(tmp_path, site, pg_url, redis_url, redis_prefix, name,
                            crawl="concurrent_requests = 4\n")
                for name in ("a", "b")]
        # Both workers up before there is work: one started late on a loaded machine would
        # find the queue emptied by the other and have nothing left to be held from. They
        # wait idle until the enqueue (hence the longer idle exit).
        workers = [start_worker(env, tmp_path / f"worker{i}.log", idle_exit="10")
                   for i, env in enumerate(envs)]
        for w in workers:
            worker_id(client, redis_prefix, w.pid)
        assert subprocess.run([HDHWATCH, "enqueue"], env=envs[0]).returncode == 0
        for i, w in enumerate(workers):
            assert w.wait(timeout=240) == 0, (tmp_path / f"worker{i}.log").read_text()[-3000:]
    client.close()
    assert stored(pg_url) == (ON_TOPIC_DEMO_ARTICLES, ON_TOPIC_DEMO_ARTICLES)
    asked = [r for r in site.requests if r.path == throttled and r.status == 429]
    assert len(asked) == 1
    t = asked[0].time + slow  # the server logs a request when it arrives; it answered later
    met_by = asked[0].headers["User-Agent"]
    others = [r for r in site.requests if r.headers["User-Agent"] != met_by]
    # The other worker had requests to make after the 429 …
    assert [r for r in others if r.time >= t + wait - 0.3 and "/articles/" in r.path]
    # … and made none from shortly after it (a request already on its way may land just
    # after it) until the Retry-After had passed; nor did the worker that met it.
    assert [r.path for r in site.requests if t + 1.0 < r.time < t + wait - 0.3] == []
    assert any(r.path == throttled and r.status == 200 for r in site.requests if r.time > t)


def test_a_worker_stopped_by_sigterm_hands_its_work_back(
    tmp_path, pg_url, redis_url, redis_prefix
):
    """``systemctl stop``: the worker finishes what it fetched, puts back what it held, and
    records its runs as interrupted (another worker finishes the batch), not finished."""
    client = redis.Redis.from_url(redis_url)
    with SiteServer(DEMO_ROOT, rules=SLOW_ARTICLES) as site:
        env = environment(tmp_path, site, pg_url, redis_url, redis_prefix)
        assert subprocess.run([HDHWATCH, "enqueue"], env=env).returncode == 0
        stopped = start_worker(env, tmp_path / "stopped.log")
        stopped_id = worker_id(client, redis_prefix, stopped.pid)
        wait_for_fetches(site, 6)
        stopped.send_signal(signal.SIGTERM)
        assert stopped.wait(timeout=60) == 0, (tmp_path / "stopped.log").read_text()[-3000:]
        assert client.llen(f"{redis_prefix}:inflight:{stopped_id}") == 0
        assert client.llen(f"{redis_prefix}:requests") > 0, "the batch was not over"
        db = open_database(pg_url, migrate=False)
        with db.session() as session:
            statuses = {r.status for r in session.scalars(
                select(CrawlRun).where(CrawlRun.pid == stopped.pid))}
        db.close()
        assert statuses == {"interrupted"}, (tmp_path / "stopped.log").read_text()[-3000:]
        survivor = start_worker(env, tmp_path / "survivor.log")
        assert survivor.wait(timeout=180) == 0, (tmp_path / "survivor.log").read_text()[-3000:]
    client.close()
    assert stored(pg_url) == (ON_TOPIC_DEMO_ARTICLES, ON_TOPIC_DEMO_ARTICLES)
    assert set(article_fetches(site)) == set(ARTICLES)
