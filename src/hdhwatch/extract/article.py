"""Extraction stage: turn one fetched HTML page into an ``Article``.

``parse_article`` is a pure function over the page (text or bytes) and its URL: no
network, no database. Structured metadata (JSON-LD, OpenGraph and other ``<meta>``
tags, ``<time>`` elements) is read here, in a fixed order of trust; the body text
comes from trafilatura, run on a tree from which the lead and the usual press
boilerplate ("Lire aussi" boxes, share bars, comments) have been removed first.
Every rejection is a named ``ExtractionError``; nothing is returned as ``None``.

``canonical_url`` and ``content_hash`` give the two keys used to recognise the same
story: the address without tracking parameters, and the normalised body text.
"""

from __future__ import annotations

import copy
import hashlib
import html as html_lib
import json
import logging
import re
import threading
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from functools import cache, lru_cache
from typing import Any
from urllib.parse import SplitResult, unquote, urljoin, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

import dateparser
import lxml.html
import trafilatura
from lxml import etree
from trafilatura.metadata import extract_metadata
from trafilatura.settings import Document, Extractor, use_config
from w3lib.encoding import html_to_unicode

from hdhwatch.errors import EmptyBody, ExtractionError, NotHtml, PageTooLarge
from hdhwatch.records import Article
from hdhwatch.textutil import fold

_log = logging.getLogger(__name__)

PARIS = ZoneInfo("Europe/Paris")
MIN_BODY_CHARS = 200  # below this the body is boilerplate or a paywall stub...
MIN_LEAD_CHARS = 100  # ...unless the chapô alone says enough (paywalled articles)
MAX_LEAD_CHARS = 1200  # a longer "lead" is a container that holds the whole article
MAX_TITLE_CHARS = 300  # a longer <h1> is an unclosed one that swallowed the page

# --- canonical URLs --------------------------------------------------------------------

_TRACKING_NAMES = frozenset(
    "fbclid gclid mc_cid mc_eid xtor _ga cmpid ref ocid twclid igshid".split()
)
_TRACKING_PREFIXES = ("utm_", "at_", "ns_", "pk_", "mtm_")
_DEFAULT_PORTS = {"http": 80, "https": 443}


def canonical_url(url: str) -> str:
    """The URL without what varies between links to one page.

    Lower-cases scheme and host, drops the default port, the fragment and tracking
    parameters (``utm_*``, ``fbclid``, ``xtor``...), sorts the remaining parameters
    (keeping their original encoding) and drops an empty query. The path keeps its case.
    """
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    netloc = _canonical_netloc(parts, scheme)
    pairs = [p for p in re.split(r"[&;]", parts.query) if p and not _is_tracking(p)]
    pairs.sort(key=lambda pair: (unquote(pair.partition("=")[0]), pair))
    path = parts.path or ("/" if netloc else "")
    return urlunsplit((scheme, netloc, path, "&".join(pairs), ""))


def _canonical_netloc(parts: SplitResult, scheme: str) -> str:
    host = parts.hostname or ""
    if not host:
        return parts.netloc.lower()
    if ":" in host:  # IPv6 literal
        host = f"[{host}]"
    userinfo = parts.netloc.rpartition("@")[0]
    try:
        port = parts.port
    except ValueError:  # a malformed port: leave the address as written
        return parts.netloc.lower()
    netloc = f"{userinfo}@{host}" if userinfo else host
    if port is not None and port != _DEFAULT_PORTS.get(scheme):
        netloc += f":{port}"
    return netloc


def _is_tracking(pair: str) -> bool:
    name = unquote(pair.partition("=")[0]).strip().lower()
    return name in _TRACKING_NAMES or name.startswith(_TRACKING_PREFIXES)


# --- content hash ----------------------------------------------------------------------

_NON_WORD = re.compile(r"[\W_]+")


def content_hash(article: Article) -> str:
    """sha256 (hex) of the body text, case-folded, without punctuation, spaces collapsed.

    The same story syndicated under several URLs, with other navigation, footers and
    title suffixes, gets the same hash. A body too short to tell stories apart (a
    paywall stub) is prefixed with the lead, so two stubs do not collide.
    """
    key = _hash_key(article.text)
    if len(key) < MIN_BODY_CHARS and article.lead:
        key = f"{_hash_key(article.lead)}\n{key}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def _hash_key(text: str) -> str:
    return _NON_WORD.sub(" ", unicodedata.normalize("NFKC", text).casefold()).strip()


# --- parse_article ---------------------------------------------------------------------


