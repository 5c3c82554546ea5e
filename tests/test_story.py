"""The story beyond the date: findings in sentences of our own, and the events they make
(a provider chosen, a certification, a ruling, a tender), believed as target moves are."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from sqlalchemy import select

from hdhwatch.classify.story import find_findings
from hdhwatch.events import detect
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.records import Classification, Finding, Relevance
from hdhwatch.store import articles as store
from hdhwatch.store.classifications import persist_classification
from hdhwatch.store.models import Article, Event


def found(text: str, published: str = "2026-04-23") -> set[tuple[str, str]]:
    return {(f.event_kind, f.subject) for f in find_findings(text, date.fromisoformat(published))}


@pytest.mark.parametrize(("text", "expected"), [
    ("Le ministère de la Santé a choisi Scaleway pour héberger la Plateforme des données de "
     "santé.", {("provider_selected", "Scaleway")}),
    ("Scaleway a été retenu pour héberger le Health Data Hub ; OVHcloud et Outscale n'ont pas "
     "été retenus.", {("provider_selected", "Scaleway"), ("provider_excluded", "OVHcloud"),
                      ("provider_excluded", "Outscale")}),
    ("France has selected Scaleway to host its national health data platform.",
     {("provider_selected", "Scaleway")}),
    ("Trois candidats restent en lice : Scaleway, OVHcloud et Outscale.",
     {("provider_shortlisted", "Scaleway"), ("provider_shortlisted", "OVHcloud"),
      ("provider_shortlisted", "Outscale")}),
    ("Microsoft est reconduit pour un an, le temps de la migration de la plateforme.",
     {("provider_renewed", "Microsoft")}),
    ("Scaleway obtient la qualification SecNumCloud pour son offre de stockage.",
     {("certification_obtained", "Scaleway")}),
    ("S3NS et Bleu n'ont pas encore obtenu la qualification SecNumCloud.",
     {("certification_expected", "S3NS"), ("certification_expected", "Bleu")}),
    ("Le Conseil d'État a rejeté le recours contre l'hébergement du Health Data Hub.",
     {("legal_ruling", "Conseil d'État")}),
    ("La CNIL autorise l'entrepôt de la plateforme sur le cloud de Microsoft.",
     {("legal_ruling", "CNIL")}),
    ("Le Health Data Hub a lancé l'appel d'offres pour son futur hébergeur.",
     {("tender_launched", "HDH")}),
    ("L'appel d'offres pour l'hébergement du HDH a été déclaré infructueux.",
     {("tender_cancelled", "HDH")}),
])
def test_findings(text: str, expected: set) -> None:
    assert found(text) == expected


@pytest.mark.parametrize("text", [
    # history, hypotheses, steps to come, negations
    "En 2019, Microsoft avait été choisi sans appel d'offres.",
    "Scaleway pourrait être retenu à l'issue de la procédure.",
    "Un appel d'offres sera lancé dans les prochains mois pour choisir l'hébergeur.",
    "Personne n'a lancé d'appel d'offres pour héberger la plateforme.",
    "Aucun appel d'offres n'a été publié à ce jour.",
    "Scaleway a obtenu récemment la qualification SecNumCloud.",
    "Les données restent suspendues à une décision de la CNIL sur l'entrepôt.",
    "Le centre de données de Scaleway, qualifié SecNumCloud, accueillera les données.",
])
def test_what_is_not_news(text: str) -> None:
    assert found(text) == set()


# --- the events ---------------------------------------------------------------------------
def finding(kind: str, status: str, subject: str, confidence: str = "high") -> Finding:
    return Finding(kind, status, subject, f"{subject} {status}.", 0, confidence)


def add(db, n: int, day: str, *findings: Finding, outlet: str = "presse.example") -> int:
    with db.session() as session:
        record = ArticleRecord(url=f"https://{outlet}/{n}", title=f"Article {n}",
                               text=f"texte {n}",
                               published=datetime.fromisoformat(day).replace(tzinfo=UTC))
        saved = store.save_article(session, record, f"hash-{n}")
        persist_classification(session, session.get(Article, saved.article_id),
                               Classification(Relevance(True, 1.0), findings=findings))
        return saved.article_id


def events(db) -> tuple[dict[str, str], set[str]]:
    with db.session() as session:
        update = detect(session)
        rows = session.scalars(select(Event).where(Event.kind != "target_move")).all()
        return {e.key: e.status for e in rows}, update.news


def test_one_sure_sentence_makes_an_event_and_news(database):
    add(database, 1, "2026-04-23", finding("provider", "selected", "Scaleway"))
    assert events(database) == ({"provider_selected:Scaleway": "confirmed"},
                                {"provider_selected:Scaleway"})


def test_an_unsure_sentence_is_a_signal_until_a_second_outlet(database):
    add(database, 1, "2026-04-23", finding("provider", "selected", "Scaleway", "medium"),
        outlet="un-blog.example")
    assert events(database)[0] == {"provider_selected:Scaleway": "signal"}
    add(database, 2, "2026-04-24", finding("provider", "selected", "Scaleway", "medium"),
        outlet="un-journal.example")
    assert events(database)[0] == {"provider_selected:Scaleway": "confirmed"}


def test_only_recent_events_are_news(database):
    add(database, 1, "2024-04-10", finding("tender", "launched", "HDH"))
    add(database, 2, "2026-04-23", finding("provider", "selected", "Scaleway"))
    stored, news = events(database)
    assert stored == {"tender_launched:HDH": "confirmed",
                      "provider_selected:Scaleway": "confirmed"}
    assert news == {"provider_selected:Scaleway"}, "the 2024 tender is the record, not news"


def test_an_event_no_article_supports_any_more_is_removed(database):
    first = add(database, 1, "2026-04-23", finding("provider", "selected", "Scaleway"))
    assert "provider_selected:Scaleway" in events(database)[0]
    with database.session() as session:
        persist_classification(session, session.get(Article, first),
                               Classification(Relevance(True, 1.0)))
    assert events(database)[0] == {}


# --- the Atom feed ----------------------------------------------------------------------------
def test_the_atom_feed_lists_confirmed_events_and_parses_back(database, make_settings, tmp_path):
    import feedparser
    from click.testing import CliRunner

    from hdhwatch.cli import main

    add(database, 1, "2024-04-10", finding("tender", "launched", "HDH"))
    add(database, 2, "2026-04-23", finding("provider", "selected", "Scaleway"))
    add(database, 3, "2026-04-24", finding("provider", "selected", "OVHcloud", "medium"),
        outlet="un-blog.example")  # a signal: not in the feed
    events(database)
    settings = make_settings(database_url=database.url)
    path = tmp_path / "events.atom"
    result = CliRunner().invoke(main, ["feed", "--output", str(path)], obj={"settings": settings})
    assert result.exit_code == 0, result.output
    parsed = feedparser.parse(path.read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert [e.title for e in parsed.entries] == [
        "Scaleway retenu pour héberger la plateforme",
        "l'appel d'offres pour l'hébergement est lancé"]
    assert parsed.entries[0].link == "https://presse.example/2"
    assert len({e.id for e in parsed.entries}) == 2
    again = CliRunner().invoke(main, ["feed"], obj={"settings": settings})
    assert again.output.encode() == path.read_bytes(), "the same feed for the same store"
