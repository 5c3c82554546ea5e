"""The service: one full pass now (``hdhwatch run``), or on a clock (``hdhwatch schedule``).

The scheduler only wires jobs to the functions the CLI calls. APScheduler 3.x
keeps its jobs in the same database (SQLAlchemyJobStore); job ids are fixed so
a restart replaces them instead of adding copies; every job has
``max_instances=1`` and coalesces missed runs; crawls run in a subprocess (the
Twisted reactor cannot be restarted), at most ``CRAWL_WORKERS`` at once. One
scheduler per database: a second one refuses to start.

When a source is due comes from its crawls recorded in the store, never from
when the service started (``next_due``): a source never crawled, or whose
cadence has elapsed, runs as the service starts; restarting it changes no due
time. ``hdhwatch run`` and ``hdhwatch status`` use the same rule.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import signal
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import make_url, text

from hdhwatch.config import Settings, SourceConfig, load_settings
from hdhwatch.errors import HdhwatchError

logger = logging.getLogger(__name__)

JOBS_TABLE = "apscheduler_jobs"
SEND_EVERY = timedelta(minutes=2)
DIGEST_HOUR = 8  # local time: digests go out in the morning
CRAWL_GRACE = 3600  # a crawl missed by less than an hour still runs
CRAWL_WORKERS = 4  # crawl processes at once (every source is due on a fresh store)
DIGEST_GRACE = 12 * 3600  # a digest due during a restart still goes out


class SchedulerAlreadyRunning(HdhwatchError):
    """Another scheduler holds this database."""


# --- what a pass does -----------------------------------------------------------------------
@dataclass(frozen=True)
class PassReport:
    crawled: list = field(default_factory=list)  # crawl.run.RunSummary
    queued_digests: int = 0
    sent: object | None = None  # outbox.SendReport
    enqueued: object | None = None  # crawl.distributed.Enqueued, with a shared queue


def next_due(source: SourceConfig, last_run: datetime | None, now: datetime) -> datetime:
    """When ``source`` is due: its cadence after its last recorded crawl, or now if never
    crawled (a time already past means due now)."""
    return now if last_run is None else last_run + source.cadence


def due_sources(
    settings: Settings, last_runs: dict[str, datetime], now: datetime
) -> list[SourceConfig]:
    """Enabled sources never crawled, or whose cadence has elapsed since their last run."""
    return [
        s
        for s in settings.sources
        if s.enabled and next_due(s, last_runs.get(s.name), now) <= now
    ]


def run_pass(
    settings: Settings,
    *,
    all_sources: bool = False,
    names: list[str] | None = None,
    echo: Callable[[str], None] | None = None,
    now: datetime | None = None,
    progress: Callable[[list], None] | None = None,
) -> PassReport:
    """Crawl what is due (classification and shift detection run as articles are stored),
    queue the digests that are due, send the outbox."""
    from hdhwatch.crawl.run import bring_timeline_up_to_date, run_crawl
    from hdhwatch.store import articles as store
    from hdhwatch.store.db import open_database, utcnow

    now = now or utcnow()
    db = open_database(settings.database_url)
    try:
        with db.session() as session:
            last_runs = store.last_run_times(session)
        if names:
            targets = [settings.source(n) for n in names]
        elif all_sources:
            targets = [s for s in settings.sources if s.enabled]
        else:
            targets = due_sources(settings, last_runs, now)
        crawled, enqueued = [], None
        if settings.redis_url:  # many machines: the workers crawl, and move the timeline
            enqueued = enqueue_sources(settings, targets, force=bool(names or all_sources))
        elif targets:
            crawled = run_crawl(settings, [s.name for s in targets], echo=echo,
                                progress=progress)
        else:
            bring_timeline_up_to_date(settings, db)  # what an interrupted crawl left
        # the clock read again: the alerts this pass's crawl queued go out in this pass
        queued, sent = deliver(settings, db, max(now, utcnow()))
    finally:
        db.close()
    return PassReport(crawled=crawled, queued_digests=queued, sent=sent, enqueued=enqueued)


def enqueue_sources(settings: Settings, sources: list[SourceConfig], *, force: bool = False):
    """Push these sources to the shared queue for ``hdhwatch worker`` processes, each at
    most once per cadence unless ``force``."""
    from hdhwatch.crawl import distributed

    client = distributed.connect(settings)
    try:
        return distributed.enqueue(
            client, distributed.Keys(settings.redis_prefix), sources, force=force
        )
    finally:
        client.close()


def enqueue_due(settings: Settings, names: list[str] | None = None, *, now: datetime | None = None):
    """``hdhwatch enqueue``: the named sources (always), or those due."""
    from hdhwatch.store import articles as store
    from hdhwatch.store.db import open_database, utcnow

    if names:
        return enqueue_sources(settings, [settings.source(n) for n in names], force=True)
    db = open_database(settings.database_url)
    try:
        with db.session() as session:
            last_runs = store.last_run_times(session)
    finally:
        db.close()
    return enqueue_sources(settings, due_sources(settings, last_runs, now or utcnow()))


def deliver(settings: Settings, db, now: datetime):
    """Queue the digests that are due, then send everything pending."""
    from hdhwatch.channels.notify import enqueue_digests
    from hdhwatch.channels.outbox import send_pending

    with db.session() as session:
        queued = enqueue_digests(session, settings, now)
    return queued, send_pending(db, settings, now=now)


# --- jobs (module-level functions: the job store keeps references, not code) -----------------
def crawl_job(source_name: str) -> None:
    from hdhwatch.crawl.run import run_crawl
    from hdhwatch.store.db import open_database, utcnow
    from hdhwatch.store.models import run_outcome

    settings = load_settings()
    if settings.redis_url:  # many machines: the workers crawl it
        enqueued = enqueue_sources(settings, [settings.source(source_name)])
        logger.info("crawl %s: %s", source_name,
                    "enqueued for the workers" if enqueued.sources else "already enqueued")
        return
    summaries = run_crawl(settings, [source_name])
    for s in summaries:
        logger.info(
            "crawl %s: %s, fetched %d, new %d, errors %s",
            s.source,
            run_outcome(s.status, s.pages_fetched, s.errors),
            s.pages_fetched,
            s.new_articles,
            s.errors or "none",
        )
    db = open_database(settings.database_url)
    try:
        from hdhwatch.channels.outbox import send_pending

        send_pending(db, settings, now=utcnow())  # a shift alert goes out in this cycle
    finally:
        db.close()


def send_job() -> None:
    from hdhwatch.channels.outbox import send_pending
    from hdhwatch.store.db import open_database, utcnow

    settings = load_settings()
    db = open_database(settings.database_url)
    try:
        report = send_pending(db, settings, now=utcnow())
        if report.sent or report.failed:
            logger.info("outbox: %s", report)
    finally:
        db.close()


def digest_job() -> None:
    from hdhwatch.store.db import open_database, utcnow

    settings = load_settings()
    db = open_database(settings.database_url)
    try:
        queued, report = deliver(settings, db, utcnow())
        logger.info("digests: %d queued; outbox: %s", queued, report)
    finally:
        db.close()


# --- the scheduler ---------------------------------------------------------------------------
class ZonedFormatter(logging.Formatter):
    """Log times in the service's time zone, which they name (job times are in it too)."""

    def __init__(self, zone: ZoneInfo) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s")
        self.zone = zone

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802
        return datetime.fromtimestamp(record.created, self.zone).strftime("%Y-%m-%d %H:%M:%S %Z")


