"""Reports over the store: the timeline of stated targets, provider counts, exports.

Every function here is a read-only query over a ``Session`` that returns plain,
JSON-ready rows (dates as ISO strings), the same on SQLite and PostgreSQL:

* ``timeline_rows`` — every deadline statement of the relevant articles, in
  publication order, with its evidence (sentence, phrase, cue);
* ``shift_rows`` — the shift events with the articles that corroborate them;
* ``current_target`` — the target known today and the sentence that set it;
* ``provider_counts`` — articles and mentions per provider per month;
* ``export_rows`` — the whole store for analysts, or (``labelled=True``) a
  labelled corpus in the shape of ``docs/corpus-format.md`` built from
  the store's own predictions, which a user can correct and score with
  ``hdhwatch eval``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, time

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from hdhwatch.classify.deadlines import label_of, labels
from hdhwatch.classify.providers import ProviderCatalog
from hdhwatch.events.timeline import MOVE, known_target
from hdhwatch.read.words import (
    describe_certification,
    describe_jurisdiction,
    describe_target,
    short_target,
)
from hdhwatch.records import TARGET_KINDS
from hdhwatch.store.models import (
    Article,
    DeadlineStatement,
    Event,
    EventArticle,
    ProviderMention,
)

__all__ = [
    "current_target",
    "describe_target",
    "export_rows",
    "provider_counts",
    "shift_rows",
    "short_target",
    "timeline_rows",
]

EXPORT_BATCH = 500


def _day(value: datetime | None) -> str | None:
    return value.date().isoformat() if value else None


def _iso(value: date | datetime | None) -> str | None:
    return value.isoformat() if value else None


def _published(article_published: datetime | None, fetched: datetime | None) -> datetime | None:
    return article_published or fetched


# --- the timeline ------------------------------------------------------------------------------
def _utc_text(session: Session, column, unit: str):
    """A UTC timestamp column as 'YYYY-MM-DD' (``unit`` 'day') or 'YYYY-MM' ('month'), in SQL.

    Formatting in the database spares parsing thousands of datetimes in Python.
    """
    if session.get_bind().dialect.name == "postgresql":
        return func.to_char(func.timezone("UTC", column),
                            "YYYY-MM-DD" if unit == "day" else "YYYY-MM")
    return func.strftime("%Y-%m-%d" if unit == "day" else "%Y-%m", column)


def _from_day(day: date) -> datetime:
    return datetime.combine(day, time(), UTC)


def timeline_rows(session: Session, since: date | None = None) -> list[dict]:
    """Every deadline statement of the relevant articles, in publication order (``since``:
    of the articles published on or after that day).

    Syndicated copies are included and point at their original (``copy_of``),
    so a reader sees every outlet that printed the date; the timeline itself
    ignores them.
    """
    when = func.coalesce(Article.published_at, Article.fetched_at)
    stmt = (
        select(
            Article.id, _utc_text(session, when, "day"), Article.outlet, Article.url,
            Article.title, Article.duplicate_of_id, DeadlineStatement.id,
            DeadlineStatement.deadline, DeadlineStatement.precision, DeadlineStatement.role,
            DeadlineStatement.bound, DeadlineStatement.scope, DeadlineStatement.sentence,
            DeadlineStatement.phrase, DeadlineStatement.cue, DeadlineStatement.confidence,
        )
        .join(DeadlineStatement, DeadlineStatement.article_id == Article.id)
        .where(Article.relevant.is_(True), DeadlineStatement.kind.in_(TARGET_KINDS))
        .order_by(when, Article.id, DeadlineStatement.offset, DeadlineStatement.id)
    )
    if since is not None:
        stmt = stmt.where(when >= _from_day(since))
    rows = session.execute(stmt).all()
    words: dict[tuple[date, str], tuple[str, str]] = {}  # a store states few distinct targets
    result = []
    for (article_id, published, outlet, url, title, copy_of, statement_id, deadline, precision,
         role, bound, scope, sentence, phrase, cue, confidence) in rows:
        target = words.get((deadline, precision))
        if target is None:
            target = words[deadline, precision] = (
                deadline.isoformat(), describe_target(deadline, precision, "fr"))
        result.append({
            "published": published,
            "outlet": outlet,
            "article_id": article_id,
            "url": url,
            "title": title,
            "copy_of": copy_of,
            "statement_id": statement_id,
            "deadline": target[0],
            "precision": precision,
            "target": target[1],
            "role": role,
            "bound": bound,
            "scope": scope,
            "sentence": " ".join(sentence.split()),
            "phrase": phrase,
            "cue": cue,
            "confidence": confidence,
        })
    return result


def _article_brief(article: Article) -> dict:
    return {
        "article_id": article.id,
        "published": _day(_published(article.published_at, article.fetched_at)),
        "outlet": article.outlet,
        "title": article.title,
        "url": article.url,
    }


def move_words(
    from_target: tuple[date, str] | None, to_target: tuple[date, str], *, short: bool = False
) -> str:
    """'fin 2025 → fin 2026' (``short``: 'fin 2026 → T1 2027'); '— → fin 2026' from nothing."""
    words = short_target if short else (lambda d, p: describe_target(d, p, "fr"))
    start = words(*from_target) if from_target else "—"
    return f"{start} → {words(*to_target)}"


def _briefs(session: Session, stmt) -> list[tuple]:
    """(key, article brief) pairs from ``stmt``, which selects a key then ``_brief_columns``.

    Plain columns: thousands of corroborating articles cost no ORM object (nor their text).
    """
    return [
        (key, {"article_id": article_id, "published": day, "outlet": outlet, "title": title,
               "url": url})
        for key, article_id, day, outlet, title, url in session.execute(stmt)
    ]


def _brief_columns(session: Session) -> tuple:
    when = func.coalesce(Article.published_at, Article.fetched_at)
    return (Article.id, _utc_text(session, when, "day"), Article.outlet, Article.title,
            Article.url)


def shift_rows(session: Session, since: date | None = None, *,
               status: str = "confirmed") -> list[dict]:
    """The moves of the target (``status`` "confirmed"), or the signals awaiting confirmation
    ("signal"), in the order they were published (``since``: on or after that day), each
    with the articles behind it: those that confirmed it, then those restating it since (a
    signal: those stating it)."""
    when = func.coalesce(Event.published_at, Event.detected_at)
    stmt = (select(Event).where(Event.kind == MOVE, Event.status == status)
            .order_by(when, Event.id))
    if since is not None:
        stmt = stmt.where(when >= _from_day(since))
    events = session.scalars(stmt).all()
    if not events:
        return []
    ids = [e.id for e in events]
    movers = dict(_briefs(session, select(Event.id, *_brief_columns(session))
                          .join(Article, Article.id == Event.article_id)
                          .where(Event.id.in_(ids))))
    corroborations: dict[int, list[dict]] = {}
    when = func.coalesce(Article.published_at, Article.fetched_at)
    for event_id, brief in _briefs(
        session,
        select(EventArticle.event_id, *_brief_columns(session))
        .join(Article, Article.id == EventArticle.article_id)
        .join(Event, Event.id == EventArticle.event_id)
        .where(EventArticle.event_id.in_(ids), EventArticle.article_id != Event.article_id)
        .order_by(EventArticle.relation != "confirms", when, Article.id),
    ):
        corroborations.setdefault(event_id, []).append(brief)
    statement_ids = [e.statement_id for e in events if e.statement_id]
    sentences = dict(session.execute(
        select(DeadlineStatement.id, DeadlineStatement.sentence)
        .where(DeadlineStatement.id.in_(statement_ids))
    ).all()) if statement_ids else {}
    rows = []
    for event in events:
        old = (event.from_deadline, event.from_precision or "day") if event.from_deadline else None
        new = (event.to_deadline, event.to_precision)
        mover = movers[event.id]
        rows.append({
            "id": event.id,
            "key": event.key,
            "published": _day(event.published_at) or mover["published"],
            "kind": event.how,
            "status": event.status,
            "basis": event.payload.get("basis", ""),
            "from": _iso(event.from_deadline),
            "from_precision": event.from_precision,
            "from_target": describe_target(*old, "fr") if old else None,
            "to": event.to_deadline.isoformat(),
            "to_precision": event.to_precision,
            "to_target": describe_target(*new, "fr"),
            "move": move_words(old, new),
            "move_short": move_words(old, new, short=True),
            **{k: v for k, v in mover.items() if k != "published"},
            "sentence": " ".join(sentences.get(event.statement_id, "").split()),
            "corroborated_by": corroborations.get(event.id, []),
        })
    return rows


def current_target(session: Session) -> dict | None:
    """The target known today (FORMAT.md's replay) with the article and sentence that set it.

    ``None`` while the store states no target.
    """
    state = known_target(session)
    if state.known is None:
        return None
    deadline, precision = state.known[0], state.known[1]
    statement = session.get(DeadlineStatement, state.known_statement) \
        if state.known_statement else None
    if statement is None and state.known_since is not None:
        statement = session.scalars(
            select(DeadlineStatement)
            .where(DeadlineStatement.article_id == state.known_since,
                   DeadlineStatement.deadline == deadline,
                   DeadlineStatement.kind.in_(TARGET_KINDS))
            .order_by(DeadlineStatement.offset)
        ).first()
    article = session.get(Article, state.known_since) if state.known_since else None
    return {
        "deadline": deadline.isoformat(),
        "precision": precision,
        "target": describe_target(deadline, precision, "fr"),
        "target_short": short_target(deadline, precision),
        **(_article_brief(article) if article else {"article_id": None, "published": None,
                                                     "outlet": None, "title": None, "url": None}),
        "sentence": " ".join(statement.sentence.split()) if statement else None,
        "phrase": statement.phrase if statement else None,
        "moves": len(state.moves),
        "superseded": [describe_target(t[0], t[1], "fr") for t in state.superseded],
    }


# --- providers -------------------------------------------------------------------------------
def provider_counts(
    session: Session, since: date | None = None, catalog: ProviderCatalog | None = None,
    *, relevant_only: bool = True, provider: str | None = None, lang: str = "en",
) -> list[dict]:
    """Articles and mentions per provider per month of publication, oldest month first.

    By default only the articles about the HDH's hosting count (the story the
    tool follows); ``relevant_only=False`` counts every stored article, the
    cloud news that merely names a watch term included. ``provider`` (a
    canonical name) keeps that provider's rows only. Syndicated copies are
    not counted twice. ``jurisdiction`` and ``certifications`` come from the
    catalogue, in words of ``lang``; a provider it does not know has none.
    """
    when = func.coalesce(Article.published_at, Article.fetched_at)
    month = _utc_text(session, when, "month").label("month")
    stmt = (
        select(month, ProviderMention.provider, func.count(ProviderMention.id),
               func.sum(ProviderMention.count))
        .join(Article, Article.id == ProviderMention.article_id)
        .where(Article.duplicate_of_id.is_(None))
        .group_by(month, ProviderMention.provider)
    )
    if relevant_only:
        stmt = stmt.where(Article.relevant.is_(True))
    if since is not None:
        stmt = stmt.where(when >= _from_day(since))
    if provider is not None:  # a canonical name
        stmt = stmt.where(ProviderMention.provider == provider)
    rows = []
    facts: dict[str, tuple[str, list[str]]] = {}  # the catalogue's lookup folds every alias
    for month_value, provider, articles, mentions in session.execute(stmt):
        if provider not in facts:
            facts[provider] = _catalog_facts(catalog, provider, lang)
        jurisdiction, certifications = facts[provider]
        rows.append({
            "month": month_value,
            "provider": provider,
            "articles": int(articles),
            "mentions": int(mentions or 0),
            "jurisdiction": jurisdiction,
            "certifications": list(certifications),
        })
    rows.sort(key=lambda r: (r["month"] or "", -r["mentions"], r["provider"]))
    return rows


def _catalog_facts(
    catalog: ProviderCatalog | None, name: str, lang: str
) -> tuple[str, list[str]]:
    if catalog is None:
        return "", []
    try:
        provider = catalog.get(name)
    except KeyError:
        return "", []
    certifications = [describe_certification(c, lang) for c in provider.certifications]
    return describe_jurisdiction(provider, lang), certifications


# --- export ----------------------------------------------------------------------------------
def labelled_row(article: Article) -> dict:
    """One article as a FORMAT.md corpus line, its predictions as the labels.

    The lead (chapô) opens the text, as the classifier reads it, so that
    scoring the export against the store finds the same predictions.
    """
    text = "\n\n".join(p.strip() for p in (article.lead, article.text) if p and p.strip())
    row = {
        "id": str(article.id),
        "url": article.url,
        "published": _day(_published(article.published_at, article.fetched_at)),
    }
    if article.language:
        row["language"] = article.language
    row.update(
        title=article.title,
        text=text,
        expected={
            "relevant": bool(article.relevant),
            "providers": [p.provider for p in article.providers],
            **labels([s.record() for s in article.deadlines]),
        },
    )
    return row


def _analyst_row(article: Article, raised: list[str], corroborates: list[str]) -> dict:
    return {
        "id": article.id,
        "url": article.url,
        "urls": sorted(u.url for u in article.urls),
        "published": _iso(article.published_at),
        "updated": _iso(article.updated_at),
        "fetched": _iso(article.fetched_at),
        "outlet": article.outlet,
        "language": article.language,
        "authors": list(article.authors or []),
        "title": article.title,
        "lead": article.lead,
        "description": article.description,
        "text": article.text,
        "content_hash": article.content_hash,
        "copy_of": article.duplicate_of_id,
        "relevant": article.relevant,
        "relevance_score": article.relevance_score,
        "relevance_reasons": list(article.relevance_reasons or []),
        "classified": _iso(article.classified_at),
        "classifier_version": article.classifier_version,
        "providers": [
            {"provider": p.provider, "count": p.count, "alias": p.alias,
             "sentence": " ".join(p.sentence.split())}
            for p in article.providers
        ],
        "frames": [
            {"frame": f.frame, "count": f.count, "sentence": " ".join(f.sentence.split())}
            for f in article.frames
        ],
        "deadlines": [
            {**label_of(s.record()), "target": describe_target(s.deadline, s.precision, "fr"),
             "phrase": s.phrase, "cue": s.cue, "sentence": " ".join(s.sentence.split())}
            for s in article.deadlines
        ],
        "shift": labels([s.record() for s in article.deadlines])["shift"],
        "shift_events": raised,
        "corroborates": corroborates,
    }


def export_rows(session: Session, labelled: bool = False) -> Iterator[dict]:
    """Every stored article, in publication order, one dict each (a generator: stores are big).

    Without ``labelled``: everything known about the article (metadata, text,
    relevance, providers, frames, deadlines with their evidence, the shift it
    reports, the shift events it raised or corroborates). With ``labelled``:
    exactly FORMAT.md's corpus line (see ``labelled_row``).
    """
    when = func.coalesce(Article.published_at, Article.fetched_at)
    ids = list(session.scalars(select(Article.id).order_by(when, Article.id)))
    options = [selectinload(Article.providers), selectinload(Article.deadlines)]
    if not labelled:
        options += [selectinload(Article.frames), selectinload(Article.urls)]
    for start in range(0, len(ids), EXPORT_BATCH):
        chunk = ids[start:start + EXPORT_BATCH]
        articles = {a.id: a for a in session.scalars(
            select(Article).where(Article.id.in_(chunk)).options(*options)
        )}
        raised: dict[int, list[str]] = {}
        corroborates: dict[int, list[str]] = {}
        if not labelled:
            for article_id, key in session.execute(
                select(Event.article_id, Event.key)
                .where(Event.article_id.in_(chunk), Event.status == "confirmed")
                .order_by(Event.id)
            ):
                raised.setdefault(article_id, []).append(key)
            for article_id, key in session.execute(
                select(EventArticle.article_id, Event.key)
                .join(Event, Event.id == EventArticle.event_id)
                .where(EventArticle.article_id.in_(chunk), Event.status == "confirmed",
                       EventArticle.article_id != Event.article_id)
                .order_by(Event.id)
            ):
                corroborates.setdefault(article_id, []).append(key)
        for article_id in chunk:
            article = articles[article_id]
            if labelled:
                yield labelled_row(article)
            else:
                yield _analyst_row(article, raised.get(article_id, []),
                                   corroborates.get(article_id, []))
