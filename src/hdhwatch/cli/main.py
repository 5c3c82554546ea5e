"""The ``hdhwatch`` group and its core commands: each parses, calls the library, formats.

The mail commands (``cli.mail``) and the reporting ones (``cli.report``) are
added to the group by the package (``hdhwatch.cli``); the helpers all share
are in ``cli.output``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

import click

from hdhwatch import __version__
from hdhwatch.cli.output import (
    canonical_provider,
    emit,
    handle_errors,
    open_db,
    settings_of,
    table,
)
from hdhwatch.config import load_settings


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="hdhwatch")
@click.pass_context
@handle_errors
def main(ctx: click.Context) -> None:
    """hdhwatch follows the Health Data Hub's cloud-migration deadline through the press.

    Example: hdhwatch demo
    """
    ctx.ensure_object(dict)
    ctx.obj.setdefault("settings", load_settings())


# --- database -----------------------------------------------------------------
@main.group()
def db() -> None:
    """Manage the database schema (applied automatically by every command).

    Example: hdhwatch db upgrade
    """


@db.command("upgrade")
@click.pass_context
@handle_errors
def db_upgrade(ctx: click.Context) -> None:
    """Apply the migrations up to the latest revision.

    Example: hdhwatch db upgrade
    """
    from hdhwatch.store.db import current_revision, upgrade

    url = settings_of(ctx).database_url
    upgrade(url)
    click.echo(f"database at revision {current_revision(url)}: {_safe_url(url)}")


def _safe_url(url: str) -> str:
    from sqlalchemy import make_url

    return make_url(url).render_as_string(hide_password=True)


# --- sources and crawling ---------------------------------------------------------
@main.command()
@click.pass_context
@handle_errors
def sources(ctx: click.Context) -> None:
    """List the configured sources.

    Example: hdhwatch sources
    """
    rows = [
        [
            s.name,
            s.kind,
            s.language,
            _duration(s.cadence.total_seconds()),
            "yes" if s.enabled else "no",
            "" if s.confirmed else "unconfirmed",
            s.urls[0],
        ]
        for s in settings_of(ctx).sources
    ]
    click.echo(table(["name", "kind", "lang", "cadence", "enabled", "note", "url"], rows))


def _duration(seconds: float) -> str:
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size and seconds % size == 0:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds)}s"


@main.command()
@click.argument("source_names", nargs=-1, metavar="[SOURCE]...")
@click.option("-v", "--verbose", is_flag=True, help="Show the crawler's log.")
@click.option(
    "--workers", type=click.IntRange(min=1), default=None,
    help="Processes preparing pages (extract, classify), the crawl's own included. "
    "Default: the machine's cores; 1: all in the crawl process.",
)
@click.pass_context
@handle_errors
def crawl(
    ctx: click.Context, source_names: Sequence[str], verbose: bool, workers: int | None
) -> None:
    """Crawl the named sources now (default: every enabled source) and print a summary.

    Exit status: 0 when every source was crawled, 1 when a source failed (more of
    its requests failed than succeeded, or its crawl was interrupted), 2 for a
    usage error (an unknown source).

    Example: hdhwatch crawl --workers 2 numerama next
    """
    from hdhwatch.crawl.run import run_crawl, select_sources

    settings = settings_of(ctx)
    select_sources(settings, source_names)  # unknown names fail here, clearly
    open_db(ctx)
    with Progress("crawling") as progress:
        summaries = run_crawl(
            settings,
            source_names,
            echo=click.echo if verbose else None,
            progress=None if verbose else progress.crawl,
            workers=workers,
        )
    click.echo(crawl_summary(summaries))
    if failed_sources(summaries) or not summaries:
        ctx.exit(1)


def outcome(summary) -> str:
    """finished | failed | interrupted: a run whose requests mostly failed is a failure."""
    from hdhwatch.store.models import run_outcome

    return run_outcome(summary.status, summary.pages_fetched, summary.errors)


def failed_sources(summaries) -> list[str]:
    from hdhwatch.store.models import FAILED_OUTCOMES

    return [s.source for s in summaries if outcome(s) in FAILED_OUTCOMES]


def crawl_summary(summaries) -> str:
    rows = []
    total = [0, 0, 0, 0, 0]
    for s in summaries:
        errors = sum(s.errors.values())
        detail = ", ".join(f"{k} {v}" for k, v in sorted(s.errors.items()))
        rows.append(
            [
                s.source,
                outcome(s),
                s.pages_fetched,
                s.new_articles,
                s.skipped,
                s.dropped,
                f"{errors} ({detail})" if errors else "0",
            ]
        )
        for i, v in enumerate((s.pages_fetched, s.new_articles, s.skipped, s.dropped, errors)):
            total[i] += v
    if not rows:
        return "no source crawled"
    rows.append(["total", "", *total[:4], total[4]])
    return table(["source", "status", "fetched", "new", "skipped", "dropped", "errors"], rows)


# --- querying -------------------------------------------------------------------------
@main.command()
@click.option("--since", help="Published on or after this day (YYYY-MM-DD).")
@click.option("--until", help="Published on or before this day (YYYY-MM-DD).")
@click.option("--source", help="Only articles crawled from this source.")
@click.option("--outlet", help="Only articles from an outlet whose name contains this.")
@click.option("--search", help='Full text, accent-insensitive ("securite" finds "sécurité").')
@click.option("--provider", help="Only articles naming this provider (any alias: OVH, Azure…).")
@click.option(
    "--relevant/--all",
    "relevant",
    default=None,
    help="Only articles about the HDH's hosting (--relevant), or every stored one "
    "(--all, the default).",
)
@click.option("--with-deadline", is_flag=True, help="Only articles stating a migration date.")
@click.option("--shifts-only", is_flag=True, help="Only articles that moved the target.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=50,
    show_default=True,
    help="At most this many (0: no limit).",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "jsonl", "csv"]),
    default="table",
    show_default=True,
)
@click.pass_context
@handle_errors
def articles(
    ctx,
    since,
    until,
    source,
    outlet,
    search,
    provider,
    relevant,
    with_deadline,
    shifts_only,
    limit,
    fmt,
) -> None:
    """List stored articles, newest first.

    Example: hdhwatch articles --search "cloud souverain" --provider OVH --since 2026-01-01
    """
    from hdhwatch.read.query import ArticleFilter, article_dict, list_articles, parse_day

    f = ArticleFilter(
        since=parse_day(since, "--since") if since else None,
        until=parse_day(until, "--until") if until else None,
        source=source,
        outlet=outlet,
        search=search,
        provider=canonical_provider(ctx, provider) if provider else None,
        relevant=relevant,
        with_deadline=with_deadline,
        shifts_only=shifts_only,
        limit=limit or None,
    )
    with open_db(ctx).session() as session:
        found = [article_dict(a) for a in list_articles(session, f)]
    emit(found, fmt, ["id", "published", "outlet", "title", "url"])


@main.command()
@click.argument("ref", metavar="ID|URL")
@click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
@click.pass_context
@handle_errors
def show(ctx, ref: str, fmt: str) -> None:
    """Print one article: its metadata, what the classifier found in it, and its text.

    What was found: whether it is about the HDH's hosting and why, the providers
    and frames it names, and each dated statement with its sentence, its role
    (current or former), its kind (a target of the migration, an interim step, a
    lower bound, or a date set aside: an event, another deadline) and how sure
    the classifier is. ID is the first column of `hdhwatch articles`, or give
    the article's URL.

    Example: hdhwatch show 12
    """
    from hdhwatch.read.query import article_dict, get_article

    with open_db(ctx).session() as session:
        data = article_dict(get_article(session, ref), full=True)
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
        return
    click.echo(click.style(data["title"], bold=True))
    for key in ("url", "outlet", "published", "updated", "authors", "language", "fetched"):
        value = ", ".join(data[key]) if isinstance(data[key], list) else data[key]
        click.echo(f"{key + ':':<11}{value or '-'}")
    if data["duplicate_of"]:
        click.echo(f"{'copy of:':<11}article {data['duplicate_of']} (same text)")
    click.echo("")
    for line in _found_lines(data):
        click.echo(line)
    if data["lead"]:
        click.echo("\n" + click.style(data["lead"], italic=True))
    click.echo("\n" + data["text"])


def _found_lines(data: dict) -> list[str]:
    """What the classifier found in an article (``article_dict(full=True)``), for people."""
    if data["relevant"] is None:
        lines = [f"{'relevant:':<11}not classified yet"]
    else:
        score = f" (score {data['relevance_score']:.2f})" if data["relevance_score"] else ""
        reasons = ", ".join(data["relevance_reasons"])
        lines = [f"{'relevant:':<11}{'yes' if data['relevant'] else 'no'}{score}"
                 + (f": {reasons}" if reasons else "")]
    def named(p: dict) -> str:
        notes = [f"{p['count']}×"] if p["count"] > 1 else []
        if p["alias"] and p["alias"] != p["provider"]:
            notes.append(f"as {p['alias']}")
        return p["provider"] + (f" ({', '.join(notes)})" if notes else "")

    providers = ", ".join(named(p) for p in data["provider_mentions"])
    lines.append(f"{'providers:':<11}{providers or '-'}")
    frames = ", ".join(f["frame"] for f in data["frames"])
    lines.append(f"{'frames:':<11}{frames or '-'}")
    for title, statements in (("Migration dates stated", data["deadlines"]),
                              ("Dates set aside", data["dates_set_aside"])):
        lines.append(f"\n{title} ({len(statements)}):" if statements else f"\n{title}: none")
        for d in statements:
            lines.extend(_statement_lines(d))
    # The shift events the article raised or corroborates go here, with the events stage.
    return lines


def _statement_lines(d: dict) -> list[str]:
    notes = [f"role {d['role']}", f"kind {d['kind']}"]
    if d.get("bound") == "not_before":
        notes.append("not before")
    if d.get("scope") == "interim":
        notes.append("interim step")
    if d["approx"]:
        notes.append("approximate (from a duration)")
    notes.append(f"confidence {d['confidence']}" + (f" ({d['basis']})" if d["basis"] else ""))
    said = f"phrase « {d['phrase']} »" + (f", cue « {d['cue']} »" if d["cue"] else "")
    return [
        f"  {d['target']} ({d['deadline']}, {d['precision']}): {', '.join(notes)}",
        f"    {said}",
        f"    {d['sentence']}",
    ]


# --- classification ----------------------------------------------------------------------
@main.command()
@click.option(
    "--all",
    "all_",
    is_flag=True,
    required=True,
    help="Re-classify every stored article and rebuild the timeline.",
)
@click.pass_context
@handle_errors
def classify(ctx: click.Context, all_: bool) -> None:
    """Re-classify the whole store after the rules change (idempotent).

    Example: hdhwatch classify --all
    """
    from hdhwatch.classify.providers import default_catalog
    from hdhwatch.pipeline import reclassify_all

    catalog = default_catalog(settings_of(ctx).providers_path)
    with open_db(ctx).session() as session, Progress("classifying") as progress:
        summary = reclassify_all(
            session, catalog, progress=progress.update, on_shifts=shift_notifier(ctx)
        )
    click.echo(
        f"{summary.articles} articles classified: {summary.relevant} relevant, "
        f"{summary.statements} deadline statements, {summary.new_shifts} new shift event(s)"
    )


def shift_notifier(ctx: click.Context):
    """The callback queuing shift alerts in the transaction that raises the shifts."""
    from hdhwatch.pipeline import shift_alerts

    return shift_alerts(settings_of(ctx))


@main.command("eval")
@click.argument("corpus", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the scores as one JSON object.")
@click.option(
    "--errors",
    "show_errors",
    is_flag=True,
    help="List every missed and spurious label with its article id.",
)
@click.option(
    "--predictions",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write the predictions, one JSON line per article.",
)
@click.pass_context
@handle_errors
def eval_(ctx, corpus: Path, as_json: bool, show_errors: bool, predictions: Path | None) -> None:
    """Score the classifier on a labelled corpus (format: docs/corpus-format.md).

    Example: hdhwatch eval tests/corpus/hdhwatch.jsonl --errors
    """
    from hdhwatch.classify.providers import default_catalog
    from hdhwatch.evaluate import evaluate, read_corpus

    report = evaluate(read_corpus(corpus), default_catalog(settings_of(ctx).providers_path))
    if predictions:
        with predictions.open("w", encoding="utf-8") as out:
            for row in report.predictions:
                out.write(json.dumps(row, ensure_ascii=False) + "\n")
    if show_errors:
        for line in report.errors:
            click.echo(line)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False))
        return
    for name, score in report.scores.items():
        click.echo(
            f"{name:<10} precision {score.precision:.3f}  recall {score.recall:.3f}  "
            f"F1 {score.f1:.3f}  (tp {score.tp}, fp {score.fp}, fn {score.fn})"
        )
    if report.extraction:
        e = report.extraction
        click.echo(
            f"extraction {e['pages']} pages, {e['failed']} failed, {e['title_match']} titles exact"
        )
    click.echo(report.summary_line())


class Progress:
    """Live counts on a terminal, a few plain lines in a log."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.tty = sys.stderr.isatty()
        self.last = -1

    def __enter__(self) -> Progress:
        return self

    def update(self, done: int, total: int) -> None:
        if self.tty:
            click.echo(f"\r{self.label}: {done}/{total}", nl=False, err=True)
        else:
            decile = done * 10 // max(total, 1)
            if decile != self.last:
                self.last = decile
                click.echo(f"{self.label}: {done}/{total}", err=True)

    def crawl(self, summaries) -> None:
        """Live counts of a running crawl: on a terminal in place, in a log every 10 s."""
        import time

        fetched = sum(s.pages_fetched for s in summaries)
        new = sum(s.new_articles for s in summaries)
        errors = sum(sum(s.errors.values()) for s in summaries)
        line = f"{self.label}: {fetched} pages fetched, {new} new articles, {errors} errors"
        if self.tty:
            click.echo(f"\r{line}", nl=False, err=True)
            self.last = 0
        elif time.monotonic() - getattr(self, "_logged", 0) >= 10:
            self._logged = time.monotonic()
            click.echo(line, err=True)

    def __exit__(self, *exc) -> None:
        if self.tty and self.last != -1:
            click.echo("", err=True)


