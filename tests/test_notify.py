"""Composing and queuing mail: shift alerts and digests, from a store built by the real pipeline."""

from __future__ import annotations

import email
import functools
import hashlib
import re
from datetime import UTC, date, datetime, timedelta
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime

import pytest
from markupsafe import escape
from sqlalchemy import func, select

from hdhwatch.channels.notify import (
    Attachment,
    compose_shift_alert,
    describe_target,
    enqueue_alerts,
    enqueue_digests,
    render_delivery,
    render_next_digest,
    shift_subject,
)
from hdhwatch.channels.subscribers import add_subscriber
from hdhwatch.events.timeline import move_event
from hdhwatch.pipeline import analyse_article, reclassify_all
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.store.articles import save_article
from hdhwatch.store.models import Article, Delivery, Event, Subscriber

MAIL = '\n[mail]\nfrom = "hdhwatch <alertes@hdhwatch.example>"\npublic_url = "https://hdhwatch.example"\n'

# Three articles whose text states the target, as the press wrote it: 2022
# reports a move (fin 2022 -> 2025), 2026 states a new target (fin 2026), and a
# second 2026 outlet repeats it (a corroboration).
REPORTED_2022 = ArticleRecord(
    url="https://www.lemonde.example/pixels/2022/09/20/health-data-hub.html",
    title="Health Data Hub : la migration vers un cloud souverain repoussée",
    text="La migration du Health Data Hub hors de Microsoft Azure, initialement prévue fin "
         "2022, est repoussée à 2025, a indiqué la Plateforme des données de santé. "
         "L'hébergement des données de santé chez Microsoft reste contesté.",
    published=datetime(2022, 9, 20, 9, 0, tzinfo=UTC),
    outlet="Le Monde", language="fr",
)
NEW_TARGET_2026 = ArticleRecord(
    url="https://www.numerama.example/tech/2026/02/12/hdh-azure.html",
    title="Health Data Hub : la migration hors de Microsoft Azure",
    text="Le Health Data Hub quittera Microsoft Azure d'ici fin 2026 pour un hébergeur "
         "souverain, selon la Plateforme des données de santé. La migration de "
         "l'hébergement est en cours.",
    lead="La Plateforme des données de santé donne une nouvelle date.",
    published=datetime(2026, 2, 12, 10, 30, tzinfo=UTC),
    outlet="Numerama", language="fr",
)
SAME_TARGET_2026 = ArticleRecord(
    url="https://www.acteurspublics.example/articles/hdh-souverain",
    title="Health Data Hub : Microsoft Azure, c'est fini d'ici fin 2026",
    text="La Plateforme des données de santé confirme que l'hébergement du Health Data Hub "
         "quittera Microsoft Azure d'ici fin 2026. La migration vers un cloud souverain "
         "est lancée.",
    published=datetime(2026, 2, 20, 8, 0, tzinfo=UTC),
    outlet="Acteurs publics", language="fr",
)
OFF_TOPIC = ArticleRecord(
    url="https://www.lecourrier.example/5g-zones-rurales",
    title="La 5G arrive dans les zones rurales",
    text="L'Arcep publie sa carte de couverture 5G des zones rurales pour 2026.",
    published=datetime(2026, 2, 12, 7, 0, tzinfo=UTC),
    outlet="Le Courrier", language="fr",
)


def store(session, record: ArticleRecord, settings=None) -> list[Event]:
    """Store and analyse one article as a crawl does, alerts queued in the same transaction."""
    saved = save_article(session, record, hashlib.sha256(record.text.encode()).hexdigest())
    notifier = functools.partial(enqueue_alerts, settings=settings) if settings else None
    return analyse_article(session, saved.article_id, on_shifts=notifier)


def parse(row: Delivery) -> email.message.EmailMessage:
    return email.message_from_string(row.message, policy=default_policy)


