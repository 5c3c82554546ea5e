"""Delivery of the outbox: every queued message reaches the mail server, and none is lost.

Each message goes through three steps, each committed on its own:

1. **claim**: ``pending`` → ``sending``, attempts + 1, and a lease
   (``next_attempt_at`` = now + ``SENDING_LEASE``), committed *before* the
   server is contacted, with a compare-and-set so two senders never take the
   same row;
2. **send** over SMTP, or write a ``.eml`` file when no server is configured;
3. **record**: ``sent`` with ``sent_at``; on a server or network error, back to
   ``pending`` with an exponential back-off and the error (never the
   password), or ``failed`` after ``settings.send_max_attempts``.

A crash between 2 and 3 leaves the row ``sending``; once its lease has run out
it is recognised as such (a live sender holds the lease, so a concurrent run
does not mistake a message in flight for a crashed one). Such a message was
*possibly* delivered. We send it once more, byte for byte the same (same
Message-ID, same Date): losing an alert is worse than a duplicate, and a
duplicate carrying the same Message-ID is recognised as one by mail clients
and de-duplicating servers. It is claimed as ``resending`` so that a second
crash at the same point is recognisable too: that row is not sent a third
time but marked ``failed``, its ``last_error`` saying it was possibly
delivered. So a message is sent at least once and at most twice.
"""

from __future__ import annotations

import base64
import logging
import os
import smtplib
import ssl
import tempfile
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from email.utils import parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import quote

from sqlalchemy import select, update

from hdhwatch.channels.subscribers import quiet_apprise, redact_url
from hdhwatch.config import Settings, SmtpSettings
from hdhwatch.errors import DeliveryError
from hdhwatch.store.db import Database, utcnow
from hdhwatch.store.models import Delivery, SubscriberChannel

log = logging.getLogger(__name__)

SMTP_TIMEOUT = 30.0  # seconds, for the connection and every command
# Longer than any one send can take (connect + TLS + login + DATA, each bounded
# by SMTP_TIMEOUT): a row still "sending" after this was left by a dead process.
SENDING_LEASE = timedelta(minutes=10)
RETRY_BASE = timedelta(minutes=1)
RETRY_MAX = timedelta(hours=6)
POSSIBLY_SENT = (
    "possibly sent already: the sender stopped after handing it to the mail server "
    "and before recording it; sent once more with the same Message-ID"
)
POSSIBLY_SENT_TWICE = (
    "possibly delivered: the sender stopped twice between sending it and recording it; "
    "not sent a third time"
)


@dataclass(frozen=True)
class SendReport:
    """What one ``send_pending`` run did."""

    sent: int = 0  # handed to the server (or written as .eml)
    failed: int = 0  # could not be sent in this run: retried + gave_up
    retried: int = 0  # back to pending, for a later run after the back-off
    gave_up: int = 0  # now ``failed`` for good: max attempts, refused, or possibly sent twice
    resent: int = 0  # of ``sent``: found "sending" after a crash and sent once more
    cancelled: int = 0  # alerts whose event left the timeline before they went
    last_error: str | None = None

    def __str__(self) -> str:
        text = (f"{self.sent} sent, {self.failed} failed "
                f"({self.retried} to retry, {self.gave_up} given up)")
        if self.resent:
            text += f", {self.resent} resent after an interrupted run"
        return text + (f"; last error: {self.last_error}" if self.last_error else "")


# --- transports ---------------------------------------------------------------------
class Transport(Protocol):
    def send(self, row_id: int, sender: str, recipient: str, message: str) -> None:
        """Deliver one message or raise ``DeliveryError``."""

    def close(self) -> None: ...


class SmtpTransport:
    """Sends over one SMTP connection, opened on the first message and reused."""

    def __init__(self, smtp: SmtpSettings, timeout: float = SMTP_TIMEOUT) -> None:
        self.smtp = smtp
        self.timeout = timeout
        self._connection: smtplib.SMTP | None = None

    def _connect(self) -> smtplib.SMTP:
        s = self.smtp
        context = ssl.create_default_context()
        if s.security == "tls":
            connection: smtplib.SMTP = smtplib.SMTP_SSL(
                s.host, s.port, timeout=self.timeout, context=context
            )
        else:
            connection = smtplib.SMTP(s.host, s.port, timeout=self.timeout)
        try:
            if s.security == "starttls":
                connection.starttls(context=context)
            if s.user:
                connection.login(s.user, s.password or "")
        except BaseException:
            connection.close()
            raise
        return connection

    def send(self, row_id: int, sender: str, recipient: str, message: str) -> None:
        try:
            if self._connection is None:
                self._connection = self._connect()
            self._connection.sendmail(sender, [recipient], message.encode("utf-8"))
        except (smtplib.SMTPException, OSError) as exc:
            self.close()
            # "from None": the original exception stays out of tracebacks and
            # logs, in case a server echoed the credentials back.
            raise _delivery_error(exc, self.smtp) from None

    def close(self) -> None:
        connection, self._connection = self._connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (smtplib.SMTPException, OSError):
            connection.close()