# --- the service ----------------------------------------------------------------------------
@main.command()
@click.argument("source_names", nargs=-1, metavar="[SOURCE]...")
@click.option("--all", "all_", is_flag=True, help="Crawl every enabled source, due or not.")
@click.option("-v", "--verbose", is_flag=True, help="Show the crawler's log.")
@click.pass_context
@handle_errors
def run(ctx: click.Context, source_names: Sequence[str], all_: bool, verbose: bool) -> None:
    """One full pass now: crawl the sources that are due, classify, detect shifts, send.

    For cron users and manual runs. Sources are due when their cadence has
    elapsed since their last crawl; name sources or use --all to crawl anyway.

    Exit status: 0 when all went well, 1 when a source failed or a message
    could not be delivered, 2 for a usage error (an unknown source).

    Example: hdhwatch run --all
    """
    from hdhwatch.schedule import run_pass

    settings = settings_of(ctx)
    open_db(ctx)
    report = run_pass(
        settings,
        all_sources=all_,
        names=list(source_names) or None,
        echo=click.echo if verbose else None,
    )
    if report.enqueued is not None:
        click.echo(enqueued_summary(report.enqueued))
    else:
        click.echo(crawl_summary(report.crawled) if report.crawled else "no source due")
    click.echo(f"digests queued: {report.queued_digests}")
    click.echo(f"mail: {report.sent}")
    failed = failed_sources(report.crawled)
    if failed:
        click.echo(f"failed: {', '.join(failed)} (see hdhwatch status)", err=True)
    if report.sent is not None and report.sent.failed:
        click.echo(f"mail: {report.sent.failed} message(s) could not be delivered", err=True)
    if failed or (report.sent is not None and report.sent.failed):
        ctx.exit(1)


