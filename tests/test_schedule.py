"""The service: one scheduler per database, fixed jobs, clean stops, `run` and `status`."""

from __future__ import annotations

import signal
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta

import pytest

from hdhwatch.config import child_environment
from hdhwatch.demo import DEMO_ROOT
from hdhwatch.demo.sitesrv import SiteServer
from hdhwatch.schedule import (
    SchedulerAlreadyRunning,
    build_scheduler,
    due_sources,
    serve,
    single_scheduler,
)

SOURCES = """
[[source]]
name = "hebdo"
kind = "feed"
urls = ["http://127.0.0.1:9/feed.xml"]
cadence = "7d"

[[source]]
name = "quotidien"
kind = "feed"
urls = ["http://127.0.0.1:9/feed2.xml"]
cadence = "1d"

[[source]]
name = "en-pause"
kind = "feed"
urls = ["http://127.0.0.1:9/feed3.xml"]
enabled = false
"""


def test_a_second_scheduler_on_the_same_database_refuses_to_start(make_settings, db_url):
    settings = make_settings(SOURCES, database_url=db_url)
    with single_scheduler(settings):
        with pytest.raises(SchedulerAlreadyRunning, match="already running"):
            with single_scheduler(settings):
                pass
    with single_scheduler(settings):  # released on exit
        pass


def test_jobs_have_fixed_ids_and_survive_a_restart_without_copies(make_settings, db_url):
    from hdhwatch.store.db import open_database

    settings = make_settings(SOURCES, database_url=db_url)
    open_database(db_url).close()
    for _ in range(2):  # start, stop, start again
        scheduler, wanted = build_scheduler(settings)
        scheduler.start(paused=True)
        jobs = {job.id: job for job in scheduler.get_jobs()}
        scheduler.shutdown(wait=False)
    assert set(jobs) == {"crawl:hebdo", "crawl:quotidien", "send", "digests"} == wanted
    crawl = jobs["crawl:hebdo"]
    assert crawl.max_instances == 1 and crawl.coalesce
    assert crawl.func_ref == "hdhwatch.schedule:crawl_job" and crawl.args == ("hebdo",)
    assert jobs["digests"].misfire_grace_time >= 6 * 3600
    assert str(jobs["digests"].trigger.timezone) == "Europe/Paris"


def test_due_sources_follow_cadence_and_skip_disabled(make_settings):
    settings = make_settings(SOURCES)
    now = datetime(2026, 11, 28, 12, tzinfo=UTC)
    last = {"hebdo": now - timedelta(days=2), "quotidien": now - timedelta(days=2)}
    assert [s.name for s in due_sources(settings, last, now)] == ["quotidien"]
    assert [s.name for s in due_sources(settings, {}, now)] == ["hebdo", "quotidien"]


def test_serve_stops_cleanly_when_asked(make_settings):
    settings = make_settings(SOURCES)
    stop = threading.Event()
    lines: list[str] = []
    thread = threading.Thread(
        target=serve, args=(settings,), kwargs={"echo": lines.append, "stop": stop}
    )
    thread.start()
    deadline = time.monotonic() + 30
    while not any("running" in line for line in lines) and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(30)
    assert not thread.is_alive()
    assert any(line.startswith("scheduled crawl:hebdo") for line in lines)
    assert lines[-1] == "scheduler stopped"


def test_schedule_command_stops_on_sigterm_and_a_second_one_refuses(make_settings):
    settings = make_settings(SOURCES)
    env = child_environment(settings)
    cmd = [sys.executable, "-m", "hdhwatch", "schedule"]
    proc = subprocess.Popen(
        cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if "scheduler running" in line:
            break
    second = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)
    proc.send_signal(signal.SIGTERM)
    rest, _ = proc.communicate(timeout=60)
    assert second.returncode == 1
    assert "another hdhwatch scheduler is already running" in second.stderr
    assert "Traceback" not in second.stderr
    assert proc.returncode == 0, "".join(seen) + rest
    assert "scheduler stopped" in rest


def test_run_crawls_what_is_due_then_nothing(make_settings):
    sources = (DEMO_ROOT / "sources.toml").read_text(encoding="utf-8")
    with SiteServer(DEMO_ROOT) as server:
        settings = make_settings(sources.replace("{{BASE}}", server.base_url))
        env = child_environment(settings)
        cmd = [sys.executable, "-m", "hdhwatch"]
        first = subprocess.run([*cmd, "run"], env=env, capture_output=True, text=True, timeout=300)
        second = subprocess.run([*cmd, "run"], env=env, capture_output=True, text=True, timeout=300)
        status = subprocess.run(
            [*cmd, "status"], env=env, capture_output=True, text=True, timeout=60
        )
    assert first.returncode == 0, first.stderr
    total = [line for line in first.stdout.splitlines() if line.startswith("total")]
    assert total and total[0].split()[2] == "25", first.stdout
    assert "no source due" in second.stdout
    assert status.returncode == 0, status.stderr
    for name in ("lecourrier-numerique", "acteurs-de-letat"):
        assert name in status.stdout
    assert "current target:" in status.stdout and "outbox:" in status.stdout


