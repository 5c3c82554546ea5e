"""The Atom feed of what happened: every confirmed event, newest first.

``hdhwatch feed`` writes it to a file; the web page serves the same bytes at
``/events.atom``. Feed readers and tools that consume feeds get the same stream as
mail subscribers: a move of the target, a provider chosen, a ruling, a tender, each
with the sentence that says so and a link to the article. Built with feedgen; valid
per RFC 4287 (ids are stable tag URIs, so a reader never shows an entry twice).
The sources' health (a source failing) is the operator's business, not the feed's.
"""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import quote, urlsplit

from feedgen.feed import FeedGenerator
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from hdhwatch.events.sources import KINDS as SOURCE_KINDS
from hdhwatch.read.words import describe_target, event_words, format_day
from hdhwatch.store.models import DeadlineStatement, Event

FEED_ID = "tag:hdhwatch.invalid,2026:events"
TITLES = {"fr": "hdhwatch · Health Data Hub : ce qui a changé",
          "en": "hdhwatch · Health Data Hub: what changed"}
MAX_ENTRIES = 200


def event_title(event: Event, lang: str = "fr") -> str:
    """An event in one line: "fin 2026 → premier trimestre 2027", "Scaleway retenu …"."""
    if event.kind == "target_move":
        new = describe_target(event.to_deadline, event.to_precision, lang)
        if event.from_deadline is None:
            return new
        old = describe_target(event.from_deadline, event.from_precision or "day", lang)
        return f"{old} → {new}"
    return event_words(event.kind, (event.payload or {}).get("subject", ""), lang)


def event_sentence(session: Session, event: Event) -> str:
    """The sentence behind an event: its statement's for a move, its finding's otherwise."""
    if event.kind == "target_move" and event.statement_id:
        statement = session.get(DeadlineStatement, event.statement_id)
        if statement is not None:
            return " ".join(statement.sentence.split())
    return (event.payload or {}).get("sentence", "")


def atom_feed(session: Session, *, lang: str = "fr", self_url: str | None = None) -> bytes:
    """The confirmed events as an Atom document (UTF-8 bytes)."""
    events = list(session.scalars(
        select(Event).where(Event.status == "confirmed", Event.kind.not_in(SOURCE_KINDS))
        .options(selectinload(Event.article))
        .order_by(Event.published_at.desc().nulls_last(), Event.id.desc())
        .limit(MAX_ENTRIES)
    ))
    feed = FeedGenerator()
    feed.id(FEED_ID)
    feed.title(TITLES.get(lang, TITLES["fr"]))
    feed.language(lang)
    feed.author({"name": "hdhwatch"})
    feed.link(href=self_url or "https://hdhwatch.invalid/events.atom", rel="self")
    feed.updated(_when(events[0]) if events else datetime(2019, 1, 1, tzinfo=UTC))
    for event in reversed(events):  # feedgen lists entries in reverse order of addition
        entry = feed.add_entry()
        entry.id(f"tag:hdhwatch.invalid,2026:event:{quote(event.key, safe='')}")
        entry.title(event_title(event, lang))
        entry.updated(_when(event))
        entry.published(_when(event))
        article = event.article
        if article is not None and urlsplit(article.url).scheme in ("http", "https"):
            entry.link(href=article.url, rel="alternate")
        outlet = article.outlet if article is not None else ""
        day = format_day(event.published_at.date(), lang) if event.published_at else ""
        sentence = event_sentence(session, event)
        entry.category(term=event.kind)
        summary = " — ".join(part for part in (f"« {sentence} »" if sentence else "",
                                               ", ".join(p for p in (outlet, day) if p))
                             if part)
        entry.summary(summary)
        if article is None or urlsplit(article.url).scheme not in ("http", "https"):
            # RFC 4287: an entry without an alternate link carries its content
            entry.content(summary or event_title(event, lang), type="text")
    return feed.atom_str(pretty=True)


def _when(event: Event) -> datetime:
    when = event.published_at or event.detected_at
    return when if when.tzinfo else when.replace(tzinfo=UTC)
