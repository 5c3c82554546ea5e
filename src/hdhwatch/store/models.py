"""SQLAlchemy 2 models: every table hdhwatch keeps.

Sources and their crawl runs; articles (unique canonical URL, every URL they
were reached at, both unique by their sha256; a content hash for syndicated
copies); what the classifier found (provider and frame mentions, deadline
statements); the timeline's shift events and their corroboration; subscribers
and the mail outbox.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
    false,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from hdhwatch.records import TARGET_KINDS
from hdhwatch.records import Deadline as DeadlineRecord
from hdhwatch.store.db import Base, UTCDateTime, utcnow


def url_hash(url: str) -> str:
    """The key a URL is indexed and looked up by: its sha256, 64 hex characters however
    long the URL (PostgreSQL refuses a btree index row over about 2.7 kB)."""
    return hashlib.sha256(url.encode("utf-8", "surrogatepass")).hexdigest()


def _url_hash_of_row(context) -> str:
    return url_hash(context.get_current_parameters()["url"])


class Source(Base):
    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100), unique=True)
    kind: Mapped[str] = mapped_column(String(20))
    title: Mapped[str] = mapped_column(String(200), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    runs: Mapped[list[CrawlRun]] = relationship(back_populates="source")


class FeedState(Base):
    """Conditional-GET validators kept per feed or sitemap URL."""

    __tablename__ = "feed_states"
    __table_args__ = (UniqueConstraint("source_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    etag: Mapped[str | None] = mapped_column(Text)
    last_modified: Mapped[str | None] = mapped_column(Text)
    # The watch terms the feed's items were judged by: under others, its dropped items
    # may be on topic, so the feed is read in full again.
    terms_version: Mapped[str | None] = mapped_column(String(64))
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


def run_outcome(status: str, pages_fetched: int, errors: dict | None) -> str:
    """How one source's crawl went: its status, except that a run which ended with more
    failed requests than pages fetched (a site down, a feed gone, every article refused)
    is "failed". A few errors among many pages (one article gone) are not."""
    if status == "finished" and sum((errors or {}).values()) > pages_fetched:
        return "failed"
    return status


FAILED_OUTCOMES = ("failed", "interrupted")


class CrawlRun(Base):
    __tablename__ = "crawl_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # running | finished | interrupted (the process died before finishing)
    status: Mapped[str] = mapped_column(String(20), default="running")
    pid: Mapped[int | None] = mapped_column(Integer)
    pages_fetched: Mapped[int] = mapped_column(Integer, default=0)
    new_articles: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    dropped: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[dict] = mapped_column(JSON, default=dict)  # kind -> count
    last_error: Mapped[str | None] = mapped_column(Text)

    source: Mapped[Source] = relationship(back_populates="runs")

    @property
    def outcome(self) -> str:
        """running | finished | failed | interrupted (see ``run_outcome``)."""
        return run_outcome(self.status, self.pages_fetched, self.errors)


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(64), unique=True, default=_url_hash_of_row)
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    crawl_run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL")
    )
    title: Mapped[str] = mapped_column(Text)
    lead: Mapped[str | None] = mapped_column(Text)
    description: Mapped[str | None] = mapped_column(Text)
    text: Mapped[str] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    authors: Mapped[list] = mapped_column(JSON, default=list)
    outlet: Mapped[str | None] = mapped_column(String(200), index=True)
    language: Mapped[str | None] = mapped_column(String(8))
    content_hash: Mapped[str] = mapped_column(String(64), index=True)
    # A syndicated copy points at the first article stored with the same text.
    duplicate_of_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="SET NULL")
    )
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # Filled by the classifier (None until classified).
    relevant: Mapped[bool | None] = mapped_column(Boolean, index=True)
    relevance_score: Mapped[float | None] = mapped_column(Float)
    relevance_reasons: Mapped[list | None] = mapped_column(JSON)
    classified_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    classifier_version: Mapped[str | None] = mapped_column(String(40))

    source: Mapped[Source | None] = relationship()
    urls: Mapped[list[ArticleUrl]] = relationship(back_populates="article")
    providers: Mapped[list[ProviderMention]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="ProviderMention.offset"
    )
    frames: Mapped[list[FrameMention]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="FrameMention.offset"
    )
    # Every dated statement the classifier kept, targets and dates set aside alike ...
    dates: Mapped[list[DeadlineStatement]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="DeadlineStatement.offset"
    )
    findings: Mapped[list[StoryFinding]] = relationship(
        back_populates="article", cascade="all, delete-orphan", order_by="StoryFinding.offset"
    )
    # ... and the statements of the migration's date (target, interim step, lower bound).
    deadlines: Mapped[list[DeadlineStatement]] = relationship(
        primaryjoin=lambda: and_(DeadlineStatement.article_id == Article.id,
                                 DeadlineStatement.kind.in_(TARGET_KINDS)),
        viewonly=True,
        order_by="DeadlineStatement.offset",
    )


class ArticleUrl(Base):
    """Every URL an article was reached at (canonicalised), so none is fetched twice."""

    __tablename__ = "article_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(64), unique=True, default=_url_hash_of_row)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )

    article: Mapped[Article] = relationship(back_populates="urls")


class DroppedUrl(Base):
    """A URL fetched and not kept (``reason``: off_topic, it named none of the watch terms),
    so a re-crawl does not fetch it again while the watch terms stay those of
    ``terms_version``. Unique by the sha256 of the canonical URL, like ``ArticleUrl``."""

    __tablename__ = "dropped_urls"

    id: Mapped[int] = mapped_column(primary_key=True)
    url: Mapped[str] = mapped_column(Text)
    url_hash: Mapped[str] = mapped_column(String(64), unique=True, default=_url_hash_of_row)
    reason: Mapped[str] = mapped_column(String(40))
    terms_version: Mapped[str] = mapped_column(String(64))
    source_id: Mapped[int | None] = mapped_column(
        ForeignKey("sources.id", ondelete="SET NULL"), index=True
    )
    dropped_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class ProviderMention(Base):
    __tablename__ = "provider_mentions"
    __table_args__ = (UniqueConstraint("article_id", "provider"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    provider: Mapped[str] = mapped_column(String(100), index=True)
    count: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text)
    offset: Mapped[int] = mapped_column(Integer)
    alias: Mapped[str] = mapped_column(String(100))

    article: Mapped[Article] = relationship(back_populates="providers")


class FrameMention(Base):
    __tablename__ = "frame_mentions"
    __table_args__ = (UniqueConstraint("article_id", "frame"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"))
    frame: Mapped[str] = mapped_column(String(100), index=True)
    count: Mapped[int] = mapped_column(Integer)
    sentence: Mapped[str] = mapped_column(Text)
    offset: Mapped[int] = mapped_column(Integer)

    article: Mapped[Article] = relationship(back_populates="frames")


class DeadlineStatement(Base):
    __tablename__ = "deadline_statements"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"), index=True
    )
    deadline: Mapped[date] = mapped_column(Date, index=True)
    precision: Mapped[str] = mapped_column(String(10))
    role: Mapped[str] = mapped_column(String(10))
    bound: Mapped[str | None] = mapped_column(String(20))
    scope: Mapped[str | None] = mapped_column(String(20))
    sentence: Mapped[str] = mapped_column(Text)
    offset: Mapped[int] = mapped_column(Integer)
    phrase: Mapped[str] = mapped_column(Text)
    cue: Mapped[str | None] = mapped_column(Text)
    # target | interim | bound (the migration's date), event | other (a date set aside)
    kind: Mapped[str] = mapped_column(String(10), default="target", server_default="target")
    confidence: Mapped[str] = mapped_column(String(10), default="high", server_default="high")
    basis: Mapped[str] = mapped_column(String(20), default="", server_default="")
    approx: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())

    article: Mapped[Article] = relationship(back_populates="dates")

    def record(self) -> DeadlineRecord:
        """The statement as the classifier's record (what ``deadlines`` functions take)."""
        return DeadlineRecord(
            deadline=self.deadline,
            precision=self.precision,
            role=self.role,
            sentence=self.sentence,
            offset=self.offset,
            phrase=self.phrase,
            cue=self.cue,
            bound=self.bound,
            scope=self.scope,
            kind=self.kind,
            confidence=self.confidence,
            basis=self.basis,
            approx=self.approx,
        )


