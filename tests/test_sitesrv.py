"""The local site server, and the bundled demo press site it serves."""

from __future__ import annotations

import http.client
import json
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from email.utils import formatdate
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import urljoin, urlsplit
from urllib.robotparser import RobotFileParser

import lxml.etree
import lxml.html
import pytest

import hdhwatch
from hdhwatch.config import parse_sources
from hdhwatch.demo.sitesrv import Rule, SiteServer, content_type
from hdhwatch.textutil import fold

DEMO = Path(hdhwatch.__file__).parent / "demo" / "demo_site"
ARTICLES = sorted(DEMO.glob("*/articles/*.html"))
WATCH_TERMS = (
    "Health Data Hub",
    "HDH",
    "Plateforme des données de santé",
    "SNDS",
    "cloud souverain",
    "SecNumCloud",
    "données de santé",
    "hébergement des données de santé",
)
FEEDS = {
    "lecourrier-numerique/feed.xml": "//item/link/text()",
    "sante-connectee/atom.xml": "//a:entry/a:link[@rel='alternate']/@href",
    "le-quotidien-du-nuage/sitemap-news.xml": "//s:url/s:loc/text()",
}
XML_NS = {"a": "http://www.w3.org/2005/Atom", "s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class Reply:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes, url: str):
        self.status, self.headers, self.body, self.url = status, headers, body, url


def fetch(url: str, headers: dict[str, str] | None = None, method: str = "GET") -> Reply:
    request = urllib.request.Request(url, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return Reply(response.status, response.headers, response.read(), response.url)
    except HTTPError as exc:  # 304, 404, 429... are answers too
        return Reply(exc.code, exc.headers, exc.read(), url)


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    """A tiny site: an index with the placeholder, a page, a Latin-1 page, a feed; no robots.txt."""
    (tmp_path / "index.html").write_text(
        '<!doctype html><a href="{{BASE}}/page.html">page</a>', encoding="utf-8"
    )
    (tmp_path / "page.html").write_text("<h1>Une page</h1>", encoding="utf-8")
    (tmp_path / "old.latin1.html").write_bytes("<p>Hébergé à Paris</p>".encode("latin-1"))
    (tmp_path / "news").mkdir()
    (tmp_path / "news" / "feed.xml").write_text("<rss><link>{{BASE}}/page.html</link></rss>")
    return tmp_path


@pytest.fixture
def serve(site_root: Path) -> Iterator[Callable[..., SiteServer]]:
    """Start a SiteServer over ``site_root`` (or another folder) with the given rules."""
    started: list[SiteServer] = []

    def start(rules: dict[str, Rule] | None = None, root: Path = site_root, **kw) -> SiteServer:
        server = SiteServer(root, rules=rules, **kw).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture(scope="module")
def demo() -> Iterator[SiteServer]:
    with SiteServer(DEMO) as server:
        yield server


# the server ----------------------------------------------------------------------------


def test_serves_a_file_with_the_base_url_substituted(serve):
    server = serve()
    reply = fetch(server.base_url + "/index.html")
    assert reply.status == 200
    assert reply.headers["Content-Type"] == "text/html; charset=utf-8"
    assert reply.body.decode() == f'<!doctype html><a href="{server.base_url}/page.html">page</a>'
    assert server.base_url.startswith("http://127.0.0.1:")
    assert fetch(server.base_url + "/").body == reply.body


def test_xml_is_substituted_and_typed(serve):
    server = serve()
    reply = fetch(server.base_url + "/news/feed.xml")
    assert reply.headers["Content-Type"] == "application/xml"
    assert f"{server.base_url}/page.html".encode() in reply.body


def test_substitution_can_be_turned_off(serve):
    server = serve(substitute=False)
    assert b"{{BASE}}/page.html" in fetch(server.base_url + "/index.html").body


def test_a_folder_is_served_by_its_index_and_redirected_without_its_slash(serve, site_root):
    (site_root / "news" / "index.html").write_text("<h1>Actualités</h1>", encoding="utf-8")
    server = serve()
    reply = fetch(server.base_url + "/news")
    assert reply.status == 200  # urllib followed the redirect
    assert reply.url == server.base_url + "/news/"
    assert reply.body.decode() == "<h1>Actualités</h1>"
    assert [r.status for r in server.requests] == [301, 200]


def test_etag_revalidation_answers_304(serve):
    server = serve()
    first = fetch(server.base_url + "/page.html")
    etag = first.headers["ETag"]
    assert etag.startswith('"') and etag.endswith('"')
    again = fetch(server.base_url + "/page.html", {"If-None-Match": etag})
    assert again.status == 304
    assert again.body == b""
    assert again.headers["ETag"] == etag
    assert fetch(server.base_url + "/page.html", {"If-None-Match": '"other"'}).status == 200


def test_last_modified_revalidation_answers_304(serve, site_root):
    server = serve()
    first = fetch(server.base_url + "/page.html")
    stamp = first.headers["Last-Modified"]
    assert stamp == formatdate(int((site_root / "page.html").stat().st_mtime), usegmt=True)
    assert fetch(server.base_url + "/page.html", {"If-Modified-Since": stamp}).status == 304
    older = formatdate(int((site_root / "page.html").stat().st_mtime) - 3600, usegmt=True)
    assert fetch(server.base_url + "/page.html", {"If-Modified-Since": older}).status == 200


def test_a_429_rule_applies_once_then_the_file_is_served(serve):
    rule = Rule(status=429, headers=(("Retry-After", "3"),), times=1)
    server = serve({"/page.html": rule})
    first = fetch(server.base_url + "/page.html")
    assert first.status == 429
    assert first.headers["Retry-After"] == "3"
    second = fetch(server.base_url + "/page.html")
    assert second.status == 200
    assert second.body == b"<h1>Une page</h1>"
    assert [r.status for r in server.requests_for("/page.html")] == [429, 200]


def test_a_redirect_rule_sends_301_with_location(serve):
    server = serve({"/old-url": Rule(redirect_to="{{BASE}}/page.html")})
    conn = http.client.HTTPConnection(urlsplit(server.base_url).netloc, timeout=5)
    conn.request("GET", "/old-url")
    response = conn.getresponse()
    response.read()
    conn.close()
    assert response.status == 301
    assert response.headers["Location"] == server.base_url + "/page.html"
    followed = fetch(server.base_url + "/old-url")
    assert followed.url == server.base_url + "/page.html"
    assert followed.body == b"<h1>Une page</h1>"


def test_a_rule_with_a_body_and_a_delay(serve):
    server = serve({"/slow": Rule(body=b"tard", delay=0.3)})
    started = time.monotonic()
    reply = fetch(server.base_url + "/slow")
    assert time.monotonic() - started >= 0.3
    assert (reply.status, reply.body) == (200, b"tard")


def test_a_rule_keyed_with_a_query_string_matches_only_that_query(serve):
    server = serve({"/page.html?p=2": Rule(status=500)})
    assert fetch(server.base_url + "/page.html?p=2").status == 500
    assert fetch(server.base_url + "/page.html?p=1").status == 200


def test_missing_files_and_missing_robots_are_404(serve):
    server = serve()
    assert fetch(server.base_url + "/nope.html").status == 404
    assert fetch(server.base_url + "/robots.txt").status == 404


def test_paths_outside_the_root_are_404(serve):
    server = serve()
    conn = http.client.HTTPConnection(urlsplit(server.base_url).netloc, timeout=5)
    conn.request("GET", "/../../../../etc/passwd")
    assert conn.getresponse().status == 404
    conn.close()


def test_head_sends_headers_without_body(serve):
    server = serve()
    reply = fetch(server.base_url + "/page.html", method="HEAD")
    assert reply.status == 200
    assert reply.body == b""
    assert reply.headers["Content-Length"] == str(len("<h1>Une page</h1>"))
    assert server.requests[-1].method == "HEAD"


def test_the_request_log_keeps_paths_in_order_with_their_query(serve):
    server = serve()
    for path in ("/page.html?utm_source=rss", "/index.html", "/missing", "/page.html"):
        fetch(server.base_url + path, {"User-Agent": "hdhwatch-test"})
    assert [(r.path, r.status) for r in server.requests] == [
        ("/page.html?utm_source=rss", 200),
        ("/index.html", 200),
        ("/missing", 404),
        ("/page.html", 200),
    ]
    assert server.requests[0].headers["User-Agent"] == "hdhwatch-test"
    assert [r.path for r in server.requests_for("/page.html")] == [
        "/page.html?utm_source=rss",
        "/page.html",
    ]
    times = [r.time for r in server.requests]
    assert times == sorted(times)


def test_a_latin1_page_is_served_with_its_charset(serve):
    server = serve()
    reply = fetch(server.base_url + "/old.latin1.html")
    assert reply.headers["Content-Type"] == "text/html; charset=iso-8859-1"
    assert reply.body.decode("iso-8859-1") == "<p>Hébergé à Paris</p>"


def test_many_concurrent_requests(serve):
    server = serve()
    urls = [f"{server.base_url}/page.html?n={n}" for n in range(200)]
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=25) as pool:
        statuses = list(pool.map(lambda url: fetch(url).status, urls))
    assert statuses == [200] * 200
    assert len(server.requests) == 200
    assert time.monotonic() - started < 5  # well over 200 pages/s on any machine


def test_keeps_the_connection_alive_between_requests(serve):
    server = serve()
    conn = http.client.HTTPConnection(urlsplit(server.base_url).netloc, timeout=5)
    for path in ("/page.html", "/index.html", "/missing", "/page.html"):
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
    conn.close()
    assert [r.status for r in server.requests] == [200, 200, 404, 200]


def test_runs_in_the_foreground_as_a_module(site_root):
    process = subprocess.Popen(
        [sys.executable, "-m", "hdhwatch.demo.sitesrv", str(site_root), "--port", "0"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith(f"serving {site_root} at http://127.0.0.1:")
        base = line.rsplit(" ", 1)[1]
        assert fetch(base + "/page.html").body == b"<h1>Une page</h1>"
    finally:
        process.terminate()
        process.wait(timeout=5)
    assert process.stderr.read() == ""  # quiet


# the demo site ---------------------------------------------------------------------------


def _charset(path: Path) -> str:
    return content_type(path.name).split("charset=")[1]


def test_the_demo_has_four_outlets_and_enough_articles():
    outlets = {path.parts[-3] for path in ARTICLES}
    assert outlets == {
        "lecourrier-numerique",
        "sante-connectee",
        "le-quotidien-du-nuage",
        "acteurs-de-letat",
    }
    assert len(ARTICLES) >= 28


@pytest.mark.parametrize("path", ARTICLES, ids=lambda p: f"{p.parts[-3]}/{p.stem}")
def test_each_demo_article_looks_like_a_news_page(path: Path):
    raw = path.read_bytes().decode(_charset(path))
    assert raw.lower().startswith("<!doctype html>")
    doc = lxml.html.document_fromstring(raw)
    assert doc.get("lang") == "fr"
    relative = path.relative_to(DEMO).as_posix()
    assert doc.xpath("//link[@rel='canonical']/@href") == ["{{BASE}}/" + relative]
    assert len(doc.xpath("//h1")) == 1
    blocks = doc.xpath("//script[@type='application/ld+json']/text()")
    assert [json.loads(block) for block in blocks] or doc.xpath("//meta[@property='og:title']")
    assert doc.xpath("//article//time/@datetime")
    assert doc.xpath("//section[@id='comments']")
    assert 300 <= len(" ".join(doc.xpath("//article//p/text()")).split()) <= 900


def test_at_least_five_demo_pages_name_no_watch_term_anywhere():
    terms = [fold(term) for term in WATCH_TERMS]
    pages = [fold(p.read_bytes().decode(_charset(p))) for p in ARTICLES]
    assert sum(not any(t in page for t in terms) for page in pages) >= 5


@pytest.mark.parametrize("feed", sorted(FEEDS))
def test_each_demo_feed_is_well_formed_and_every_link_resolves(demo, feed):
    reply = fetch(f"{demo.base_url}/{feed}")
    assert reply.status == 200
    links = lxml.etree.fromstring(reply.body).xpath(FEEDS[feed], namespaces=XML_NS)
    assert len(links) >= 7
    assert all(link.startswith(demo.base_url + "/") for link in links)
    for link in links:
        assert fetch(link).status == 200, link
        assert (DEMO / urlsplit(link).path.lstrip("/")).is_file()


def test_the_rss_links_carry_tracking_parameters(demo):
    body = fetch(f"{demo.base_url}/lecourrier-numerique/feed.xml").body
    links = lxml.etree.fromstring(body).xpath("//item/link/text()")
    assert all(urlsplit(link).query == "utm_source=rss&utm_medium=feed" for link in links)


def test_the_demo_listing_pages_lead_to_every_article_of_their_outlet(demo):
    url, found, pages = f"{demo.base_url}/acteurs-de-letat/actualites/", set(), 0
    while url:
        doc = lxml.html.document_fromstring(fetch(url).body)
        found |= {urljoin(url, a.get("href")) for a in doc.cssselect("article.teaser h2 a")}
        following = doc.cssselect("a.pagination-next")
        url = urljoin(url, following[0].get("href")) if following else None
        pages += 1
    assert pages == 2
    expected = {
        f"{demo.base_url}/{p.relative_to(DEMO).as_posix()}"
        for p in ARTICLES
        if p.parts[-3] == "acteurs-de-letat"
    }
    assert found == expected


def test_the_demo_sources_parse_and_answer(demo):
    text = (DEMO / "sources.toml").read_text(encoding="utf-8").replace("{{BASE}}", demo.base_url)
    sources = parse_sources(tomllib.loads(text))
    assert {s.kind for s in sources} == {"feed", "sitemap", "listing"}
    assert len(sources) == 4
    for source in sources:
        for url in source.urls:
            assert fetch(url).status == 200, url


def test_the_demo_robots_txt_only_keeps_robots_out_of_admin(demo):
    robots = RobotFileParser()
    robots.parse(fetch(demo.base_url + "/robots.txt").body.decode().splitlines())
    assert not robots.can_fetch("hdhwatch", demo.base_url + "/admin/")
    assert robots.can_fetch("hdhwatch", demo.base_url + "/lecourrier-numerique/feed.xml")


def test_the_demo_cp1252_page_is_declared_as_such(demo):
    (page,) = [p for p in ARTICLES if ".cp1252." in p.name]
    reply = fetch(f"{demo.base_url}/{page.relative_to(DEMO).as_posix()}")
    assert reply.headers["Content-Type"] == "text/html; charset=windows-1252"
    assert "Scaleway" in reply.body.decode("cp1252")
