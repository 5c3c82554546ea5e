"""Writes are idempotent: re-runs, concurrent writers and syndicated copies leave no duplicate."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime

from sqlalchemy import func, select

from hdhwatch.config import SourceConfig
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.store import articles as store
from hdhwatch.store.db import open_database
from hdhwatch.store.models import Article, ArticleUrl, CrawlRun

SOURCE = SourceConfig(name="exemple", kind="feed", urls=("http://example.test/feed",))


def record(n: int, text: str | None = None) -> ArticleRecord:
    return ArticleRecord(
        url=f"https://presse.example/articles/{n}.html",
        title=f"Le Health Data Hub, épisode {n}",
        text=text or f"Texte de l'article {n} sur l'hébergement des données de santé.",
        lead="Un chapô.",
        published=datetime(2026, 2, n % 27 + 1, 9, 30, tzinfo=UTC),
        outlet="Presse exemple",
        language="fr",
    )


def test_saving_twice_stores_once_and_keeps_every_url(database):
    with database.session() as session:
        first = store.save_article(session, record(1), "h1", fetched_urls=("https://alt/1",))
    with database.session() as session:
        again = store.save_article(session, record(1), "h1", fetched_urls=("https://alt/1b",))
    assert first.new and not again.new
    assert again.article_id == first.article_id
    with database.session() as session:
        assert session.scalar(select(func.count()).select_from(Article)) == 1
        urls = set(session.scalars(select(ArticleUrl.url)))
    assert urls == {record(1).url, "https://alt/1", "https://alt/1b"}


def test_same_text_under_another_url_is_marked_as_a_copy(database):
    with database.session() as session:
        original = store.save_article(session, record(1, "même texte"), "same")
        copy = store.save_article(session, record(2, "même texte"), "same")
    assert copy.new and copy.duplicate_of == original.article_id


def test_datetimes_come_back_aware_and_equal(database):
    with database.session() as session:
        saved = store.save_article(session, record(3), "h3")
    with database.session() as session:
        article = session.get(Article, saved.article_id)
        assert article.published_at == record(3).published
        assert article.published_at.tzinfo is not None


def test_known_urls(database):
    with database.session() as session:
        store.save_article(session, record(4), "h4", fetched_urls=("https://alias/4",))
        known = store.known_urls(session, ["https://alias/4", record(4).url, "https://new/5"])
    assert known == {"https://alias/4", record(4).url}


def test_validators_are_upserted(database):
    with database.session() as session:
        source = store.ensure_source(session, SOURCE)
        store.set_validators(session, source.id, "http://example.test/feed", '"a"', None)
        store.set_validators(session, source.id, "http://example.test/feed", '"b"', "Mon, 01 Jan")
    with database.session() as session:
        assert store.get_validators(session, source.id, "http://example.test/feed") == (
            '"b"',
            "Mon, 01 Jan",
        )


def test_a_run_left_running_by_a_dead_process_is_marked_interrupted(database):
    with database.session() as session:
        source = store.ensure_source(session, SOURCE)
        run = store.start_run(session, source, pid=2**22 + 12345)  # no such process
        run_id = run.id
    with database.session() as session:
        assert store.mark_interrupted_runs(session) == 1
    with database.session() as session:
        assert session.get(CrawlRun, run_id).status == "interrupted"


def _writer(url: str, start: int) -> None:
    db = open_database(url)
    for n in range(start, start + 30):
        with db.session() as session:
            store.save_article(session, record(n % 40), f"h{n % 40}")
    db.close()


def test_two_writers_at_once_leave_no_duplicate(db_url):
    open_database(db_url).close()
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=_writer, args=(db_url, s)) for s in (0, 10)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(60)
        assert p.exitcode == 0
    db = open_database(db_url)
    with db.session() as session:
        urls = list(session.scalars(select(Article.url)))
    db.close()
    assert len(urls) == len(set(urls)) == 40


def test_a_10_kb_url_is_stored_and_recognised_by_its_hash(database):
    import hashlib
    from dataclasses import replace

    # Incompressible, as real long URLs are: PostgreSQL refused its index row.
    tail = "".join(hashlib.sha256(str(i).encode()).hexdigest() for i in range(160))
    url = f"https://presse.example/articles/{tail}.html"
    alias = url + "?page=1"
    with database.session() as session:
        first = store.save_article(
            session, replace(record(1), url=url), "h1", fetched_urls=(alias,)
        )
    with database.session() as session:
        again = store.save_article(session, replace(record(1), url=url), "h1")
        known = store.known_urls(session, [url, alias, "https://presse.example/autre"])
    assert first.new and not again.new and again.article_id == first.article_id
    assert known == {url, alias}