def test_status_counts_articles_classified_by_an_older_rule_set(make_settings, database):
    from hdhwatch.classify import CLASSIFIER_VERSION
    from hdhwatch.records import Article as ArticleRecord
    from hdhwatch.schedule import service_status
    from hdhwatch.store import articles as store
    from hdhwatch.store.db import utcnow
    from hdhwatch.store.models import Article

    settings = make_settings(SOURCES, database_url=database.url)
    with database.session() as session:
        for n, version in enumerate(["2020.01.01", CLASSIFIER_VERSION]):
            saved = store.save_article(
                session, ArticleRecord(url=f"https://x.example/{n}", title="t", text="x"), f"{n}")
            session.get(Article, saved.article_id).classifier_version = version
    with database.session() as session:
        assert service_status(session, settings, utcnow()).stale_classifications == 1


def hdhwatch(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "hdhwatch", *args], env=env,
                          capture_output=True, text=True, timeout=300)


def test_run_exits_1_and_status_shows_the_failure_when_every_source_fails(make_settings):
    from sqlalchemy import select

    from hdhwatch.store.db import open_database
    from hdhwatch.store.models import CrawlRun

    settings = make_settings(SOURCES)  # port 9 on loopback: every request is refused
    env = child_environment(settings)
    run = hdhwatch(env, "run", "--all")
    assert run.returncode == 1, run.stdout + run.stderr
    outcomes = {line.split()[0]: line.split()[1] for line in run.stdout.splitlines()
                if line.startswith(("hebdo", "quotidien"))}
    assert outcomes == {"hebdo": "failed", "quotidien": "failed"}, run.stdout
    assert "failed: hebdo, quotidien (see hdhwatch status)" in run.stderr
    crawl = hdhwatch(env, "crawl", "quotidien")
    assert crawl.returncode == 1 and "failed" in crawl.stdout

    status = hdhwatch(env, "status")
    assert status.returncode == 0, status.stderr
    hebdo = next(line for line in status.stdout.splitlines() if line.startswith("hebdo"))
    assert "failed" in hebdo.split(), status.stdout
    db = open_database(settings.database_url)
    try:
        with db.session() as session:
            last_error = session.scalars(
                select(CrawlRun.last_error).order_by(CrawlRun.id.desc())).first()
    finally:
        db.close()
    assert len(last_error) > 40
    assert f"quotidien (failed): {last_error}" in status.stdout  # whole, however long


def test_run_exits_1_when_a_message_cannot_be_delivered(make_settings):
    from datetime import timedelta

    from hdhwatch.channels.subscribers import add_subscriber
    from hdhwatch.pipeline import prepare, store
    from hdhwatch.records import Article as ArticleRecord
    from hdhwatch.store.db import open_database, utcnow

    settings = make_settings("")
    env = {**child_environment(settings), "HDHWATCH_SMTP_URL": "smtp+plain://127.0.0.1:9"}
    db = open_database(settings.database_url)
    try:
        with db.session() as session:
            # a daily digest is due: subscribed two days ago, an article found since
            add_subscriber(session, "alice@example.org", digest="daily").created_at = (
                utcnow() - timedelta(days=2))
            store(session, prepare(ArticleRecord(
                url="https://www.example.org/hdh",
                title="Health Data Hub : la migration hors de Microsoft Azure",
                text="Le Health Data Hub quittera Microsoft Azure d'ici fin 2026 pour un "
                     "hébergeur souverain, selon la Plateforme des données de santé.",
                published=datetime(2026, 2, 12, 10, 30, tzinfo=UTC))))
    finally:
        db.close()
    run = hdhwatch(env, "run")
    assert run.returncode == 1, run.stdout + run.stderr
    assert "no source due" in run.stdout
    assert "1 message(s) could not be delivered" in run.stderr
    assert hdhwatch(env, "send").returncode == 0  # nothing due: the retry waits its back-off


QUICK = """
[[source]]
name = "vite"
kind = "feed"
urls = ["http://127.0.0.1:9/vite.xml"]
cadence = "12s"

[[source]]
name = "lent"
kind = "feed"
urls = ["http://127.0.0.1:9/lent.xml"]
cadence = "1d"
"""