def parse_article(
    html: str | bytes,
    url: str,
    *,
    max_bytes: int = 10 * 1024 * 1024,
    content_type: str | None = None,
) -> Article:
    """Extract title, dates, authors, lead and body text from one article page.

    ``content_type`` is the HTTP ``Content-Type`` header, if known: its charset wins
    over the page's ``<meta charset>`` when ``html`` is bytes.

    Raises ``PageTooLarge``, ``NotHtml``, ``EmptyBody``, or ``ExtractionError`` when
    trafilatura fails.
    """
    # A character takes at most 4 bytes in UTF-8 (a lone surrogate 3): a str of at most
    # max_bytes / 4 characters is within the limit without being encoded to count them.
    if isinstance(html, bytes) or 4 * len(html) > max_bytes:
        size = len(html) if isinstance(html, bytes) else len(html.encode("utf-8", "surrogatepass"))
        if size > max_bytes:
            raise PageTooLarge(f"page is {size} bytes, the limit is {max_bytes}", url)
    if isinstance(html, bytes):
        _reject_binary(html[:8].decode("latin-1"), url)
        text = _decode(html, content_type)
    else:
        _reject_binary(html[:8], url)
        text = html
    _reject_non_html(text, url)
    tree = _parse_tree(text, url)

    # metadata first: the body stage below prunes the tree in place
    page = _Page.read(tree, url)
    lead_element, lead = _find_lead(page)
    outlet = page.outlet()
    title = page.title(outlet)
    published, updated = page.dates()
    authors = page.authors(outlet)
    canonical = page.canonical()
    language = page.language()
    description = page.first_meta("description", "og:description", "twitter:description")

    _prune_boilerplate(page, lead_element)
    document, fallback = _extract_body(page, url)
    body = _clean_body(document.text or "", title, lead, authors)
    if len(body) < MIN_BODY_CHARS and len(lead or "") < MIN_LEAD_CHARS:
        raise EmptyBody(f"no article body: {len(body)} characters after boilerplate removal", url)

    if published is None and fallback.date:  # htmldate's heuristics, the last resort
        published = _parse_datetime(fallback.date)
    if not authors and fallback.author:
        authors = _dedupe_names(_split_names(fallback.author), outlet)
    return Article(
        url=canonical,
        title=title or _clean_title(fallback.title or "", (outlet,)),
        text=body,
        lead=lead,
        published=published,
        updated=updated,
        authors=authors,
        outlet=outlet,
        language=language or _guess_language(body),
        description=description or fallback.description or None,
    )


# --- decoding, sniffing, parsing -------------------------------------------------------


def _decode(data: bytes, content_type: str | None) -> str:
    # BOM > Content-Type header > <meta charset>/http-equiv > UTF-8 if it decodes, else
    # Windows-1252, which w3lib also substitutes for a declared ISO-8859-1.
    return html_to_unicode(content_type, data, auto_detect_fun=_utf8_or_cp1252)[1]


def _utf8_or_cp1252(data: bytes) -> str:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


