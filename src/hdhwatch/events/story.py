"""The story beyond the date, as events: a provider chosen, a certification, a ruling, a
tender (the findings of ``classify.story``), believed as the target's moves are.

The findings of relevant, original articles are replayed in publication order. A
finding is believed when one sentence of it is sure ("high": it names the HDH) or when
``CONFIRMING_OUTLETS`` independent outlets report it; until then it is a signal. Each
(kind, subject) is one ``Event`` ("provider_selected:Scaleway"), however many
articles report it; those that made it believed ``confirm`` it, later ones
``corroborate`` it. The replay is the truth: an event it no longer finds is removed.

Which event is news: within each family (provider, certification, legal, tender), the
events believed on the family's latest day, when that day is within ``NEWS_DAYS`` of the
story's latest event. When a first crawl fills a store with years of history, the
tender launched in 2024 goes into the record, not into a mail.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from itertools import groupby

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from hdhwatch.events.timeline import CONFIRMING_OUTLETS, link_articles, outlet_of
from hdhwatch.store.articles import dialect_insert
from hdhwatch.store.db import utcnow
from hdhwatch.store.models import Article, Event, StoryFinding

FAMILIES = ("provider", "certification", "legal", "tender")
NEWS_DAYS = 60  # how far before the story's latest event an event is still news
KINDS = tuple(
    f"{family}_{status}"
    for family, statuses in (
        ("provider", ("selected", "renewed", "shortlisted", "excluded")),
        ("certification", ("obtained", "expected", "delayed")),
        ("legal", ("ruling",)),
        ("tender", ("launched", "awarded", "cancelled")),
    )
    for status in statuses
)


@dataclass
class _Story:
    kind: str  # event kind, e.g. provider_selected
    subject: str
    article_id: int  # the first sure finding's article, else the first
    sentence: str
    published_at: datetime | None = None  # when it was believed (or first stated)
    confirmed: bool = False
    confirms: list[int] = field(default_factory=list)
    corroborates: list[int] = field(default_factory=list)
    outlets: list[str] = field(default_factory=list)
    sure: bool = False

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.subject}"


@dataclass(frozen=True)
class StoryUpdate:
    confirmed: list[Event]  # events believed by this replay (new, or signals until now)
    removed: list[str]
    news: set[str]  # keys of the events that are news (their family's latest day)


def replay(session: Session) -> list[_Story]:
    """The story events the stored findings support, in the order they were believed."""
    when = func.coalesce(Article.published_at, Article.fetched_at)
    rows = session.execute(
        select(Article.id, when, Article.url, Article.outlet, StoryFinding.kind,
               StoryFinding.status, StoryFinding.subject, StoryFinding.sentence,
               StoryFinding.confidence)
        .join(StoryFinding, StoryFinding.article_id == Article.id)
        .where(Article.relevant.is_(True), Article.duplicate_of_id.is_(None))
        .order_by(when, Article.url, StoryFinding.offset, StoryFinding.id)
    ).all()
    stories: dict[str, _Story] = {}
    for article_id, group in groupby(rows, key=lambda r: r[0]):
        group = list(group)
        _, published, url, outlet = group[0][:4]
        source = outlet_of(url, outlet, article_id)
        for _, _, _, _, kind, status, subject, sentence, confidence in group:
            story = stories.get(f"{kind}_{status}:{subject}")
            if story is None:
                story = stories[f"{kind}_{status}:{subject}"] = _Story(
                    f"{kind}_{status}", subject, article_id, sentence, published)
            if article_id in story.confirms or article_id in story.corroborates:
                continue
            if story.confirmed:
                story.corroborates.append(article_id)
                continue
            story.confirms.append(article_id)
            if source not in story.outlets:
                story.outlets.append(source)
            if confidence == "high" and not story.sure:
                story.sure, story.article_id, story.sentence = True, article_id, sentence
            if story.sure or len(story.outlets) >= CONFIRMING_OUTLETS:
                story.confirmed, story.published_at = True, published
    return sorted(stories.values(), key=lambda s: (s.published_at or datetime.min, s.key))


def update_story(session: Session, now: datetime | None = None) -> StoryUpdate:
    """Replay the findings and store them as events (see the module's docstring)."""
    now = now or utcnow()
    stories = replay(session)
    existing = {e.key: e for e in session.scalars(select(Event).where(Event.kind.in_(KINDS)))}
    confirmed: list[Event] = []
    for story in stories:
        status = "confirmed" if story.confirmed else "signal"
        payload = {"subject": story.subject, "sentence": " ".join(story.sentence.split()),
                   "outlets": story.outlets, "basis": "confident" if story.sure else
                   "outlets" if story.confirmed else ""}
        event = existing.pop(story.key, None)
        if event is None:
            session.execute(dialect_insert(session, Event).values(
                kind=story.kind, key=story.key, status=status, article_id=story.article_id,
                payload=payload, published_at=story.published_at, detected_at=now,
                confirmed_at=now if story.confirmed else None,
            ).on_conflict_do_nothing(index_elements=["key"]))
            event = session.scalars(select(Event).where(Event.key == story.key)).one()
            if story.confirmed:
                confirmed.append(event)
        elif story.confirmed and event.status != "confirmed":
            confirmed.append(event)
            event.confirmed_at = now
        event.status, event.payload = status, payload
        event.article_id, event.published_at = story.article_id, story.published_at
        links = [(a, "confirms" if story.confirmed else "states") for a in story.confirms] + [
            (a, "corroborates") for a in story.corroborates]
        link_articles(session, event, links)
    for stale in existing.values():
        session.delete(stale)
    session.flush()
    return StoryUpdate(confirmed, list(existing), _news(stories))


def _news(stories: list[_Story]) -> set[str]:
    """Each family's events of its latest day, if that day is within ``NEWS_DAYS`` of the
    story's present (its latest event): the tender launched two years before the provider
    was chosen is the record, not news."""
    believed = [s for s in stories if s.confirmed and s.published_at is not None]
    if not believed:
        return set()
    present = max(s.published_at for s in believed)
    latest: dict[str, datetime] = {}
    for story in believed:
        family = story.kind.split("_")[0]
        latest[family] = max(latest.get(family, story.published_at), story.published_at)
    return {s.key for s in believed if s.published_at == latest[s.kind.split("_")[0]]
            and present - s.published_at <= timedelta(days=NEWS_DAYS)}
