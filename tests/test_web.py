"""The web page over a store filled by the demo's crawl: every page, the words a reader
sees, the search and filters, the JSON API against the CLI's, and what must never be on
a page (a crawled page's markup, a secret). In-process (Starlette's TestClient), on SQLite
and on PostgreSQL."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace

import feedparser
import pytest
from click.testing import CliRunner
from starlette.testclient import TestClient

from hdhwatch.cli import main
from hdhwatch.config import load_settings
from hdhwatch.web.app import create_app

PAGES = ["/", "/articles", "/articles?search=cloud", "/providers", "/sources", "/events",
         "/events.atom", "/api/articles", "/api/timeline", "/api/providers", "/api/events",
         "/api/sources"]


def client_of(settings, **headers) -> TestClient:
    return TestClient(create_app(settings), headers=headers)


@pytest.fixture(scope="module")
def web(demo_store):
    with client_of(demo_store) as client:
        yield client


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql",
                                                             marks=pytest.mark.postgres)])
def any_web(request, demo_store):
    """The page on the demo store in SQLite, then in PostgreSQL."""
    settings = demo_store if request.param == "sqlite" else request.getfixturevalue(
        "demo_store_pg")
    with client_of(settings) as client:
        yield client


def article_id(web, title_part: str) -> int:
    rows = web.get("/api/articles", params={"limit": 0}).json()
    return next(r["id"] for r in rows if title_part in r["title"])


def cli_json(settings, *args: str):
    env = {"HDHWATCH_DATA_DIR": str(settings.data_dir),
           "HDHWATCH_CONFIG_DIR": str(settings.config_dir),
           "HDHWATCH_DATABASE_URL": settings.database_url}
    result = CliRunner().invoke(main, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_every_page_answers_on_both_backends(any_web):
    for path in PAGES:
        response = any_web.get(path)
        assert response.status_code == 200, (path, response.text[:500])
    assert any_web.get("/").headers["content-type"].startswith("text/html")
    assert any_web.get("/events.atom").headers["content-type"].startswith(
        "application/atom+xml")


def test_home_says_the_current_target_with_its_evidence(any_web):
    html = any_web.get("/").text
    line = re.search(r'<p id="current-title".*?</p>', html, re.S).group(0)
    text = re.sub(r"<[^>]+>", "", line)
    assert "Échéance actuelle : premier trimestre 2027" in text
    assert "« fin 2026 ou début 2027 »" in text
    assert "depuis le 14 avril 2026" in text
    assert re.search(r"confirmée par \d+ médias", text)
    assert "La bascule, promise en février pour fin 2026" in html
    # the chart: a point per statement, each a link to its article with its sentence
    assert html.count('class="pt pt-') >= 20
    assert re.search(r'<a class="pt pt-current" href="/articles/\d+"', html)
    assert "fin 2025 → fin 2026" in html  # a move's arrow


def test_search_is_accent_insensitive(any_web, demo_store):
    found = any_web.get("/api/articles", params={"search": "securite", "limit": 0}).json()
    assert found
    for row in found:
        full = any_web.get(f"/api/articles/{row['id']}").json()
        words = f"{full['title']} {full['lead'] or ''} {full['text']}".lower()
        assert "sécurité" in words or "securite" in words
    html = any_web.get("/articles", params={"search": "securite"}).text
    for row in found:
        assert f'href="/articles/{row["id"]}"' in html


def test_the_json_api_returns_what_the_cli_prints(web, demo_store):
    assert web.get("/api/articles", params={"limit": 0, "search": "cloud"}).json() == \
        cli_json(demo_store, "articles", "--search", "cloud", "--limit", "0", "--format", "json")
    assert web.get("/api/articles", params={"provider": "Azure", "since": "2022-01-01"}).json() \
        == cli_json(demo_store, "articles", "--provider", "Azure", "--since", "2022-01-01",
                    "--format", "json")
    article = article_id(web, "Scaleway choisi")
    assert web.get(f"/api/articles/{article}").json() == \
        cli_json(demo_store, "show", str(article), "--format", "json")
    assert web.get("/api/timeline").json() == cli_json(demo_store, "timeline", "--format",
                                                       "json")
    assert web.get("/api/providers", params={"since": "2024-01-01"}).json() == \
        cli_json(demo_store, "providers", "--since", "2024-01-01", "--format", "json")


def test_the_json_api_on_postgresql_equals_sqlite(web, demo_store_pg):
    with client_of(demo_store_pg) as pg:
        for path in ("/api/timeline", "/api/providers", "/api/events"):
            assert pg.get(path).json() == web.get(path).json(), path
        assert [r["id"] for r in pg.get("/api/articles?search=securite&limit=0").json()] == \
            [r["id"] for r in web.get("/api/articles?search=securite&limit=0").json()]


def test_a_hostile_title_stays_text(web):
    hostile = article_id(web, "titre</b> piégé")
    escaped = "&lt;script&gt;window.hostile = 1&lt;/script&gt;"
    for path in (f"/articles/{hostile}", "/articles?search=piégé", "/", "/events"):
        html = web.get(path).text
        assert "<script>window.hostile" not in html, path
        assert "<img src=x" not in html and "<i>Le Piège</i>" not in html, path
    page = web.get(f"/articles/{hostile}").text
    assert escaped in page
    assert "&lt;img src=x onerror=" in page
    assert web.get("/articles?search=piégé").text.count(escaped) == 1


def test_pages_are_read_only_with_a_strict_policy(web):
    for method in ("POST", "PUT", "DELETE", "PATCH"):
        for path in ("/", "/articles", "/api/articles", "/nowhere"):
            response = web.request(method, path)
            assert response.status_code == 405, (method, path)
            assert response.headers["allow"] == "GET, HEAD"
    response = web.get("/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "script-src 'self'" in policy
    assert "style-src 'self'" in policy and "frame-ancestors 'none'" in policy
    assert response.headers["x-content-type-options"] == "nosniff"
    assert web.head("/").status_code == 200
    for path in ("/", "/articles/1", "/providers", "/sources", "/events"):
        html = web.get(path).text
        # nothing the policy would block: no inline script, no style attribute
        assert not re.search(r"<script(?![^>]*\bsrc=)", html), path
        assert not re.search(r"\sstyle=", html), path
        # nothing fetched from elsewhere: scripts, styles and icons are the page's own
        for attr in re.findall(r'<(?:script|link)[^>]*\s(?:src|href)="([^"]*)"', html):
            assert attr.startswith("/"), (path, attr)


def test_french_first_english_on_request(web):
    assert '<html lang="fr">' in web.get("/").text
    english = web.get("/?lang=en").text
    assert '<html lang="en">' in english and "Current target:" in english
    assert "since 14 April 2026" in english and "Q1 2027" in english
    assert "Current target:" in web.get("/", headers={"Accept-Language": "en-US,en;q=0.8"}).text
    assert "Échéance actuelle" in web.get(
        "/", headers={"Accept-Language": "de-DE, en;q=0.5, fr;q=0.9"}).text
    assert "Échéance actuelle" in web.get("/", headers={"Accept-Language": "de"}).text
    # a chosen language follows the links
    assert 'href="/articles?lang=en"' in english
    # each language's typography: "Providers:" in English, "Hébergeurs :" in French
    assert 'Providers:</span>' in web.get("/articles?lang=en").text
    assert 'Hébergeurs\u00a0:</span>' in web.get("/articles").text


def test_filters_as_in_the_cli(web):
    def ids(**params):
        return [r["id"] for r in web.get("/api/articles", params={"limit": 0, **params}).json()]

    everything = web.get("/api/articles", params={"limit": 0}).json()
    azure = web.get("/api/articles", params={"provider": "Azure", "limit": 0}).json()
    assert azure and all("Microsoft" in r["providers"] for r in azure)
    since = web.get("/api/articles", params={"since": "2026-01-01", "limit": 0}).json()
    assert since and all(r["published"] >= "2026-01-01" for r in since)
    until = web.get("/api/articles", params={"until": "2020-12-31", "limit": 0}).json()
    assert until and all(r["published"] < "2021-01-01" for r in until)
    off_topic = web.get("/api/articles", params={"relevant": "0", "limit": 0}).json()
    assert off_topic and all(r["relevant"] is False for r in off_topic)
    stating = ids(with_deadline="1")
    assert 0 < len(stating) < len(everything)
    outlet = web.get("/api/articles", params={"outlet": "quotidien", "limit": 0}).json()
    assert outlet and {r["outlet"] for r in outlet} == {"Le Quotidien du Nuage"}
    moved = ids(event_kind="target")
    assert article_id(web, "Scaleway choisi") in moved
    assert set(ids(event_kind="provider")) - set(moved)  # Microsoft chosen in 2019
    # the page takes the same filters and says what is wrong with a bad one
    html = web.get("/articles", params={"provider": "Azure", "relevant": "1"}).text
    assert html.count('class="article-row"') == min(20, len(
        web.get("/api/articles", params={"provider": "Azure", "relevant": "1",
                                         "limit": 0}).json()))
    bad = web.get("/articles", params={"since": "hier"})
    assert bad.status_code == 400 and "invalid since" in bad.text
    assert web.get("/articles", params={"provider": "Nimbus"}).status_code == 400
    assert web.get("/api/articles", params={"event_kind": "weather"}).status_code == 400


def test_articles_come_in_pages_newest_first(web):
    everything = web.get("/api/articles", params={"limit": 0}).json()
    assert len(everything) > 20
    first = web.get("/articles").text
    second = web.get("/articles", params={"page": 2}).text
    ids = [int(i) for i in re.findall(r'<h2 class="article-title"><a href="/articles/(\d+)"',
                                      first + second)]
    assert ids == [r["id"] for r in everything]
    assert 'rel="next" href="/articles?page=2"' in first and 'rel="prev"' not in first
    assert 'rel="prev" href="/articles?page=1"' in second and 'rel="next"' not in second
    searched = web.get("/articles", params={"search": "cloud", "page": 1}).text
    if 'rel="next"' in searched:
        assert "page=2&amp;search=cloud" in searched


def test_an_article_shows_its_evidence(web):
    html = web.get(f"/articles/{article_id(web, 'Scaleway choisi')}").text
    assert re.search(r'<mark class="deadline deadline-target" id="s\d+">fin 2026 ou début '
                     r'2027</mark><span class="mark-note"> \[premier trimestre 2027 · échéance '
                     r'· actuelle · confiance élevée\]', html)
    assert '<mark class="provider" title="Scaleway">Scaleway</mark>' in html
    assert "Lire l&#39;article original" in html
    assert "Fin 2026 → premier trimestre 2027" in html and "levé par cet article" in html
    assert web.get("/articles/999999").status_code == 404
    assert web.get("/articles/abc").status_code == 404
    assert web.get("/api/articles/999999").status_code == 404
    assert web.get("/nowhere").status_code == 404


def test_sources_events_and_feed(web, demo_store):
    sources = web.get("/sources").text
    for source in demo_store.sources:
        assert source.name in sources
    assert "ne répond plus" in sources and "http_404" in sources
    api = {s["name"]: s for s in web.get("/api/sources").json()}
    assert api["acteurs-de-letat"]["health"] == "failing"
    assert api["lecourrier-numerique"]["health"] == "ok" and api["lecourrier-numerique"]["pages"]
    events = web.get("/events").text
    assert "Scaleway retenu pour héberger la plateforme" in events
    assert "ne répond plus" not in events  # the operator's business, not the readers'
    feed = feedparser.parse(web.get("/events.atom").content)
    assert not feed.bozo
    assert [e.title for e in feed.entries] == [
        e.title for e in feedparser.parse(CliRunner().invoke(main, ["feed"], env={
            "HDHWATCH_DATA_DIR": str(demo_store.data_dir),
            "HDHWATCH_CONFIG_DIR": str(demo_store.config_dir)}).stdout_bytes).entries]


def test_providers_per_month_with_jurisdiction(web):
    html = web.get("/providers").text
    assert "Scaleway" in html and "Microsoft" in html
    assert "US (Cloud Act)" in html and "SecNumCloud" in html
    assert re.search(r"<title>20\d\d-\d\d\u00a0: \d+</title>", html)  # a bar per month
    # the catalogue's facts in the reader's language, and "mois" as French writes it
    assert "FR, UE (exploité par Orange et Capgemini sur une technologie Microsoft)" in html
    assert "SecNumCloud (non confirmée)" in html and "unconfirmed" not in html
    assert re.search(r"<summary>\d+ mois</summary>", html) and "mois(s)" not in html
    english = web.get("/providers?lang=en").text
    assert "FR, EU (operated by Orange and Capgemini on Microsoft technology)" in english
    assert "SecNumCloud (unconfirmed)" in english
    assert re.search(r"<summary>(1 month|\d+ months)</summary>", english)


def test_no_secret_on_any_page(demo_store, tmp_path):
    """An SMTP password, a subscriber's address and channel URL never reach a page."""
    from hdhwatch.channels.subscribers import add_channel, add_subscriber
    from hdhwatch.store.db import open_database

    shutil.copy(demo_store.database_url.removeprefix("sqlite:///"), tmp_path / "copy.sqlite3")
    url = f"sqlite:///{tmp_path / 'copy.sqlite3'}"
    db = open_database(url)
    with db.session() as session:
        reader = add_subscriber(session, "lectrice.secrete@example.org", language="fr")
        add_channel(session, reader, "json://hooks.example.org/t0ken-tres-secret")
    db.close()
    settings = load_settings({
        "HDHWATCH_DATA_DIR": str(demo_store.data_dir),
        "HDHWATCH_CONFIG_DIR": str(demo_store.config_dir),
        "HDHWATCH_DATABASE_URL": url,
        "HDHWATCH_SMTP_URL": "smtp://veille:MotDePasse-Secret@mail.example.org:587",
    })
    with client_of(replace(settings)) as client:
        for path in [*PAGES, "/articles/1", "/api/articles/1", "/?lang=en"]:
            body = client.get(path).text
            for secret in ("MotDePasse-Secret", "t0ken-tres-secret", "lectrice.secrete",
                           "mail.example.org", "hooks.example.org"):
                assert secret not in body, (path, secret)


