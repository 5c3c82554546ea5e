"""Exactly one alert per move, whatever happened to the crawl before.

The timeline moves once, after the whole crawl (not as each spider closes); every crawl,
``run`` and scheduler start brings it up to date from what is stored; a pass sends the
alert its own crawl queued. Real parts: the demo site over HTTP, the crawl subprocess,
SQLite, the outbox writing .eml files.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from hdhwatch.channels.subscribers import add_subscriber
from hdhwatch.classify import classify
from hdhwatch.crawl.run import run_crawl
from hdhwatch.demo import DEMO_ROOT
from hdhwatch.demo.sitesrv import SiteServer
from hdhwatch.extract import content_hash
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.schedule import run_pass
from hdhwatch.store import articles as store
from hdhwatch.store.classifications import persist_classification
from hdhwatch.store.db import open_database
from hdhwatch.store.models import Article, Delivery, Event

DEMO_SOURCES = (DEMO_ROOT / "sources.toml").read_text(encoding="utf-8")
READERS = ("lecteur@example.org", "reader@example.org")


def subscribe(settings) -> None:
    db = open_database(settings.database_url)
    with db.session() as session:
        for address in READERS:
            add_subscriber(session, address, digest="none")
    db.close()


def shift_messages(settings) -> list[tuple[str, str]]:
    db = open_database(settings.database_url)
    with db.session() as session:
        rows = session.execute(
            select(Delivery.dedupe_key, Delivery.status)
            .where(Delivery.kind == "shift").order_by(Delivery.id)
        ).all()
        latest = session.scalars(
            select(Event.key).where(Event.status == "confirmed", Event.kind == "target_move")
            .order_by(Event.published_at.desc(), Event.id.desc())
        ).first()
    db.close()
    return [(key.removeprefix("shift:").rsplit(":", 1)[0], status) for key, status in rows], latest


def test_a_crawl_by_three_spiders_queues_one_alert_per_reader_about_the_last_move(
        make_settings):
    with SiteServer(DEMO_ROOT) as server:
        settings = make_settings(DEMO_SOURCES.replace("{{BASE}}", server.base_url))
        subscribe(settings)
        summaries = run_crawl(settings)
    assert {s.source for s in summaries} == {s.name for s in settings.sources}
    messages, latest = shift_messages(settings)
    assert latest is not None
    assert messages == [(latest, "pending")] * len(READERS), (
        "one alert per reader, about the move that set today's target, none cancelled: "
        "the timeline moved once, after the whole crawl")


def stored_without_timeline(settings, articles: list[tuple[str, str, str]]) -> None:
    """Articles stored and classified by a crawl killed before it moved the timeline."""
    db = open_database(settings.database_url)
    with db.session() as session:
        for url, day, text in articles:
            record = ArticleRecord(url=url, title=text.split(".")[0], text=text,
                                   published=datetime.fromisoformat(day).replace(tzinfo=UTC),
                                   language="fr")
            saved = store.save_article(session, record, content_hash(record))
            persist_classification(session, session.get(Article, saved.article_id),
                                   classify(record))
    db.close()


STORY = [
    ("https://un-journal.example/hdh-2025", "2022-09-12",
     "Health Data Hub : la migration vers un cloud souverain repoussée à 2025. La direction "
     "de la plateforme reconnaît que l'échéance de fin 2022 ne sera pas tenue."),
    ("https://un-autre.example/hdh-2026", "2026-02-06",
     "Health Data Hub : la migration hors de Microsoft repoussée à fin 2026. Le ministère "
     "reconnaît que l'horizon 2025 ne sera pas tenu : la plateforme des données de santé "
     "doit désormais quitter Azure d'ici la fin de 2026."),
]


def test_a_run_after_a_crawl_killed_before_its_timeline_queues_and_sends_the_alert(
        make_settings, tmp_path):
    settings = make_settings()  # no source: nothing is due, nothing is crawled
    subscribe(settings)
    stored_without_timeline(settings, STORY)
    assert shift_messages(settings) == ([], None)
    report = run_pass(settings)
    assert report.crawled == []
    messages, latest = shift_messages(settings)
    assert latest == "target_move:2025-12-31/year>2026-12-31/year"
    assert messages == [(latest, "sent")] * len(READERS), "queued and sent in the same pass"
    assert len(list((settings.data_dir / "outbox").glob("*.eml"))) == len(READERS)
    # and a second pass changes nothing: no alert twice
    run_pass(settings)
    assert shift_messages(settings)[0] == [(latest, "sent")] * len(READERS)


def test_a_pass_sends_the_alert_its_own_crawl_queued(make_settings):
    with SiteServer(DEMO_ROOT) as server:
        settings = make_settings(DEMO_SOURCES.replace("{{BASE}}", server.base_url))
        subscribe(settings)
        report = run_pass(settings, all_sources=True)
    assert sum(s.new_articles for s in report.crawled) > 0
    messages, latest = shift_messages(settings)
    assert messages == [(latest, "sent")] * len(READERS)
