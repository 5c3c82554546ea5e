"""Crash safety driven for real (issue 12, item 4): SIGKILL at chosen points, then a run.

The real CLI (``python -m hdhwatch crawl``, which starts the crawl process) crawls the
bundled demo site over HTTP into a real database, with two readers subscribed. An
uninterrupted crawl is the baseline: its articles, its events (three target moves among
them) and its outbox (to each reader, the alert about the move that set today's target
and the one about the latest provider). Then, for each kill point, on a fresh store: the
same crawl is killed by SIGKILL at that point, a normal crawl follows, and the store
must end as the baseline's -- the same articles, events and deliveries (cancelled ones
included): nothing missing, nothing twice. And what the killed crawl queued must be
queued by the baseline too: the next send (``run``, the scheduler's crawl job) mails it.

Kill points need no hook in hdhwatch: ``tests/killpoints/sitecustomize.py``, put on
``PYTHONPATH``, counts each process's database steps (statements and COMMITs) and sends
it SIGKILL before the Nth one (its docstring says how). The points, fixed by a seed:

* ``crawl-*``: the crawl process, at 12 steps drawn one in each twelfth of the steps it
  takes in the baseline (sources, runs, articles, classifications, counters,
  validators);
* ``cli-*``: the CLI, inside the transaction that replays the timeline and queues the
  alerts, at 4 drawn steps of it;
* ``alert-*``: the CLI at the named steps of that transaction: before its first event,
  before its first delivery, between two deliveries, before its COMMIT.

Killing the CLI kills its crawl process too (it dies with its parent). The points are
independent: they run side by side, each in its own store, once for all the tests
selected (``kill_outcomes``); each test then judges its point. Three run on PostgreSQL
too. ``-m kill_points`` selects them all.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from conftest import PG_ADMIN_URL, _pg_admin, write_config
from sqlalchemy import select
from test_alerts_under_faults import DEMO_SOURCES, READERS, subscribe

from hdhwatch.config import load_settings
from hdhwatch.demo import DEMO_ROOT
from hdhwatch.demo.sitesrv import SiteServer
from hdhwatch.store.db import open_database
from hdhwatch.store.models import Article, Delivery, Event

HOOK = Path(__file__).resolve().parent / "killpoints"
SEED = 20261206  # the same points every run
CRAWL_POINTS = 12
CLI_POINTS = 4
# the first statement of the timeline's replay: the transaction that stores the events
# and queues their alerts starts here, and ends at the COMMIT after its deliveries
ALERT_TRANSACTION = "SELECT articles.id, coalesce("
WORKERS = max(2, min(6, os.cpu_count() or 2))
IN_PROCESS = threading.Lock()

# the first test to ask for ``kill_outcomes`` waits for every point (~2 min on two idle
# cores; a loaded machine may take several times that)
pytestmark = [pytest.mark.slow, pytest.mark.kill_points, pytest.mark.timeout(1800)]


@dataclass(frozen=True)
class KillPoint:
    """Kill the process ``role`` (crawl | cli) before its ``nth`` step starting with
    ``match``, counted from its first step starting with ``after``; ``share``: ``nth`` is
    that share of the steps the role takes in the baseline (after ``after``)."""

    name: str
    role: str
    nth: int = 0
    share: float = 0.0
    match: str = ""
    after: str = ""

    def resolve(self, totals: dict[str, int]) -> dict:
        nth = self.nth or max(1, round(self.share * totals[self.role]))
        return {"role": self.role, "nth": nth, "match": self.match, "after": self.after}


def plan(seed: int = SEED) -> list[KillPoint]:
    rng = random.Random(seed)
    # one in each twelfth of the crawl, not at its very edges (a crawl's step count
    # varies a little with the order its threads store pages in)
    points = [
        KillPoint(f"crawl-{i:02d}", "crawl", share=(i + 0.05 + 0.9 * rng.random()) / CRAWL_POINTS)
        for i in range(CRAWL_POINTS)
    ]
    points += [
        KillPoint(f"cli-{i:02d}", "cli", share=(i + 0.05 + 0.9 * rng.random()) / CLI_POINTS,
                  after=ALERT_TRANSACTION)
        for i in range(CLI_POINTS)
    ]
    points += [
        KillPoint("alert-before-first-event", "cli", 1, match="INSERT INTO events",
                  after=ALERT_TRANSACTION),
        KillPoint("alert-before-first-delivery", "cli", 1, match="INSERT INTO deliveries",
                  after=ALERT_TRANSACTION),
        KillPoint("alert-between-deliveries", "cli", 2, match="INSERT INTO deliveries",
                  after=ALERT_TRANSACTION),
        KillPoint("alert-before-commit", "cli", 1, match="COMMIT",
                  after="INSERT INTO deliveries"),
    ]
    return points


POINTS = plan()
BY_NAME = {p.name: p for p in POINTS}
PG_POINTS = ["crawl-08", "alert-before-first-delivery", "alert-before-commit"]


@dataclass(frozen=True)
class State:
    """What the comparison reads from a store."""

    events: list[tuple[str, str, str]]  # (kind, key, status)
    deliveries: list[tuple[str, str, str, str, str]]  # (event, kind, channel, to, status)
    articles: list[str]  # the URL of each stored article


@dataclass
class Outcome:
    point: str
    kill: dict
    killed: list[str] = field(default_factory=list)  # what each killed process was doing
    killed_exit: int | None = None
    killed_output: str = ""
    after_kill: State | None = None
    final_exit: int | None = None
    final_output: str = ""
    final: State | None = None
    seconds: float = 0.0


def read_state(url: str) -> State:
    db = open_database(url, migrate=False)
    try:
        with db.session() as session:
            events = session.execute(
                select(Event.kind, Event.key, Event.status).order_by(Event.key)).all()
            deliveries = session.execute(
                select(Delivery.event_key, Delivery.kind, Delivery.channel, Delivery.recipient,
                       Delivery.status).order_by(Delivery.id)).all()
            articles = session.scalars(select(Article.url).order_by(Article.url)).all()
    finally:
        db.close()
    return State([tuple(e) for e in events], [tuple(d) for d in deliveries], list(articles))


class Store:
    """A fresh hdhwatch store (config, data dir, database) with the readers subscribed."""

    def __init__(self, root: Path, base_url: str, database_url: str | None = None) -> None:
        self.root = root
        self.url = database_url or f"sqlite:///{root / 'hdhwatch.sqlite3'}"
        config = write_config(root / "config", DEMO_SOURCES.replace("{{BASE}}", base_url))
        self.env = {
            "HDHWATCH_CONFIG_DIR": str(config),
            "HDHWATCH_DATA_DIR": str(root / "data"),
            "HDHWATCH_DATABASE_URL": self.url,
        }
        with IN_PROCESS:  # Alembic migrates through module state: one thread at a time
            subscribe(load_settings(self.env))
        self.calls = 0

    def crawl(self, kill: dict | None = None) -> tuple[subprocess.CompletedProcess, Path]:
        """``hdhwatch crawl``, the real CLI, counting its steps (and killed at ``kill``)."""
        self.calls += 1
        steps = self.root / f"steps-{self.calls}"
        steps.mkdir()
        python_path = os.pathsep.join(filter(None, [str(HOOK), os.environ.get("PYTHONPATH")]))
        env = {**os.environ, **self.env, "PYTHONPATH": python_path,
               "HDHWATCH_TEST_STEPS": str(steps),
               "HDHWATCH_TEST_KILL_AT": json.dumps(kill) if kill else ""}
        result = subprocess.run([sys.executable, "-m", "hdhwatch", "crawl"], env=env,
                                cwd=self.root, capture_output=True, text=True, timeout=600)
        return result, steps


def step_totals(steps: Path) -> dict[str, int]:
    """How many steps each role took, the CLI's counted from the alert transaction."""
    totals = {}
    for role, after in (("crawl", ""), ("cli", ALERT_TRANSACTION)):
        (log,) = steps.glob(f"{role}.*.steps")
        texts = [json.loads(line)[1] for line in log.read_text("utf-8").splitlines()]
        start = next(i for i, text in enumerate(texts) if text.startswith(after))
        totals[role] = len(texts) - start
    return totals


