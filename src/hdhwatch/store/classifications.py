"""Classifications in the store: what the classifier found about an article.

``persist_classification`` replaces an article's relevance, provider and frame
mentions and deadline statements with a new ``Classification``; the timeline
(``events.timeline``) is replayed from these rows.
"""

from __future__ import annotations

from sqlalchemy import bindparam, delete, insert, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from hdhwatch.records import Classification
from hdhwatch.store.db import core_connection, utcnow
from hdhwatch.store.models import (
    Article,
    DeadlineStatement,
    EventArticle,
    FrameMention,
    ProviderMention,
    StoryFinding,
)

_TABLES = (ProviderMention.__table__, FrameMention.__table__, DeadlineStatement.__table__,
           StoryFinding.__table__)
_INSERTS = {table: insert(table) for table in _TABLES}
_ARTICLE = Article.__table__
_CLASSIFIED = (
    update(_ARTICLE)
    .where(_ARTICLE.c.id == bindparam("article_id"))
    .values({name: bindparam(name) for name in (
        "relevant", "relevance_score", "relevance_reasons", "classified_at",
        "classifier_version")})
)


def persist_classification(session: Session, article: Article, result: Classification) -> None:
    """Replace what was stored about this article with ``result`` (idempotent).

    An article never classified has nothing to delete. The statements run on the
    session's connection, compiled once; the article's new values are set on it as
    loaded (nothing left for the ORM to flush).
    """
    if article.classified_at is not None:
        for model in (ProviderMention, FrameMention, EventArticle, DeadlineStatement,
                      StoryFinding):
            session.execute(delete(model).where(model.article_id == article.id))
        session.expire(article, ["providers", "frames", "dates", "deadlines", "findings"])
    session.flush()  # what else is pending goes in too, as it did after the rows
    classified = _write(session.connection(), article.id, result)
    for name, value in classified.items():
        set_committed_value(article, name, value)


def persist_new_classification(session: Session, article_id: int, result: Classification) -> None:
    """The classification of an article ``save_article`` has just inserted (nothing is
    stored about it yet), without loading the article: what a crawl does for every new
    page, in its write transaction."""
    _write(core_connection(session), article_id, result)


def _write(connection, article_id: int, result: Classification) -> dict:
    """The article's classification columns and its rows, one multi-row insert per table;
    returns the columns' new values."""
    classified = dict(
        relevant=result.relevance.relevant,
        relevance_score=result.relevance.score,
        relevance_reasons=list(result.relevance.reasons),
        classified_at=utcnow(),
        classifier_version=result.version,
    )
    connection.execute(_CLASSIFIED, dict(classified, article_id=article_id))
    rows = {
        ProviderMention.__table__: [
            dict(article_id=article_id, provider=p.name, count=p.count, sentence=p.sentence,
                 offset=p.offset, alias=p.alias)
            for p in result.providers
        ],
        FrameMention.__table__: [
            dict(article_id=article_id, frame=f.name, count=f.count, sentence=f.sentence,
                 offset=f.offset)
            for f in result.frames
        ],
        DeadlineStatement.__table__: [
            dict(article_id=article_id, deadline=d.deadline, precision=d.precision, role=d.role,
                 bound=d.bound, scope=d.scope, sentence=d.sentence, offset=d.offset,
                 phrase=d.phrase, cue=d.cue, kind=d.kind, confidence=d.confidence,
                 basis=d.basis, approx=d.approx)
            for d in result.deadlines
        ],
        StoryFinding.__table__: [
            dict(article_id=article_id, kind=f.kind, status=f.status, subject=f.subject,
                 sentence=f.sentence, offset=f.offset, confidence=f.confidence)
            for f in result.findings
        ],
    }
    for table, values in rows.items():
        if values:
            connection.execute(_INSERTS[table], values)
    return classified