def configure_logging(settings: Settings) -> None:
    """The service's log: our lines and warnings at INFO, times with their zone; Alembic's
    plugin and DDL notes and APScheduler's bookkeeping (one 'Adding job' per job) only
    when they warn."""
    handler = logging.StreamHandler()
    handler.setFormatter(ZonedFormatter(ZoneInfo(settings.timezone)))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for name in ("alembic", "apscheduler"):
        logging.getLogger(name).setLevel(logging.WARNING)


@contextlib.contextmanager
def single_scheduler(settings: Settings) -> Iterator[None]:
    """Hold the database's scheduler lock, or raise SchedulerAlreadyRunning."""
    url = make_url(settings.database_url)
    message = (
        f"another hdhwatch scheduler is already running on this database "
        f"({url.render_as_string(hide_password=True)}); stop it first"
    )
    if url.get_backend_name() == "postgresql":
        from hdhwatch.store.db import make_engine, reaching

        engine = make_engine(settings.database_url)
        with reaching(settings.database_url):
            connection = engine.connect()
        try:
            got = connection.execute(text("SELECT pg_try_advisory_lock(72686477, 1)")).scalar()
            if not got:
                raise SchedulerAlreadyRunning(message)
            yield
        finally:
            connection.close()  # closing the session releases the advisory lock
            engine.dispose()
        return
    database = url.database or "memory"
    lock_path = Path(database).with_suffix(".scheduler.lock")
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            raise SchedulerAlreadyRunning(message) from exc
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_scheduler(settings: Settings, now: datetime | None = None):
    """A BackgroundScheduler with the persistent job store and every job registered.

    Each crawl is first due when ``next_due`` says (from the crawls recorded in the
    store, at the latest now), then every cadence.
    """
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger
    from sqlalchemy.orm import Session

    from hdhwatch.store import articles as store
    from hdhwatch.store.db import make_engine, utcnow

    zone = ZoneInfo(settings.timezone)
    now = (now or utcnow()).astimezone(zone)
    engine = make_engine(settings.database_url)
    with Session(engine) as session:
        last_runs = store.last_run_times(session)
    scheduler = BackgroundScheduler(
        jobstores={"default": SQLAlchemyJobStore(engine=engine, tablename=JOBS_TABLE)},
        executors={"default": ThreadPoolExecutor(4), "crawl": ThreadPoolExecutor(CRAWL_WORKERS)},
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": CRAWL_GRACE},
        timezone=zone,
    )
    wanted = set()
    for source in settings.sources:
        if not source.enabled:
            continue
        job_id = f"crawl:{source.name}"
        wanted.add(job_id)
        first = max(next_due(source, last_runs.get(source.name), now), now).astimezone(zone)
        scheduler.add_job(
            "hdhwatch.schedule:crawl_job",
            IntervalTrigger(seconds=int(source.cadence.total_seconds()), start_date=first,
                            timezone=zone),
            args=[source.name],
            id=job_id,
            name=f"crawl {source.name}",
            replace_existing=True,
            next_run_time=first,
            executor="crawl",
        )
    scheduler.add_job(
        "hdhwatch.schedule:send_job",
        IntervalTrigger(seconds=int(SEND_EVERY.total_seconds()), timezone=zone),
        id="send",
        name="send outbox",
        replace_existing=True,
    )
    scheduler.add_job(
        "hdhwatch.schedule:digest_job",
        CronTrigger(hour=DIGEST_HOUR, timezone=zone),
        id="digests",
        name="periodic digests",
        replace_existing=True,
        misfire_grace_time=DIGEST_GRACE,
    )
    wanted |= {"send", "digests"}
    return scheduler, wanted