def crawl_starts(settings) -> dict[str, list[datetime]]:
    """When each source's crawls started, as the store recorded them."""
    from sqlalchemy import select
    from sqlalchemy.exc import DBAPIError

    from hdhwatch.store.db import open_database
    from hdhwatch.store.models import CrawlRun, Source

    db = open_database(settings.database_url, migrate=False)  # the service migrates
    try:
        with db.session() as session:
            rows = session.execute(select(Source.name, CrawlRun.started_at)
                                   .join(CrawlRun).order_by(CrawlRun.id)).all()
    except DBAPIError:  # no tables yet
        rows = []
    finally:
        db.close()
    starts: dict[str, list[datetime]] = {}
    for name, started in rows:
        starts.setdefault(name, []).append(started)
    return starts


def run_service(settings, until) -> list[str]:
    """The real scheduler, in this process, from now until ``until()`` is true; then stopped
    as SIGTERM stops it (after the running job). Returns what it printed."""
    stop = threading.Event()
    lines: list[str] = []
    thread = threading.Thread(target=serve, args=(settings,),
                              kwargs={"echo": lines.append, "stop": stop})
    thread.start()
    deadline = time.monotonic() + 120
    while not any("scheduler running" in line for line in lines):
        assert thread.is_alive() and time.monotonic() < deadline, lines
        time.sleep(0.05)
    while not until() and time.monotonic() < deadline:
        time.sleep(0.1)
    stop.set()
    thread.join(120)
    assert not thread.is_alive() and lines[-1] == "scheduler stopped", lines
    return lines


def for_seconds(seconds: float):
    end = time.monotonic() + seconds
    return lambda: time.monotonic() >= end


@pytest.mark.slow
def test_restarts_across_a_cadence_run_each_source_when_due_and_only_then(make_settings,
                                                                          monkeypatch):
    from zoneinfo import ZoneInfo

    from hdhwatch.store.db import utcnow

    settings = make_settings(QUICK)
    for name, value in child_environment(settings).items():  # what the jobs load
        monkeypatch.setenv(name, value)
    # A fresh store: every source is due, and runs as the service starts. Stopped while
    # the crawls run, it says it waits for them.
    first_lines = run_service(settings, for_seconds(1))
    starts = crawl_starts(settings)
    assert len(starts.get("vite", [])) == 1 and len(starts.get("lent", [])) == 1, first_lines
    assert any(line.startswith("stopping: waiting for the running job to finish (crawl:")
               for line in first_lines)
    vite = starts["vite"][0]

    # Restarted twice before "vite" is due: nothing runs, nothing is waited for, and the
    # due times shown come from the recorded crawls.
    for _ in range(2):
        lines = run_service(settings, for_seconds(1))
        assert crawl_starts(settings) == starts
        assert not any("waiting" in line for line in lines), lines
    paris = ZoneInfo("Europe/Paris")
    lent_due = (starts["lent"][0] + timedelta(days=1)).astimezone(paris)
    assert any(line.startswith("scheduled crawl:lent") and
               f"next run {lent_due:%Y-%m-%d %H:%M}" in line for line in lines), lines
    vite_due = (vite + timedelta(seconds=12)).astimezone(paris)
    assert any(line.startswith("scheduled crawl:vite") and
               f"next run {vite_due:%Y-%m-%d %H:%M}" in line for line in lines), lines

    # Running across its due time, it runs then (a crawl takes a few seconds to start).
    run_service(settings, lambda: utcnow() >= vite + timedelta(seconds=20))
    starts = crawl_starts(settings)
    assert len(starts["vite"]) == 2 and len(starts["lent"]) == 1
    assert timedelta(seconds=12) <= starts["vite"][1] - vite <= timedelta(seconds=19)

    # Restarted right after: it does not run again.
    run_service(settings, for_seconds(1))
    assert crawl_starts(settings) == starts


def test_the_service_log_is_one_line_per_job_with_zoned_times(make_settings):
    import re

    settings = make_settings(QUICK)
    proc = subprocess.Popen([sys.executable, "-m", "hdhwatch", "schedule"],
                            env=child_environment(settings), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 60
    while len(crawl_starts(settings)) < 2 and time.monotonic() < deadline:
        time.sleep(0.2)
    time.sleep(4)  # the crawls end and are logged
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 0, out + err
    scheduled = [line for line in out.splitlines() if line.startswith("scheduled ")]
    assert sorted(line.split()[1] for line in scheduled) == [
        "crawl:lent", "crawl:vite", "digests", "send"]
    assert all(re.search(r"next run \d{4}-\d\d-\d\d \d\d:\d\d CES?T$", line)
               for line in scheduled), scheduled
    assert re.search(r"^database migrated from an empty database to \w+$", out, re.M), out
    for noise in ("setup plugin", "non-transactional DDL", "Adding job tentatively"):
        assert noise not in err, err
    logged = err.splitlines()
    assert any(" INFO crawl vite: failed" in line for line in logged), err
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d CES?T (INFO|WARNING|ERROR) ", line)
               for line in logged), err
