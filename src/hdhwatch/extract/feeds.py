"""Discovery: turn a feed, a news sitemap or a listing page into article links.

Pure functions over bytes; a document that can't be read raises ``FeedError``
with the reason, so the crawl records it and goes on with the other sources.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urljoin

from lxml import etree

from hdhwatch.errors import FeedError

_PARSER = etree.XMLParser(recover=True, resolve_entities=False, no_network=True, huge_tree=False)
_STRICT = etree.XMLParser(recover=False, resolve_entities=False, no_network=True)


@dataclass(frozen=True)
class Link:
    """An article link found by discovery, with what the feed says of it."""

    url: str
    title: str | None = None
    published: datetime | None = None


@dataclass(frozen=True)
class SitemapIndex:
    """A sitemap index: more sitemaps to fetch."""

    sitemaps: tuple[str, ...]


def _local(tag: object) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _parse_xml(body: bytes, what: str) -> tuple[etree._Element, str | None]:
    """The document's root, and the syntax error if it had to be recovered."""
    if not body or not body.strip():
        raise FeedError(f"empty {what}")
    try:
        return etree.fromstring(body, _STRICT), None
    except etree.XMLSyntaxError as strict_error:
        # Real feeds are often slightly broken (a stray &): recover what is readable,
        # and still report the document as malformed.
        try:
            root = etree.fromstring(body, _PARSER)
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise FeedError(f"malformed {what}: {strict_error}") from strict_error
        return root, f"malformed {what}: {strict_error}"


def _text(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    value = "".join(element.itertext()).strip()
    return value or None


def _date(value: str | None) -> datetime | None:
    if not value:
        return None
    from email.utils import parsedate_to_datetime

    value = value.strip()
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None


def parse_feed(body: bytes, base_url: str) -> list[Link]:
    """Links of an RSS 2.0, RSS 1.0 (RDF) or Atom feed, in document order.

    A malformed feed raises ``FeedError`` carrying the links it was still possible to read.
    """
    root, problem = _parse_xml(body, "feed")
    kind = _local(root.tag)
    if kind not in ("rss", "RDF", "feed"):
        raise FeedError(f"not a feed: root element <{kind}>")
    links: list[Link] = []
    for item in root.iter():
        name = _local(item.tag)
        if name not in ("item", "entry"):
            continue
        children = {_local(child.tag): child for child in reversed(list(item))}
        url = None
        if name == "entry":
            for child in item:
                if _local(child.tag) == "link" and child.get("rel", "alternate") == "alternate":
                    url = child.get("href")
                    break
        else:
            url = _text(children.get("link"))
            guid = children.get("guid")
            if not url and guid is not None and guid.get("isPermaLink", "true") != "false":
                url = _text(guid)
        if not url:
            continue
        published = _date(
            _text(children.get("pubDate"))
            or _text(children.get("published"))
            or _text(children.get("updated"))
            or _text(children.get("date"))
        )
        links.append(Link(_absolute(base_url, url), _text(children.get("title")), published))
    if (
        not links
        and kind != "feed"
        and root.find(".//channel") is None
        and root.find(".//{*}channel") is None
    ):
        raise FeedError("malformed feed: no channel and no items")
    if problem:
        raise FeedError(problem, links)
    return links


def parse_sitemap(body: bytes, base_url: str, allow: str = "") -> list[Link] | SitemapIndex:
    """Links of a (news) sitemap, or the sitemaps listed by a sitemap index."""
    root, problem = _parse_xml(body, "sitemap")
    kind = _local(root.tag)
    if kind == "sitemapindex":
        locs = [_text(el) for el in root.iter("{*}loc")]
        return SitemapIndex(tuple(_absolute(base_url, loc) for loc in locs if loc))
    if kind != "urlset":
        raise FeedError(f"not a sitemap: root element <{kind}>")
    pattern = re.compile(allow) if allow else None
    links = []
    for url_el in root.iter("{*}url"):
        loc = _text(url_el.find("{*}loc"))
        if not loc or (pattern and not pattern.search(loc)):
            continue
        title = _text(url_el.find(".//{*}news/{*}title"))
        published = _date(
            _text(url_el.find(".//{*}news/{*}publication_date")) or _text(url_el.find("{*}lastmod"))
        )
        links.append(Link(_absolute(base_url, loc), title, published))
    if problem:
        raise FeedError(problem, links)
    return links


def parse_listing(
    html: str, base_url: str, link_selector: str, next_selector: str = "", allow: str = ""
) -> tuple[list[Link], str | None]:
    """Article links of a listing page (CSS selectors from config) and its next page."""
    from cssselect import SelectorSyntaxError
    from parsel import Selector

    selector = Selector(text=html or "<html></html>")
    pattern = re.compile(allow) if allow else None
    try:
        hrefs = selector.css(_href(link_selector)).getall()
        next_href = selector.css(_href(next_selector)).get() if next_selector else None
    except (SelectorSyntaxError, ValueError) as exc:
        raise FeedError(f"invalid CSS selector in source config: {exc}") from exc
    seen = set()
    links = []
    for href in hrefs:
        url = _absolute(base_url, href)
        if url in seen or (pattern and not pattern.search(url)):
            continue
        seen.add(url)
        links.append(Link(url))
    return links, _absolute(base_url, next_href) if next_href else None


def _absolute(base_url: str, href: str) -> str:
    """The link made absolute; as written when it cannot be parsed (``http://[::1``), for
    the crawler to refuse and count, rather than losing the rest of the document."""
    try:
        return urljoin(base_url, href.strip())
    except ValueError:
        return href.strip()


def _href(selector: str) -> str:
    return selector if "::" in selector else f"{selector}::attr(href)"
