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


def stated(*items: tuple, confidence: str = "high", basis: str = "migration",
           approx: bool = False) -> Classification:
    """Deadlines as (YYYY-MM-DD, precision, role[, bound|scope]) tuples, each stated with
    ``confidence`` ("high": the HDH's migration named with the date)."""
    deadlines = []
    for n, (day, precision, role, *extra) in enumerate(items):
        kind = extra[0] if extra else None
        deadlines.append(Deadline(
            deadline=date.fromisoformat(day), precision=precision, role=role,
            sentence=f"phrase {n}", offset=n * 10, phrase=day,
            bound="not_before" if kind == "bound" else None,
            scope="interim" if kind == "interim" else None,
            kind="bound" if kind == "bound" else "interim" if kind == "interim" else "target",
            confidence=confidence, basis=basis, approx=approx,
        ))
    return Classification(relevance=Relevance(True, 1.0), deadlines=tuple(deadlines))


def unsure(*items: tuple) -> Classification:
    """A date only near the topic: one outlet's such sentence is a signal, not a move."""
    return stated(*items, confidence="low", basis="topic")


def add(db, n: int, published: str, result: Classification, text: str | None = None,
        outlet: str = "presse.example") -> int:
    with db.session() as session:
        record = ArticleRecord(url=f"https://{outlet}/{n}", title=f"Article {n}",
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
    assert {d.deadline for d in result.deadlines} == {date(2026, 12, 31)}


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


# --- a timeline that one stray sentence cannot move ------------------------------------------
def signals(db) -> list[str]:
    with db.session() as session:
        return [e.payload["to"] for e in session.scalars(
            select(Event).where(Event.status == "signal").order_by(Event.id))]


def test_one_unsure_sentence_is_a_signal_and_a_second_outlet_confirms_it(database):
    add(database, 1, "2022-09-12", stated(Y2025))
    add(database, 2, "2026-01-20", unsure(END_2026), outlet="un-blog.example")
    assert moves(database) == []
    assert signals(database) == ["2026-12-31"]
    add(database, 3, "2026-02-06", unsure(END_2026), outlet="un-journal.example")
    assert moves(database) == [("2025-12-31", "2026-12-31")]
    assert signals(database) == []
    with database.session() as session:
        event = session.scalars(select(Event).where(Event.status == "confirmed")).one()
        assert event.payload["basis"] == "outlets"
        assert sorted(link.relation for link in event.links) == ["confirms", "confirms"]
        assert event.published_at.date() == date(2026, 2, 6), "believed on the second article"


def test_the_same_outlet_twice_does_not_confirm(database):
    add(database, 1, "2022-09-12", stated(Y2025))
    add(database, 2, "2026-01-20", unsure(END_2026), outlet="un-blog.example")
    add(database, 3, "2026-01-21", unsure(END_2026), outlet="un-blog.example")
    assert moves(database) == []
    assert signals(database) == ["2026-12-31"]


def test_one_sure_statement_is_believed_at_once(database):
    add(database, 1, "2022-09-12", stated(Y2025))
    add(database, 2, "2026-02-06", stated(END_2026), outlet="un-journal.example")
    assert moves(database) == [("2025-12-31", "2026-12-31")]


def test_an_unsure_move_reported_as_a_move_is_believed(database):
    add(database, 1, "2022-09-12", stated(Y2025))
    add(database, 2, "2026-02-06", stated(("2025-12-31", "year", "former"), END_2026,
                                          confidence="high", basis="shift"),
        outlet="un-journal.example")
    assert moves(database) == [("2025-12-31", "2026-12-31")]


def test_an_earlier_target_is_only_believed_when_reported_as_a_move(database):
    add(database, 1, "2022-09-12", stated(Y2025))
    add(database, 2, "2023-03-01", stated(("2024-06-30", "half", "current")),
        outlet="un-journal.example")
    add(database, 3, "2023-03-02", stated(("2024-06-30", "half", "current")),
        outlet="un-autre.example")
    assert moves(database) == []
    assert signals(database) == []


def test_a_target_over_on_its_article_day_is_stale(database):
    add(database, 1, "2022-09-12", stated(Y2025))
    # a machine-written page of 2026 still saying "by 2025"
    add(database, 2, "2026-04-23", stated(("2025-12-31", "year", "current")),
        outlet="agregateur.example")
    add(database, 3, "2026-04-24", stated(("2024-12-31", "year", "current")),
        outlet="agregateur2.example")
    assert moves(database) == []
    assert signals(database) == []


def test_a_relative_promise_restated_a_month_later_is_one_target(database):
    add(database, 1, "2020-10-09", stated(("2022-10-31", "month", "current"), approx=True))
    add(database, 2, "2020-11-20", stated(("2022-11-30", "month", "current"), approx=True),
        outlet="un-journal.example")
    assert moves(database) == []
    with database.session() as session:
        assert known_target(session).known == (date(2022, 10, 31), "month", True)


def test_a_queued_alert_whose_move_is_gone_is_cancelled_and_found_again_requeued(
        database, make_settings):
    from hdhwatch.channels.subscribers import add_subscriber
    from hdhwatch.pipeline import shift_alerts
    from hdhwatch.store.models import Delivery

    settings = make_settings(database_url=database.url)

    def advance():
        with database.session() as session:
            advance_timeline(session, shift_alerts(settings))
            return [(m.dedupe_key.split(":")[2], m.status) for m in session.scalars(
                select(Delivery).order_by(Delivery.id))]

    with database.session() as session:
        add_subscriber(session, "lecteur@example.org")
    add(database, 1, "2022-09-12", stated(Y2025))
    first = add(database, 2, "2026-02-06", stated(END_2026), outlet="un-journal.example")
    assert advance() == [("2025-12-31/year>2026-12-31/year", "pending")]
    # the rules change: the article no longer states 2026 (classify --all) ...
    with database.session() as session:
        persist_classification(session, session.get(Article, first), stated())
    assert advance() == [("2025-12-31/year>2026-12-31/year", "cancelled")]
    # ... and states it again: the alert is queued anew, once
    with database.session() as session:
        persist_classification(session, session.get(Article, first), stated(END_2026))
    assert advance() == [("2025-12-31/year>2026-12-31/year", "pending")]
    assert advance() == [("2025-12-31/year>2026-12-31/year", "pending")]


def test_an_event_relinked_twice_in_one_replay_keeps_the_last_articles(database):
    # An event linked more than once in one transaction: a later linking must not delete
    # again the rows an earlier one removed (SQLAlchemy warned of it at 1,000 pages).
    import warnings

    from hdhwatch.events.timeline import link_articles

    add(database, 9, "2020-11-20", stated(END_2022))
    ids = [add(database, n, f"2026-0{n}-10", stated(END_2026), outlet=f"o{n}.example")
           for n in range(1, 5)]
    with database.session() as session:
        advance_timeline(session)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with database.session() as session:
            event = session.scalars(select(Event).where(Event.status == "confirmed")).one()
            link_articles(session, event, [(a, "confirms") for a in ids])
            session.flush()
            link_articles(session, event, [(ids[0], "confirms")])
            session.flush()
            link_articles(session, event, [(ids[0], "confirms"), (ids[1], "corroborates")])
            session.flush()
    with database.session() as session:
        links = session.execute(select(EventArticle.article_id, EventArticle.relation)
                                .where(EventArticle.event_id == event.id)
                                .order_by(EventArticle.article_id)).all()
    assert [tuple(row) for row in links] == [(ids[0], "confirms"), (ids[1], "corroborates")]