def serve(
    settings: Settings, *, echo: Callable[[str], None] = print, stop: threading.Event | None = None
) -> None:
    """Run the scheduler until SIGTERM/SIGINT (or ``stop``), then stop after the running job."""
    from apscheduler.events import (
        EVENT_JOB_ERROR,
        EVENT_JOB_EXECUTED,
        EVENT_JOB_MISSED,
        EVENT_JOB_SUBMITTED,
    )

    stop = stop or threading.Event()
    with single_scheduler(settings):
        from hdhwatch.store.db import current_revision, upgrade

        before = current_revision(settings.database_url)
        upgrade(settings.database_url)
        after = current_revision(settings.database_url)
        if after != before:
            echo(f"database migrated from {before or 'an empty database'} to {after}")
        from hdhwatch.crawl.run import bring_timeline_up_to_date

        bring_timeline_up_to_date(settings)  # what a crawl killed with the last service left
        scheduler, wanted = build_scheduler(settings)
        running: dict[str, int] = {}
        lock = threading.Lock()

        def track(event) -> None:
            with lock:
                if event.code == EVENT_JOB_SUBMITTED:
                    running[event.job_id] = running.get(event.job_id, 0) + 1
                elif running.get(event.job_id):
                    running[event.job_id] -= 1

        scheduler.add_listener(
            track, EVENT_JOB_SUBMITTED | EVENT_JOB_EXECUTED | EVENT_JOB_ERROR | EVENT_JOB_MISSED)
        scheduler.start(paused=True)
        for job in scheduler.get_jobs():
            if job.id not in wanted:  # a source removed from the config
                job.remove()
        for job in sorted(scheduler.get_jobs(), key=lambda j: (j.next_run_time, j.id)):
            echo(f"scheduled {job.id:<32} next run {job.next_run_time:%Y-%m-%d %H:%M %Z}")
        scheduler.resume()
        previous = {}
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGTERM, signal.SIGINT):
                previous[signum] = signal.signal(signum, lambda *_: stop.set())
        echo("hdhwatch scheduler running; SIGTERM or Ctrl-C stops it after the running job")
        try:
            while not stop.wait(1.0):
                pass
        finally:
            with lock:
                busy = sorted(job_id for job_id, count in running.items() if count)
            if busy:
                echo(f"stopping: waiting for the running job to finish ({', '.join(busy)}) …")
            scheduler.shutdown(wait=True)
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            echo("scheduler stopped")