@main.command()
@click.pass_context
@handle_errors
def status(ctx: click.Context) -> None:
    """Sources (last and next run, last error), the outbox, and the current target.

    Example: hdhwatch status
    """
    from zoneinfo import ZoneInfo

    from hdhwatch.read.report import shift_rows
    from hdhwatch.schedule import service_status
    from hdhwatch.store.db import utcnow

    settings = settings_of(ctx)
    with open_db(ctx).session() as session:
        st = service_status(session, settings, utcnow())
        signals = shift_rows(session, status="signal")
    zone = ZoneInfo(settings.timezone)
    rows = [
        [
            s.name,
            s.kind,
            "yes" if s.enabled else "no",
            _when(s.last_run, zone),
            s.last_status or "never",
            _when(s.next_due, zone) if s.next_due is None or s.next_due > st.now else "now",
        ]
        for s in st.sources
    ]
    click.echo(table(["source", "kind", "enabled", "last run", "status", "next due"], rows))
    errors = [s for s in st.sources if s.last_error]
    if errors:  # whole, below the table: an error cut to fit a column explains nothing
        click.echo("\nLast errors:")
        for s in errors:
            click.echo(f"  {s.name} ({s.last_status}): {s.last_error}")
    click.echo("")
    if st.stale_classifications:
        click.echo(f"{st.stale_classifications} article(s) were classified by an older rule "
                   "set: run `hdhwatch classify --all`")
    click.echo(f"outbox: {st.pending} pending, {len(st.failed)} failed")
    for recipient, subject, error in st.failed:
        click.echo(f"  failed: {recipient}: {subject} ({error})")
    click.echo("")
    if st.known_target is None:
        click.echo("current target: none known yet")
    else:
        from hdhwatch.read.words import describe_target

        deadline, precision = st.known_target[0], st.known_target[1]
        click.echo(
            f"current target: {describe_target(deadline, precision)} "
            f"({deadline.isoformat()}, {precision})"
        )
        if st.evidence:
            ev = st.evidence
            day = ev["published"].date().isoformat() if ev["published"] else "?"
            click.echo(f"  « {ev['sentence']} »")
            click.echo(f"  {ev['outlet']}, {day}: {ev['url']}")
    for row in signals:
        # a new target one outlet stated, unsure: shown, never mailed as a move
        click.echo(f"to be confirmed: {row['to_target']} ({row['to']}, {row['to_precision']}), "
                   f"stated by {row['outlet'] or row['url']} on {row['published']}")
        if row["sentence"]:
            click.echo(f"  « {row['sentence']} »")


