"""Alerts are right in every arrival order.

A crawl meets articles in any order: a feed lists today's story before last week's, a
sitemap is read before a feed, an old article is found late. The demo site's articles
and the project's own corpus are fed to the real store one at a time (the timeline
replayed and alerts queued after each, as if each came in its own crawl), in 60 random
orders with fixed seeds. Whatever the order: the same timeline every time (moves and
signals), and exactly one queued alert per subscriber, about the move that set today's
target; none about a move the timeline does not hold.
"""

from __future__ import annotations

import random
import shutil
from datetime import UTC, datetime, time
from pathlib import Path

import pytest
from sqlalchemy import select

import hdhwatch.demo
from hdhwatch.channels.notify import enqueue_alerts
from hdhwatch.channels.subscribers import add_subscriber
from hdhwatch.classify import classify
from hdhwatch.errors import ExtractionError
from hdhwatch.evaluate import read_corpus
from hdhwatch.events.timeline import MOVE
from hdhwatch.extract import content_hash, parse_article
from hdhwatch.pipeline import advance_timeline
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.store import articles as store
from hdhwatch.store.classifications import persist_classification
from hdhwatch.store.db import open_database
from hdhwatch.store.models import Article, Delivery, Event

HERE = Path(__file__).resolve().parent
DEMO_SITE = Path(hdhwatch.demo.__file__).resolve().parent / "demo_site"
PERMUTATIONS = 60
SUBSCRIBERS = ("lecteur@example.org", "reader@example.org")


def demo_articles() -> list[ArticleRecord]:
    """The demo site's article pages, extracted as the crawl extracts them."""
    records = []
    for page in sorted(DEMO_SITE.glob("*/articles/*.html")):
        url = f"http://demo.example/{page.parent.parent.name}/articles/{page.name}"
        body = page.read_bytes().replace(b"{{BASE}}", b"http://demo.example")
        try:
            records.append(parse_article(body, url))
        except ExtractionError:
            continue
    return records


def corpus_articles() -> list[ArticleRecord]:
    """The project's own labelled corpus, as the eval feeds it."""
    return [
        ArticleRecord(url=item.url or f"https://corpus.invalid/{item.id}", title=item.title,
                      text=item.text, language=item.language,
                      published=datetime.combine(item.published, time(12), UTC))
        for item in read_corpus(HERE / "corpus" / "hdhwatch.jsonl")
    ]


def feed(template: Path, tmp_path: Path, name: str, records, results, settings) -> dict:
    """Store ``records`` one at a time on a fresh copy of the migrated ``template``;
    return the final timeline and the queued alerts."""
    path = tmp_path / f"{name}.sqlite3"
    shutil.copyfile(template, path)
    db = open_database(f"sqlite:///{path}")
    try:
        with db.session() as session:
            for address in SUBSCRIBERS:
                add_subscriber(session, address)

        def on_shifts(session, events):
            enqueue_alerts(session, events, settings)

        for record, result in zip(records, results, strict=True):
            with db.session() as session:
                saved = store.save_article(session, record, content_hash(record))
                persist_classification(session, session.get(Article, saved.article_id),
                                       result)
                advance_timeline(session, on_shifts)
        with db.session() as session:
            events = session.scalars(select(Event).where(Event.kind == MOVE)).all()
            queued = session.execute(
                select(Delivery.dedupe_key, Delivery.status)
                .where(Delivery.kind == "shift")
            ).all()
            return {
                "moves": sorted(e.key for e in events if e.status == "confirmed"),
                "signals": sorted(e.key for e in events if e.status == "signal"),
                "pending": sorted(k for k, status in queued if status == "pending"),
            }
    finally:
        db.close()


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("template") / "migrated.sqlite3"
    open_database(f"sqlite:///{path}").close()
    return path


@pytest.mark.slow
@pytest.mark.parametrize("corpus", ["demo", "own"])
def test_every_arrival_order_gives_one_timeline_and_only_its_alert(
        corpus, template, tmp_path, make_settings):
    records = demo_articles() if corpus == "demo" else corpus_articles()
    assert len(records) >= 25
    settings = make_settings()
    by_publication = sorted(records, key=lambda r: (r.published, r.url))
    results = {r.url: classify(r) for r in records}

    def run(name: str, order: list[ArticleRecord]) -> dict:
        return feed(template, tmp_path, name, order, [results[r.url] for r in order], settings)

    expected = run("in-order", by_publication)
    assert len(expected["moves"]) >= 2, "the corpus should move the target"
    latest_alerts = {k.rsplit(":", 1)[0] for k in expected["pending"]}
    assert len(latest_alerts) == 1 and len(expected["pending"]) == len(SUBSCRIBERS)

    rng = random.Random(20261206)
    for n in range(PERMUTATIONS // 2):
        order = list(records)
        rng.shuffle(order)
        got = run(f"order-{n}", order)
        assert got["moves"] == expected["moves"], f"order {n}: another timeline"
        assert got["signals"] == expected["signals"], f"order {n}: other signals"
        assert got["pending"] == expected["pending"], (
            f"order {n}: the queued alerts are not the one about today's move")
