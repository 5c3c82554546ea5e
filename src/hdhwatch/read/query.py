"""Reading the store: article listings with filters and full-text search, one article.

Full text is accent-insensitive on both backends: FTS5 with diacritics removed
on SQLite, a French tsvector over unaccented text on PostgreSQL.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import Select, exists, func, select, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, selectinload

from hdhwatch.errors import NotFound, QueryError
from hdhwatch.records import TARGET_KINDS
from hdhwatch.store.models import (
    Article,
    DeadlineStatement,
    Event,
    EventArticle,
    ProviderMention,
    Source,
)

_FTS_SYNTAX = re.compile(r'["*()^:]|\b(AND|OR|NOT|NEAR)\b')
_WORD = re.compile(r"\w+", re.UNICODE)
MAX_ID = 2**63 - 1


@dataclass(frozen=True)
class ArticleFilter:
    since: date | None = None
    until: date | None = None
    source: str | None = None
    search: str | None = None
    limit: int | None = 50
    provider: str | None = None  # canonical name
    relevant: bool | None = None
    with_deadline: bool = False
    shifts_only: bool = False
    outlet: str | None = None
    offset: int = 0  # rows skipped (a page of results)
    event_kind: str | None = None  # a family of EVENT_FAMILIES: raised or corroborated one


# The kinds of confirmed events an article may have raised or corroborated, by family (the
# names subscribers choose with --kinds).
EVENT_FAMILIES = {
    "target": ("target_move",),
    "provider": ("provider_selected", "provider_renewed", "provider_shortlisted",
                 "provider_excluded"),
    "certification": ("certification_obtained", "certification_expected",
                      "certification_delayed"),
    "legal": ("legal_ruling",),
    "tender": ("tender_launched", "tender_awarded", "tender_cancelled"),
}


def parse_day(value: str, option: str = "date") -> date:
    """YYYY-MM-DD (or YYYY-MM, YYYY) → a date; anything else is a QueryError."""
    value = value.strip()
    for fmt, size in (("%Y-%m-%d", 10), ("%Y-%m", 7), ("%Y", 4)):
        if len(value) == size:
            try:
                return datetime.strptime(value, fmt).date()
            except ValueError:
                break
    raise QueryError(f"invalid {option} {value!r}: use YYYY-MM-DD")


def fts5_query(search: str) -> str:
    """Plain words become an AND of quoted terms; explicit FTS5 syntax is passed through."""
    if _FTS_SYNTAX.search(search):
        return search
    words = _WORD.findall(search)
    if not words:
        raise QueryError(f"nothing to search for in {search!r}")
    return " ".join(f'"{w}"' for w in words)


def _search_clause(session: Session, search: str):
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        return Article.id.in_(
            select(text("rowid"))
            .select_from(text("articles_fts"))
            .where(text("articles_fts MATCH :fts").bindparams(fts=fts5_query(search)))
        )
    if dialect == "postgresql":
        return text(
            "articles.search_vector @@ websearch_to_tsquery('french', hdh_unaccent(:q))"
        ).bindparams(q=search)
    like = f"%{search}%"
    return Article.text.ilike(like) | Article.title.ilike(like)


def articles_query(session: Session, f: ArticleFilter) -> Select:
    stmt = select(Article).options(selectinload(Article.providers), selectinload(Article.deadlines))
    if f.since:
        stmt = stmt.where(Article.published_at >= datetime.combine(f.since, time(), UTC))
    if f.until:
        end = datetime.combine(f.until + timedelta(days=1), time(), UTC)
        stmt = stmt.where(Article.published_at < end)
    if f.source:
        source_id = session.scalars(select(Source.id).where(Source.name == f.source)).first()
        if source_id is None:
            names = ", ".join(session.scalars(select(Source.name).order_by(Source.name)))
            raise QueryError(
                f"no source named {f.source!r} in the store (known: {names or 'none'})"
            )
        stmt = stmt.where(Article.source_id == source_id)
    if f.outlet:
        stmt = stmt.where(func.lower(Article.outlet).contains(f.outlet.lower()))
    if f.search:
        stmt = stmt.where(_search_clause(session, f.search))
    if f.provider:
        stmt = stmt.where(
            exists().where(
                ProviderMention.article_id == Article.id, ProviderMention.provider == f.provider
            )
        )
    if f.relevant is not None:
        stmt = stmt.where(Article.relevant.is_(f.relevant))
    if f.with_deadline:
        stmt = stmt.where(exists().where(DeadlineStatement.article_id == Article.id,
                                         DeadlineStatement.kind.in_(TARGET_KINDS)))
    if f.shifts_only:
        stmt = stmt.where(exists().where(Event.article_id == Article.id,
                                         Event.status == "confirmed"))
    if f.event_kind:
        kinds = EVENT_FAMILIES.get(f.event_kind)
        if kinds is None:
            raise QueryError(f"unknown kind of event {f.event_kind!r}; known: "
                             + ", ".join(EVENT_FAMILIES))
        raised = exists().where(Event.article_id == Article.id, Event.status == "confirmed",
                                Event.kind.in_(kinds))
        linked = exists().where(EventArticle.article_id == Article.id,
                                EventArticle.event_id == Event.id,
                                Event.status == "confirmed", Event.kind.in_(kinds))
        stmt = stmt.where(raised | linked)
    stmt = stmt.order_by(Article.published_at.desc().nulls_last(), Article.id.desc())
    if f.limit:
        stmt = stmt.limit(f.limit)
    if f.offset:
        stmt = stmt.offset(f.offset)
    return stmt


def list_articles(session: Session, f: ArticleFilter) -> list[Article]:
    try:
        return list(session.scalars(articles_query(session, f)))
    except OperationalError as exc:
        if f.search and session.get_bind().dialect.name == "sqlite":
            raise QueryError(
                f"invalid search {f.search!r} ({exc.orig}); use plain words, "
                '"a phrase", OR, NOT, or a prefix*'
            ) from exc
        raise


def get_article(session: Session, ref: str) -> Article:
    """An article by id or by URL (any URL it was reached at)."""
    from hdhwatch.extract import canonical_url
    from hdhwatch.store.models import ArticleUrl, url_hash

    ref = ref.strip()
    article = None
    if ref.isascii() and ref.isdigit():
        # Beyond a 64-bit integer no id can exist (and the driver could not bind it).
        article = session.get(Article, int(ref)) if int(ref) <= MAX_ID else None
    elif ref.startswith(("http://", "https://")):
        key = url_hash(canonical_url(ref))
        article = (
            session.scalars(
                select(Article).join(ArticleUrl).where(ArticleUrl.url_hash == key)
            ).first()
            or session.scalars(select(Article).where(Article.url_hash == key)).first()
        )
    else:
        raise QueryError(f"{ref!r} is neither an article id nor a URL")
    if article is None:
        raise NotFound(f"no article {ref!r} in the store")
    return article


def statement_dict(statement: DeadlineStatement) -> dict:
    """One dated statement with its evidence: the date, what the classifier made of it
    (role, kind, confidence and what that rests on) and the sentence that says it."""
    from hdhwatch.read.words import describe_target

    return {
        "deadline": statement.deadline.isoformat(),
        "precision": statement.precision,
        "target": describe_target(statement.deadline, statement.precision, "fr"),
        "role": statement.role,
        **({"bound": statement.bound} if statement.bound else {}),
        **({"scope": statement.scope} if statement.scope else {}),
        "kind": statement.kind,
        "confidence": statement.confidence,
        "basis": statement.basis,
        "approx": statement.approx,
        "phrase": statement.phrase,
        "cue": statement.cue,
        "sentence": " ".join(statement.sentence.split()),
    }


def article_dict(article: Article, *, full: bool = False) -> dict:
    """An article as JSON-ready data; ``full`` adds its text and everything the classifier
    found, with the sentences it found it in."""
    data = {
        "id": article.id,
        "published": article.published_at.isoformat() if article.published_at else None,
        "outlet": article.outlet,
        "title": article.title,
        "url": article.url,
        "language": article.language,
        "authors": list(article.authors or []),
        "lead": article.lead,
        "relevant": article.relevant,
        "providers": [p.provider for p in article.providers],
        "deadlines": [
            {
                "deadline": d.deadline.isoformat(),
                "precision": d.precision,
                "role": d.role,
                **({"bound": d.bound} if d.bound else {}),
                **({"scope": d.scope} if d.scope else {}),
            }
            for d in article.deadlines
        ],
    }
    if full:
        data.update(
            text=article.text,
            description=article.description,
            updated=article.updated_at.isoformat() if article.updated_at else None,
            content_hash=article.content_hash,
            duplicate_of=article.duplicate_of_id,
            fetched=article.fetched_at.isoformat(),
            urls=sorted(u.url for u in article.urls),
            relevance_score=article.relevance_score,
            relevance_reasons=list(article.relevance_reasons or []),
            provider_mentions=[
                {"provider": p.provider, "count": p.count, "alias": p.alias,
                 "sentence": " ".join(p.sentence.split())}
                for p in article.providers
            ],
            frames=[
                {"frame": f.frame, "count": f.count, "sentence": " ".join(f.sentence.split())}
                for f in article.frames
            ],
            # the migration's dates (targets, interim steps, lower bounds), then the dates the
            # classifier read and set aside (events, other deadlines)
            deadlines=[statement_dict(d) for d in article.deadlines],
            dates_set_aside=[statement_dict(d) for d in article.dates
                             if d.kind not in TARGET_KINDS],
            # The shift events this article raised or corroborates belong here too: they
            # come with the events stage (hdhwatch.events), not yet in this listing.
        )
    return data
