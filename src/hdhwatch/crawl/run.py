"""Launching a crawl: the subprocess, its progress, and one summary per source.

``run_crawl`` runs ``python -m hdhwatch.crawl.process`` in a subprocess: the
Twisted reactor cannot be restarted, and a crash there must not take the
caller down. Progress and results are read from the ``CrawlRun`` rows the
crawl process writes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select

from hdhwatch.config import Settings, SourceConfig, child_environment
from hdhwatch.errors import CrawlFailed
from hdhwatch.pipeline import advance_timeline, shift_alerts
from hdhwatch.store import articles as store
from hdhwatch.store.db import Database, open_database, utcnow


@dataclass(frozen=True)
class RunSummary:
    source: str
    status: str
    pages_fetched: int
    new_articles: int
    skipped: int
    dropped: int
    errors: dict[str, int] = field(default_factory=dict)
    started_at: datetime | None = None
    last_error: str | None = None


def select_sources(settings: Settings, names: Sequence[str] = ()) -> list[SourceConfig]:
    """The named sources (any state), or every enabled one."""
    if names:
        return [settings.source(name) for name in names]
    return [s for s in settings.sources if s.enabled]


def run_crawl(
    settings: Settings,
    names: Sequence[str] = (),
    *,
    echo: Callable[[str], None] | None = None,
    progress: Callable[[list[RunSummary]], None] | None = None,
    timeout: float | None = None,
    workers: int | None = None,
) -> list[RunSummary]:
    """Crawl the sources in a subprocess and return one summary per source.

    ``echo`` receives the crawler's log lines; ``progress`` the counts so far,
    about once a second (the crawler saves them every few pages). ``workers``: the
    processes that prepare pages, the crawl's own included (default: the cores; 1:
    all in the crawl process).
    """
    sources = select_sources(settings, names)
    if not sources:
        return []
    # -P: not the current directory first on sys.path. Cron runs from $HOME, where a
    # checkout named hdhwatch/ would shadow the installed package.
    cmd = [
        sys.executable, "-P", "-m", "hdhwatch.crawl.process",
        "--parent", str(os.getpid()),
        *(["--workers", str(workers)] if workers else []),
        *[s.name for s in sources],
    ]
    # Migrated before the child starts: progress reads never meet a missing schema,
    # and one engine serves every read of this crawl.
    db = open_database(settings.database_url)
    try:
        summaries = _watch(settings, db, cmd, echo, progress, timeout)
        # Once, after the whole crawl: the articles it stored are replayed in publication
        # order, and the alert for a move goes with it. Not after a crawl cut short (its
        # process killed, timed out): a replay of part of its pages announces a move the
        # whole crawl supersedes (or never makes), and the next send mails it. Its sources
        # are due again (only finished runs count), and the crawl that finishes them, the
        # next ``run`` or the scheduler's start moves the timeline over what it stored.
        if all(s.status == "finished" for s in summaries):
            bring_timeline_up_to_date(settings, db)
        return summaries
    finally:
        db.close()


def bring_timeline_up_to_date(settings: Settings, db: Database | None = None) -> None:
    """Replay the timeline over everything stored and queue the alert for a new move, in
    one transaction. Every finished crawl, ``run`` and scheduler start calls it, so a crawl
    killed after storing its articles loses neither the move nor its alert."""
    own = db is None
    db = db or open_database(settings.database_url)
    try:
        with db.session() as session:
            advance_timeline(session, shift_alerts(settings))
    finally:
        if own:
            db.close()


def _watch(
    settings: Settings, db: Database, cmd: list[str], echo, progress, timeout
) -> list[RunSummary]:
    launched = utcnow() - timedelta(seconds=1)
    proc = subprocess.Popen(
        cmd,
        env=child_environment(settings),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        errors="replace",
    )
    tail: deque[str] = deque(maxlen=40)
    reader = threading.Thread(target=_drain, args=(proc, tail, echo), daemon=True)
    reader.start()
    started = time.monotonic()
    while proc.poll() is None:
        if timeout is not None and time.monotonic() - started > timeout:
            proc.kill()
            raise CrawlFailed(f"the crawl took longer than {timeout:.0f}s and was stopped")
        reader.join(1.0)
        if progress and proc.poll() is None:
            with db.session() as session:
                progress(summaries_for_pid(session, proc.pid, launched, mark=False))
    reader.join()
    with db.session() as session:
        summaries = summaries_for_pid(session, proc.pid, launched)
    if proc.returncode != 0 and not summaries:
        raise CrawlFailed(
            f"the crawl process failed (exit code {proc.returncode}):\n" + "".join(tail).rstrip()
        )
    return summaries


def _drain(proc: subprocess.Popen, tail: deque[str], echo) -> None:
    assert proc.stdout is not None
    for line in proc.stdout:
        tail.append(line)
        if echo:
            echo(line.rstrip("\n"))


def summaries_for_pid(session, pid: int, since: datetime, *, mark: bool = True) -> list[RunSummary]:
    """The runs of one crawl process; ``mark``: the process has ended, so runs it left
    'running' were interrupted."""
    from hdhwatch.store.models import CrawlRun, Source

    if mark:
        store.mark_interrupted_runs(session)
    rows = session.execute(
        select(Source.name, CrawlRun)
        .join(CrawlRun, CrawlRun.source_id == Source.id)
        .where(CrawlRun.pid == pid, CrawlRun.started_at >= since)
        .order_by(CrawlRun.id)
    ).all()
    return [
        RunSummary(
            source=name,
            status=run.status,
            pages_fetched=run.pages_fetched,
            new_articles=run.new_articles,
            skipped=run.skipped,
            dropped=run.dropped,
            errors=dict(run.errors or {}),
            started_at=run.started_at,
            last_error=run.last_error,
        )
        for name, run in rows
    ]