def parts(message) -> tuple[str, str]:
    """The text and HTML bodies, with the wire's CRLF line ends made plain newlines."""
    return tuple(message.get_body((kind,)).get_content().replace("\r\n", "\n")
                 for kind in ("plain", "html"))


def outbox(session, settings=None, picture=None) -> list[Delivery]:
    """The queued deliveries; with ``settings``, the alerts rendered as the sender renders
    them when it first sends them."""
    rows = list(session.scalars(select(Delivery).order_by(Delivery.id)))
    for row in rows:
        if settings is not None and row.message is None and row.status == "pending":
            render_delivery(session, settings, row, picture=picture or _no_picture)
    return rows


def _no_picture(_events, _lang):
    return None


@pytest.fixture
def settings(make_settings, db_url):
    return make_settings(database_url=db_url, extra=MAIL)


@pytest.mark.parametrize(
    ("deadline", "precision", "fr", "en"),
    [
        (date(2025, 12, 31), "year", "fin 2025", "end of 2025"),
        (date(2027, 3, 31), "quarter", "premier trimestre 2027", "Q1 2027"),
        (date(2027, 12, 31), "quarter", "quatrième trimestre 2027", "Q4 2027"),
        (date(2026, 6, 30), "half", "premier semestre 2026", "first half of 2026"),
        (date(2026, 12, 31), "half", "second semestre 2026", "second half of 2026"),
        (date(2025, 9, 30), "month", "septembre 2025", "September 2025"),
        (date(2026, 8, 31), "season", "été 2026", "summer 2026"),
        (date(2025, 6, 30), "day", "30 juin 2025", "30 June 2025"),
        (date(2025, 7, 1), "day", "1er juillet 2025", "1 July 2025"),
    ],
)
def test_describe_target_in_french_and_english(deadline, precision, fr, en):
    assert describe_target(deadline, precision, "fr") == fr
    assert describe_target(deadline, precision, "en") == en


def test_subject_puts_french_articles_and_prepositions_right():
    event = move_event((date(2027, 3, 31), "quarter"), (date(2027, 8, 31), "season"), 1)
    assert shift_subject(event, "fr") == (
        "Health Data Hub : la migration passe du premier trimestre 2027 à l'été 2027"
    )
    assert shift_subject(event, "en") == (
        "Health Data Hub: migration moves from Q1 2027 to summer 2027"
    )


def test_a_shift_queues_one_alert_per_subscriber_wanting_alerts(database, settings):
    with database.session() as session:
        fr = add_subscriber(session, "alice@example.org")
        en = add_subscriber(session, "bob@example.org", language="en", digest="none")
        add_subscriber(session, "digest-only@example.org", alerts=False)
        add_subscriber(session, "gone@example.org").active = False
        # The first article itself reports a move: its "from" is the former target.
        first = store(session, REPORTED_2022, settings)
        assert [r.subject for r in outbox(session, settings)] == [
            "Health Data Hub : la migration passe de fin 2022 à fin 2025",
            "Health Data Hub: migration moves from end of 2022 to end of 2025",
        ]
        events = store(session, NEW_TARGET_2026, settings)

    assert [e.key for e in first + events] == [
        "target_move:2022-12-31/year>2025-12-31/year",
        "target_move:2025-12-31/year>2026-12-31/year",
    ]
    with database.session() as session:
        rows = outbox(session, settings)[2:]
        assert [(r.recipient, r.kind, r.status) for r in rows] == [
            ("alice@example.org", "shift", "pending"), ("bob@example.org", "shift", "pending"),
        ]
        assert {r.dedupe_key for r in rows} == {
            f"shift:{events[0].key}:{fr.id}", f"shift:{events[0].key}:{en.id}",
        }
        assert rows[0].subject == "Health Data Hub : la migration passe de fin 2025 à fin 2026"
        assert rows[1].subject == "Health Data Hub: migration moves from end of 2025 to end of 2026"


