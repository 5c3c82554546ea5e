"""``hdhwatch demo``: the whole path offline, on a bundled site of made-up outlets.

Serves ``demo_site/`` on a fixed local port, writes a demo configuration whose
sources point at it, crawls it in a subprocess like any crawl, and prints what
was stored. The port is fixed so that a second run recognises the URLs it
stored the first time.

Then one source breaks (its listing answers 404) and is crawled the few more times
that make it failing; what every channel got is shown: the reader's mail (the
alerts and the digest), the reader's webhook (posted to a local receiver), the
operator's notice that the source fails, and the Atom feed of the events.

The demo keeps a store of its own, ``demo/`` in the data dir (its SQLite
database, its outbox and its configuration): the made-up outlets never mix with
the sources a real ``hdhwatch run`` crawls, whatever database that one uses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from hdhwatch.config import Settings, load_settings
from hdhwatch.errors import HdhwatchError

DEMO_ROOT = Path(__file__).resolve().parent / "demo_site"


def demo_dir(settings: Settings) -> Path:
    """The demo's own data dir: its database, outbox and configuration."""
    return settings.data_dir / "demo"


def write_demo_config(settings: Settings, base_url: str) -> Path:
    """A config dir whose sources are the demo outlets at ``base_url``; returns its path."""
    config_dir = demo_dir(settings) / "config"
    config_dir.mkdir(parents=True, exist_ok=True)
    sources = (DEMO_ROOT / "sources.toml").read_text(encoding="utf-8")
    (config_dir / "sources.toml").write_text(sources.replace("{{BASE}}", base_url), "utf-8")
    terms = ", ".join(json.dumps(t, ensure_ascii=False) for t in settings.watch_terms)
    (config_dir / "hdhwatch.toml").write_text(
        "# Written by `hdhwatch demo`: the demo site is local, so no delay between requests.\n"
        f"timezone = {json.dumps(settings.timezone)}\n"
        f"watch_terms = [{terms}]\n\n"
        "[crawl]\nconcurrent_per_domain = 2\ndownload_delay = 0\nautothrottle = false\n"
        "allow_private_addresses = true  # the demo site is on 127.0.0.1\n"
        f"user_agent = {json.dumps(settings.user_agent)}\n\n"
        f"[mail]\noperator = {json.dumps(DEMO_OPERATOR)}\n",
        encoding="utf-8",
    )
    for extra in ("providers.toml",):
        source = settings.config_dir / extra
        if source.exists():
            (config_dir / extra).write_text(source.read_text(encoding="utf-8"), "utf-8")
    return config_dir


def demo_settings(settings: Settings, base_url: str) -> Settings:
    config_dir = write_demo_config(settings, base_url)
    # Its own SQLite database in its own data dir, never the user's HDHWATCH_DATABASE_URL.
    loaded = load_settings(
        {"HDHWATCH_CONFIG_DIR": str(config_dir), "HDHWATCH_DATA_DIR": str(demo_dir(settings))}
    )
    # The demo's mail always goes to .eml files, even where SMTP is configured.
    return replace(loaded, smtp=None, mail_from=settings.mail_from)


DEMO_SUBSCRIBER = "lecteur.demo@hdhwatch.invalid"
DEMO_OPERATOR = "exploitation.demo@hdhwatch.invalid"
# Breaks mid-demo: once the demo site is crawled, its listing answers 404.
BROKEN_SOURCE = "acteurs-de-letat"


@dataclass(frozen=True)
class DemoResult:
    """What a demo run did, for the CLI to show."""

    settings: Settings  # the demo's own store and sources (pointing at the local site)
    summaries: list  # crawl.run.RunSummary, one per demo source
    articles: list[tuple]  # (id, published day, outlet, title), newest first
    mail_report: object  # outbox.SendReport
    mail: list[tuple[Path, str, str]]  # (.eml written by this run, its recipient, subject)
    broken: list  # RunSummary of the broken source's failing runs
    webhook: str  # the reader's webhook channel, redacted
    posts: list[dict]  # what the webhook receiver got: path, headers, JSON body
    atom: Path  # the Atom feed of the events, written at the end