def _when(value, zone) -> str:
    """A time in the configured zone, which it names: '2026-12-06 04:47 CET'."""
    return "-" if value is None else value.astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


@main.command()
@click.pass_context
@handle_errors
def schedule(ctx: click.Context) -> None:
    """Run the service: crawl each source on its cadence, send mail, send digests.

    Jobs live in the database (APScheduler's job store); only one scheduler
    may run per database. SIGTERM or Ctrl-C stops it after the running job.

    Example: hdhwatch schedule
    """
    from hdhwatch.schedule import configure_logging, serve

    configure_logging(settings_of(ctx))
    serve(settings_of(ctx), echo=click.echo)


# --- many machines ---------------------------------------------------------------------------
@main.command()
@click.argument("source_names", nargs=-1, metavar="[SOURCE]...")
@click.pass_context
@handle_errors
def enqueue(ctx: click.Context, source_names: Sequence[str]) -> None:
    """Push the sources that are due (or the named ones) to the shared queue for the workers.

    Needs [crawl] redis_url (or HDHWATCH_REDIS_URL). A source is pushed at most once
    per cadence; a named one is pushed anyway. `hdhwatch run` and `hdhwatch schedule`
    do this themselves when a queue is configured.

    Example: hdhwatch enqueue numerama
    """
    from hdhwatch.schedule import enqueue_due

    settings = settings_of(ctx)
    select_sources_checked(settings, source_names)
    open_db(ctx)
    click.echo(enqueued_summary(enqueue_due(settings, list(source_names) or None)))


