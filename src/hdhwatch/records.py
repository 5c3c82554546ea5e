"""Typed records passed between stages: plain frozen dataclasses, no database, no Scrapy."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from zoneinfo import ZoneInfo

# The newsroom's day: the outlets followed are French.
PRESS_TIMEZONE = ZoneInfo("Europe/Paris")


@dataclass(frozen=True)
class Article:
    """An article as extracted from one page (or read from a labelled corpus)."""

    url: str  # canonical URL
    title: str
    text: str  # body text, paragraphs separated by blank lines
    lead: str | None = None  # the chapô, when the page marks one (see description)
    published: datetime | None = None  # timezone-aware
    updated: datetime | None = None  # timezone-aware
    authors: tuple[str, ...] = ()
    outlet: str | None = None
    language: str | None = None
    description: str | None = None  # meta / OpenGraph description

    @property
    def published_date(self) -> date | None:
        """The day of publication in Paris, which anchors relative dates ("d'ici la fin de
        l'année"): the store keeps UTC, and 00:30 on 1 January in Paris is still 31
        December in UTC."""
        if self.published is None:
            return None
        if self.published.tzinfo is None:
            return self.published.date()
        return self.published.astimezone(PRESS_TIMEZONE).date()


@dataclass(frozen=True)
class ProviderMention:
    """A cloud or hosting provider named in an article."""

    name: str  # canonical name (FORMAT.md table), or the name as written
    count: int
    sentence: str  # the sentence of the first mention
    offset: int  # character offset of the first mention in the classified text
    alias: str  # the form that matched first


@dataclass(frozen=True)
class FrameMention:
    """A certification or legal frame named in an article (SecNumCloud, Cloud Act, ...)."""

    name: str
    count: int
    sentence: str
    offset: int


# The kinds of DeadlineStatement that state the migration's date; "event" and "other" are
# dates the classifier read and set aside, kept to explain what it did.
TARGET_KINDS = ("target", "interim", "bound")
CONFIDENCES = ("low", "medium", "high")


@dataclass(frozen=True)
class Deadline:
    """One statement of a target date for the HDH migration, with its evidence."""

    deadline: date  # last day of the period named
    precision: str  # year | half | quarter | season | month | day
    role: str  # current | former
    sentence: str
    offset: int  # offset of the sentence in the classified text
    phrase: str  # the date phrase matched
    cue: str | None = None  # the words that set the role
    bound: str | None = None  # "not_before" for a lower bound
    scope: str | None = None  # "interim" for an interim step
    # What kind of date it is: a migration target, an interim step, a lower bound (the three
    # TARGET_KINDS), or a date the sentence gives for something else: an event (an
    # announcement, a hearing, a page stamp) or another deadline (a tender, a contract's end).
    kind: str = "target"
    # How sure the rule is: "high" (a reported move, or a migration word with the HDH as
    # subject), "medium" (a migration word, a quoted official), "low" (a date near the topic).
    confidence: str = "high"
    basis: str = ""  # what the confidence rests on: shift | migration | quoted | topic
    approx: bool = False  # computed from a relative duration ("d'ici deux ans")

    @property
    def is_target(self) -> bool:
        """A statement of the migration's date (target, interim step or lower bound)."""
        return self.kind in TARGET_KINDS


@dataclass(frozen=True)
class Shift:
    """A move of the target reported by the article itself."""

    from_deadline: date
    from_precision: str
    to_deadline: date
    to_precision: str


@dataclass(frozen=True)
class Finding:
    """One thing an article says happened in the story beyond the date (a provider chosen,
    a certification, a ruling, a tender), with its evidence."""

    kind: str  # provider | certification | legal | tender
    status: str  # selected | renewed | shortlisted | excluded | obtained | expected | ...
    subject: str  # a provider's canonical name, "CNIL", "Conseil d'État", or "HDH"
    sentence: str
    offset: int  # of the sentence in the classified text
    confidence: str  # high | medium

    @property
    def event_kind(self) -> str:
        """The kind of event it supports: "provider_selected", "tender_launched" ..."""
        return f"{self.kind}_{self.status}"


@dataclass(frozen=True)
class Relevance:
    relevant: bool
    score: float
    reasons: tuple[str, ...] = ()  # e.g. "title:health data hub", "body:migration"


@dataclass(frozen=True)
class Classification:
    relevance: Relevance
    providers: tuple[ProviderMention, ...] = ()
    frames: tuple[FrameMention, ...] = ()
    deadlines: tuple[Deadline, ...] = ()
    shift: Shift | None = None
    version: str = field(default="")
    findings: tuple[Finding, ...] = ()

    @property
    def relevant(self) -> bool:
        return self.relevance.relevant
