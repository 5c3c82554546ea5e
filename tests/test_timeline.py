"""The timeline rule (FORMAT.md) on the real store: moves, stale restatements, bounds,
corroboration, publication order, and the stored events as the replay's result."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy import select

from hdhwatch.events.timeline import current_state, known_target
from hdhwatch.pipeline import advance_timeline
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.records import Classification, Deadline, Relevance
from hdhwatch.store import articles as store
from hdhwatch.store.classifications import persist_classification
from hdhwatch.store.models import Article, Event, EventArticle


def stated(*items: tuple) -> Classification:
    """Deadlines as (YYYY-MM-DD, precision, role[, bound|scope]) tuples."""
    deadlines = []
    for n, (day, precision, role, *extra) in enumerate(items):
        kind = extra[0] if extra else None
        deadlines.append(Deadline(
            deadline=date.fromisoformat(day), precision=precision, role=role,
            sentence=f"phrase {n}", offset=n * 10, phrase=day,
            bound="not_before" if kind == "bound" else None,
            scope="interim" if kind == "interim" else None,
        ))
    return Classification(relevance=Relevance(True, 1.0), deadlines=tuple(deadlines))


def add(db, n: int, published: str, result: Classification, text: str | None = None) -> int:
    with db.session() as session:
        record = ArticleRecord(url=f"https://presse.example/{n}", title=f"Article {n}",
                               text=text or f"texte {n}",
                               published=datetime.fromisoformat(published).replace(tzinfo=UTC))
        key = hashlib.sha256((text or f"hash-{n}").encode()).hexdigest()
        saved = store.save_article(session, record, key)
        persist_classification(session, session.get(Article, saved.article_id), result)
        return saved.article_id


def moves(db) -> list[tuple[str | None, str]]:
    with db.session() as session:
        advance_timeline(session)
        events = session.scalars(select(Event).where(Event.status == "confirmed")
                                 .order_by(Event.published_at))
        return [(e.from_deadline.isoformat() if e.from_deadline else None,
                 e.to_deadline.isoformat()) for e in events]


END_2022 = ("2022-12-31", "year", "current")
TWO_YEARS = ("2022-11-30", "month", "current")
Y2025 = ("2025-12-31", "year", "current")
END_2026 = ("2026-12-31", "year", "current")


def test_the_first_target_learnt_raises_nothing(database):
    add(database, 1, "2020-11-20", stated(TWO_YEARS))
    assert moves(database) == []
    with database.session() as session:
        assert known_target(session).known == (date(2022, 11, 30), "month", False)


def test_same_target_at_the_coarser_precision_is_no_move(database):
    add(database, 1, "2020-11-20", stated(TWO_YEARS))
    add(database, 2, "2021-06-01", stated(END_2022))
    assert moves(database) == []


def test_a_reported_shift_and_a_new_target_move_it_once_each(database):
    add(database, 1, "2020-11-20", stated(END_2022))
    add(database, 2, "2022-09-12", stated(("2022-12-31", "year", "former"), Y2025))
    add(database, 3, "2022-09-14", stated(("2022-12-31", "year", "former"), Y2025))
    add(database, 4, "2026-02-17", stated(END_2026))
    assert moves(database) == [("2022-12-31", "2025-12-31"), ("2025-12-31", "2026-12-31")]
    with database.session() as session:
        first = session.scalars(select(Event).order_by(Event.published_at)).first()
        corroborating = session.scalars(
            select(EventArticle.article_id).where(EventArticle.event_id == first.id,
                                                  EventArticle.relation == "corroborates")
        ).all()
    assert len(corroborating) == 1, "the second outlet corroborates, it is not a new event"


def test_a_stale_restatement_is_not_a_move_back(database):
    add(database, 1, "2020-11-20", stated(END_2022))
    add(database, 2, "2022-09-12", stated(("2022-12-31", "year", "former"), Y2025))
    add(database, 3, "2023-01-10", stated(END_2022))  # an outlet repeating the old date
    assert moves(database) == [("2022-12-31", "2025-12-31")]


def test_bounds_and_interim_steps_are_not_targets(database):
    add(database, 1, "2022-09-12", stated(Y2025))
    add(database, 2, "2023-06-27", stated(("2025-12-31", "year", "current", "bound"),
                                          ("2023-12-31", "year", "current", "interim")))
    add(database, 3, "2024-05-02", stated(("2026-12-31", "year", "current", "bound")))
    assert moves(database) == []


def test_an_old_article_crawled_late_does_not_reverse_the_timeline(database):
    add(database, 1, "2026-02-17", stated(("2025-12-31", "year", "former"), END_2026))
    assert moves(database) == [("2025-12-31", "2026-12-31")]
    add(database, 2, "2022-09-12", stated(Y2025))  # crawled now, published in 2022
    assert moves(database) == [("2025-12-31", "2026-12-31")]
    with database.session() as session:
        assert known_target(session).known == (date(2026, 12, 31), "year", False)


def test_syndicated_copies_do_not_count_twice(database):
    add(database, 1, "2022-09-12", stated(Y2025), text="même dépêche")
    add(database, 2, "2026-02-17", stated(END_2026), text="autre texte")
    add(database, 3, "2026-02-18", stated(END_2026), text="autre texte")  # a copy
    moves(database)
    with database.session() as session:
        event = session.scalars(select(Event)).one()
        assert session.scalars(select(EventArticle).where(
            EventArticle.event_id == event.id, EventArticle.relation == "corroborates")).all() == []


def test_stored_events_are_the_replay(database):
    add(database, 1, "2020-11-20", stated(END_2022))
    add(database, 2, "2022-09-12", stated(("2022-12-31", "year", "former"), Y2025))
    add(database, 3, "2026-02-17", stated(END_2026))
    moves(database)
    with database.session() as session:
        stored, replayed = known_target(session), current_state(session)
    assert stored.known == replayed.known
    assert stored.known_statement == replayed.known_statement
    assert [m.key for m in stored.moves] == [m.key for m in replayed.moves]
    assert stored.superseded == replayed.superseded


def test_relative_dates_are_anchored_on_the_day_in_paris_not_in_utc(database):
    from hdhwatch.pipeline import classify_stored

    text = ("Le Health Data Hub quittera Azure : la migration de la plateforme vers un cloud "
            "souverain sera achevée d'ici la fin de l'année, a promis le ministère.")
    with database.session() as session:
        # 00:30 on 1 January 2026 in Paris, still 31 December 2025 in UTC
        record = ArticleRecord(url="https://presse.example/nouvel-an", title="Health Data Hub : "
                               "la migration vers un cloud souverain d'ici la fin de l'année",
                               text=text, published=datetime(2025, 12, 31, 23, 30, tzinfo=UTC))
        saved = store.save_article(session, record, "nouvel-an")
        result = classify_stored(session, session.get(Article, saved.article_id))
    assert [d.deadline for d in result.deadlines] == [date(2026, 12, 31)]


def test_classify_all_twice_changes_nothing(database, make_settings):
    from click.testing import CliRunner

    from hdhwatch.cli import main
    from hdhwatch.evaluate import read_corpus
    from hdhwatch.store.models import DeadlineStatement, FrameMention, ProviderMention

    corpus = Path(__file__).resolve().parent / "corpus" / "hdhwatch.jsonl"
    for n, item in enumerate(read_corpus(corpus)[:40]):
        result = stated()  # stored unclassified-like, then classified by the command
        add(database, 100 + n, item.published.isoformat(), result, text=item.text)

    def snapshot():
        with database.session() as session:
            return {
                model.__name__: sorted(
                    tuple(getattr(row, c) for c in ("article_id", "offset"))
                    for row in session.scalars(select(model))
                )
                for model in (ProviderMention, FrameMention, DeadlineStatement)
            } | {"events": sorted(e.key for e in session.scalars(select(Event)))}

    settings = make_settings(database_url=database.url)
    runner = CliRunner()
    first = runner.invoke(main, ["classify", "--all"], obj={"settings": settings})
    assert first.exit_code == 0, first.output
    once = snapshot()
    second = runner.invoke(main, ["classify", "--all"], obj={"settings": settings})
    assert second.exit_code == 0, second.output
    assert snapshot() == once
    assert once["DeadlineStatement"] and once["ProviderMention"]
    assert "0 new shift event(s)" in second.output
