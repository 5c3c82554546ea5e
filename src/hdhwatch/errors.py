"""Named errors: one small exception per reason something is rejected or fails.

``exit_code`` is the command line's exit status when the error ends a command:
2 when what the user gave is wrong (an argument, an option, the configuration),
1 when something failed or was not there.
"""

from __future__ import annotations


class HdhwatchError(Exception):
    """Base class of every error hdhwatch raises on purpose."""

    exit_code = 1


class InvalidInput(HdhwatchError):
    """What the user gave (an argument, an option, a configuration value) is invalid."""

    exit_code = 2


class ConfigError(InvalidInput):
    """The configuration files or environment variables are invalid."""


class DatabaseUnavailable(HdhwatchError):
    """The database cannot be opened or reached (never shows the password)."""


class NotFound(HdhwatchError):
    """The store holds nothing under that id, URL or address."""


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


class RefusedUrl(HdhwatchError):
    """A URL the crawler will not request; ``reason`` is the error kind recorded."""

    reason = "refused"


class BadScheme(RefusedUrl):
    """The URL is not http or https (file:, ftp:, javascript:, mailto:…)."""

    reason = "bad_scheme"


class BadUrl(RefusedUrl):
    """The http(s) URL cannot be requested: no host, a malformed port or address."""

    reason = "bad_url"


class UrlTooLong(RefusedUrl):
    """The URL is longer than the crawler requests."""

    reason = "url_too_long"


class PrivateAddress(RefusedUrl):
    """The host is a private or loopback address, and the configuration does not allow those."""

    reason = "private_address"


class RedirectLoop(RefusedUrl):
    """The URL redirects back to one already visited on the way."""

    reason = "redirect_loop"


class StoreFailed(HdhwatchError):
    """The database refused to store a page's article."""

    reason = "store_failed"


class WorkerFailed(HdhwatchError):
    """The worker process preparing a page died, twice: the page is not stored this crawl."""

    reason = "worker_failed"


class CrawlFailed(HdhwatchError):
    """The crawl process died before recording anything; the message holds its last output."""


class UnknownSource(InvalidInput):
    """No configured source has that name."""


class QueryError(InvalidInput):
    """A query has invalid input (bad date, unknown provider, bad search syntax)."""


class CorpusError(InvalidInput):
    """A labelled-corpus file does not follow docs/corpus-format.md."""


class InvalidAddress(InvalidInput):
    """An e-mail address a subscriber gave is not one mail can be delivered to."""


class InvalidPreference(InvalidInput):
    """A subscription preference (language, digest frequency) has an unknown value."""


class UnknownSubscriber(NotFound):
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


class PlotError(InvalidInput):
    """A timeline picture cannot be drawn to that file (unknown format, unwritable path)."""