def test_the_alert_holds_the_move_the_sentence_the_source_and_the_timeline(database, settings):
    with database.session() as session:
        subscriber = add_subscriber(session, "alice@example.org")
        store(session, REPORTED_2022)
        store(session, NEW_TARGET_2026, settings)
        row = outbox(session, settings)[0]
        token = subscriber.token
    message = parse(row)

    assert message["Subject"] == "Health Data Hub : la migration passe de fin 2025 à fin 2026"
    assert message["From"] == "hdhwatch <alertes@hdhwatch.example>"
    assert message["To"] == "alice@example.org"
    assert abs(parsedate_to_datetime(message["Date"]) - datetime.now(UTC)) < timedelta(minutes=5)
    # a long Message-ID is folded onto its own line: whitespace around it is legal
    assert re.fullmatch(r"<[^<>@\s]+@hdhwatch\.example>", message["Message-ID"].strip())
    assert message["Message-ID"].strip() == row.message_id
    unsubscribe = message["List-Unsubscribe"]
    assert f"<https://hdhwatch.example/unsubscribe/{token}>" in unsubscribe
    assert f"<mailto:alertes@hdhwatch.example?subject=unsubscribe%20{token}>" in unsubscribe
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    # As sent: plain URIs that a mail client reads, not RFC 2047 words it would not decode.
    assert (f"\r\nList-Unsubscribe: <https://hdhwatch.example/unsubscribe/{token}>,\r\n "
            f"<mailto:alertes@hdhwatch.example?subject=unsubscribe%20{token}>\r\n") in row.message
    assert "=?utf-8?" in row.message  # the subject travels RFC 2047-encoded
    assert row.message.isascii()  # 7-bit: any server accepts it

    text, page = parts(message)
    sentence = ("Le Health Data Hub quittera Microsoft Azure d'ici fin 2026 pour un hébergeur "
                "souverain, selon la Plateforme des données de santé.")
    for expected in ("fin 2025 → fin 2026", f"« {sentence} »", "Numerama, 12 février 2026",
                     NEW_TARGET_2026.url, "20 septembre 2022 : fin 2022 → fin 2025 (Le Monde)",
                     "* 12 février 2026 : fin 2025 → fin 2026 (Numerama)",
                     "Échéance connue aujourd'hui : fin 2026",
                     f"https://hdhwatch.example/unsubscribe/{token}"):
        assert expected in text
    for expected in ("fin 2025 → fin 2026", str(escape(sentence)), "Numerama",
                     f'href="{NEW_TARGET_2026.url}"', "<strong>fin 2026</strong>"):
        assert expected in page
    assert "<script" not in page and "http" not in page.split("<body", 1)[0].replace(
        'content="width=device-width, initial-scale=1"', "")  # no external resources


def test_corroborating_articles_are_listed(database, settings):
    with database.session() as session:
        subscriber = add_subscriber(session, "alice@example.org")
        store(session, REPORTED_2022)
        event = store(session, NEW_TARGET_2026)[0]
        assert store(session, SAME_TARGET_2026) == []  # a repeat is not a new move
        text, page = parts(compose_shift_alert(session, settings, event, subscriber))
    assert "Confirmé par :\n- Acteurs publics, 20 février 2026 : " in text
    assert f'href="{SAME_TARGET_2026.url}"' in page


def test_a_replay_queues_nothing_twice(database, settings):
    with database.session() as session:
        add_subscriber(session, "alice@example.org")
        store(session, REPORTED_2022)
        events = store(session, NEW_TARGET_2026, settings)
        assert len(outbox(session, settings)) == 1
        assert enqueue_alerts(session, events, settings) == 0
        summary = reclassify_all(session, on_shifts=functools.partial(
            enqueue_alerts, settings=settings))
        assert summary.new_shifts == 0
        assert store(session, NEW_TARGET_2026, settings) == []  # the same article again
        assert len(outbox(session, settings)) == 1