@main.command()
@click.option("--idle-exit", type=click.FloatRange(min=0), metavar="SECONDS",
              help="Stop once the whole queue has been empty this long (default: run until "
                   "SIGTERM).")
@click.option("-v", "--verbose", is_flag=True, help="Show the crawler's log at DEBUG level.")
@click.pass_context
@handle_errors
def worker(ctx: click.Context, idle_exit: float | None, verbose: bool) -> None:
    """Crawl from the shared queue, with the other workers, into the configured database.

    Run one per crawl machine (each uses one core), all with the same configuration,
    [crawl] redis_url (or HDHWATCH_REDIS_URL) and HDHWATCH_DATABASE_URL. A worker
    killed mid-way loses nothing: a live worker queues its requests again.

    Example: hdhwatch worker --idle-exit 60
    """
    from hdhwatch.crawl.distributed import connect, run_worker

    settings = settings_of(ctx)
    connect(settings).close()  # no queue configured, or unreachable: one line, before Scrapy
    open_db(ctx)
    run_worker(settings, idle_exit=idle_exit, log_level="DEBUG" if verbose else "INFO")


def select_sources_checked(settings, names: Sequence[str]) -> None:
    from hdhwatch.crawl.run import select_sources

    select_sources(settings, names)  # unknown names fail here, clearly


def enqueued_summary(enqueued) -> str:
    lines = [f"enqueued for the workers: {', '.join(enqueued.sources) or 'none'}"]
    if enqueued.already:
        lines.append(f"already enqueued this cadence: {', '.join(enqueued.already)}")
    return "\n".join(lines)


# --- demo ---------------------------------------------------------------------------------
@main.command()
@click.option(
    "--port",
    type=int,
    default=8765,
    show_default=True,
    help="Local port of the demo site (fixed, so that a second run recognises "
    "the articles it already stored).",
)
@click.option("-v", "--verbose", is_flag=True, help="Show the crawler's log.")
@click.option("--serve", "serve_web", is_flag=True,
              help="Then serve the web page on the demo's store until Ctrl-C.")