# --- status -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class SourceStatus:
    name: str
    kind: str
    enabled: bool
    last_run: datetime | None
    last_status: str | None
    next_due: datetime | None
    last_error: str | None


@dataclass(frozen=True)
class ServiceStatus:
    sources: list[SourceStatus]
    pending: int
    failed: list[tuple[str, str, str | None]]  # (recipient, subject, last error)
    known_target: tuple | None  # (deadline, precision)
    evidence: dict | None  # outlet, published, sentence, url
    stale_classifications: int = 0  # articles classified by an older rule set
    now: datetime | None = None  # when the status was taken


def service_status(session, settings: Settings, now: datetime) -> ServiceStatus:
    from sqlalchemy import func, select

    from hdhwatch.events.timeline import known_target
    from hdhwatch.store import articles as store
    from hdhwatch.store.models import CrawlRun, DeadlineStatement, Delivery, Source

    last_runs = store.last_run_times(session)
    latest = {}
    rows = session.execute(
        select(Source.name, CrawlRun)
        .join(CrawlRun, CrawlRun.source_id == Source.id)
        .order_by(CrawlRun.started_at)
    )
    for name, run in rows:
        latest[name] = run
    sources = []
    for s in settings.sources:
        run = latest.get(s.name)
        errors = run.last_error if run and (run.errors or run.status != "finished") else None
        sources.append(
            SourceStatus(
                s.name,
                s.kind,
                s.enabled,
                run.started_at if run else None,
                run.outcome if run else None,
                next_due(s, last_runs.get(s.name), now) if s.enabled else None,
                errors,
            )
        )
    from hdhwatch.channels.outbox import UNSENT_STATUSES

    pending = session.scalar(
        select(func.count())
        .select_from(Delivery)
        .where(Delivery.status.in_(UNSENT_STATUSES))
    )
    failed = [
        (m.recipient, m.subject, m.last_error)
        for m in session.scalars(
            select(Delivery).where(Delivery.status == "failed").order_by(Delivery.id)
        )
    ]
    state = known_target(session)
    evidence = None
    if state.known_statement:
        statement = session.get(DeadlineStatement, state.known_statement)
        if statement is not None:
            article = statement.article
            evidence = {
                "outlet": article.outlet,
                "url": article.url,
                "sentence": statement.sentence,
                "published": article.published_at,
                "title": article.title,
            }
    from hdhwatch.classify import CLASSIFIER_VERSION
    from hdhwatch.store.models import Article

    stale = session.scalar(
        select(func.count()).select_from(Article).where(
            Article.classifier_version.is_not(None),
            Article.classifier_version != CLASSIFIER_VERSION,
        )
    )
    return ServiceStatus(sources, pending or 0, failed, state.known, evidence, stale or 0, now)