@dataclass
class Baseline:
    state: State
    totals: dict[str, int]  # the steps each role takes (see ``step_totals``)
    steps: Path  # the steps logs


def run_baseline(root: Path, base_url: str, database_url: str | None) -> Baseline:
    store = Store(root, base_url, database_url)
    result, steps = store.crawl()
    assert result.returncode == 0, result.stdout + result.stderr
    return Baseline(read_state(store.url), step_totals(steps), steps)


def run_point(point: KillPoint, baseline: Baseline, root: Path, base_url: str,
              database_url: str | None) -> Outcome:
    started = time.monotonic()
    store = Store(root, base_url, database_url)
    outcome = Outcome(point.name, point.resolve(baseline.totals))
    killed, steps = store.crawl(outcome.kill)
    outcome.killed_exit, outcome.killed_output = killed.returncode, killed.stdout + killed.stderr
    outcome.killed = [p.read_text("utf-8") for p in steps.glob("killed.*")]
    outcome.after_kill = read_state(store.url)
    final, _ = store.crawl()
    outcome.final_exit, outcome.final_output = final.returncode, final.stdout + final.stderr
    outcome.final = read_state(store.url)
    outcome.seconds = time.monotonic() - started
    return outcome


def pg_database() -> str:
    admin = _pg_admin()
    name = f"hdhwatch_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    admin.close()
    return f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"