def test_alerts_commit_with_the_article_or_not_at_all(database, settings):
    with database.session() as session:
        add_subscriber(session, "alice@example.org")
        store(session, REPORTED_2022)
    with pytest.raises(RuntimeError), database.session() as session:
        assert store(session, NEW_TARGET_2026, settings)
        assert len(outbox(session, settings)) == 1
        raise RuntimeError("the crawl dies before committing")
    with database.session() as session:
        assert outbox(session, settings) == []
        assert session.scalar(select(func.count()).select_from(Event)) == 1


def test_an_english_subscriber_gets_english(database, settings):
    with database.session() as session:
        add_subscriber(session, "bob@example.org", language="en")
        store(session, REPORTED_2022)
        store(session, NEW_TARGET_2026, settings)
        text, page = parts(parse(outbox(session, settings)[0]))
    assert "end of 2025 → end of 2026" in text
    assert "Numerama, 12 February 2026" in text
    assert "Target known today: end of 2026" in text
    assert "Unsubscribe: https://hdhwatch.example/unsubscribe/" in text
    assert 'lang="en"' in page and "Unsubscribe</a>" in page
    assert "février" not in text and "Échéance" not in page


def test_untrusted_titles_arrive_escaped_in_html(database, settings):
    hostile = ArticleRecord(
        url="javascript:alert(2)",
        title="<script>alert(1)</script> Health Data Hub : la migration hors de Microsoft Azure",
        text=NEW_TARGET_2026.text, published=NEW_TARGET_2026.published,
        outlet='Numerama"><img src=x onerror=alert(3)>', language="fr",
    )
    with database.session() as session:
        add_subscriber(session, "alice@example.org")
        store(session, REPORTED_2022)
        store(session, hostile, settings)
        text, page = parts(parse(outbox(session, settings)[0]))
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Health Data Hub" in page
    assert "<script" not in page and "<img src=x" not in page
    assert "javascript:" not in page  # not a link: only http(s) addresses become links
    assert "<script>alert(1)</script> Health Data Hub" in text  # plain text shows it as is


def test_a_timeline_picture_goes_inline(database, settings):
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 64
    seen = []

    def picture(events, lang):
        seen.append(([e.key for e in events], lang))
        return Attachment("timeline.png", png, "image/png", "timeline@hdhwatch.example")

    with database.session() as session:
        add_subscriber(session, "alice@example.org")
        store(session, REPORTED_2022)
        events = store(session, NEW_TARGET_2026)
        enqueue_alerts(session, events, settings)
        message = parse(outbox(session, settings, picture)[0])
    assert seen == [(["target_move:2022-12-31/year>2025-12-31/year",
                      "target_move:2025-12-31/year>2026-12-31/year"], "fr")]
    related = message.get_body(("related",))
    assert related.get_content_type() == "multipart/related"
    html_part, image = list(related.iter_parts())
    assert 'src="cid:timeline@hdhwatch.example"' in html_part.get_content()
    assert image["Content-ID"] == "<timeline@hdhwatch.example>"
    assert image.get_content() == png


# --- digests ---------------------------------------------------------------------------------
def _refetched(session, url: str, when: datetime) -> None:
    session.scalars(select(Article).where(Article.url == url)).one().fetched_at = when


