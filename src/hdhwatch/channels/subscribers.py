"""Subscribers: who receives shift alerts and digests, in which language, how often.

Adding an address twice updates its preferences (and re-activates it), so the
command can be re-run safely. Addresses are one subscription whatever the case
of their letters: the domain's case never matters in mail, and no mail service
we know tells ``Alice@`` from ``alice@`` either (RFC 5321 would let one); the
address is kept as first given. Each subscriber gets a random token that
unsubscribes it without logging in (the List-Unsubscribe link of every mail).
"""

from __future__ import annotations

import re
import secrets
from email.utils import parseaddr

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from hdhwatch.errors import InvalidAddress, InvalidPreference, UnknownSubscriber
from hdhwatch.store.articles import dialect_insert
from hdhwatch.store.models import Delivery, Subscriber

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


def add_subscriber(
    session: Session, email: str, language: str = "fr", alerts: bool = True,
    digest: str = "weekly",
) -> Subscriber:
    """Subscribe ``email``, or update its preferences if it is subscribed already."""
    address = normalize_address(email)
    _check_preferences(language, digest)
    preferences = dict(language=language, alerts=alerts, digest=digest, active=True)
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


def _drop_pending(session: Session, subscriber_id: int) -> None:
    # Someone who asked to stop gets nothing more, not even what was queued
    # before; a message already being handed to the server cannot be recalled.
    session.execute(
        delete(Delivery).where(
            Delivery.subscriber_id == subscriber_id, Delivery.status == "pending"
        )
    )
