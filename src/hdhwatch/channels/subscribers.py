"""Subscribers: who receives alerts and digests, in which language, how often, about
which kinds of events, and on which channels besides e-mail.

Adding an address twice updates its preferences (and re-activates it), so the
command can be re-run safely. Addresses are one subscription whatever the case
of their letters: the domain's case never matters in mail, and no mail service
we know tells ``Alice@`` from ``alice@`` either (RFC 5321 would let one); the
address is kept as first given. Each subscriber gets a random token that
unsubscribes it without logging in (the List-Unsubscribe link of every mail).

Kinds are families of events (``events.FAMILIES``: target, provider, certification,
legal, tender, source); a subscriber who chose none hears of every family of the story
but the sources' health, which goes to the operator (``[mail] operator``). A channel is
an Apprise URL (Slack, Matrix, Teams, ntfy, a JSON webhook...): it holds the channel's
secrets, so it is shown and logged only as ``redact_url`` gives it.
"""

from __future__ import annotations

import logging
import re
import secrets
from collections.abc import Iterable
from email.utils import parseaddr
from urllib.parse import urlsplit

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hdhwatch.errors import InvalidAddress, InvalidPreference, UnknownSubscriber
from hdhwatch.events import FAMILIES
from hdhwatch.store.articles import dialect_insert
from hdhwatch.store.models import Delivery, Subscriber, SubscriberChannel

LANGUAGES = ("fr", "en")
DIGESTS = ("none", "daily", "weekly")
MAX_ADDRESS_LENGTH = 254  # RFC 5321's limit on a forward path, minus the angle brackets
# Characters a bare address may not hold unquoted: a quoted local part is legal
# but no one subscribes with one, and it is where header-injection tricks hide.
_FORBIDDEN = re.compile(r'[\s<>()\[\],;:"\\]')


def normalize_address(email: str) -> str:
    """The address with its domain lower-cased, or ``InvalidAddress`` saying what is wrong."""
    address = email.strip()

    def invalid(why: str) -> InvalidAddress:
        return InvalidAddress(f"invalid e-mail address {email!r}: {why}")

    if not address:
        raise invalid("it is empty")
    if len(address) > MAX_ADDRESS_LENGTH:
        raise invalid(f"longer than {MAX_ADDRESS_LENGTH} characters")
    if _FORBIDDEN.search(address) or not address.isprintable():
        raise invalid("it contains spaces or characters not allowed in an address")
    if not address.isascii():
        # Our mail is 7-bit (no SMTPUTF8): an accented domain must be given in
        # its xn-- form, an accented local part cannot be served.
        raise invalid("it contains non-ASCII characters (write the domain in its xn-- form)")
    if address.count("@") != 1:
        raise invalid("it must contain exactly one @")
    local, domain = address.split("@")
    if not local:
        raise invalid("nothing before the @")
    if "." not in domain or domain.startswith(".") or domain.endswith(".") or ".." in domain:
        raise invalid(f"the domain {domain!r} is not a full domain name (example.org)")
    address = f"{local}@{domain.lower()}"
    if parseaddr(address) != ("", address):
        raise invalid("it is not a plain address")
    return address


def _check_preferences(language: str, digest: str) -> None:
    if language not in LANGUAGES:
        raise InvalidPreference(f"language must be one of {', '.join(LANGUAGES)}, not {language!r}")
    if digest not in DIGESTS:
        raise InvalidPreference(f"digest must be one of {', '.join(DIGESTS)}, not {digest!r}")


def check_kinds(kinds: Iterable[str]) -> list[str]:
    """The families of events named, in ``FAMILIES``' order, or ``InvalidPreference``."""
    wanted = {k.strip().lower() for k in kinds if k.strip()}
    unknown = sorted(wanted - set(FAMILIES))
    if unknown:
        raise InvalidPreference(
            f"unknown kind(s) of event {', '.join(unknown)}: choose among {', '.join(FAMILIES)}")
    if not wanted:
        raise InvalidPreference(f"no kind of event given: choose among {', '.join(FAMILIES)}")
    return [f for f in FAMILIES if f in wanted]


def add_subscriber(
    session: Session, email: str, language: str = "fr", alerts: bool = True,
    digest: str = "weekly", kinds: Iterable[str] | None = None,
) -> Subscriber:
    """Subscribe ``email``, or update its preferences if it is subscribed already.
    ``kinds``: the families of events to hear of; none given keeps those chosen before
    (a new subscriber: every family of the story)."""
    address = normalize_address(email)
    _check_preferences(language, digest)
    preferences = dict(language=language, alerts=alerts, digest=digest, active=True)
    if kinds is not None:
        preferences["kinds"] = check_kinds(kinds)
    existing = _find(session, address)
    if existing is not None:
        for key, value in preferences.items():
            setattr(existing, key, value)
        session.flush()
        return existing
    # An upsert, so that two adds at once cannot fail on the unique address.
    stmt = dialect_insert(session, Subscriber).values(
        email=address, token=secrets.token_urlsafe(24), **preferences
    )
    session.execute(stmt.on_conflict_do_update(index_elements=["email"], set_=preferences))
    subscriber = session.scalars(
        select(Subscriber).where(Subscriber.email == address).execution_options(
            populate_existing=True
        )
    ).one()
    return subscriber