def test_a_digest_lists_what_is_new_and_advances(database, settings):
    now = datetime.now(UTC) + timedelta(minutes=1)  # a moment after the crawl below
    with database.session() as session:
        weekly = add_subscriber(session, "alice@example.org", alerts=False)
        daily = add_subscriber(session, "bob@example.org", language="en", digest="daily")
        add_subscriber(session, "alerts-only@example.org", digest="none")
        store(session, REPORTED_2022)
        _refetched(session, REPORTED_2022.url, now - timedelta(days=30))  # before any digest
        store(session, NEW_TARGET_2026)
        store(session, OFF_TOPIC)
        syndicated = ArticleRecord(**{**NEW_TARGET_2026.__dict__,
                                      "url": "https://www.msn.example/numerama-hdh"})
        store(session, syndicated)
        assert enqueue_digests(session, settings, now) == 2

        rows = outbox(session, settings)
        assert [(r.recipient, r.kind) for r in rows] == [
            ("alice@example.org", "digest"), ("bob@example.org", "digest"),
        ]
        # a new subscriber's first digest covers what was found since they subscribed
        assert rows[0].dedupe_key == f"digest:{weekly.id}:{weekly.created_at.isoformat()}"
        # the move found since comes first, in the subject too
        assert rows[0].subject == ("Health Data Hub : la migration passe de fin 2025 à fin "
                                   "2026 (1 article trouvé)")
        assert rows[1].subject == ("Health Data Hub: migration moves from end of 2025 to end "
                                   "of 2026 (1 article found)")
        text, page = parts(parse(rows[0]))
        assert "Health Data Hub : la migration hors de Microsoft Azure" in text
        assert "Numerama, 12 février 2026" in text
        assert NEW_TARGET_2026.url in text and "msn.example" not in text  # copies once
        assert "La Plateforme des données de santé donne une nouvelle date." in text
        assert "Hébergeurs cités : Microsoft" in text
        assert "Échéances citées : fin 2026 (actuelle)" in text
        assert "repoussée" not in text and "5G" not in text  # old, off topic
        assert f'href="{NEW_TARGET_2026.url}"' in page
        en_text, _ = parts(parse(rows[1]))
        assert "Targets stated: end of 2026 (current)" in en_text
        assert weekly.last_digest_at == now and daily.last_digest_at == now

        # Not due again within the period; when due with nothing new, nothing is
        # sent but the period still advances.
        assert enqueue_digests(session, settings, now + timedelta(hours=2)) == 0
        assert enqueue_digests(session, settings, now + timedelta(days=1)) == 0
        assert daily.last_digest_at == now + timedelta(days=1)
        assert weekly.last_digest_at == now
        assert len(outbox(session, settings)) == 2

        store(session, SAME_TARGET_2026)
        _refetched(session, SAME_TARGET_2026.url, now + timedelta(days=1, hours=3))
        assert enqueue_digests(session, settings, now + timedelta(days=2)) == 1
        latest = outbox(session, settings)[-1]
        assert latest.recipient == "bob@example.org"
        assert "Acteurs publics" in parts(parse(latest))[0]
        assert "Numerama" not in parts(parse(latest))[0]  # was in the previous digest


def test_no_digest_when_nothing_is_new(database, settings):
    now = datetime.now(UTC) + timedelta(minutes=1)  # a moment after the crawl below
    with database.session() as session:
        subscriber = add_subscriber(session, "alice@example.org")
        store(session, REPORTED_2022)
        _refetched(session, REPORTED_2022.url, now - timedelta(days=8))
        assert render_next_digest(session, settings, subscriber, now) is None
        assert enqueue_digests(session, settings, now) == 0
        assert outbox(session, settings) == []
        assert subscriber.last_digest_at == now


def test_a_preview_changes_nothing(database, settings):
    now = datetime.now(UTC) + timedelta(minutes=1)  # a moment after the crawl below
    with database.session() as session:
        subscriber = add_subscriber(session, "alice@example.org")
        store(session, NEW_TARGET_2026)
        message = render_next_digest(session, settings, subscriber, now)
        assert message is not None and message["To"] == "alice@example.org"
        assert subscriber.last_digest_at is None
        assert outbox(session, settings) == []
        assert session.get(Subscriber, subscriber.id).last_digest_at is None


# --- the digest command ----------------------------------------------------------------------
def invoke(settings, *args: str):
    from click.testing import CliRunner

    from hdhwatch.cli import main
    from hdhwatch.cli.mail import register

    register(main)
    return CliRunner().invoke(main, list(args), obj={"settings": settings})