def drop_pg_database(url: str) -> None:
    admin = _pg_admin()
    admin.execute(f'DROP DATABASE IF EXISTS "{url.rsplit("/", 1)[1]}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="module")
def kill_outcomes(request, tmp_path_factory):
    """The baseline and every kill point selected in this session, run side by side once
    for the module: {backend: (Baseline, {point name: Outcome}), or why it was skipped}."""
    wanted: dict[str, list[str]] = {"sqlite": []}  # the baseline test reads SQLite's
    for item in request.session.items:
        spec = getattr(item, "callspec", None)
        if item.module.__name__ == __name__ and spec and "point" in spec.params:
            points = wanted.setdefault(spec.params["backend"], [])
            if spec.params["point"] not in points:
                points.append(spec.params["point"])
    skipped: dict[str, str] = {}
    if "postgresql" in wanted:
        try:
            _pg_admin().close()
        except pytest.skip.Exception as exc:  # the SQLite points run all the same
            skipped["postgresql"] = str(exc)
            del wanted["postgresql"]
    databases: list[str] = []

    def database(backend: str) -> str | None:
        if backend == "sqlite":
            return None
        databases.append(pg_database())
        return databases[-1]

    tmp = tmp_path_factory.mktemp("kill")
    try:
        with SiteServer(DEMO_ROOT) as server, ThreadPoolExecutor(WORKERS) as pool:
            baselines = {
                backend: pool.submit(run_baseline, tmp / f"{backend}-baseline",
                                     server.base_url, database(backend))
                for backend in wanted
            }
            baselines = {backend: future.result() for backend, future in baselines.items()}
            futures = {
                (backend, name): pool.submit(run_point, BY_NAME[name], baselines[backend],
                                             tmp / f"{backend}-{name}", server.base_url,
                                             database(backend))
                for backend, names in wanted.items() for name in names
            }
            outcomes = {key: future.result() for key, future in futures.items()}
    finally:
        for url in databases:
            drop_pg_database(url)
    return skipped | {
        backend: (baseline, {name: outcomes[backend, name] for name in wanted[backend]})
        for backend, baseline in baselines.items()
    }


def test_the_baseline_announces_moves_in_one_transaction(kill_outcomes):
    """The uninterrupted crawl is worth comparing with: it stores target moves and queues
    an alert for each reader, in the transaction the ``alert-*`` points aim at."""
    baseline, _ = kill_outcomes["sqlite"]
    moves = [key for kind, key, status in baseline.state.events
             if kind == "target_move" and status == "confirmed"]
    assert len(moves) >= 2, baseline.state.events
    shift = [d for d in baseline.state.deliveries if d[1] == "shift"]
    assert sorted(d[3] for d in shift) == sorted(READERS)
    assert len({d[0] for d in shift}) == 1 and shift[0][0] in moves, "one move announced"
    assert all(d[4] == "pending" for d in baseline.state.deliveries)
    (log,) = baseline.steps.glob("cli.*.steps")
    texts = [json.loads(line)[1] for line in log.read_text("utf-8").splitlines()]
    rest = texts[next(i for i, t in enumerate(texts) if t.startswith(ALERT_TRANSACTION)):]
    first_event = next(i for i, t in enumerate(rest) if t.startswith("INSERT INTO events"))
    deliveries = [i for i, t in enumerate(rest) if t.startswith("INSERT INTO deliveries")]
    commit = rest.index("COMMIT")
    assert first_event < deliveries[0] < deliveries[1] < commit, (
        "events and deliveries are written in one transaction: no COMMIT between them")


def test_the_kill_points_are_spread_over_the_crawl():
    crawl = sorted(p.share for p in POINTS if p.role == "crawl")
    assert len(POINTS) >= 20 and len(crawl) == CRAWL_POINTS
    assert all(i / CRAWL_POINTS < share < (i + 1) / CRAWL_POINTS
               for i, share in enumerate(crawl))
    assert plan() == POINTS, "fixed by the seed"


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("point", [p.name for p in POINTS])
def test_a_crawl_killed_then_run_again_ends_as_an_uninterrupted_one(
        kill_outcomes, backend, point):
    judge(kill_outcomes, backend, point)


@pytest.mark.postgres
@pytest.mark.parametrize("backend", ["postgresql"])
@pytest.mark.parametrize("point", PG_POINTS)
def test_on_postgresql_a_crawl_killed_then_run_again_ends_as_an_uninterrupted_one(
        kill_outcomes, backend, point):
    judge(kill_outcomes, backend, point)


def judge(kill_outcomes, backend: str, point: str) -> None:
    if isinstance(kill_outcomes[backend], str):
        pytest.skip(kill_outcomes[backend])
    baseline, outcomes = kill_outcomes[backend]
    outcome = outcomes[point]
    where = f"{point} {outcome.kill}, killed before {outcome.killed}"
    # it really died by SIGKILL, at that point
    assert len(outcome.killed) == 1, f"{where}: the kill point was never reached"
    if outcome.kill["role"] == "cli":
        assert outcome.killed_exit == -signal.SIGKILL, f"{where}: {outcome.killed_output}"
    else:  # the CLI reports its crawl process killed
        assert outcome.killed_exit == 1, f"{where}: {outcome.killed_output}"
        assert ("interrupted" in outcome.killed_output
                or "failed (exit code -9)" in outcome.killed_output), outcome.killed_output
    assert outcome.final_exit == 0, f"{where}: {outcome.final_output}"
    final, expected = outcome.final, baseline.state
    # a crawl cut short announces nothing an uninterrupted one would not: what it queued
    # would go out with the next send (``run``, the scheduler's crawl job)
    extra = sorted(set(outcome.after_kill.deliveries) - set(expected.deliveries))
    assert not extra, f"{where}: queued after the kill, and never by a whole crawl: {extra}"
    # nothing twice
    assert not [url for url, n in Counter(final.articles).items() if n > 1], where
    assert not [d for d, n in Counter(final.deliveries).items() if n > 1], where
    # nothing missing, nothing more: the same articles, events and outbox
    assert final.articles == expected.articles, where
    assert final.events == expected.events, where
    assert sorted(final.deliveries) == sorted(expected.deliveries), (
        f"{where}\nafter the kill: {outcome.after_kill.deliveries}\nfinal: {final.deliveries}")
