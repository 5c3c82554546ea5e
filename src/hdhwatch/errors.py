"""Named errors: one small exception per reason something is rejected or fails."""

from __future__ import annotations


class HdhwatchError(Exception):
    """Base class of every error hdhwatch raises on purpose."""


class ConfigError(HdhwatchError):
    """The configuration files or environment variables are invalid."""


class ExtractionError(HdhwatchError):
    """A page could not be turned into an article; ``reason`` says why."""

    reason = "extraction_failed"

    def __init__(self, message: str, url: str | None = None) -> None:
        super().__init__(message)
        self.url = url


class EmptyBody(ExtractionError):
    """The page has no usable article body."""

    reason = "empty_body"


class NotHtml(ExtractionError):
    """The response is not an HTML document."""

    reason = "not_html"


class PageTooLarge(ExtractionError):
    """The page is larger than the configured limit."""

    reason = "too_large"


class OffTopic(HdhwatchError):
    """The article matches none of the watch terms."""

    reason = "off_topic"


class FeedError(HdhwatchError):
    """A feed or sitemap could not be parsed."""

    reason = "malformed_feed"


class UnknownSource(HdhwatchError):
    """No configured source has that name."""


class QueryError(HdhwatchError):
    """A query has invalid input (bad date, unknown provider, bad search syntax)."""


class CorpusError(HdhwatchError):
    """A labelled-corpus file does not follow FORMAT.md."""