def test_digest_preview_sends_and_marks_nothing(database, settings, tmp_path):
    missing = invoke(settings, "digest", "--preview")
    assert missing.exit_code == 1 and "no active subscriber takes a digest" in missing.output
    with database.session() as session:
        add_subscriber(session, "alice@example.org")
        store(session, NEW_TARGET_2026)

    shown = invoke(settings, "digest", "--preview")
    assert shown.exit_code == 0, shown.output
    assert "Subject: Health Data Hub : 1 article trouvé depuis le " in shown.output
    assert "Health Data Hub : la migration hors de Microsoft Azure" in shown.output
    eml = tmp_path / "next.eml"
    written = invoke(settings, "digest", "--preview", "--to", "alice@example.org",
                     "--output", str(eml))
    assert written.exit_code == 0, written.output
    assert email.message_from_bytes(eml.read_bytes(), policy=default_policy)["To"] == (
        "alice@example.org"
    )
    with database.session() as session:
        assert outbox(session, settings) == []
        assert session.scalars(select(Subscriber)).one().last_digest_at is None


def test_digest_command_queues_and_sends(database, settings):
    with database.session() as session:
        add_subscriber(session, "alice@example.org")
        store(session, NEW_TARGET_2026)
    result = invoke(settings, "digest")
    assert result.exit_code == 0, result.output
    assert "1 digest(s) queued" in result.output and "1 sent, 0 failed" in result.output
    assert len(list(settings.outbox_dir.glob("*.eml"))) == 1
    again = invoke(settings, "digest")
    assert "0 digest(s) queued" in again.output and "0 sent" in again.output


UNSURE_2027 = ArticleRecord(
    url="https://un-blog.example/calendrier-donnees-sante",
    title="Données de santé : un consultant doute du calendrier",
    text="Le Health Data Hub doit quitter Microsoft Azure pour un hébergeur souverain. Pour un "
         "consultant, le calendrier réaliste se situe plutôt début 2027.",
    published=datetime(2026, 3, 2, 8, 0, tzinfo=UTC), outlet="Un blog", language="fr",
)


def test_a_digest_starts_with_the_target_the_move_and_what_awaits_confirmation(
        database, settings):
    now = datetime.now(UTC) + timedelta(minutes=1)  # a moment after the crawl below
    with database.session() as session:
        subscriber = add_subscriber(session, "alice@example.org", alerts=False)
        store(session, REPORTED_2022)
        store(session, NEW_TARGET_2026)
        store(session, UNSURE_2027)
        message = render_next_digest(session, settings, subscriber, now)
    text, page = parts(message)
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    # these articles are months old: the press has been silent on the date since
    assert lines.pop(1).startswith("Aucune échéance annoncée dans la presse depuis")
    assert lines[0].startswith("Échéance connue aujourd'hui : fin 2026, depuis le 12 février "
                               "2026 (1 média)")
    assert lines[1:4] == ["Changement d'échéance depuis le dernier envoi :",
                          "fin 2022 → fin 2025", "fin 2025 → fin 2026"]
    assert lines[4] == "À confirmer (un seul média, sans affirmation nette) :"
    assert lines[5] == "- premier trimestre 2027 : Un blog, 2 mars 2026"
    assert "le calendrier réaliste se situe plutôt début 2027" in lines[6]
    assert text.index("À confirmer") < text.index("Les articles sur l'hébergement")
    assert "À confirmer" in page and "premier trimestre 2027" in page