# file signatures, as the first bytes read one byte per character (latin-1)
_BINARY_MAGIC = {
    "%PDF-": "a PDF document",
    "\x89PNG": "a PNG image",
    "GIF8": "a GIF image",
    "\xff\xd8\xff": "a JPEG image",
    "RIFF": "a RIFF file (image, audio or video)",
    "PK\x03\x04": "a ZIP archive (office document?)",
    "\x1f\x8b": "gzip data",
    "\xd0\xcf\x11\xe0": "an OLE document (Word, Excel)",
}
_PROLOG = re.compile(r"\A(?:\s+|<\?[^>]*>|<!--.*?-->|<!DOCTYPE[^>]*>)*", re.S | re.I)
_ROOT = re.compile(r"<([A-Za-z][\w:.-]*)")
_FEED_ROOTS = {"rss": "an RSS feed", "feed": "an Atom feed", "rdf:rdf": "an RSS feed"}
_SITEMAP_ROOTS = ("urlset", "sitemapindex")
_HTML_TAG = re.compile(
    r"<(?:html|head|body|title|meta|div|p|article|main|section|h[1-6]|span|a|br|table|script)[\s>/]",
    re.I,
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


def _reject_binary(start: str, url: str) -> None:
    for magic, kind in _BINARY_MAGIC.items():
        if start.startswith(magic):
            raise NotHtml(f"not an HTML page: {kind}", url)


def _reject_non_html(text: str, url: str) -> None:
    head = text[:4096].lstrip("\ufeff \t\r\n")
    if not head:
        raise EmptyBody("no article body: the document is empty", url)
    kind = _sniff(head, text)
    if kind is None and not _HTML_TAG.search(text):
        kind = "text without HTML markup"
    if kind:
        raise NotHtml(f"not an HTML page: {kind}", url)


def _sniff(head: str, text: str) -> str | None:
    if len(_CONTROL.findall(head[:1024])) > 8:
        return "binary data"
    if head[0] in "{[":
        try:
            json.loads(text)
        except ValueError:
            pass  # not JSON after all (or truncated): the markup test decides
        else:
            return "JSON data"
    prolog = _PROLOG.match(head)
    root = _ROOT.match(head, prolog.end() if prolog else 0)
    name = root.group(1).lower() if root else ""
    if name in _FEED_ROOTS:
        return _FEED_ROOTS[name]
    if name in _SITEMAP_ROOTS:
        return "a sitemap"
    if head.startswith("<?xml") and name and name != "html":
        return f"an XML document (<{name}>)"
    return None


_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*>")
# elements that only wrap others, which broken pages leave unclosed by the thousand
_WRAPPERS = ("div", "section", "span", "font", "center", "b", "i", "em", "strong", "u", "small")
# libxml2 stops at 2,048 open elements and drops the rest of the page: such a page is
# parsed again with its divs as paragraphs, which close themselves
_WRAPPER_TAG = re.compile(rf"<(/?)({'|'.join(_WRAPPERS)})(?=[\s>/])([^>]*)>", re.I)


# the characters _CONTROL matches, for a cheaper test of whether a page holds any
_CONTROL_CHARS = tuple(chr(c) for c in range(0x20) if _CONTROL.match(chr(c)))


def _parse_tree(text: str, url: str) -> lxml.html.HtmlElement:
    # lxml refuses a str carrying an encoding declaration, and NUL bytes.
    text = _XML_DECLARATION.sub("", text, count=1)
    # Exact shortcut: the sub changes nothing unless one of its characters is in the text;
    # a few "in" tests (memchr-fast) cost a quarter of the sub's scan over a page.
    if any(c in text for c in _CONTROL_CHARS):
        text = _CONTROL.sub(" ", text)
    tree, too_deep = _parse_html(text, url)
    if too_deep:
        tree, _ = _parse_html(_WRAPPER_TAG.sub(_as_paragraph, text), url)
    _flatten_deep_wrappers(tree)
    return tree


# lxml.html's parser picks each element's class in a Python call, every time an element
# is touched from Python (about 0.6 µs, a thousand times a page and pass): every element
# is an HtmlElement here, chosen in C. Only <form>/<input>/… lose lxml.html's form
# helpers, which nothing here uses.
_ELEMENT_CLASSES = etree.ElementDefaultClassLookup(
    element=lxml.html.HtmlElement, comment=lxml.html.HtmlComment,
    pi=lxml.html.HtmlProcessingInstruction, entity=lxml.html.HtmlEntity,
)


def _parse_html(text: str, url: str) -> tuple[lxml.html.HtmlElement, bool]:
    parser = etree.HTMLParser(huge_tree=True, remove_comments=True, remove_pis=True)
    parser.set_element_class_lookup(_ELEMENT_CLASSES)
    try:
        tree = lxml.html.document_fromstring(text, parser=parser)
    except (etree.ParserError, ValueError) as exc:
        raise ExtractionError(f"HTML could not be parsed: {exc}", url) from exc
    too_deep = any(error.type_name == "ERR_RESOURCE_LIMIT" for error in parser.error_log)
    return tree, too_deep


def _as_paragraph(match: re.Match[str]) -> str:
    slash, tag, attributes = match.groups()
    return f"<{slash}p{attributes}>" if tag.lower() in ("div", "section") else " "


# Real pages nest 20 to 40 deep. Unclosed <div>s repeated by a template nest thousands
# deep, and text-length heuristics (ours, trafilatura's) cost depth x size there: 5 MB of
# such a page took over 40 s. In a subtree that deep, the wrappers below FLATTEN_BELOW
# are unwrapped, their content kept.
MAX_DEPTH = 100
FLATTEN_BELOW = 12
_DEEPER_THAN_MAX = "boolean(" + "/".join(["*"] * MAX_DEPTH) + ")"  # from the root: depth 101


def _flatten_deep_wrappers(tree: Any) -> None:
    if not tree.xpath(_DEEPER_THAN_MAX):  # nearly every page: one walk in C, not in Python
        return
    subtrees: list[list[Any]] = []  # [element at FLATTEN_BELOW, deepest depth under it]
    depth = 0
    for event, element in etree.iterwalk(tree, events=("start", "end")):
        if event == "end":
            depth -= 1
            continue
        depth += 1
        if depth == FLATTEN_BELOW:
            subtrees.append([element, depth])
        elif depth > FLATTEN_BELOW and depth > subtrees[-1][1]:
            subtrees[-1][1] = depth
    for element, deepest in subtrees:
        if deepest > MAX_DEPTH:
            etree.strip_tags(element, *_WRAPPERS)


# --- where the article is, and what is boilerplate -------------------------------------

# class or id values of things that are not the article: matched as substrings
_BOILERPLATE = re.compile(
    r"comment|r[ée]action|related|lire[-_]?aussi|read[-_]?also|a[-_]lire|voir[-_]aussi"
    r"|sur[-_]le[-_]meme|share|sharing|partage|social(?!e)|newsletter|cookie|consent"
    r"|breadcrumb|ariane|outbrain|taboola|inread"
)
# class tokens naming the article's topic, not a block: WordPress puts "tag-cookies
# category-securite-sociale" on the <article> itself
_TAXONOMY = re.compile(r"^(?:tag|category|categorie|rubrique|section|topic|theme)-")
# and, pruned before trafilatura only, page footers that <footer> does not mark
_PAGE_FOOTER = re.compile(r"footer|pied|bas-de-page|copyright|mentions")
_OUTSIDE_TAGS = frozenset({"nav", "aside", "form"})
_PAGE_TAGS = _OUTSIDE_TAGS | {"header", "footer"}  # around the article, never in it


def _marker(element: Any) -> str:
    return _marker_of(element.get("class"), element.get("id"))


@lru_cache(maxsize=8192)  # menus, link lists and footers repeat a few values all page long
def _marker_of(classes: str | None, ident: str | None) -> str:
    tokens = f"{classes or ''} {ident or ''}".lower().split()
    return " ".join(token for token in tokens if not _TAXONOMY.match(token))


def _in_boilerplate(element: Any, stop: Any = None, tags: frozenset[str] = _OUTSIDE_TAGS) -> bool:
    """Whether ``element`` or an ancestor below ``stop`` is navigation, comments, etc.

    ``<body>`` and ``<html>`` are never looked at: their classes describe the page
    ("single-post comments-open"), not a block of it.
    """
    node = element
    while node is not None and node is not stop and node.tag not in ("body", "html"):
        if node.tag in tags or _BOILERPLATE.search(_marker(node)):
            return True
        node = node.getparent()
    return False


def _norm_space(text: str) -> str:
    return " ".join(text.split())


def _text(element: Any) -> str:
    return _norm_space(element.text_content())


def _article_scope(tree: Any) -> Any:
    """The element holding the article: the longest <article>, else <main>, else <body>."""
    articles = [a for a in tree.iter("article") if not _in_boilerplate(a)]
    if articles:
        return max(articles, key=lambda a: len(a.text_content()))
    for xpath in ("//*[@itemprop='articleBody']", "//main", "//*[@role='main']", "//body"):
        found = tree.xpath(xpath)
        if found:
            return found[0]
    return tree


# --- metadata --------------------------------------------------------------------------

_ARTICLE_TYPE = re.compile(r"(?:Article|BlogPosting|Report)$")
_PUBLISHED_META = (
    "article:published_time",
    "datepublished",
    "date",
    "dc.date.issued",
    "dcterms.issued",
    "dc.date",
    "pubdate",
    "publish-date",
    "parsely-pub-date",
    "sailthru.date",
)
_UPDATED_META = (
    "article:modified_time",
    "og:updated_time",
    "datemodified",
    "dc.date.modified",
    "dcterms.modified",
)
_AUTHOR_META = ("article:author", "author", "dc.creator", "parsely-author")
_BYLINE_CLASS = re.compile(r"byline|author|auteur|signature")
_BYLINE_CUT = re.compile(
    r"\b(?:publi[ée]|mis à jour|mise à jour|modifi[ée]|le \d|il y a|updated|published)\b.*",
    re.I | re.S,
)
_BYLINE_PREFIX = re.compile(r"^(?:propos recueillis |texte |article )?(?:par|by)\s*:?\s+", re.I)
_NAME_SPLIT = re.compile(r"\s*(?:,|;|&|/|\||\bet\b|\band\b)\s*")
_UPDATE_MARK = re.compile(r"modif|update|maj\b|mise-a-jour|datemodified")


@dataclass
class _Page:
    """The parsed page and its structured metadata, read once."""

    tree: Any
    url: str
    scope: Any
    meta: dict[str, list[str]]
    ld: dict[str, Any]  # the JSON-LD article node, or {}
    ld_ids: dict[str, dict[str, Any]]  # JSON-LD nodes by @id, to resolve references

    @classmethod
    def read(cls, tree: Any, url: str) -> _Page:
        nodes = list(_json_ld_nodes(tree))
        articles = [n for n in nodes if any(_ARTICLE_TYPE.search(t) for t in _types(n))]
        article = next((n for n in articles if n.get("headline")), articles[0] if articles else {})
        ids = {n["@id"]: n for n in nodes if isinstance(n.get("@id"), str)}
        return cls(tree, url, _article_scope(tree), _meta_tags(tree), article, ids)

    def first_meta(self, *names: str) -> str | None:
        for name in names:
            for value in self.meta.get(name, ()):
                return value
        return None

    def canonical(self) -> str:
        for href in self.tree.xpath("//link[@href]"):
            if "canonical" in (href.get("rel") or "").lower().split():
                candidate = urljoin(self.url, href.get("href").strip())
                break
        else:
            candidate = urljoin(self.url, self.first_meta("og:url") or self.url)
        # a canonical pointing at the home page is a CMS bug, not a claim about the article
        parts = urlsplit(candidate)
        if parts.scheme not in ("http", "https") or (
            parts.path in ("", "/") and urlsplit(self.url).path not in ("", "/")
        ):
            candidate = self.url
        return canonical_url(candidate)

    def outlet(self) -> str | None:
        publisher = self._resolve(self.ld.get("publisher"))
        if isinstance(publisher, list):
            publisher = self._resolve(publisher[0]) if publisher else None
        name = publisher.get("name") if isinstance(publisher, dict) else publisher
        if isinstance(name, str) and name.strip():
            return _norm_space(html_lib.unescape(name))
        site = self.first_meta("og:site_name")
        if site:
            return site
        host = (urlsplit(self.url).hostname or "").lower()
        return host.removeprefix("www.") or None

    def title(self, outlet: str | None) -> str:
        sites = (outlet, self.first_meta("og:site_name"), self.first_meta("application-name"))
        sites += (urlsplit(self.url).hostname,)
        headline = self.ld.get("headline")
        h1 = self.scope.xpath(".//h1") or self.tree.xpath("//h1")
        h1_text = _text(h1[0]) if h1 else ""
        candidates = [
            html_lib.unescape(headline) if isinstance(headline, str) else "",
            self.first_meta("og:title", "twitter:title") or "",
            h1_text if len(h1_text) <= MAX_TITLE_CHARS else "",
        ]
        titles = [_clean_title(c, sites) for c in candidates if c.strip()]
        if titles:
            # JSON-LD headlines are often cut to 110 characters: take the full one if given
            if titles[0].endswith(("…", "...")):
                stem = titles[0].rstrip(".… ")
                return next((t for t in titles[1:] if t.startswith(stem)), titles[0])
            return titles[0]
        head_title = _norm_space(self.tree.findtext(".//title") or "")
        return _clean_title(
            head_title, sites, section=self.first_meta("article:section"), guess=True
        )

    def dates(self) -> tuple[datetime | None, datetime | None]:
        timed = self._time_elements()
        published = _first_datetime(
            [self.ld.get("datePublished")], self._metas(_PUBLISHED_META), [timed[0]]
        )
        updated = _first_datetime(
            [self.ld.get("dateModified")], self._metas(_UPDATED_META), [timed[1]]
        )
        return published, updated

    def authors(self, outlet: str | None) -> tuple[str, ...]:
        names: list[str] = []
        for author in self._ld_authors():
            names.extend(_split_names(author))
        for value in self._metas(_AUTHOR_META):
            if not value.lower().startswith(("http://", "https://", "/")):
                names.extend(_split_names(value))
        names.extend(self._byline_names())
        return _dedupe_names(names, outlet)

    def language(self) -> str | None:
        in_language = self.ld.get("inLanguage")
        if isinstance(in_language, dict):
            in_language = in_language.get("alternateName") or in_language.get("name")
        candidates = (
            self.tree.get("lang"),
            self.tree.get("xml:lang"),
            self.first_meta("og:locale"),
            self.first_meta("content-language", "language", "dc.language"),
            in_language if isinstance(in_language, str) else None,
        )
        for value in candidates:
            code = re.match(r"\s*([A-Za-z]{2})(?:$|[-_,;\s])", value or "")
            if code:
                return code.group(1).lower()
        return None

    def _metas(self, names: Iterable[str]) -> list[str]:
        return [value for name in names for value in self.meta.get(name, ())]

    def _resolve(self, value: Any) -> Any:
        if isinstance(value, dict) and "@id" in value and "name" not in value:
            return self.ld_ids.get(value["@id"], value)
        return value

    def _ld_authors(self) -> Iterator[str]:
        authors = self.ld.get("author") or self.ld.get("creator") or []
        for author in authors if isinstance(authors, list) else [authors]:
            author = self._resolve(author)
            name = author.get("name") if isinstance(author, dict) else author
            if isinstance(name, list):
                name = name[0] if name else None
            if isinstance(name, str) and not name.lower().startswith(("http://", "https://")):
                yield html_lib.unescape(name)

    def _byline_names(self) -> list[str]:
        marked = self.scope.xpath(".//*[@rel='author' or @itemprop='author']")
        if not marked:
            marked = [
                el
                for el in self.scope.iter()
                if isinstance(el.tag, str) and _BYLINE_CLASS.search(el.get("class", "").lower())
            ]
        names: list[str] = []
        for element in marked:
            if _in_boilerplate(element, self.scope, tags=frozenset({"nav", "form"})):
                continue
            named = element.xpath(".//*[@itemprop='name']")
            text = (named[0].get("content") or _text(named[0])) if named else _text(element)
            text = _BYLINE_PREFIX.sub("", _BYLINE_CUT.sub("", text).strip())
            names.extend(_split_names(text))
        return names

    def _time_elements(self) -> tuple[str | None, str | None]:
        published = updated = explicit = None
        for element in self.scope.iter("time"):
            value = element.get("datetime")
            if not value or _in_boilerplate(element, self.scope):
                continue
            parent = element.getparent()
            mark = f"{_marker(element)} {element.get('itemprop', '')} {_marker(parent)}".lower()
            if _UPDATE_MARK.search(mark):
                updated = updated or value
            elif "datepublished" in mark or element.get("pubdate") is not None:
                explicit = explicit or value
            else:
                published = published or value
        return explicit or published, updated


def _meta_tags(tree: Any) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for meta in tree.iter("meta"):
        content = _norm_space(meta.get("content") or "")
        if not content:
            continue
        for attribute in ("property", "name", "itemprop", "http-equiv"):
            key = (meta.get(attribute) or "").strip().lower()
            if key:
                found.setdefault(key, []).append(html_lib.unescape(content))
    return found


def _json_ld_nodes(tree: Any) -> Iterator[dict[str, Any]]:
    for script in tree.iter("script"):
        if "ld+json" not in (script.get("type") or "").lower():
            continue
        raw = (script.text or "").strip()
        raw = re.sub(r"^\s*(?://\s*)?(?:<!--|<!\[CDATA\[)|(?://\s*)?(?:-->|\]\]>)\s*$", "", raw)
        try:
            data = json.loads(raw, strict=False)
        except (ValueError, RecursionError):
            # broken JSON-LD is common; the meta tags and the page itself still apply
            continue
        yield from _walk_json_ld(data)


def _walk_json_ld(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    if depth > 20:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_json_ld(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        for key, value in data.items():
            if key != "@context" and isinstance(value, dict | list):
                yield from _walk_json_ld(value, depth + 1)


def _types(node: dict[str, Any]) -> list[str]:
    value = node.get("@type", [])
    values = value if isinstance(value, list) else [value]
    return [re.split(r"[/:#]", v)[-1] for v in values if isinstance(v, str)]


# --- titles ----------------------------------------------------------------------------

# not "»": French titles quote with « »
_TITLE_SEPARATOR = re.compile(r"\s+(?:[-|–—·•/]|::)\s+")


def _site_key(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", fold(text))


def _is_site_name(segment: str, sites: Iterable[str | None]) -> bool:
    key = _site_key(segment)
    if not key:
        return False
    for site in sites:
        site_key = _site_key(site or "")
        host_like = site_key.removeprefix("www")
        if site_key and (key == site_key or (len(key) > 3 and key in host_like)):
            return True
    return False


def _clean_title(
    title: str, sites: Iterable[str | None], *, section: str | None = None, guess: bool = False
) -> str:
    """Drop " - Site name" / " | Site" (and "Site | ") from a page title."""
    sites = tuple(sites)
    title = _norm_space(title)
    stripped = False
    while len(segments := _TITLE_SEPARATOR.split(title)) > 1:
        last = segments[-1]
        if _is_site_name(last, sites) or (stripped and section and _same(last, section)):
            title = _without_last_segment(title)
        elif _is_site_name(segments[0], sites):
            title = _TITLE_SEPARATOR.split(title, maxsplit=1)[1]
        else:
            break
        stripped = True
    if guess and not stripped and len(segments) > 1:
        # no site name known: a short last segment of a <title> is most likely one
        if len(segments[-1]) <= 40 and len(segments[-1].split()) <= 5:
            title = _without_last_segment(title)
    return title.strip()


def _without_last_segment(title: str) -> str:
    *_, last = _TITLE_SEPARATOR.finditer(title)
    return title[: last.start()]


def _same(a: str, b: str) -> bool:
    return _site_key(a) == _site_key(b)


# --- dates -----------------------------------------------------------------------------


def _first_datetime(*groups: Iterable[Any]) -> datetime | None:
    for group in groups:
        for value in group:
            if isinstance(value, list):
                value = value[0] if value else None
            if isinstance(value, str) and (parsed := _parse_datetime(value)):
                return parsed
    return None


def _parse_datetime(value: str) -> datetime | None:
    """A timezone-aware datetime; naive values and bare dates are taken in Europe/Paris."""
    value = value.strip()
    if not value:
        return None
    parsed: datetime | None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None:
        try:
            parsed = parsedate_to_datetime(value)  # RFC 2822, as in some feeds' meta tags
        except (TypeError, ValueError, IndexError):
            parsed = None
    if parsed is None:
        parsed = dateparser.parse(
            value,
            languages=["fr", "en"],
            settings={"DATE_ORDER": "DMY", "REQUIRE_PARTS": ["day", "month", "year"]},
        )
    if parsed is None or not 1990 <= parsed.year <= 2100:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=PARIS)


# --- authors ---------------------------------------------------------------------------


def _split_names(value: str) -> list[str]:
    value = _norm_space(value)
    return [name for name in _NAME_SPLIT.split(value) if _looks_like_name(name)]


def _looks_like_name(name: str) -> bool:
    return (
        2 <= len(name) <= 60
        and len(name.split()) <= 6
        and name[0].isalpha()
        and any(c.isupper() for c in name)
        and not any(c.isdigit() or c in "@/:" for c in name)
    )


def _dedupe_names(names: Iterable[str], outlet: str | None) -> tuple[str, ...]:
    seen: set[str] = set()
    kept: list[str] = []
    for name in names:
        key = _site_key(name)
        if key and key not in seen:
            seen.add(key)
            kept.append(name)
    # the outlet named as author only counts when nobody else is named
    people = [n for n in kept if not (outlet and _site_key(n) == _site_key(outlet))]
    return tuple(people or kept)


# --- lead (chapô) ----------------------------------------------------------------------

# class tokens of a chapô: "chapo", "article__chapo", "story-lead", "article__desc"...
_LEAD_CLASS = re.compile(
    r"(?:^|[-_])(?:chapo|chapeau|chapô|lead|lede|standfirst|intro|accroche|excerpt)$"
    r"|^(?:article|story|post)[-_]+desc(?:ription)?$"
)
_LEAD_TAGS = frozenset({"nav", "aside", "form", "footer", "figure", "figcaption"})


def _find_lead(page: _Page) -> tuple[Any, str | None]:
    """The chapô element and its text, or ``(None, None)``."""
    for root in (page.scope, page.tree):
        for element in root.iter():
            if not isinstance(element.tag, str) or element.tag in ("meta", "link", "script"):
                continue
            tokens = element.get("class", "").lower().split()
            marked = any(_LEAD_CLASS.search(t) for t in tokens)
            if not (marked or element.get("itemprop") == "description"):
                continue
            text = _text(element)
            if (
                30 <= len(text) <= MAX_LEAD_CHARS
                and not _in_boilerplate(element, root, _LEAD_TAGS)
                and not _in_site_header(element)
            ):
                return element, text
    # else the first paragraph of the article, if it is all in bold
    for paragraph in page.scope.iter("p"):
        text = _text(paragraph)
        if len(text) < 40 or _in_boilerplate(paragraph, page.scope, _LEAD_TAGS):
            continue
        bold = _norm_space(" ".join(b.text_content() for b in paragraph.xpath(".//b|.//strong")))
        if bold == text and len(text) <= MAX_LEAD_CHARS:
            return paragraph, text
        break
    return None, None


def _in_site_header(element: Any) -> bool:
    """Inside a <header> that is the site's (no <h1>), not the article's."""
    return any(a.tag == "header" and not a.xpath(".//h1") for a in element.iterancestors())


# --- body ------------------------------------------------------------------------------


def _prune_boilerplate(page: _Page, lead: Any) -> None:
    """Remove the lead and the boilerplate blocks trafilatura tends to keep, in place."""
    scope = page.scope
    keep = {scope, *scope.iterancestors()}
    article_size = len(scope.text_content())
    doomed = [lead] if lead is not None and lead not in keep else []
    inside = False  # within the article's element
    walker = etree.iterwalk(page.tree, events=("start", "end"))
    for event, element in walker:
        if element is scope:
            inside = event == "start"
            continue
        if event == "end" or not isinstance(element.tag, str) or element in keep:
            continue
        classes, ident = element.get("class"), element.get("id")
        boilerplate, footer = _marks(classes, ident) if classes or ident else (False, False)
        if inside:
            if not (element.tag in _OUTSIDE_TAGS or boilerplate):
                continue
            # a class like "article-body js-share" must not take the text with it
            if len(element.text_content()) > article_size / 2:
                continue
        elif not (element.tag in _PAGE_TAGS or boilerplate or footer):
            continue
        doomed.append(element)
        walker.skip_subtree()  # it goes whole: what it holds need not be looked at
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()


@lru_cache(maxsize=8192)
def _marks(classes: str | None, ident: str | None) -> tuple[bool, bool]:
    """Whether an element of these class and id values is boilerplate, and a page footer."""
    marker = _marker_of(classes, ident)
    return bool(_BOILERPLATE.search(marker)), bool(_PAGE_FOOTER.search(marker))


@cache
def _trafilatura_config() -> Any:
    config = use_config()
    # we apply our own, explained, minimum instead of trafilatura's silent None
    config.set("DEFAULT", "MIN_OUTPUT_SIZE", "0")
    config.set("DEFAULT", "MIN_OUTPUT_COMM_SIZE", "0")
    return config


class _LogCapture(logging.Handler):
    """Keeps what trafilatura logs in this thread: its only way to say why it gave up."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.thread = threading.get_ident()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.thread == self.thread:
            self.messages.append(record.getMessage())


@contextmanager
def _trafilatura_log() -> Iterator[_LogCapture]:
    capture = _LogCapture()
    logger = logging.getLogger("trafilatura")
    logger.addHandler(capture)
    try:
        yield capture
    finally:
        logger.removeHandler(capture)


# trafilatura costs about 0.1 ms per element (0.065 ms in fast mode): 1.5 s for 15,000
# elements, 10 s for a 5 MB page of 120,000. Past these sizes it gets the article element
# only, then runs in fast mode (no readability/justext comparison), then gives way to a
# plain paragraph reader, so that no page takes more than a few seconds.
SCOPE_ONLY_ELEMENTS = 15_000
FAST_ELEMENTS = 15_000
PLAIN_ELEMENTS = 50_000
_NOT_CONTENT = ("style", "noscript", "template", "svg", "iframe", "object", "embed")


def _extract_body(page: _Page, url: str) -> tuple[Any, _Fallback]:
    """Run trafilatura on the pruned page, scaled down for very large pages: the body,
    and trafilatura's metadata of the same tree, read only if asked for."""
    tree = page.tree
    etree.strip_elements(tree, *_NOT_CONTENT, with_tail=False)
    for script in list(tree.iter("script")):  # JSON-LD stays, for trafilatura's metadata
        if "ld+json" not in (script.get("type") or "").lower():
            script.drop_tree()
    size = _node_count(tree)
    if size > SCOPE_ONLY_ELEMENTS and page.scope.tag not in ("body", "html"):
        tree = _document_of(page.scope, page.tree)
        size = _node_count(tree)
    if size > PLAIN_ELEMENTS:
        return Document(text=_plain_paragraphs(page.scope)), _Fallback(None, url, fast=True)
    fast = size > FAST_ELEMENTS
    # trafilatura works on a copy: ``tree`` is the same tree for the metadata afterwards
    return _run_trafilatura(tree, url, fast=fast), _Fallback(tree, url, fast=fast)


# ``sum(1 for _ in tree.iter())`` counted in C, without a Python proxy per node: iter()
# yields the element and its descendant elements, comments, processing instructions and
# entity references, and an HTML parse makes no entity reference nodes (libxml2's HTML
# parser turns entities into text).
_NODE_COUNT = etree.XPath(
    "count(descendant-or-self::*) + count(descendant::comment())"
    " + count(descendant::processing-instruction())"
)


def _node_count(tree: Any) -> int:
    return int(_NODE_COUNT(tree))


class _Fallback:
    """trafilatura's metadata of the tree it extracted from (htmldate's date, its title,
    author and description), the last resort for what the page's own markup did not
    give. Most pages give all of it, so it is read on first use only: it costs about
    as much as the body's extraction without it."""

    def __init__(self, tree: Any, url: str, *, fast: bool) -> None:
        self._tree, self._url, self._fast = tree, url, fast
        self._document: Any = None

    def __getattr__(self, name: str) -> Any:  # date, title, author, description
        if self._document is None:
            self._document = Document() if self._tree is None else _trafilatura_metadata(
                self._tree, self._url, fast=self._fast)
        return getattr(self._document, name)


_BLOCKS = ("p", "h2", "h3", "h4", "li", "blockquote", "pre")


def _plain_paragraphs(scope: Any) -> str:
    """The text of the block elements of the article, one per line, each once."""
    blocks = (
        _text(element)
        for element in scope.iter(*_BLOCKS)
        if not any(ancestor.tag in _BLOCKS for ancestor in element.iterancestors())
    )
    return "\n".join(block for block in blocks if block)


def _document_of(scope: Any, tree: Any) -> Any:
    document = lxml.html.Element("html")
    head = tree.find("head")
    if head is not None:
        document.append(copy.deepcopy(head))
    etree.SubElement(document, "body").append(scope)
    return document


def _run_trafilatura(tree: Any, url: str, *, fast: bool) -> Any:
    with _trafilatura_log() as log:
        try:
            document = trafilatura.bare_extraction(tree, options=_extractor(fast, url))
        except Exception as exc:  # trafilatura's internals raise anything; name it
            raise ExtractionError(f"trafilatura failed: {exc!r}", url) from exc
    if document is None:
        reason = "; ".join(log.messages) or "no document returned"
        raise ExtractionError(f"trafilatura failed: {reason}", url)
    return document


@cache
def _extractor_template(fast: bool) -> Extractor:
    return Extractor(
        config=_trafilatura_config(),
        output_format="python",
        fast=fast,
        comments=False,
        tables=False,
        links=False,
        with_metadata=False,  # read apart, and only when needed: _Fallback
    )


def _extractor(fast: bool, url: str) -> Extractor:
    """trafilatura's options for one page: building them reads its config file's values
    each time (half a millisecond), so a template is copied and given the URL."""
    options = copy.copy(_extractor_template(fast))
    options.url = url
    options.source = url.encode("utf-8", "replace").decode("utf-8") if url else url
    return options


_DATE_PARAMS = {"extensive_search": False, "original_date": True}


def _trafilatura_metadata(tree: Any, url: str, *, fast: bool) -> Any:
    """What ``bare_extraction(with_metadata=True)`` reads before extracting (it passes its
    ``fast`` flag as ``extensive``); a failure there only means no fallback."""
    try:
        with _trafilatura_log():
            return extract_metadata(tree, url, dict(_DATE_PARAMS), fast, None)
    except Exception as exc:  # trafilatura's internals raise anything: no fallback metadata
        _log.warning("%s: trafilatura's metadata failed, no fallback for it: %r", url, exc)
        return Document()


_READ_ALSO = re.compile(
    r"^\W*(?:(?:[àa] )?(?:lire|voir|relire|[ée]couter|regarder) (?:aussi|[ée]galement|notre|nos)"
    r"|sur le m[êe]me sujet|read (?:also|more)|related|partager|abonnez-vous)\b"
    r"|^\W*©|tous droits réservés",
    re.I,
)


def _clean_body(text: str, title: str, lead: str | None, authors: tuple[str, ...]) -> str:
    paragraphs = [_norm_space(line) for line in text.splitlines()]
    paragraphs = [p for p in paragraphs if p and not (len(p) < 300 and _READ_ALSO.match(p))]
    # the title and the byline, where trafilatura took them for the first paragraphs
    names = [_hash_key(author) for author in authors]
    title_key = _hash_key(title)  # _hash_key is a pure function: each key computed once
    while paragraphs and (
        (first_key := _hash_key(paragraphs[0])) == title_key
        or (len(paragraphs[0]) < 120 and any(n in first_key for n in names))
    ):
        paragraphs.pop(0)
    if lead:
        paragraphs = _drop_lead(paragraphs, lead)
    return "\n\n".join(paragraphs)


def _drop_lead(paragraphs: list[str], lead: str) -> list[str]:
    """Remove the lead where trafilatura kept it among the first paragraphs."""
    lead_key = _hash_key(lead)
    for index, paragraph in enumerate(paragraphs[:3]):
        key = _hash_key(paragraph)
        if key == lead_key:
            return paragraphs[:index] + paragraphs[index + 1 :]
        if key.startswith(lead_key) and paragraph.startswith(lead):
            rest = paragraph[len(lead) :].strip()
            return paragraphs[:index] + ([rest] if rest else []) + paragraphs[index + 1 :]
    return paragraphs


# --- language guess --------------------------------------------------------------------

_STOPWORDS = {
    "fr": "le la les des est une dans pour que qui pas sur avec du au aux ce cette sont été "
    "mais nous vous leur ont",
    "en": "the and of to is that for with was are on by this be it as from have which",
    "de": "der die und das ist nicht mit den ein eine zu von auf für sich dem auch",
    "es": "el los las del que por con para una es se al lo como más pero sus",
    "it": "il di che è per una con sono della degli gli nel non più anche alla",
}
_STOPWORD_SETS = {lang: frozenset(words.split()) for lang, words in _STOPWORDS.items()}


def _guess_language(text: str) -> str | None:
    words = re.findall(r"\w+", text[:20000].lower())
    scores = {lang: sum(w in stop for w in words) for lang, stop in _STOPWORD_SETS.items()}
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    return best if top >= 5 and top >= 1.5 * second else None
