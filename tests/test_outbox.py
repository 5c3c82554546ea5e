"""Delivering the outbox to a real SMTP server on loopback.

Exactly once, nothing lost while the server is down, no password in any error.
"""

from __future__ import annotations

import email
import logging
import re
import socket
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from email.policy import default as default_policy
from urllib.parse import quote

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from sqlalchemy import select

from hdhwatch.channels.notify import enqueue_alerts
from hdhwatch.channels.outbox import (
    POSSIBLY_SENT,
    POSSIBLY_SENT_TWICE,
    SENDING_LEASE,
    SmtpTransport,
    retry_delay,
    send_pending,
)
from hdhwatch.channels.subscribers import add_subscriber
from hdhwatch.config import parse_smtp_url
from hdhwatch.errors import DeliveryError
from hdhwatch.events.timeline import move_event
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.store.articles import save_article
from hdhwatch.store.models import DeadlineStatement, Delivery

T0 = datetime(2026, 2, 13, 8, 0, tzinfo=UTC)
PASSWORD = "s3cret:Pa55-w0rd"
QUOTE = ("Le Health Data Hub quittera Microsoft Azure d'ici fin 2026 pour un hébergeur "
         "souverain, selon la Plateforme des données de santé.")
ARTICLE = ArticleRecord(
    url="https://www.numerama.example/tech/2026/02/12/hdh-azure.html",
    title="Health Data Hub : la migration hors de Microsoft Azure",
    text=QUOTE, published=datetime(2026, 2, 12, 10, 30, tzinfo=UTC),
    outlet="Numerama", language="fr",
)


class MailServer:
    """A real SMTP server (aiosmtpd) on a loopback port, keeping every message it accepts."""

    def __init__(self, port: int, **smtp_options) -> None:
        self.port = port
        self.options = smtp_options
        self.envelopes: list = []
        self.refused: set[str] = set()
        self._controller: Controller | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 5.1.1 no such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"

    def start(self) -> MailServer:
        self._controller = Controller(self, hostname="127.0.0.1", port=self.port, **self.options)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller:
            self._controller.stop()
            self._controller = None

    @property
    def messages(self) -> list[email.message.EmailMessage]:
        return [email.message_from_bytes(e.content, policy=default_policy) for e in self.envelopes]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def port() -> int:
    """A loopback port with nothing listening (yet): the mail server is down."""
    return free_port()


@pytest.fixture
def server(port):
    """A mail server, not started: ``server.start()`` brings it up on ``port``."""
    mail_server = MailServer(port)
    yield mail_server
    mail_server.stop()


@pytest.fixture
def settings(make_settings, db_url, port):
    mail = '\n[mail]\nfrom = "hdhwatch <alertes@hdhwatch.example>"\n'
    base = make_settings(database_url=db_url, extra=mail)
    return replace(base, smtp=parse_smtp_url(f"smtp+plain://127.0.0.1:{port}"))


def queue_alerts(database, settings, *addresses: str) -> None:
    """One shift alert per address, for a move inserted directly (no classifier under test)."""
    with database.session() as session:
        for address in addresses:
            add_subscriber(session, address)
        saved = save_article(session, ARTICLE, "hash-numerama")
        statement = DeadlineStatement(
            article_id=saved.article_id, deadline=date(2026, 12, 31), precision="year",
            role="current", sentence=QUOTE, offset=0, phrase="d'ici fin 2026",
        )
        session.add(statement)
        session.flush()
        event = move_event((date(2025, 12, 31), "year"), (date(2026, 12, 31), "year"),
                           saved.article_id, statement_id=statement.id,
                           published_at=ARTICLE.published)
        session.add(event)
        session.flush()
        assert enqueue_alerts(session, [event], settings, now=T0) == len(addresses)


def rows(database) -> list[Delivery]:
    with database.session() as session:
        return list(session.scalars(select(Delivery).order_by(Delivery.id)))


