"""Storing through cached Core statements on the session's connection: what
``pipeline.store`` wrote is, attribute for attribute, what the same session and a new
one read back."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from sqlalchemy import inspect

from hdhwatch.pipeline import prepare, store
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.store import articles as articles_store
from hdhwatch.store.models import Article, DroppedUrl

PARIS_SUMMER = timezone(timedelta(hours=2))
RECORD = ArticleRecord(
    url="https://presse.example/articles/hds.html",
    title="Le Health Data Hub change d'hébergeur",
    text="Le Health Data Hub quittera Microsoft Azure pour un hébergeur qualifié SecNumCloud "
         "d'ici fin 2026, selon le ministère. OVHcloud et Scaleway sont candidats.",
    lead="Un chapô.",
    published=datetime(2025, 6, 3, 9, 30, tzinfo=PARIS_SUMMER),
    authors=("Une Journaliste",),
    outlet="Presse exemple",
    language="fr",
)


def _columns(article: Article) -> dict:
    return {attr.key: getattr(article, attr.key) for attr in inspect(Article).column_attrs}


def test_the_stored_article_reads_back_the_same_in_its_session_and_a_new_one(database):
    prepared = prepare(RECORD)
    with database.session() as session:
        saved = store(session, prepared, fetched_urls=("https://alt.example/hds",))
        held = session.get(Article, saved.article_id)
        in_session = _columns(held)
        assert not session.dirty and not session.new
    assert saved.new
    with database.session() as session:
        fresh = session.get(Article, saved.article_id)
        assert _columns(fresh) == in_session
        for name in ("published_at", "fetched_at", "classified_at"):
            assert in_session[name].utcoffset() == fresh.__dict__[name].utcoffset() == timedelta(0)
        assert len(fresh.providers) == len(prepared.classification.providers)
        assert len(fresh.dates) == len(prepared.classification.deadlines)
        assert {u.url for u in fresh.urls} == {RECORD.url, "https://alt.example/hds"}
    with database.session() as session:  # stored already: nothing new, same id
        again = store(session, prepared)
    assert not again.new and again.article_id == saved.article_id


def test_a_url_dropped_again_takes_the_new_reason_and_version(database):
    with database.session() as session:
        articles_store.remember_dropped(session, ["https://a.example/1"] * 2, "off_topic", "v1")
    with database.session() as session:
        articles_store.remember_dropped(session, ["https://a.example/1", "https://a.example/2"],
                                        "other", "v2")
    with database.session() as session:
        rows = sorted((d.url, d.reason, d.terms_version)
                      for d in session.query(DroppedUrl))
    assert rows == [("https://a.example/1", "other", "v2"), ("https://a.example/2", "other", "v2")]