class FileTransport:
    """Writes each message to ``<timestamp>-<id>.eml`` in a directory (no server configured)."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    def send(self, row_id: int, sender: str, recipient: str, message: str) -> None:
        stamp = utcnow().strftime("%Y%m%dT%H%M%S%fZ")
        try:
            self.directory.mkdir(parents=True, exist_ok=True)
            # Written under a hidden temporary name, then renamed: whoever reads
            # *.eml never sees half a message.
            fd, temporary = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=self.directory)
            try:
                with os.fdopen(fd, "wb") as out:
                    out.write(message.encode("utf-8"))
                    out.flush()
                    os.fsync(out.fileno())
                os.replace(temporary, self.directory / f"{stamp}-{row_id}.eml")
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
        except OSError as exc:
            raise DeliveryError(f"cannot write to {self.directory}: {exc}") from exc

    def close(self) -> None:
        pass


def transport_for(settings: Settings) -> Transport:
    """SMTP when a server is configured, else ``.eml`` files in the outbox directory."""
    if settings.smtp is not None:
        return SmtpTransport(settings.smtp)
    return FileTransport(settings.outbox_dir)


# --- errors without secrets ---------------------------------------------------------------
def scrub(text: str, smtp: SmtpSettings | None) -> str:
    """``text`` with the SMTP password removed, in the forms it travels in."""
    if smtp is None or not smtp.password:
        return text
    password, user = smtp.password, smtp.user or ""
    forms = {
        password,
        quote(password, safe=""),
        base64.b64encode(password.encode()).decode(),  # AUTH LOGIN
        base64.b64encode(f"\0{user}\0{password}".encode()).decode(),  # AUTH PLAIN
    }
    for form in sorted(forms, key=len, reverse=True):
        text = text.replace(form, "***")
    return text


def _delivery_error(exc: Exception, smtp: SmtpSettings) -> DeliveryError:
    per_message = isinstance(exc, smtplib.SMTPRecipientsRefused | smtplib.SMTPDataError)
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _ in exc.recipients.values()]
        detail = "; ".join(f"{rcpt}: {code} {_text(reply)}"
                           for rcpt, (code, reply) in exc.recipients.items())
    elif isinstance(exc, smtplib.SMTPResponseException):
        codes = [exc.smtp_code]
        detail = f"{exc.smtp_code} {_text(exc.smtp_error)}"
    else:
        codes = []
        detail = str(exc) or "no detail"
    # A 5xx for this message (unknown recipient, rejected content) will not
    # change on retry. A 5xx to the login will, once the password is fixed:
    # those messages wait rather than being dropped.
    permanent = per_message and bool(codes) and all(500 <= c < 600 for c in codes)
    message = scrub(f"{smtp}: {type(exc).__name__}: {detail}", smtp)
    return DeliveryError(message, permanent=permanent, per_message=per_message)


def _text(reply: bytes | str) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


# --- the send loop ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Claim:
    id: int
    recipient: str
    message: str | None  # None until rendered (an alert is rendered when first sent)
    attempts: int  # counting this one
    status: str  # what it was claimed as: sending | resending | failed
    channel: str = "email"
    channel_id: int | None = None
    subject: str | None = None


def retry_delay(attempts: int) -> timedelta:
    """1 min, 2, 4, 8 … after the 1st, 2nd, 3rd … failed attempt, at most 6 h."""
    return min(RETRY_BASE * 2 ** max(attempts - 1, 0), RETRY_MAX)


# status found -> status claimed as (see the module docstring)
_CLAIM_AS = {"pending": "sending", "sending": "resending", "resending": "failed"}
# Every status of a message not yet delivered nor given up (for counts like "N pending").
UNSENT_STATUSES = tuple(_CLAIM_AS)


def _claim_next(db: Database, due: datetime, now: datetime) -> _Claim | None:
    """Take the next due row, committed before anything is sent; None when none is due."""
    while True:
        with db.session() as session:
            row = session.execute(
                select(Delivery.id, Delivery.status, Delivery.attempts,
                       Delivery.recipient, Delivery.message, Delivery.channel,
                       Delivery.channel_id, Delivery.subject)
                .where(Delivery.status.in_(_CLAIM_AS), Delivery.next_attempt_at <= due)
                .order_by(Delivery.next_attempt_at, Delivery.id)
                .limit(1)
            ).first()
            if row is None:
                return None
            status = _CLAIM_AS[row.status]
            values: dict = dict(status=status, next_attempt_at=now + SENDING_LEASE)
            if status == "resending":
                values.update(attempts=row.attempts + 1, last_error=POSSIBLY_SENT)
            elif status == "sending":
                values.update(attempts=row.attempts + 1)
            else:
                values.update(last_error=POSSIBLY_SENT_TWICE)
            # compare-and-set: if another sender changed the row since we read
            # it, it is theirs; look for the next one
            taken = session.execute(
                update(Delivery)
                .where(Delivery.id == row.id, Delivery.status == row.status,
                       Delivery.attempts == row.attempts)
                .values(**values)
            ).rowcount
            if taken:
                return _Claim(row.id, row.recipient, row.message,
                              values.get("attempts", row.attempts), status, row.channel,
                              row.channel_id, row.subject)


def _record(db: Database, claim: _Claim, **values) -> None:
    with db.session() as session:
        session.execute(
            update(Delivery)
            .where(Delivery.id == claim.id, Delivery.status == claim.status)
            .values(**values)
        )


def send_pending(
    db: Database, settings: Settings, now: datetime | None = None,
    transport: Transport | None = None,
) -> SendReport:
    """Deliver every due outbox row once; errors are recorded on the rows, not raised.

    Rows are claimed one at a time, so an interrupted run loses nothing. A
    server or network error (refused connection, failed login) stops the run:
    the rows after it would fail the same way and each would spend an attempt.
    ``now`` pins the clock (tests); the rows due are those due when the run
    starts, so a row rescheduled during the run waits for the next one.
    """

    def clock() -> datetime:
        return now or utcnow()

    due = clock()
    transport = transport or transport_for(settings)
    chat = AppriseTransport()
    sender = parseaddr(settings.mail_from)[1]
    counts: Counter[str] = Counter()
    last_error = None
    try:
        while (claim := _claim_next(db, due, clock())) is not None:
            if claim.status == "failed":
                log.warning("delivery %d: %s", claim.id, POSSIBLY_SENT_TWICE)
                counts.update(("failed", "gave_up"))
                continue
            try:
                claim = _rendered(db, settings, claim, clock())
                if claim is None:
                    counts["cancelled"] += 1
                    continue
                if claim.channel == "email":
                    transport.send(claim.id, sender, claim.recipient, claim.message)
                else:
                    chat.send(db, claim)
            except DeliveryError as exc:
                last_error = str(exc)
                give_up = exc.permanent or claim.attempts >= settings.send_max_attempts
                if give_up:
                    _record(db, claim, status="failed", last_error=last_error)
                else:
                    _record(db, claim, status="pending", last_error=last_error,
                            next_attempt_at=clock() + retry_delay(claim.attempts))
                counts.update(("failed", "gave_up" if give_up else "retried"))
                log.warning("outbox message %d (attempt %d) %s: %s", claim.id, claim.attempts,
                            "given up" if give_up else "to retry", last_error)
                if not exc.per_message:
                    break
                continue
            _record(db, claim, status="sent", sent_at=clock())
            counts["sent"] += 1
            if claim.status == "resending":
                counts["resent"] += 1
            log.info("delivery %d sent to %s", claim.id, claim.recipient)
    finally:
        transport.close()
    return SendReport(last_error=last_error, **counts)


def _rendered(db: Database, settings: Settings, claim: _Claim, now: datetime) -> _Claim | None:
    """The claim with its message: an alert is rendered for its channel when it is first
    sent, and the result kept (a resend after a crash is byte for byte the same). None
    when its event left the timeline in the meantime: the delivery is cancelled."""
    if claim.message is not None:
        return claim
    from hdhwatch.channels.notify import EventGone, render_delivery

    with db.session() as session:
        delivery = session.get(Delivery, claim.id)
        try:
            render_delivery(session, settings, delivery, now=now)
        except EventGone:
            delivery.status = "cancelled"
            delivery.last_error = "the timeline no longer holds this event"
            return None
        return replace(claim, message=delivery.message, subject=delivery.subject)


class AppriseTransport:
    """Sends a rendered alert to a chat or webhook channel with Apprise (Slack, Matrix,
    Teams, Discord, ntfy, Telegram, JSON webhooks...). The channel's URL, which holds its
    secrets, is read from the store when sending and never logged or shown."""

    def send(self, db: Database, claim: _Claim) -> None:
        apprise = quiet_apprise()
        with db.session() as session:
            channel = session.get(SubscriberChannel, claim.channel_id) \
                if claim.channel_id else None
            url = channel.url if channel else None
        if url is None:
            raise DeliveryError(f"{claim.recipient}: the channel was removed", permanent=True,
                                per_message=True)
        # Apprise's own log may carry a channel's tokens: it is silenced (quiet_apprise),
        # and the error recorded on the delivery names the channel without them.
        notifier = apprise.Apprise()
        if not notifier.add(url):
            raise DeliveryError(f"{redact_url(url)}: not a channel Apprise knows",
                                permanent=True, per_message=True)
        if not notifier.notify(title=claim.subject or "", body=claim.message or "",
                               body_format=apprise.NotifyFormat.TEXT):
            raise DeliveryError(f"{redact_url(url)}: the channel did not take the message",
                                per_message=True)