def test_the_home_page_follows_the_store(demo_store, tmp_path):
    """The home page's data is kept per store revision: a new article shows at once."""
    from datetime import UTC, datetime

    from hdhwatch.pipeline import process
    from hdhwatch.records import Article
    from hdhwatch.store.db import open_database

    shutil.copy(demo_store.database_url.removeprefix("sqlite:///"), tmp_path / "copy.sqlite3")
    settings = replace(demo_store, database_url=f"sqlite:///{tmp_path / 'copy.sqlite3'}")
    with client_of(settings) as client:
        before = client.get("/").text
        assert "Le Nouveau Média" not in before
        db = open_database(settings.database_url)
        with db.session() as session:
            process(session, Article(
                url="https://nouveau.example/hdh", title="Health Data Hub : la date tient",
                text="La migration du Health Data Hub vers Scaleway est prévue d'ici fin 2028, "
                     "selon le ministère.", published=datetime(2026, 11, 2, tzinfo=UTC),
                outlet="Le Nouveau Média", language="fr"))
        db.close()
        assert "Le Nouveau Média" in client.get("/").text


@pytest.mark.slow
def test_demo_serve_prints_the_address_of_its_page(tmp_path):
    """`hdhwatch demo --serve`: a new user's way in. The demo runs, prints the page's
    address, serves the story on it, and stops cleanly on Ctrl-C."""
    import os
    import signal
    import subprocess
    import sys
    import urllib.request

    from conftest import free_port

    web_port = free_port()
    env = {**os.environ, "HDHWATCH_DATA_DIR": str(tmp_path)}
    for name in ("HDHWATCH_CONFIG_DIR", "HDHWATCH_DATABASE_URL"):
        env.pop(name, None)
    demo = subprocess.Popen(
        [sys.executable, "-m", "hdhwatch", "demo", "--port", str(free_port()), "--serve",
         "--web-port", str(web_port)],
        env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        lines = []
        for line in demo.stdout:
            lines.append(line)
            if line.startswith("Ouvrez "):
                break
        url = f"http://127.0.0.1:{web_port}/"
        assert lines[-1].startswith(f"Ouvrez {url} "), "".join(lines)
        with urllib.request.urlopen(url, timeout=10) as response:
            home = response.read().decode("utf-8")
        assert "Échéance actuelle" in home and "premier trimestre 2027" in home
        demo.send_signal(signal.SIGINT)
        assert demo.wait(timeout=30) == 0
    finally:
        if demo.poll() is None:
            demo.kill()
