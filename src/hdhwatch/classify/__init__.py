"""Classification: relevance, providers, frames, deadline statements and a reported shift.

``classify(article)`` is pure: the stages it composes each live in their own
module (``relevance``, ``providers``, ``deadlines``). Deadlines are only
looked for in relevant articles: a date in a story that is not about the HDH's
hosting is not a statement of the HDH's migration date.
"""

from __future__ import annotations

from datetime import date

from hdhwatch.classify.deadlines import find_dates, reported_shift
from hdhwatch.classify.providers import ProviderCatalog, find_frames, find_providers
from hdhwatch.classify.relevance import assess_relevance
from hdhwatch.records import Article, Classification

# Bump when the rules change: `hdhwatch classify --all` re-runs older results.
CLASSIFIER_VERSION = "2026.11.28c"


def classified_text(article: Article) -> str:
    """The text every offset refers to: title, lead and body, separated by blank lines."""
    parts = [article.title, article.lead, article.text]
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


def classify(
    article: Article, catalog: ProviderCatalog | None = None, *, today: date | None = None
) -> Classification:
    """Classify one article; ``today`` anchors relative dates when it has no publication date."""
    text = classified_text(article)
    relevance = assess_relevance(article.title, article.lead, article.text, article.language)
    providers = find_providers(text, catalog)
    frames = find_frames(text)
    deadlines: tuple = ()
    shift = None
    anchor = article.published_date or today
    if relevance.relevant and anchor is not None:
        deadlines = tuple(find_dates(text, anchor, article.language))
        shift = reported_shift([d for d in deadlines if d.is_target])
    return Classification(
        relevance=relevance,
        providers=providers,
        frames=frames,
        deadlines=deadlines,
        shift=shift,
        version=CLASSIFIER_VERSION,
    )