def remove_subscriber(session: Session, email: str) -> None:
    """Delete the subscription of ``email`` and the messages still queued for it."""
    subscriber = get_subscriber(session, email)
    _drop_pending(session, subscriber.id)
    session.execute(delete(SubscriberChannel).where(
        SubscriberChannel.subscriber_id == subscriber.id))
    session.delete(subscriber)
    session.flush()


def _find(session: Session, address: str) -> Subscriber | None:
    """The subscription of a normalised address, whatever the case of its letters."""
    return session.scalars(
        select(Subscriber)
        .where(func.lower(Subscriber.email) == address.lower())
        .order_by(Subscriber.id)
    ).first()


def get_subscriber(session: Session, email: str) -> Subscriber:
    address = normalize_address(email)
    subscriber = _find(session, address)
    if subscriber is None:
        raise UnknownSubscriber(f"{address} is not subscribed (see: hdhwatch subscribers list)")
    return subscriber


def list_subscribers(session: Session) -> list[Subscriber]:
    return list(session.scalars(select(Subscriber).order_by(Subscriber.email)))


def unsubscribe(session: Session, token: str) -> Subscriber:
    """Stop all mail to the subscriber holding ``token`` (idempotent); the row is kept."""
    subscriber = session.scalars(select(Subscriber).where(Subscriber.token == token)).first()
    if subscriber is None:
        raise UnknownSubscriber("no subscription has this unsubscribe token")
    subscriber.active = False
    _drop_pending(session, subscriber.id)
    session.flush()
    return subscriber


def add_channel(session: Session, subscriber: Subscriber, url: str) -> SubscriberChannel:
    """Reach ``subscriber`` on the channel at ``url`` (an Apprise URL) too; adding it
    again changes nothing. ``InvalidPreference`` (naming it redacted) if Apprise cannot
    use it."""
    apprise = quiet_apprise()
    url = url.strip()
    if not apprise.Apprise().add(url):
        raise InvalidPreference(
            f"{redact_url(url)} is not a channel Apprise can use (see its URL formats: "
            "json://host/path, slack://..., matrix://..., ntfy://...)")
    session.execute(
        dialect_insert(session, SubscriberChannel)
        .values(subscriber_id=subscriber.id, url=url)
        .on_conflict_do_nothing(index_elements=["subscriber_id", "url"])
    )
    return session.scalars(select(SubscriberChannel).where(
        SubscriberChannel.subscriber_id == subscriber.id, SubscriberChannel.url == url)).one()


def remove_channel(session: Session, subscriber: Subscriber, url: str) -> None:
    """Stop reaching ``subscriber`` on ``url``, and drop what is still queued for it."""
    channel = session.scalars(select(SubscriberChannel).where(
        SubscriberChannel.subscriber_id == subscriber.id,
        SubscriberChannel.url == url.strip())).first()
    if channel is None:
        raise UnknownSubscriber(
            f"{subscriber.email} has no channel {redact_url(url)} (see: hdhwatch subscribers list)")
    session.execute(delete(Delivery).where(
        Delivery.channel_id == channel.id, Delivery.status == "pending"))
    session.delete(channel)
    session.flush()


def channels_of(session: Session, subscriber: Subscriber) -> list[SubscriberChannel]:
    return list(session.scalars(select(SubscriberChannel).where(
        SubscriberChannel.subscriber_id == subscriber.id).order_by(SubscriberChannel.id)))


def ensure_operator(session: Session, email: str) -> Subscriber:
    """The operator (``[mail] operator``) hears of the sources' health: subscribed with
    the ``source`` family if new, or given it besides what it chose."""
    address = normalize_address(email)
    existing = _find(session, address)
    if existing is None:
        return add_subscriber(session, address, digest="none", kinds=["source"])
    chosen = existing.kinds or [f for f in FAMILIES if f != "source"]
    if "source" not in chosen or not existing.active or not existing.alerts:
        existing.kinds = check_kinds([*chosen, "source"])
        existing.active = existing.alerts = True
        session.flush()
    return existing


def quiet_apprise():
    """The ``apprise`` module, with its log and that of the HTTP library it posts with
    silenced: both write channel URLs, tokens and all, in their debug lines."""
    import apprise

    for name in ("apprise", "urllib3"):
        logging.getLogger(name).setLevel(logging.CRITICAL)
    return apprise


def redact_url(url: str) -> str:
    """A channel's URL as it may be shown or logged: its scheme and host, never its
    tokens, passwords or path ("slack://…", "json://hooks.example.org/…")."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.port:
            host = f"{host}:{parts.port}"
    except ValueError:
        return "(an unreadable URL)"
    if parts.scheme in ("json", "jsons", "xml", "xmls", "form", "forms", "http", "https",
                        "ntfy", "ntfys", "matrix", "matrixs", "mmost", "mmosts"):
        return f"{parts.scheme}://{host}/…"
    return f"{parts.scheme}://…" if parts.scheme else "(not a URL)"


def _drop_pending(session: Session, subscriber_id: int) -> None:
    # Someone who asked to stop gets nothing more, not even what was queued
    # before; a message already being handed to the server cannot be recalled.
    session.execute(
        delete(Delivery).where(
            Delivery.subscriber_id == subscriber_id, Delivery.status == "pending"
        )
    )
