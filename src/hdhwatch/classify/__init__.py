"""Classification: relevance, providers, frames, deadline statements and a reported shift.

``classify(article)`` is pure: the stages it composes each live in their own
module (``relevance``, ``providers``, ``deadlines``). Deadlines are only
looked for in relevant articles: a date in a story that is not about the HDH's
hosting is not a statement of the HDH's migration date. One exception makes a
story relevant: a sentence that names the HDH and sets the date of its move
("la migration complète est désormais envisagée d'ici la fin de 2026", paragraph
nine of a hearing report on public procurement) is the news this tool is for.
"""

from __future__ import annotations

from datetime import date

from hdhwatch.classify.deadlines import find_dates, reported_shift
from hdhwatch.classify.providers import ProviderCatalog, find_frames, find_providers
from hdhwatch.classify.relevance import assess_relevance, names_hdh
from hdhwatch.classify.story import find_findings
from hdhwatch.records import Article, Classification, Relevance

# Bump when the rules change: `hdhwatch classify --all` re-runs older results.
CLASSIFIER_VERSION = "2026.12.06b"


def classified_text(article: Article) -> str:
    """The text every offset refers to: title, lead and body, separated by blank lines."""
    parts = [article.title, article.lead, article.text]
    return "\n\n".join(p.strip() for p in parts if p and p.strip())


CONTEXT_CHARS = 1500  # how far back "la directrice", "la plateforme" may point


def _context(text: str, offset: int, length: int) -> str:
    """A sentence with the paragraphs before it that its pronouns may refer to: those that
    start within ``CONTEXT_CHARS`` of it."""
    start = text.find("\n\n", max(0, offset - CONTEXT_CHARS), offset)
    return text[0 if start < 0 or offset <= CONTEXT_CHARS else start:offset + length]


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
    if anchor is not None and (relevance.relevant or relevance.score > 0):
        deadlines = tuple(find_dates(text, anchor, article.language))
        if not relevance.relevant:
            stated = next((d for d in deadlines if d.kind == "target" and d.confidence == "high"
                           and names_hdh(_context(text, d.offset, len(d.sentence)))), None)
            if stated is None:
                deadlines = ()
            else:
                reason = f"body:hdh target {stated.deadline.isoformat()}"
                relevance = Relevance(True, relevance.score, (*relevance.reasons, reason))
        shift = reported_shift([d for d in deadlines if d.is_target])
    findings = tuple(find_findings(text, anchor, catalog)) if relevance.relevant else ()
    return Classification(
        relevance=relevance,
        providers=providers,
        frames=frames,
        deadlines=deadlines,
        shift=shift,
        version=CLASSIFIER_VERSION,
        findings=findings,
    )
