"""The evidence behind the story, for pages: an article's text with what was found in it
marked, the events an article raised or corroborated, the events as rows, the sources'
state.

``article_passages`` cuts the text the classifier read (title, lead, body: the text
every stored offset refers to) into paragraphs of plain and marked pieces: each
provider mention and each dated statement's phrase, with its kind, role and
confidence. The web page renders them; nothing here formats HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hdhwatch.classify import classified_text
from hdhwatch.classify.providers import ProviderCatalog, provider_spans
from hdhwatch.events.sources import KINDS as SOURCE_KINDS
from hdhwatch.read.feed import event_sentence, event_title
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.store.models import Article, CrawlRun, Event, EventArticle, Source


@dataclass(frozen=True)
class Mark:
    """A marked piece of an article: a provider named, or a dated statement's phrase."""

    what: str  # "provider" | "deadline"
    label: str  # the provider's canonical name, the target in words
    kind: str = ""  # a statement's kind: target, interim, bound, event, other
    role: str = ""  # current | former
    confidence: str = ""
    sentence: str = ""
    statement_id: int | None = None


Piece = tuple[str, Mark | None]


def _record(article: Article) -> ArticleRecord:
    return ArticleRecord(url=article.url, title=article.title, text=article.text,
                         lead=article.lead)


def article_passages(article: Article, catalog: ProviderCatalog | None = None
                     ) -> list[list[Piece]]:
    """The article's title, lead and body as paragraphs of (text, mark or None) pieces.

    The first paragraph is the title. A statement's phrase is found in its sentence
    at its stored offset; where a provider's name falls inside a marked phrase, the
    phrase wins (marks never nest).
    """
    from hdhwatch.read.words import describe_target

    text = classified_text(_record(article))
    spans: list[tuple[int, int, Mark]] = []
    for statement in article.dates:
        sentence_end = statement.offset + len(statement.sentence)
        if text[statement.offset:sentence_end] != statement.sentence:
            continue  # a text changed since it was classified: no guessing
        at = text.find(statement.phrase, statement.offset, sentence_end)
        if at < 0 or not statement.phrase:
            continue
        label = describe_target(statement.deadline, statement.precision, "fr")
        spans.append((at, at + len(statement.phrase), Mark(
            "deadline", label, statement.kind, statement.role, statement.confidence,
            " ".join(statement.sentence.split()), statement.id)))
    for start, end, name in provider_spans(text, catalog):
        spans.append((start, end, Mark("provider", name)))
    # deadlines first at equal starts, then the longer; drop what overlaps a kept span
    spans.sort(key=lambda s: (s[0], s[2].what != "deadline", -(s[1] - s[0])))
    kept: list[tuple[int, int, Mark]] = []
    for span in spans:
        if not kept or span[0] >= kept[-1][1]:
            kept.append(span)
    paragraphs: list[list[Piece]] = []
    position = 0
    for paragraph in text.split("\n\n"):
        start, end = position, position + len(paragraph)
        position = end + 2
        pieces: list[Piece] = []
        cursor = start
        for s_start, s_end, mark in kept:
            if s_end <= start or s_start >= end:
                continue
            s_start, s_end = max(s_start, start), min(s_end, end)
            if s_start > cursor:
                pieces.append((text[cursor:s_start], None))
            pieces.append((text[s_start:s_end], mark))
            cursor = s_end
        if cursor < end:
            pieces.append((text[cursor:end], None))
        paragraphs.append(pieces)
    return paragraphs


def _event_row(session: Session, event: Event, lang: str, relation: str = "") -> dict:
    article = event.article
    when = event.published_at or event.detected_at
    return {
        "id": event.id,
        "key": event.key,
        "kind": event.kind,
        "status": event.status,
        "title": event_title(event, lang),
        "published": when.date().isoformat() if when else None,
        "sentence": event_sentence(session, event),
        "article_id": article.id if article is not None else None,
        "outlet": article.outlet if article is not None else None,
        "article_title": article.title if article is not None else None,
        "url": article.url if article is not None else None,
        **({"relation": relation} if relation else {}),
    }


def event_rows(session: Session, lang: str = "fr", *, status: str = "confirmed",
               limit: int | None = None) -> list[dict]:
    """The story's events (not the sources' health), newest first, each with its sentence."""
    stmt = (select(Event).where(Event.status == status, Event.kind.not_in(SOURCE_KINDS))
            .options(selectinload(Event.article))
            .order_by(Event.published_at.desc().nulls_last(), Event.id.desc()))
    if limit:
        stmt = stmt.limit(limit)
    return [_event_row(session, event, lang) for event in session.scalars(stmt)]


def article_events(session: Session, article_id: int, lang: str = "fr") -> list[dict]:
    """The events this article raised ("raised") or confirmed or restated ("confirms",
    "restates"), confirmed ones and signals alike, in publication order."""
    rows = [
        _event_row(session, event, lang, "raised")
        for event in session.scalars(
            select(Event).where(Event.article_id == article_id,
                                Event.kind.not_in(SOURCE_KINDS))
            .options(selectinload(Event.article)).order_by(Event.id))
    ]
    for event, relation in session.execute(
        select(Event, EventArticle.relation)
        .join(EventArticle, EventArticle.event_id == Event.id)
        .where(EventArticle.article_id == article_id, Event.article_id != article_id,
               Event.kind.not_in(SOURCE_KINDS))
        .options(selectinload(Event.article)).order_by(Event.id)
    ):
        rows.append(_event_row(session, event, lang, relation))
    return rows


def source_runs(session: Session) -> dict[str, dict]:
    """Each source's last crawl (by name): when, its outcome, pages, new articles, errors
    by kind, the last error; and ``health``: ``failing`` or ``drift`` while the story's
    health events say so, else ``ok``."""
    latest = (select(CrawlRun.source_id, func.max(CrawlRun.id).label("run_id"))
              .group_by(CrawlRun.source_id).subquery())
    rows: dict[str, dict] = {}
    for name, run in session.execute(
        select(Source.name, CrawlRun).join(latest, latest.c.source_id == Source.id)
        .join(CrawlRun, CrawlRun.id == latest.c.run_id)
    ):
        rows[name] = {
            "last_run": _iso(run.started_at),
            "finished": _iso(run.finished_at),
            "outcome": run.outcome,
            "pages": run.pages_fetched,
            "new": run.new_articles,
            "errors": dict(sorted((run.errors or {}).items())),
            "last_error": run.last_error,
            "health": "ok",
        }
    for event in session.scalars(
        select(Event).where(Event.kind.in_(SOURCE_KINDS), Event.status == "confirmed")
    ):
        subject = (event.payload or {}).get("subject") or event.key.split(":")[1]
        if subject in rows:
            rows[subject]["health"] = event.kind.removeprefix("source_")
    return rows


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