def run_demo(
    settings: Settings,
    *,
    port: int = 8765,
    echo: Callable[[str], None] = print,
    verbose: bool = False,
) -> DemoResult:
    """Serve the demo site, crawl it into the store, break a source, and deliver what
    each channel gets (see the module's docstring)."""
    from urllib.parse import urlsplit

    from hdhwatch.channels.subscribers import (
        add_channel,
        add_subscriber,
        redact_url,
        remove_subscriber,
    )
    from hdhwatch.crawl.run import run_crawl
    from hdhwatch.demo.receiver import WebhookReceiver
    from hdhwatch.demo.sitesrv import Rule, SiteServer
    from hdhwatch.events.sources import FAILING_RUNS
    from hdhwatch.read.feed import atom_feed
    from hdhwatch.read.query import ArticleFilter, list_articles
    from hdhwatch.schedule import deliver
    from hdhwatch.store.db import open_database, utcnow

    server = SiteServer(DEMO_ROOT, port=port)
    try:
        server.start()
    except OSError as exc:
        raise HdhwatchError(
            f"cannot serve the demo site on port {port} ({exc.strerror}); "
            "choose another with --port"
        ) from exc
    receiver = WebhookReceiver(path="/hooks/demo").start()
    db = None
    try:
        settings = demo_settings(settings, server.base_url)
        names = [s.name for s in settings.sources]
        echo(f"Serving the demo site at {server.base_url}/ ({len(names)} sources)")
        echo(f"Crawling into {settings.database_url} …")
        db = open_database(settings.database_url)
        # A reader for the length of the demo, on mail and on a webhook: the alerts and
        # the digest are written for them, then they are removed again.
        with db.session() as session:
            reader = add_subscriber(session, DEMO_SUBSCRIBER, language="fr", alerts=True,
                                    digest="weekly")
            add_channel(session, reader, receiver.apprise_url())
        started = utcnow()
        summaries = run_crawl(settings, names, echo=echo if verbose else None)
        broken = next(s for s in settings.sources if s.name == BROKEN_SOURCE)
        for url in broken.urls:
            server.rules[urlsplit(url).path] = Rule(status=404)
        echo(f"The source {BROKEN_SOURCE} breaks (its listing answers 404): crawled "
             f"{FAILING_RUNS} more times …")
        failing = [s for _ in range(FAILING_RUNS) for s in run_crawl(settings, [BROKEN_SOURCE])]
        _queued, report = deliver(settings, db, utcnow())
        with db.session() as session:
            remove_subscriber(session, DEMO_SUBSCRIBER)
        with db.session() as session:
            articles = [
                (a.id, a.published_at.date() if a.published_at else None, a.outlet, a.title)
                for a in list_articles(session, ArticleFilter(limit=None))
                if a.source and a.source.name in names
            ]
            atom = settings.data_dir / "events.atom"
            atom.write_bytes(atom_feed(session))
    finally:
        receiver.stop()
        server.stop()
        if db is not None:
            db.close()
    written = sorted(
        p for p in settings.outbox_dir.glob("*.eml")
        if p.stat().st_mtime >= started.timestamp() - 1
    )
    return DemoResult(settings, summaries, articles, report,
                      [(path, *_headers(path)) for path in written], failing,
                      redact_url(receiver.apprise_url()), list(receiver.posts), atom)


def _headers(path: Path) -> tuple[str, str]:
    """The recipient and the subject of a written mail."""
    from email import policy
    from email.parser import BytesHeaderParser

    with path.open("rb") as handle:
        headers = BytesHeaderParser(policy=policy.default).parse(handle)
    return str(headers.get("To", "")).strip(), str(headers.get("Subject", "")).strip()
