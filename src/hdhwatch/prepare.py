"""The pure half of the pipeline: a fetched page (or a corpus line) becomes a classified
article, or is dropped for naming no watch term. No database, no network: a crawl's
worker processes import only this (and the extraction and classification below it),
not the store, the events or the channels (their start-up: 0.6 s of CPU, not 1.0).
``hdhwatch.pipeline`` stores what this prepares.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from hdhwatch.classify import classify
from hdhwatch.classify.providers import ProviderCatalog
from hdhwatch.errors import OffTopic
from hdhwatch.extract import content_hash, parse_article
from hdhwatch.records import Article as ArticleRecord
from hdhwatch.records import Classification
from hdhwatch.textutil import fold_fast


@dataclass(frozen=True)
class Prepared:
    """An article ready to store: extracted (or read from a corpus) and classified."""

    article: ArticleRecord
    classification: Classification
    content_hash: str


def matches_watch_terms(article: ArticleRecord, terms: Sequence[str]) -> str | None:
    """The first watch term found in title, lead, description or body (accent- and
    case-insensitive, whole words), or None."""
    haystack = fold_fast(
        " \n ".join(filter(None, [article.title, article.lead, article.description, article.text]))
    )
    for term in terms:
        needle = fold_fast(term)
        # The substring test first: a pattern opening on a look-behind makes `re` try
        # every position of the text (~0.1 ms a term on an 800-word article).
        if needle in haystack and re.search(rf"(?<!\w){re.escape(needle)}(?!\w)", haystack):
            return term
    return None


def terms_version(terms: Sequence[str]) -> str:
    """A short fingerprint of the watch terms as ``matches_watch_terms`` reads them
    (folded, order and repeats aside): a page dropped under one version may be kept
    under another."""
    folded = sorted({fold_fast(term) for term in terms})
    return hashlib.sha256("\n".join(folded).encode("utf-8")).hexdigest()[:16]


def prepare(
    page: bytes | str | ArticleRecord, url: str | None = None, *,
    catalog: ProviderCatalog | None = None, watch_terms: Sequence[str] = (),
    max_bytes: int | None = None, today: date | None = None,
) -> Prepared:
    """Extract (unless given an article already), keep or drop, classify. Pure.

    Raises ``ExtractionError`` (with its reason) for a page that is not an article, and
    ``OffTopic`` for one that names none of ``watch_terms``. ``today`` anchors relative
    dates when the article has no publication date (the day it was fetched).
    """
    if isinstance(page, ArticleRecord):
        article = page
    else:
        kwargs = {"max_bytes": max_bytes} if max_bytes is not None else {}
        article = parse_article(page, url or "", **kwargs)
    if watch_terms and not matches_watch_terms(article, watch_terms):
        raise OffTopic(f"{article.url}: names none of the watch terms")
    result = classify(article, catalog, today=today or datetime.now(UTC).date())
    return Prepared(article, result, content_hash(article))
