"""What the crawler may request: http and https URLs of a sane length, on public
addresses unless the configuration allows private ones (``[crawl]
allow_private_addresses``).

Pure functions raising a named ``RefusedUrl``. The spiders check every link they
discover before asking for it (``CrawlSession.new_links``); a downloader
middleware checks every request, redirects included, and the addresses of each
host it resolves.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from urllib.parse import urlsplit

from hdhwatch.errors import BadScheme, BadUrl, PrivateAddress, UrlTooLong

SCHEMES = ("http", "https")
# Scrapy's default URLLENGTH_LIMIT (browsers' old limit); longer links are spam or traps.
MAX_URL_LENGTH = 2083


def check_url(url: str) -> str:
    """``url`` itself if the crawler may request it; raises BadScheme, BadUrl or UrlTooLong."""
    shown = url if len(url) <= 200 else f"{url[:200]}…"
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 (raises ValueError on a malformed port)
    except ValueError as exc:
        raise BadUrl(f"{shown}: {exc}") from exc
    if parts.scheme.lower() not in SCHEMES:
        raise BadScheme(f"{shown}: only http and https URLs are requested")
    if not parts.hostname:
        raise BadUrl(f"{shown}: no host")
    if len(url) > MAX_URL_LENGTH:
        raise UrlTooLong(f"{shown}: {len(url)} characters, the limit is {MAX_URL_LENGTH}")
    return url


def check_addresses(host: str, addresses: Iterable[str]) -> None:
    """Raise PrivateAddress unless every address of ``host`` is a public one."""
    for address in addresses:
        ip = ipaddress.ip_address(address)
        public = getattr(ip, "ipv4_mapped", None) or ip  # ::ffff:127.0.0.1 is loopback
        if not public.is_global:
            raise PrivateAddress(
                f"{host} is at {ip}, a private or loopback address "
                "([crawl] allow_private_addresses is off)"
            )