def test_a_shift_reaches_each_subscriber_once(database, settings, server):
    server.start()
    queue_alerts(database, settings, "alice@example.org", "bob@example.org")
    report = send_pending(database, settings, now=T0)
    assert (report.sent, report.failed) == (2, 0)

    received = server.messages
    assert [(e.mail_from, e.rcpt_tos) for e in server.envelopes] == [
        ("alertes@hdhwatch.example", ["alice@example.org"]),
        ("alertes@hdhwatch.example", ["bob@example.org"]),
    ]
    for message, row in zip(received, rows(database), strict=True):
        assert message["Subject"] == "Health Data Hub : la migration passe de fin 2025 à fin 2026"
        assert message["From"] == "hdhwatch <alertes@hdhwatch.example>"
        assert message["To"] == row.recipient
        assert message["Date"] and message["Message-ID"].strip() == row.message_id
        assert message["List-Unsubscribe"].startswith("<mailto:alertes@hdhwatch.example?")
        text = message.get_body(("plain",)).get_content()
        page = message.get_body(("html",)).get_content()
        assert f"« {QUOTE} »" in text and "Numerama" in text and ARTICLE.url in text
        assert f'href="{ARTICLE.url}"' in page and "Numerama" in page
        assert (row.status, row.attempts, row.sent_at) == ("sent", 1, T0)

    assert send_pending(database, settings, now=T0 + timedelta(days=1)).sent == 0
    assert len(server.envelopes) == 2


def test_nothing_is_lost_while_the_server_is_down(database, settings, server):
    queue_alerts(database, settings, "alice@example.org", "bob@example.org")

    report = send_pending(database, settings, now=T0)
    assert (report.sent, report.failed, report.retried, report.gave_up) == (0, 1, 1, 0)
    first, second = rows(database)
    assert (first.status, first.attempts) == ("pending", 1)
    assert first.next_attempt_at == T0 + timedelta(minutes=1)
    assert "ConnectionRefusedError" in first.last_error
    # The run stopped at the refused connection: the next message kept its attempts.
    assert (second.status, second.attempts, second.last_error) == ("pending", 0, None)

    server.start()
    report = send_pending(database, settings, now=T0 + timedelta(minutes=2))
    assert (report.sent, report.failed) == (2, 0)
    assert send_pending(database, settings, now=T0 + timedelta(hours=1)).sent == 0
    assert sorted(e.rcpt_tos[0] for e in server.envelopes) == [
        "alice@example.org", "bob@example.org",
    ]
    assert [r.status for r in rows(database)] == ["sent", "sent"]


def test_giving_up_after_the_last_attempt_is_reported(database, settings):
    settings = replace(settings, send_max_attempts=2)
    queue_alerts(database, settings, "alice@example.org")
    assert send_pending(database, settings, now=T0).retried == 1
    report = send_pending(database, settings, now=T0 + timedelta(hours=1))
    assert (report.failed, report.retried, report.gave_up) == (1, 0, 1)
    assert "1 given up" in str(report) and "ConnectionRefusedError" in str(report)
    [row] = rows(database)
    assert (row.status, row.attempts) == ("failed", 2)
    assert send_pending(database, settings, now=T0 + timedelta(days=1)).failed == 0


def test_a_refused_recipient_fails_alone_and_for_good(database, settings, server):
    server.refused.add("nobody@example.org")
    server.start()
    queue_alerts(database, settings, "nobody@example.org", "alice@example.org")
    report = send_pending(database, settings, now=T0)
    assert (report.sent, report.gave_up) == (1, 1)
    refused, delivered = rows(database)
    assert refused.status == "failed" and "550" in refused.last_error
    assert delivered.status == "sent"


def test_retry_delays_double_up_to_six_hours():
    assert [retry_delay(n) for n in (1, 2, 3)] == [timedelta(minutes=m) for m in (1, 2, 4)]
    assert retry_delay(30) == timedelta(hours=6)


class ProcessKilled(BaseException):
    """Stands for the process dying: nothing in hdhwatch catches a BaseException."""


class DiesAfterSending:
    """The real SMTP transport, after which the process dies before recording the send."""

    def __init__(self, smtp) -> None:
        self.inner = SmtpTransport(smtp)

    def send(self, *args) -> None:
        self.inner.send(*args)
        raise ProcessKilled

    def close(self) -> None:
        self.inner.close()