class StoryFinding(Base):
    """A thing an article says happened beyond the date (classify.story): a provider chosen,
    a certification, a ruling, a tender; the story detector replays them into events."""

    __tablename__ = "story_findings"

    id: Mapped[int] = mapped_column(primary_key=True)
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            index=True)
    kind: Mapped[str] = mapped_column(String(20))  # provider | certification | legal | tender
    status: Mapped[str] = mapped_column(String(20))
    subject: Mapped[str] = mapped_column(String(100))
    sentence: Mapped[str] = mapped_column(Text)
    offset: Mapped[int] = mapped_column(Integer)
    confidence: Mapped[str] = mapped_column(String(10))

    article: Mapped[Article] = relationship(back_populates="findings")

    @property
    def event_kind(self) -> str:
        return f"{self.kind}_{self.status}"


class Event(Base):
    """Something that happened in the story, raised once however many outlets report it.

    ``kind`` names the detector (``target_move`` for a move of the migration's date);
    ``key`` is stable across replays ("target_move:2025-12-31/year>2026-12-31/year"), so
    messages keyed on it are never queued twice; ``status`` is ``confirmed`` (believed:
    announced to readers) or ``signal`` (stated, awaiting confirmation); ``payload`` holds
    what the kind needs (for a target move: the old and new targets, how it was learnt).
    """

    __tablename__ = "events"
    __table_args__ = (Index("ix_events_kind_status", "kind", "status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="signal")
    # the article whose sentence is the evidence (none for a source's health), and that
    # sentence's statement
    article_id: Mapped[int | None] = mapped_column(
        ForeignKey("articles.id", ondelete="CASCADE"))
    statement_id: Mapped[int | None] = mapped_column(
        ForeignKey("deadline_statements.id", ondelete="SET NULL")
    )
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    # the day of the article that made it believed (a signal: the day it was first stated)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    detected_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    article: Mapped[Article | None] = relationship()
    links: Mapped[list[EventArticle]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    # --- a target move's payload, typed -----------------------------------------------------
    @property
    def from_deadline(self) -> date | None:
        value = (self.payload or {}).get("from")
        return date.fromisoformat(value) if value else None

    @property
    def from_precision(self) -> str | None:
        return (self.payload or {}).get("from_precision")

    @property
    def to_deadline(self) -> date:
        return date.fromisoformat(self.payload["to"])

    @property
    def to_precision(self) -> str:
        return self.payload["to_precision"]

    @property
    def how(self) -> str:
        """``reported`` (the article says the date moved) or ``inferred`` (it states a new
        target that others confirm)."""
        return (self.payload or {}).get("how", "inferred")

    @property
    def confirmed(self) -> bool:
        return self.status == "confirmed"


class EventArticle(Base):
    """An article behind an event: ``confirms`` (it made the event believed), ``states``
    (a signal's evidence), or ``corroborates`` (a later article restating it)."""

    __tablename__ = "event_articles"
    __table_args__ = (UniqueConstraint("event_id", "article_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"))
    article_id: Mapped[int] = mapped_column(ForeignKey("articles.id", ondelete="CASCADE"),
                                            index=True)
    relation: Mapped[str] = mapped_column(String(20))

    event: Mapped[Event] = relationship(back_populates="links")
    article: Mapped[Article] = relationship()


class Subscriber(Base):
    __tablename__ = "subscribers"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    language: Mapped[str] = mapped_column(String(2), default="fr")
    alerts: Mapped[bool] = mapped_column(Boolean, default=True)
    # none | daily | weekly
    digest: Mapped[str] = mapped_column(String(10), default="weekly")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    token: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_digest_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # the families of events wanted ("target", "provider", ..., "source"); none: a
    # reader's, every family of the story but the sources' health (the operator's)
    kinds: Mapped[list | None] = mapped_column(JSON)


class SubscriberChannel(Base):
    """A channel a subscriber is reached on besides e-mail: an Apprise URL (Slack, Matrix,
    Teams, Discord, ntfy, a JSON webhook...). The URL holds the channel's secrets: it is
    never shown, logged nor copied into a delivery."""

    __tablename__ = "subscriber_channels"
    __table_args__ = (UniqueConstraint("subscriber_id", "url"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    subscriber_id: Mapped[int] = mapped_column(
        ForeignKey("subscribers.id", ondelete="CASCADE"), index=True)
    url: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Delivery(Base):
    """One message to deliver: an event (by its key) to one recipient on one channel, or a
    digest. Written in the transaction that believes the event; rendered for its channel
    when it is first sent (a digest, when it is queued), and kept so that a resend after a
    crash is byte for byte the same."""

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_status_next", "status", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    # "shift:target_move:2025-12-31/year>2026-12-31/year:3" (+ ":c<channel>" off e-mail):
    # the same cause never queues a second message to the same place
    dedupe_key: Mapped[str] = mapped_column(String(300), unique=True)
    message_id: Mapped[str | None] = mapped_column(String(255), unique=True)
    subscriber_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscribers.id", ondelete="SET NULL")
    )
    kind: Mapped[str] = mapped_column(String(20))  # shift | event | digest
    channel: Mapped[str] = mapped_column(String(20), default="email")  # email | apprise
    channel_id: Mapped[int | None] = mapped_column(
        ForeignKey("subscriber_channels.id", ondelete="CASCADE"))
    event_key: Mapped[str | None] = mapped_column(String(200), index=True)
    recipient: Mapped[str] = mapped_column(String(320))  # an address, or a channel named
    subject: Mapped[str | None] = mapped_column(Text)
    message: Mapped[str | None] = mapped_column(Text)  # RFC 5322 message, or a chat text
    # pending | sending | resending | sent | failed | cancelled (see outbox.py)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