def test_a_digest_shows_one_target_once_even_stated_as_current_and_given_up(database, settings):
    from hdhwatch.records import Classification, Deadline, Relevance
    from hdhwatch.store.classifications import persist_classification

    q1 = date(2027, 3, 31)
    both = Classification(Relevance(True, 1.0), deadlines=tuple(
        Deadline(deadline=q1, precision="quarter", role=role, sentence=f"phrase {n}",
                 offset=n * 40, phrase="premier trimestre 2027")
        for n, role in enumerate(("current", "former"))))
    now = datetime.now(UTC) + timedelta(minutes=1)
    with database.session() as session:
        subscriber = add_subscriber(session, "alice@example.org", alerts=False)
        saved = save_article(session, NEW_TARGET_2026, "hash-both")
        persist_classification(session, session.get(Article, saved.article_id), both)
        text, _ = parts(render_next_digest(session, settings, subscriber, now))
    assert text.count("premier trimestre 2027 (") == 1
    assert "premier trimestre 2027 (actuelle)" in text


def test_a_new_subscriber_gets_what_was_found_since_they_subscribed(database, settings):
    with database.session() as session:
        store(session, NEW_TARGET_2026)  # found before they subscribed
        later = add_subscriber(session, "late@example.org")
        assert render_next_digest(session, settings, later,
                                  datetime.now(UTC) + timedelta(days=8)) is None


def test_the_alert_quotes_the_sentence_stating_the_new_target_not_the_headline(
        database, settings):
    moved = ArticleRecord(
        url="https://un-journal.example/hdh-2027",
        title="Health Data Hub : la migration repoussée au premier trimestre 2027",
        text="Nouveau glissement pour la plateforme. La bascule complète du Health Data Hub, "
             "promise pour la fin de 2026, n'interviendra pas dans les temps. La migration "
             "hors d'Azure est désormais attendue au premier trimestre 2027, selon le "
             "ministère.",
        published=datetime(2026, 4, 24, 8, 0, tzinfo=UTC), outlet="Un journal", language="fr")
    with database.session() as session:
        add_subscriber(session, "alice@example.org")
        store(session, NEW_TARGET_2026)
        store(session, moved, settings)
        (row,) = outbox(session, settings)
    text, page = parts(parse(row))
    assert ("« La migration hors d'Azure est désormais attendue au premier trimestre 2027, "
            "selon le ministère. »") in text
    assert ("Échéance précédente : « La bascule complète du Health Data Hub, promise pour la "
            "fin de 2026, n'interviendra pas dans les temps. »") in text
    assert "« Health Data Hub : la migration repoussée" not in text


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_a_long_subject_is_folded_between_words_not_after_the_colon(database, settings, lang):
    with database.session() as session:
        subscriber = add_subscriber(session, "alice@example.org", language=lang)
        saved = save_article(session, NEW_TARGET_2026, "hash-long-subject")
        # 72 characters: too long for the "Subject:" line, short enough for a line of its
        # own, which is where the email package put it
        event = move_event((date(2026, 12, 31), "year"), (date(2027, 12, 31), "half"),
                           saved.article_id)
        session.add(event)
        session.flush()
        message = compose_shift_alert(session, settings, event, subscriber)
    raw = message.as_string().replace("\r\n", "\n")
    (line,) = [x for x in raw.split("\n") if x.startswith("Subject:")]
    assert line.startswith("Subject: ") and len(line) > len("Subject: "), line
    parsed = email.message_from_string(raw, policy=default_policy)["Subject"]
    assert len(parsed) > 70, "long enough to be folded"
    assert parsed == str(message["Subject"]) and parsed.startswith("Health Data Hub")


def test_a_digest_says_when_the_press_has_been_silent_on_the_date(database, settings):
    now = datetime(2026, 6, 1, 8, 0, tzinfo=UTC)
    with database.session() as session:
        subscriber = add_subscriber(session, "alice@example.org", alerts=False)
        subscriber.created_at = now - timedelta(days=30)
        store(session, NEW_TARGET_2026)  # stated on 12 February 2026
        _refetched(session, NEW_TARGET_2026.url, now - timedelta(days=3))
        text, _ = parts(render_next_digest(session, settings, subscriber, now))
    assert ("Aucune échéance annoncée dans la presse depuis 108 jours (la dernière : 12 "
            "février 2026).") in text