def test_a_crash_between_send_and_record_resends_once_with_the_same_id(
    database, settings, server,
):
    server.start()
    queue_alerts(database, settings, "alice@example.org")
    with pytest.raises(ProcessKilled):
        send_pending(database, settings, now=T0, transport=DiesAfterSending(settings.smtp))
    [row] = rows(database)
    assert (row.status, row.attempts, len(server.envelopes)) == ("sending", 1, 1)

    # While the lease runs, the row may be in a live sender's hands: left alone.
    assert send_pending(database, settings, now=T0 + timedelta(minutes=1)).sent == 0

    later = T0 + SENDING_LEASE + timedelta(seconds=1)
    report = send_pending(database, settings, now=later)
    assert (report.sent, report.resent) == (1, 1)
    first, second = server.messages
    assert first["Message-ID"].strip() == second["Message-ID"].strip() == row.message_id
    assert server.envelopes[0].content == server.envelopes[1].content
    [row] = rows(database)
    assert (row.status, row.attempts, row.last_error) == ("sent", 2, POSSIBLY_SENT)
    assert send_pending(database, settings, now=later + timedelta(days=1)).sent == 0
    assert len(server.envelopes) == 2


def test_a_second_crash_at_the_same_point_sends_no_third_copy(database, settings, server):
    server.start()
    queue_alerts(database, settings, "alice@example.org")
    dying = DiesAfterSending(settings.smtp)
    with pytest.raises(ProcessKilled):
        send_pending(database, settings, now=T0, transport=dying)
    with pytest.raises(ProcessKilled):
        send_pending(database, settings, now=T0 + SENDING_LEASE * 2, transport=dying)
    report = send_pending(database, settings, now=T0 + SENDING_LEASE * 4)
    assert (report.sent, report.failed, report.gave_up) == (0, 1, 1)
    [row] = rows(database)
    assert (row.status, row.last_error) == ("failed", POSSIBLY_SENT_TWICE)
    assert len(server.envelopes) == 2


def test_the_password_never_shows(database, settings, port, caplog):
    def reject(server, session, envelope, mechanism, auth_data):
        # A careless server that echoes the credentials back in its refusal.
        password = auth_data.password.decode()
        return AuthResult(success=False, handled=False,
                          message=f"535 5.7.8 bad credentials {password}")

    mail_server = MailServer(port, authenticator=reject, auth_require_tls=False).start()
    try:
        smtp = parse_smtp_url(f"smtp+plain://hdh%40user:{quote(PASSWORD, safe='')}"
                              f"@127.0.0.1:{port}")
        settings = replace(settings, smtp=smtp)
        queue_alerts(database, settings, "alice@example.org")
        with caplog.at_level(logging.DEBUG):
            report = send_pending(database, settings, now=T0)
        with pytest.raises(DeliveryError) as raised:
            SmtpTransport(smtp).send(1, "alertes@hdhwatch.example", "alice@example.org", "x")
    finally:
        mail_server.stop()

    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("hdhwatch"))
    assert "SMTPAuthenticationError" in ours  # the failure is logged, without the password
    [row] = rows(database)
    assert (report.retried, row.status) == (1, "pending")
    assert "SMTPAuthenticationError: 535" in row.last_error and "***" in row.last_error
    for text in (row.last_error, report.last_error, str(report), ours,
                 str(raised.value), repr(raised.value), str(smtp), repr(smtp)):
        assert PASSWORD not in text and quote(PASSWORD, safe="") not in text
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
    assert not mail_server.envelopes


def test_without_a_server_messages_become_eml_files(database, settings):
    settings = replace(settings, smtp=None)
    queue_alerts(database, settings, "alice@example.org", "bob@example.org")
    report = send_pending(database, settings, now=T0)
    assert report.sent == 2
    files = sorted(settings.outbox_dir.iterdir())
    assert [re.fullmatch(r"\d{8}T\d{12}Z-\d+\.eml", f.name) is not None for f in files] == [
        True, True,
    ]  # and no temporary file left behind
    messages = [email.message_from_bytes(f.read_bytes(), policy=default_policy) for f in files]
    assert sorted(m["To"] for m in messages) == ["alice@example.org", "bob@example.org"]
    assert send_pending(database, settings, now=T0 + timedelta(hours=1)).sent == 0
    assert len(list(settings.outbox_dir.iterdir())) == 2


def test_send_command_prints_the_report(database, settings):
    from hdhwatch.cli import main
    from hdhwatch.cli.mail import register

    register(main)
    settings = replace(settings, smtp=None)
    queue_alerts(database, settings, "alice@example.org")
    result = CliRunner().invoke(main, ["send"], obj={"settings": settings})
    assert result.exit_code == 0, result.output
    assert "1 sent, 0 failed" in result.output and str(settings.outbox_dir) in result.output
    assert len(list(settings.outbox_dir.glob("*.eml"))) == 1
