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
    """A feed or sitemap could not be parsed; ``links`` holds what could be recovered."""

    reason = "malformed_feed"

    def __init__(self, message: str, links: list | None = None) -> None:
        super().__init__(message)
        self.links = links or []


class CrawlFailed(HdhwatchError):
    """The crawl process died before recording anything; the message holds its last output."""


class UnknownSource(HdhwatchError):
    """No configured source has that name."""


class QueryError(HdhwatchError):
    """A query has invalid input (bad date, unknown provider, bad search syntax)."""


class CorpusError(HdhwatchError):
    """A labelled-corpus file does not follow docs/corpus-format.md."""


class InvalidAddress(HdhwatchError):
    """An e-mail address a subscriber gave is not one mail can be delivered to."""


class InvalidPreference(HdhwatchError):
    """A subscription preference (language, digest frequency) has an unknown value."""


class UnknownSubscriber(HdhwatchError):
    """No subscription has that address or unsubscribe token."""


class DeliveryError(HdhwatchError):
    """The mail server refused a message or could not be reached (never shows the password).

    ``permanent``: retrying this message cannot help (the recipient was refused).
    ``per_message``: the server itself works; other messages may still go through.
    """

    def __init__(self, message: str, *, permanent: bool = False, per_message: bool = False):
        super().__init__(message)
        self.permanent = permanent
        self.per_message = per_message


class PlotError(HdhwatchError):
    """A timeline picture cannot be drawn to that file (unknown format, unwritable path)."""
