"""The schema: migrations create exactly the models, on SQLite and PostgreSQL, and go back down."""

from __future__ import annotations

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from hdhwatch.store.db import (
    alembic_config,
    current_revision,
    include_object,
    make_engine,
    metadata,
    open_database,
    upgrade,
)


def test_migrations_match_the_models(db_url):
    upgrade(db_url)
    engine = make_engine(db_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(
            connection, opts={"compare_type": True, "include_object": include_object}
        )
        diff = compare_metadata(context, metadata)
    engine.dispose()
    assert diff == []


def test_upgrade_is_idempotent_and_reversible(db_url):
    upgrade(db_url)
    head = current_revision(db_url)
    upgrade(db_url)
    assert current_revision(db_url) == head
    command.downgrade(alembic_config(db_url), "base")
    engine = make_engine(db_url)
    assert "articles" not in inspect(engine).get_table_names()
    engine.dispose()
    open_database(db_url).close()
    assert current_revision(db_url) == head


def test_constraints_follow_the_naming_convention(database):
    inspector = inspect(database.engine)
    uniques = {u["name"] for u in inspector.get_unique_constraints("articles")}
    assert "uq_articles_url_hash" in uniques
    fks = {fk["name"] for fk in inspector.get_foreign_keys("articles")}
    assert "fk_articles_source_id_sources" in fks


def test_0003_fills_the_url_hashes_and_keeps_every_row(db_url):
    import hashlib

    from hdhwatch.read.query import ArticleFilter, list_articles
    from hdhwatch.records import Article as ArticleRecord
    from hdhwatch.store import articles as store

    upgrade(db_url, "0002")
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO articles (url, title, text, authors, content_hash, fetched_at) "
            "VALUES ('https://a.example/1', 'Le Health Data Hub migre', 'Texte', '[]', 'h', "
            "CURRENT_TIMESTAMP)"
        ))
        connection.execute(text(
            "INSERT INTO article_urls (url, article_id) SELECT u, id FROM articles, "
            "(SELECT 'https://a.example/1' AS u UNION SELECT 'https://a.example/1?amp') AS urls"
        ))
        connection.execute(text(
            "INSERT INTO provider_mentions (article_id, provider, count, sentence, \"offset\", "
            "alias) SELECT id, 'Microsoft', 1, 's', 0, 'Azure' FROM articles"
        ))
    engine.dispose()
    database = open_database(db_url)
    with database.session() as session:
        rows = session.execute(text("SELECT url, url_hash FROM article_urls")).all()
        mentions = session.execute(text("SELECT count(*) FROM provider_mentions")).scalar()
        store.save_article(
            session, ArticleRecord(url="https://a.example/2", title="Le HDH migre", text="x"), "h2"
        )
    with database.session() as session:
        found = list_articles(session, ArticleFilter(search="migre"))
    database.close()
    assert len(rows) == 2 and mentions == 1, "no row is lost (nor cascaded away)"
    assert all(h == hashlib.sha256(u.encode()).hexdigest() for u, h in rows)
    assert len(found) == 2, "search still follows the articles"


def test_0007_keeps_queued_mail_and_the_event_it_is_about(db_url):
    from datetime import UTC, datetime

    from sqlalchemy import select

    from hdhwatch.channels.notify import cancel_stale_alerts
    from hdhwatch.store.models import Delivery

    upgrade(db_url, "0006")
    engine = make_engine(db_url)
    with engine.begin() as connection:
        for n, (kind, key) in enumerate([
            ("shift", "shift:target_move:2025-12-31/year>2026-12-31/year:1"),
            ("digest", "digest:2026-W10:1"),
        ]):
            connection.execute(text(
                "INSERT INTO outbox (dedupe_key, message_id, kind, recipient, subject, message,"
                " status, attempts, next_attempt_at, created_at) VALUES (:key, :mid, :kind,"
                " 'a@example.org', 'Sujet', 'Subject: Sujet\n\ncorps', 'pending', 0, :now, :now)"
            ), {"key": key, "mid": f"<{n}@x>", "kind": kind,
                "now": datetime(2026, 3, 1, tzinfo=UTC)})
    engine.dispose()
    database = open_database(db_url)
    with database.session() as session:
        rows = session.scalars(select(Delivery).order_by(Delivery.id)).all()
        assert [(r.kind, r.channel, r.event_key, r.message) for r in rows] == [
            ("shift", "email", "target_move:2025-12-31/year>2026-12-31/year",
             "Subject: Sujet\n\ncorps"),
            ("digest", "email", None, "Subject: Sujet\n\ncorps"),
        ]
        # the alert still belongs to its move: not cancelled while the move stands
        assert cancel_stale_alerts(
            session, {"target_move:2025-12-31/year>2026-12-31/year"}) == 0
    database.close()


def test_0008_keeps_feed_validators_and_judges_their_items_again_under_new_terms(db_url):
    from hdhwatch.store import articles as store

    upgrade(db_url, "0007")
    engine = make_engine(db_url)
    with engine.begin() as connection:
        connection.execute(text(
            "INSERT INTO sources (name, kind, title, created_at) "
            "VALUES ('s', 'feed', 'S', CURRENT_TIMESTAMP)"))
        connection.execute(text(
            "INSERT INTO feed_states (source_id, url, etag, last_modified, checked_at) "
            "SELECT id, 'https://a.example/feed', '\"e\"', NULL, CURRENT_TIMESTAMP FROM sources"))
    engine.dispose()
    database = open_database(db_url)
    with database.session() as session:
        source_id = session.execute(text("SELECT id FROM sources")).scalar()
        kept = store.get_validators(session, source_id, "https://a.example/feed")
        under_terms = store.get_validators(session, source_id, "https://a.example/feed", "v1")
        store.remember_dropped(session, ["https://a.example/1"], "off_topic", "v1", source_id)
        store.remember_dropped(session, ["https://a.example/1"], "off_topic", "v2", source_id)
    with database.session() as session:
        dropped_v1 = store.dropped_urls(session, ["https://a.example/1"], "v1")
        dropped_v2 = store.dropped_urls(session, ["https://a.example/1"], "v2")
    database.close()
    assert kept == ('"e"', None), "the validators survive the migration"
    assert under_terms == (None, None), "kept under unknown terms: the feed is read in full"
    assert dropped_v1 == set() and dropped_v2 == {"https://a.example/1"}
