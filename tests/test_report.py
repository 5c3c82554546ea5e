"""Reports over a real store filled from the labelled corpus: timeline, providers, export."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, time
from pathlib import Path

import pytest

from hdhwatch.classify.providers import default_catalog, parse_providers
from hdhwatch.evaluate import evaluate, read_corpus
from hdhwatch.extract import content_hash
from hdhwatch.pipeline import analyse_article
from hdhwatch.read import report
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.store import articles as store
from hdhwatch.store.models import Article

CORPUS = Path(__file__).resolve().parent / "corpus" / "hdhwatch.jsonl"
# Three moves of the target (2022 → 2025 → 2026 → T1 2027), restatements that
# corroborate them, a lower bound, an interim step, a syndicated copy (b-013 is
# b-012's text under another URL) and an off-topic English article naming Oracle.
SAMPLE = ("a-005", "a-015", "b-011", "b-012", "b-013", "a-018", "a-019", "a-030", "a-034",
          "a-036", "b-038")


def fill_store(database, ids=SAMPLE) -> dict[str, int]:
    """Feed corpus articles through the real path (store, classify, timeline) in date order."""
    items = [i for i in read_corpus(CORPUS) if i.id in ids]
    by_id = {}
    for n, item in enumerate(sorted(items, key=lambda i: i.published)):
        record = ArticleRecord(
            url=item.url or f"https://corpus.invalid/{item.id}", title=item.title,
            text=item.text, language=item.language, outlet=item.id.split("-")[0].upper(),
            published=datetime.combine(item.published, time(8, n % 60), UTC),
        )
        with database.session() as session:
            saved = store.save_article(session, record, content_hash(record))
            analyse_article(session, saved.article_id)
            by_id[item.id] = saved.article_id
    return by_id


@pytest.fixture
def filled(database):
    return database, fill_store(database)


def test_targets_in_words():
    assert report.describe_target(date(2025, 12, 31), "year") == "fin 2025"
    assert report.describe_target(date(2025, 9, 30), "month") == "septembre 2025"
    assert report.describe_target(date(2025, 6, 30), "day") == "30 juin 2025"
    assert report.describe_target(date(2026, 8, 31), "season") == "été 2026"
    assert report.short_target(date(2027, 3, 31), "quarter") == "T1 2027"
    assert report.short_target(date(2026, 6, 30), "half") == "S1 2026"
    assert report.short_target(date(2026, 12, 31), "half") == "S2 2026"
    assert report.short_target(date(2025, 12, 31), "year") == "fin 2025"
    assert report.short_target(date(2026, 8, 31), "season") == "été 2026"
    assert report.short_target(date(2025, 9, 30), "month") == "sept. 2025"


def test_timeline_rows_follow_publication_order_with_their_evidence(filled):
    database, ids = filled
    with database.session() as session:
        rows = report.timeline_rows(session)
    days = [r["published"] for r in rows]
    assert days == sorted(days)
    assert ids["a-030"] not in {r["article_id"] for r in rows}  # not relevant: no statements
    for row in rows:
        assert row["phrase"] and row["phrase"] in row["sentence"]
        assert row["target"] == report.describe_target(date.fromisoformat(row["deadline"]),
                                                       row["precision"])
    moved = {(r["deadline"], r["role"]) for r in rows if r["article_id"] == ids["a-015"]}
    assert {("2025-12-31", "current"), ("2022-12-31", "former")} <= moved
    assert any(r["bound"] == "not_before" for r in rows if r["article_id"] == ids["a-018"])
    assert any(r["scope"] == "interim" for r in rows if r["article_id"] == ids["a-019"])


def test_a_syndicated_copy_is_listed_and_points_at_its_original(filled):
    database, ids = filled
    with database.session() as session:
        rows = report.timeline_rows(session)
    copies = {r["copy_of"] for r in rows if r["article_id"] == ids["b-013"]}
    assert copies == {ids["b-012"]}


def test_shift_rows_say_each_move_once_with_who_confirmed_it(filled):
    database, ids = filled
    with database.session() as session:
        shifts = report.shift_rows(session)
    assert [s["to"] for s in shifts] == ["2025-12-31", "2026-12-31", "2027-03-31"]
    assert [s["move"].split(" → ")[1] for s in shifts] == [
        "fin 2025", "fin 2026", "premier trimestre 2027"]
    assert shifts[2]["move"] == "fin 2026 → premier trimestre 2027"
    assert shifts[2]["move_short"] == "fin 2026 → T1 2027"
    assert [s["article_id"] for s in shifts] == [ids["a-015"], ids["a-034"], ids["a-036"]]
    assert all(s["kind"] == "reported" and s["sentence"] for s in shifts)
    first = {a["article_id"] for a in shifts[0]["corroborated_by"]}
    assert ids["b-011"] in first and ids["b-013"] not in first  # a copy confirms nothing
    assert [a["article_id"] for a in shifts[2]["corroborated_by"]] == [ids["b-038"]]


def test_current_target_with_its_evidence(filled):
    database, ids = filled
    with database.session() as session:
        current = report.current_target(session)
    assert current["deadline"] == "2027-03-31" and current["precision"] == "quarter"
    assert current["target"] == "premier trimestre 2027"
    assert current["article_id"] == ids["a-036"]
    assert "2027" in current["sentence"]
    assert current["moves"] == 3
    assert current["superseded"][-2:] == ["fin 2025", "fin 2026"]


def test_current_target_of_an_empty_store_is_none(database):
    with database.session() as session:
        assert report.current_target(session) is None
        assert report.timeline_rows(session) == [] and report.shift_rows(session) == []


def test_provider_counts_per_month_with_catalogue_facts(filled):
    database, ids = filled
    catalog = default_catalog()
    with database.session() as session:
        rows = report.provider_counts(session, None, catalog)
        articles = [session.get(Article, i) for i in ids.values()]
        expected: dict[tuple[str, str], list[int]] = {}
        for a in articles:
            if a.duplicate_of_id or not a.relevant:
                continue
            for p in a.providers:
                counts = expected.setdefault((a.published_at.strftime("%Y-%m"), p.provider),
                                             [0, 0])
                counts[0] += 1
                counts[1] += p.count
    assert {(r["month"], r["provider"]): [r["articles"], r["mentions"]] for r in rows} == expected
    assert [r["month"] for r in rows] == sorted(r["month"] for r in rows)
    microsoft = next(r for r in rows if r["provider"] == "Microsoft")
    assert microsoft["jurisdiction"] == catalog.get("Microsoft").jurisdiction != ""
    assert microsoft["certifications"]
    assert not any(r["provider"] == "Oracle" for r in rows)  # named only off-topic (a-030)
    september = next(r for r in rows if r["month"] == "2022-09" and r["provider"] == "Microsoft")
    assert september["articles"] == 3  # a-015, b-011, b-012; the copy b-013 is not counted


def test_a_provider_the_catalogue_does_not_know_has_no_facts(filled):
    database, _ = filled
    small = parse_providers({"provider": [{"name": "Microsoft", "aliases": ["Azure"],
                                           "jurisdiction": "US"}]})
    with database.session() as session:
        rows = report.provider_counts(session, None, small, relevant_only=False)
    assert {r["jurisdiction"] for r in rows if r["provider"] == "Microsoft"} == {"US"}
    oracle = next(r for r in rows if r["provider"] == "Oracle")
    assert (oracle["jurisdiction"], oracle["certifications"]) == ("", [])


def test_provider_counts_of_every_article(filled):
    database, ids = filled
    catalog = default_catalog()
    with database.session() as session:
        every = report.provider_counts(session, None, catalog, relevant_only=False)
        relevant = report.provider_counts(session, None, catalog)
    oracle = next(r for r in every if r["provider"] == "Oracle")  # a-030, off-topic
    assert (oracle["month"], oracle["articles"]) == ("2025-07", 1)
    assert oracle["jurisdiction"] == catalog.get("Oracle").jurisdiction
    assert sum(r["articles"] for r in every) > sum(r["articles"] for r in relevant)


def test_provider_counts_since(filled):
    database, _ = filled
    with database.session() as session:
        rows = report.provider_counts(session, date(2026, 1, 1), default_catalog())
    assert rows and {r["month"] for r in rows} == {"2026-02", "2026-04"}


def test_export_for_analysts_holds_everything(filled):
    database, ids = filled
    with database.session() as session:
        rows = list(report.export_rows(session, labelled=False))
    assert len(rows) == len(ids)
    assert [r["published"] for r in rows] == sorted(r["published"] for r in rows)
    row = next(r for r in rows if r["id"] == ids["a-015"])
    assert row["text"] and row["relevant"] is True and row["relevance_reasons"]
    assert {p["provider"] for p in row["providers"]} >= {"Microsoft", "OVHcloud"}
    assert all(d["sentence"] and d["phrase"] and d["target"] for d in row["deadlines"])
    assert row["shift"] == {"from": "2022-12-31", "to": "2025-12-31"}
    assert len(row["shift_events"]) == 1
    copy = next(r for r in rows if r["id"] == ids["b-013"])
    assert copy["copy_of"] == ids["b-012"]
    json.dumps(rows)  # JSON-ready


def test_labelled_export_is_a_corpus_scoring_one_against_the_store(filled, tmp_path):
    database, ids = filled
    with database.session() as session:
        rows = list(report.export_rows(session, labelled=True))
    path = tmp_path / "export.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    items = read_corpus(path)
    assert len(items) == len(ids)
    assert set(rows[0]) == {"id", "url", "published", "language", "title", "text", "expected"}
    assert set(rows[0]["expected"]) == {"relevant", "providers", "deadlines", "shift"}
    result = evaluate(items)
    for task, score in result.scores.items():
        assert score.f1 == 1.0, (task, result.errors)
    assert result.alerts_found == len(result.expected_alerts) == 3
    assert result.false_alerts == 0