@click.option("--web-port", type=int, default=8000, show_default=True,
              help="Local port of the web page (with --serve).")
@click.pass_context
@handle_errors
def demo(ctx: click.Context, port: int, verbose: bool, serve_web: bool, web_port: int) -> None:
    """Serve the bundled demo site on a local port, crawl it, and show what was stored.

    The demo keeps its own store, demo/ in the data directory (database, mail,
    configuration), apart from the one your real crawls use; it prints how to
    query it and how to remove it. With --serve, it then serves the web page on
    that store (the timeline, the evidence, the search) and prints its address.

    Example: hdhwatch demo --serve
    """
    import shlex

    from hdhwatch.demo import run_demo

    result = run_demo(settings_of(ctx), port=port, echo=click.echo, verbose=verbose)
    demo = result.settings
    click.echo(crawl_summary(result.summaries))
    click.echo("")
    click.echo(f"{len(result.articles)} demo articles in the store (newest first):")
    click.echo(table(["id", "published", "outlet", "title"], [list(a) for a in result.articles]))
    click.echo("")
    failing = [outcome(s) for s in result.broken]
    click.echo(f"The source {result.broken[0].source if result.broken else '-'} broke: "
               f"its next crawls {', '.join(failing) or '-'}.")
    click.echo("")
    click.echo(f"Delivered ({result.mail_report}); mail written as .eml files to "
               f"{result.settings.outbox_dir}:")
    for path, recipient, subject in result.mail:
        click.echo(f"  {path}  to {recipient}: {subject}")
    if not result.mail:
        click.echo("  none: nothing new happened since the last demo")
    click.echo(f"Webhook {result.webhook} (a local receiver) got {len(result.posts)} "
               "post(s):")
    for post in result.posts:
        click.echo(f"  {post['body'].get('title', '')}")
    click.echo(f"Atom feed of the events: {result.atom}")
    click.echo("")
    click.echo(f"The demo has a store of its own, {demo.data_dir}: its database "
               f"{Path(demo.database_url.removeprefix('sqlite:///')).name}, its mail in "
               "outbox/ and its sources in config/, apart from the store `hdhwatch run` uses.")
    click.echo("Query it:   export "
               f"HDHWATCH_DATA_DIR={shlex.quote(str(demo.data_dir))} "
               f"HDHWATCH_CONFIG_DIR={shlex.quote(str(demo.config_dir))}")
    click.echo('            hdhwatch articles --search "cloud souverain"   ·   hdhwatch show ID'
               "   ·   hdhwatch timeline   ·   hdhwatch status")
    click.echo(f"Remove it:  rm -r {shlex.quote(str(demo.data_dir))}")
    if serve_web:
        click.echo("")
        _serve(demo, "127.0.0.1", web_port, "Ouvrez {url} dans un navigateur : la page de "
               "la démo (Ctrl-C pour l'arrêter).")


def _serve(settings, host: str, port: int, ready: str) -> None:
    """Serve the web page; a port in use is a one-line error, not a traceback."""
    import socket

    from hdhwatch.errors import HdhwatchError
    from hdhwatch.web import serve

    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise HdhwatchError(f"cannot serve the web page on {host}:{port} "
                                f"({exc.strerror}); choose another port") from exc
    serve(settings, host, port, on_ready=lambda url: click.echo(ready.format(url=url)))


# --- the web page ------------------------------------------------------------------------
@main.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (the default is reachable from this machine only).")
@click.option("--port", type=int, default=8000, show_default=True, help="Port to listen on.")
@click.pass_context
@handle_errors
def serve_command(ctx: click.Context, host: str, port: int) -> None:
    """Serve the read-only web page: the timeline chart, the evidence, the search.

    Pages: the current target and the timeline (/), the articles with search and
    filters (/articles), each article with its statements highlighted, the
    providers, the sources, the events (/events, /events.atom) and a JSON API
    (/api/...) that returns what --format json prints. French by default,
    English with ?lang=en or the browser's language. Ctrl-C stops it.

    Example: hdhwatch serve --port 8000
    """
    settings = settings_of(ctx)
    open_db(ctx)  # migrations and a bad URL fail here, before listening
    _serve(settings, host, port, "Serving the web page at {url} (Ctrl-C to stop)")
