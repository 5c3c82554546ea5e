"""Source health: a source failing, or whose extraction drifted, is an event for the
operator, never for readers; one notice per episode, gone when the source recovers."""

from __future__ import annotations

import email
from collections import Counter
from datetime import UTC, datetime, timedelta
from email.policy import default as default_policy

from sqlalchemy import select

from hdhwatch.channels.notify import render_delivery
from hdhwatch.channels.subscribers import add_subscriber
from hdhwatch.config import SourceConfig
from hdhwatch.events import detect
from hdhwatch.pipeline import advance_timeline, shift_alerts
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.store import articles as store
from hdhwatch.store.models import CrawlRun, Delivery, Event, Subscriber

T0 = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


def run(db, name: str, day: int, *, pages: int, new: int = 0, undated: int = 0,
        errors: dict | None = None) -> None:
    """One finished crawl run of ``name``, as the crawl records it."""
    with db.session() as session:
        source = store.ensure_source(session, SourceConfig(name=name, kind="feed",
                                                           urls=("https://x.example/f",)))
        crawl = store.start_run(session, source, pid=1)
        crawl.started_at = T0 + timedelta(days=day)
        counts = store.RunCounts(pages_fetched=pages, new_articles=new,
                                 errors=Counter(errors or {}),
                                 last_error="dns: x.example" if errors else None)
        store.save_counts(session, crawl.id, counts, finished=True)
        for n in range(new):
            record = ArticleRecord(url=f"https://x.example/{name}/{day}/{n}", title="t",
                                   text="texte",
                                   published=None if n < undated else T0 + timedelta(days=day))
            store.save_article(session, record, f"{name}-{day}-{n}", source_id=source.id,
                               run_id=crawl.id)


def health(db) -> dict[str, str]:
    with db.session() as session:
        detect(session)
        return {e.key: e.kind for e in session.scalars(
            select(Event).where(Event.kind.like("source_%")))}


def test_a_source_fetching_nothing_three_times_is_failing_until_it_recovers(database):
    run(database, "cnil", 0, pages=4, new=1)
    run(database, "cnil", 1, pages=0, errors={"dns": 1})
    run(database, "cnil", 2, pages=0, errors={"dns": 1})
    assert health(database) == {}
    run(database, "cnil", 3, pages=0, errors={"dns": 1})
    assert health(database) == {"source_failing:cnil:2026-11-03": "source_failing"}
    run(database, "cnil", 4, pages=2)  # a feed answering 304 is fetched: healthy
    assert health(database) == {}


def test_extraction_drift_is_a_jump_in_pages_without_date_or_body(database):
    for day in range(3):
        run(database, "zdnet-fr", day, pages=8, new=6)
    run(database, "zdnet-fr", 3, pages=8, new=6, undated=4, errors={"empty_body": 2})
    assert health(database) == {"source_drift:zdnet-fr:2026-11-05": "source_drift"}


def test_the_operator_hears_of_it_once_and_readers_never(database, make_settings):
    # the operator is named in the configuration; no need to subscribe them
    settings = make_settings(database_url=database.url,
                             extra='\n[mail]\noperator = "Ops <ops@example.org>"\n')
    with database.session() as session:
        add_subscriber(session, "lecteur@example.org")
    for day in range(3):
        run(database, "cnil", day, pages=0, errors={"connection": 1})
    for _ in range(2):
        with database.session() as session:
            advance_timeline(session, shift_alerts(settings))
    with database.session() as session:
        rows = session.scalars(select(Delivery)).all()
        for row in rows:  # as the sender renders it when it first sends it
            render_delivery(session, settings, row)
        assert [(r.recipient, r.subject) for r in rows] == [
            ("ops@example.org", "Health Data Hub : la source cnil ne répond plus")]
        text = email.message_from_string(rows[0].message, policy=default_policy).get_body(
            ("plain",)).get_content()
        assert text.startswith("Message pour l'exploitant de hdhwatch")
        assert "Ses 3 dernières collectes n'ont rien récupéré (erreurs : connection 3)" in text
        assert "« Ses 3" not in text  # what the crawls recorded, not a quoted sentence
        assert session.scalars(select(CrawlRun)).first() is not None
        operator = session.scalars(select(Subscriber).where(
            Subscriber.email == "ops@example.org")).one()
        assert (operator.kinds, operator.digest) == (["source"], "none")


def test_an_operator_who_reads_the_story_too_keeps_it(database, make_settings):
    settings = make_settings(database_url=database.url,
                             extra='\n[mail]\noperator = "ops@example.org"\n')
    with database.session() as session:
        add_subscriber(session, "ops@example.org", kinds=["target", "provider"])
    for day in range(3):
        run(database, "cnil", day, pages=0, errors={"connection": 1})
    with database.session() as session:
        advance_timeline(session, shift_alerts(settings))
    with database.session() as session:
        operator = session.scalars(select(Subscriber)).one()
        assert operator.kinds == ["target", "provider", "source"]
        assert session.scalars(select(Delivery.recipient)).all() == ["ops@example.org"]
