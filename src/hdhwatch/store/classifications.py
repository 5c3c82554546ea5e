"""Classifications in the store: what the classifier found about an article.

``persist_classification`` replaces an article's relevance, provider and frame
mentions and deadline statements with a new ``Classification``; the timeline
(``events.timeline``) is replayed from these rows.
"""

from __future__ import annotations

from sqlalchemy import delete, insert
from sqlalchemy.orm import Session

from hdhwatch.records import Classification
from hdhwatch.store.db import utcnow
from hdhwatch.store.models import (
    Article,
    DeadlineStatement,
    EventArticle,
    FrameMention,
    ProviderMention,
    StoryFinding,
)


def persist_classification(session: Session, article: Article, result: Classification) -> None:
    """Replace what was stored about this article with ``result`` (idempotent).

    Rows go in as one multi-row insert per table: a crawl persists every new
    article's classification in its write transaction. An article never
    classified has nothing to delete.
    """
    if article.classified_at is not None:
        for model in (ProviderMention, FrameMention, EventArticle, DeadlineStatement,
                      StoryFinding):
            session.execute(delete(model).where(model.article_id == article.id))
        session.expire(article, ["providers", "frames", "dates", "deadlines", "findings"])
    article.relevant = result.relevance.relevant
    article.relevance_score = result.relevance.score
    article.relevance_reasons = list(result.relevance.reasons)
    article.classified_at = utcnow()
    article.classifier_version = result.version
    rows = {
        ProviderMention: [
            dict(article_id=article.id, provider=p.name, count=p.count, sentence=p.sentence,
                 offset=p.offset, alias=p.alias)
            for p in result.providers
        ],
        FrameMention: [
            dict(article_id=article.id, frame=f.name, count=f.count, sentence=f.sentence,
                 offset=f.offset)
            for f in result.frames
        ],
        DeadlineStatement: [
            dict(article_id=article.id, deadline=d.deadline, precision=d.precision, role=d.role,
                 bound=d.bound, scope=d.scope, sentence=d.sentence, offset=d.offset,
                 phrase=d.phrase, cue=d.cue, kind=d.kind, confidence=d.confidence,
                 basis=d.basis, approx=d.approx)
            for d in result.deadlines
        ],
        StoryFinding: [
            dict(article_id=article.id, kind=f.kind, status=f.status, subject=f.subject,
                 sentence=f.sentence, offset=f.offset, confidence=f.confidence)
            for f in result.findings
        ],
    }
    for model, values in rows.items():
        if values:
            session.execute(insert(model), values)
    session.flush()
