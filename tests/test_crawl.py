"""Spiders crawl a real local HTTP server: storage, politeness, errors, re-crawls, kills."""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from conftest import write_config
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError

from hdhwatch.config import child_environment
from hdhwatch.crawl.run import run_crawl
from hdhwatch.crawl.workers import POOL_AFTER
from hdhwatch.demo import DEMO_ROOT
from hdhwatch.demo.sitesrv import Rule, SiteServer
from hdhwatch.store.db import open_database
from hdhwatch.store.models import Article, ArticleUrl, CrawlRun
from scrapers.spiders.base import FLUSH_EVERY, FLUSH_SECONDS

PAGES = Path(__file__).resolve().parent / "pages"
DEMO_SOURCES = (DEMO_ROOT / "sources.toml").read_text(encoding="utf-8")
ON_TOPIC_DEMO_ARTICLES = 25  # of 31: six are off-topic and dropped

ARTICLE = "lecourrier-numerique/articles/health-data-hub-sortie-microsoft-repoussee-2025.html"
OTHER = "sante-connectee/articles/hebergement-hdh-2025-nouvel-horizon.html"
THIRD = "le-quotidien-du-nuage/articles/health-data-hub-pas-avant-2025-copie-cloud-francais.html"


def rss(*paths: str) -> str:
    return rss_of(*(f"{{{{BASE}}}}/{p}" for p in paths))


def rss_of(*urls: str) -> str:
    items = "".join(
        f"<item><title>t</title><link>{url}</link>"
        f"<pubDate>Mon, 12 Sep 2022 10:00:00 +0200</pubDate></item>"
        for url in urls
    )
    return (
        f'<?xml version="1.0"?><rss version="2.0"><channel><title>x</title>{items}</channel></rss>'
    )


def feed_source(name: str, *paths: str) -> str:
    urls = ", ".join(f'"{{{{BASE}}}}/{p}"' for p in paths)
    return f'[[source]]\nname = "{name}"\nkind = "feed"\nurls = [{urls}]\n'


@pytest.fixture
def site_root(tmp_path: Path) -> Path:
    """The demo site plus feeds and pages that misbehave, in a folder of this test's own."""
    root = tmp_path / "site"
    shutil.copytree(DEMO_ROOT, root)
    extra = root / "extra"
    extra.mkdir()
    shutil.copy(root / OTHER, extra / "throttled.html")
    shutil.copy(root / THIRD, extra / "final.html")
    shutil.copy(PAGES / "article_latin1.html", extra / "ancien.latin1.html")
    shutil.copy(PAGES / "article_empty_body.html", extra / "vide.html")
    (extra / "errors.xml").write_text(
        rss(
            ARTICLE,
            "extra/missing.html",
            "extra/broken-server.html",
            "extra/throttled.html",
            "extra/moved.html",
            "extra/ancien.latin1.html",
            "extra/vide.html",
        )
    )
    (extra / "malformed.xml").write_text('<?xml version="1.0"?><rss><channel><item><title>a')
    (extra / "empty.xml").write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Rien</title></channel></rss>'
    )
    (extra / "slow.xml").write_text(
        rss(
            *[
                f"{d}/articles/{p.name}"
                for d in ("lecourrier-numerique", "sante-connectee", "le-quotidien-du-nuage")
                for p in sorted((root / d / "articles").iterdir())
            ]
        )
    )
    return root


ERROR_RULES = {
    "/extra/broken-server.html": Rule(status=500),
    "/extra/throttled.html": Rule(status=429, headers=(("Retry-After", "1"),), times=1),
    "/extra/moved.html": Rule(redirect_to="/extra/step.html"),
    "/extra/step.html": Rule(redirect_to="{{BASE}}/extra/final.html"),
}


def closed_port() -> int:
    """A local port with nothing listening."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def counts(settings) -> dict[str, int]:
    """Stored articles, read without migrating (the crawl under test owns the schema)."""
    db = open_database(settings.database_url, migrate=False)
    try:
        with db.session() as session:
            articles = session.scalar(select(func.count()).select_from(Article))
            distinct = session.scalar(select(func.count(func.distinct(Article.url))))
    except OperationalError:  # the crawl has not created the schema yet
        return {"articles": 0, "distinct": 0}
    finally:
        db.close()
    return {"articles": articles, "distinct": distinct}


def test_demo_site_crawl_stores_on_topic_articles_once(site_root, make_settings):
    with SiteServer(site_root) as server:
        settings = make_settings(DEMO_SOURCES.replace("{{BASE}}", server.base_url))
        summaries = run_crawl(settings)
        assert {s.source for s in summaries} == {s.name for s in settings.sources}
        assert all(s.status == "finished" for s in summaries)
        assert sum(s.new_articles for s in summaries) == ON_TOPIC_DEMO_ARTICLES
        assert sum(s.dropped for s in summaries) == 31 - ON_TOPIC_DEMO_ARTICLES
        assert all(not s.errors for s in summaries)
        assert server.requests_for("/robots.txt"), "robots.txt must be asked for"
        agents = {r.headers.get("User-Agent") for r in server.requests}
        assert agents == {settings.user_agent}

        db = open_database(settings.database_url)
        with db.session() as session:
            urls = list(session.scalars(select(Article.url)))
            runs = list(session.scalars(select(CrawlRun)))
        db.close()
        assert not any("utm_" in u for u in urls), "tracking parameters are stripped"
        assert len(runs) == 4 and all(r.finished_at for r in runs)

        first = len(server.requests)
        again = run_crawl(settings)
        second = server.requests[first:]
    assert sum(s.new_articles for s in again) == 0
    assert counts(settings) == {"articles": 25, "distinct": 25}
    article_requests = [r for r in second if "/articles/" in r.path]
    assert article_requests == [], "no article page is requested again"
    discovery = [
        r for r in second if r.path.endswith((".xml", "/", ".html")) and "/articles/" not in r.path
    ]
    assert discovery and all(r.status == 304 for r in discovery if r.path.endswith(".xml"))


def test_errors_are_recorded_by_kind_and_the_crawl_goes_on(site_root, make_settings):
    sources = (
        feed_source("errors", "extra/errors.xml")
        + feed_source("malformed", "extra/malformed.xml")
        + feed_source("empty", "extra/empty.xml")
        + feed_source("absent", "extra/no-such-feed.xml")
        + f'[[source]]\nname = "dead"\nkind = "feed"\nurls = ["http://127.0.0.1:{closed_port()}/f"]\n'
    )
    with SiteServer(site_root, rules=ERROR_RULES) as server:
        settings = make_settings(sources.replace("{{BASE}}", server.base_url))
        summaries = {s.source: s for s in run_crawl(settings)}
        throttled = server.requests_for("/extra/throttled.html")
    errors = summaries["errors"]
    assert errors.errors == {"http_404": 1, "http_500": 1, "empty_body": 1}
    # article, throttled (after its 429), the redirect target, the latin-1 page
    assert errors.new_articles == 4
    assert [r.status for r in throttled] == [429, 200]
    assert throttled[1].time - throttled[0].time >= 0.9, "Retry-After is honoured"
    assert summaries["malformed"].errors == {"malformed_feed": 1}
    assert summaries["empty"].errors == {} and summaries["empty"].new_articles == 0
    assert summaries["absent"].errors == {"http_404": 1}
    assert summaries["dead"].errors == {"connection": 1}

    db = open_database(settings.database_url)
    with db.session() as session:
        aliases = set(session.scalars(select(ArticleUrl.url)))
        latin = session.scalars(select(Article).where(Article.url.contains("ancien"))).one()
    db.close()
    base = server.base_url
    assert {f"{base}/extra/moved.html", f"{base}/extra/step.html"} <= aliases
    assert "é" in latin.text and "Ã" not in latin.text


@contextmanager
def slow_feed_crawl(site_root, make_settings, delay: float, *args: str, **popen):
    """The crawl process (``args`` before the source) started on the slow feed, whose
    articles answer after ``delay`` seconds; yields (settings, process) once it stored 3."""
    slow = {
        f"/{p.relative_to(site_root)}": Rule(delay=delay)
        for p in site_root.glob("*/articles/*.html")
    }
    with SiteServer(site_root, rules=slow) as server:
        settings = make_settings(
            feed_source("slow", "extra/slow.xml").replace("{{BASE}}", server.base_url)
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "hdhwatch.crawl.process", *args, "slow"],
            env=child_environment(settings), **popen,
        )
        try:
            deadline = time.monotonic() + 60
            while counts(settings)["articles"] < 3 and time.monotonic() < deadline:
                time.sleep(0.05)
            yield settings, proc
        finally:
            proc.kill()
            proc.wait()


def run_rows(settings) -> list[CrawlRun]:
    db = open_database(settings.database_url, migrate=False)
    try:
        with db.session() as session:
            return list(session.scalars(select(CrawlRun)))
    except OperationalError:  # the crawl has not created the schema yet
        return []
    finally:
        db.close()


def test_a_crawl_killed_before_its_twentieth_page_has_saved_its_counters(
    site_root, make_settings
):
    """The counters are saved every 20 pages and every few seconds: a crawl killed early
    does not report "fetched 0"."""
    with slow_feed_crawl(site_root, make_settings, 1.0) as (settings, proc):
        deadline = time.monotonic() + 4 * FLUSH_SECONDS
        saved = 0
        while not saved and time.monotonic() < deadline:
            saved = sum(run.pages_fetched for run in run_rows(settings))
            time.sleep(0.1)
        proc.kill()
        proc.wait()
    [run] = run_rows(settings)
    assert 0 < run.pages_fetched < FLUSH_EVERY, "saved before the 20th page, then killed"
    assert run.status == "running"  # killed: the next crawl's start ends it


def test_a_crawl_stopped_by_sigterm_is_recorded_interrupted_and_the_next_ends_it(
    site_root, make_settings
):
    with slow_feed_crawl(site_root, make_settings, 0.5, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True) as (settings, proc):
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=60)
        # Scrapy ends the downloads it started (here, perhaps all of the feed's)
        stored_before = counts(settings)["articles"]
        db = open_database(settings.database_url)
        with db.session() as session:
            [run] = session.scalars(select(CrawlRun))
        db.close()
        assert proc.returncode == 0, output[-2000:]
        assert run.status == "interrupted" and run.finished_at is not None, output[-2000:]
        summaries = run_crawl(settings)
    assert summaries[0].status == "finished"
    final = counts(settings)
    assert final["articles"] == final["distinct"] == stored_before + summaries[0].new_articles


def test_a_crawl_killed_midway_then_rerun_stores_every_article_once(site_root, make_settings):
    with slow_feed_crawl(site_root, make_settings, 0.5, stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL) as (settings, proc):
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        stored_before = counts(settings)["articles"]
        assert 3 <= stored_before < 18, "the kill happened mid-crawl"
        summaries = run_crawl(settings)
    final = counts(settings)
    assert final["articles"] == final["distinct"]
    assert final["articles"] == stored_before + summaries[0].new_articles
    db = open_database(settings.database_url)
    with db.session() as session:
        statuses = sorted(r.status for r in session.scalars(select(CrawlRun)))
    db.close()
    assert statuses == ["finished", "interrupted"]
    # every on-topic article of the three outlets in the slow feed is there exactly once
    assert final["articles"] == 19


@pytest.mark.postgres
def test_crawl_into_postgresql(site_root, make_settings, pg_url):
    with SiteServer(site_root) as server:
        settings = make_settings(
            DEMO_SOURCES.replace("{{BASE}}", server.base_url), database_url=pg_url
        )
        first = run_crawl(settings)
        second = run_crawl(settings)
    assert sum(s.new_articles for s in first) == ON_TOPIC_DEMO_ARTICLES
    assert sum(s.new_articles for s in second) == 0
    assert counts(settings) == {"articles": 25, "distinct": 25}


def test_scrapy_crawl_works_from_the_checkout(site_root, make_settings):
    with SiteServer(site_root) as server:
        settings = make_settings(DEMO_SOURCES.replace("{{BASE}}", server.base_url))
        name = next(s.name for s in settings.sources if s.kind == "feed")
        checkout = Path(__file__).resolve().parents[1]
        listed = subprocess.run(
            [sys.executable, "-m", "scrapy", "list"],
            cwd=checkout,
            env=child_environment(settings),
            capture_output=True,
            text=True,
        )
        result = subprocess.run(
            [sys.executable, "-m", "scrapy", "crawl", "feeds", "-a", f"source={name}"],
            cwd=checkout,
            env=child_environment(settings),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert listed.stdout.split() == ["feeds", "listing", "sitemap"]
    assert result.returncode == 0, result.stderr[-2000:]
    assert f"{name}: fetched" in result.stdout and "new 7" in result.stdout
    assert counts(settings)["articles"] == 7


def test_progress_reports_live_counts_on_a_fresh_database(site_root, make_settings):
    slow = {f"/{p.relative_to(site_root)}": Rule(delay=0.3)
            for p in site_root.glob("lecourrier-numerique/articles/*.html")}
    with SiteServer(site_root, rules=slow) as server:
        settings = make_settings(feed_source("lent", "lecourrier-numerique/feed.xml").replace(
            "{{BASE}}", server.base_url))
        seen: list[int] = []
        summaries = run_crawl(
            settings, progress=lambda runs: seen.append(sum(r.pages_fetched for r in runs)))
    assert seen, "progress is reported while the crawl runs"
    assert seen == sorted(seen), "counts only grow"
    assert seen[-1] <= summaries[0].pages_fetched == 10


def test_a_crawl_started_where_a_folder_is_named_hdhwatch(site_root, make_settings, tmp_path):
    """Cron runs `hdhwatch crawl` from $HOME, where the checkout itself may be ~/hdhwatch:
    its config/ folder must not pass for the module hdhwatch.config."""
    home = tmp_path / "home"
    (home / "hdhwatch" / "config").mkdir(parents=True)
    command = Path(sys.executable).with_name("hdhwatch")  # the installed script, as cron runs it
    with SiteServer(site_root) as server:
        settings = make_settings(
            feed_source("courrier", "lecourrier-numerique/feed.xml").replace(
                "{{BASE}}", server.base_url
            )
        )
        result = subprocess.run(
            [str(command), "crawl"],
            cwd=home,
            env=child_environment(settings),
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert result.returncode == 0, result.stdout + result.stderr
    assert counts(settings)["articles"] == 7


def alive(pid: int) -> bool:
    """Whether the process runs (a zombie waiting for its reaper does not)."""
    stat = Path(f"/proc/{pid}/stat")
    if Path("/proc/self/stat").exists():
        try:
            return stat.read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except FileNotFoundError:
            return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def running_crawl_pids(settings) -> list[int]:
    db = open_database(settings.database_url, migrate=False)
    try:
        with db.session() as session:
            return list(session.scalars(select(CrawlRun.pid).where(CrawlRun.status == "running")))
    except OperationalError:  # no schema yet
        return []
    finally:
        db.close()


def test_a_killed_scheduler_takes_its_crawl_with_it(site_root, make_settings):
    slow = {
        f"/{p.relative_to(site_root)}": Rule(delay=2) for p in site_root.glob("*/articles/*.html")
    }
    with SiteServer(site_root, rules=slow) as server:
        settings = make_settings(
            (feed_source("slow", "extra/slow.xml") + 'cadence = "1s"\n').replace(
                "{{BASE}}", server.base_url
            )
        )
        scheduler = subprocess.Popen(
            [sys.executable, "-m", "hdhwatch", "schedule"],
            env=child_environment(settings),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        crawlers: list[int] = []
        try:
            deadline = time.monotonic() + 60
            while not crawlers and time.monotonic() < deadline:
                time.sleep(0.2)
                crawlers = running_crawl_pids(settings)
            assert crawlers, "the scheduler started a crawl"
            os.kill(scheduler.pid, signal.SIGKILL)
            scheduler.wait()
            deadline = time.monotonic() + 5
            while any(alive(pid) for pid in crawlers) and time.monotonic() < deadline:
                time.sleep(0.1)
            assert not any(alive(pid) for pid in crawlers), "the crawl outlived its scheduler"
        finally:
            scheduler.kill()
            for pid in crawlers:
                if alive(pid):
                    os.kill(pid, signal.SIGKILL)


LISTING = """
[[source]]
name = "etat"
kind = "listing"
urls = ["{{BASE}}/acteurs-de-letat/actualites/"]
[source.selectors]
link = "article.teaser h2 a"
next = "a.pagination-next"
"""


def test_a_bad_link_skips_itself_and_the_rest_of_the_page_is_crawled(site_root, make_settings):
    listing = site_root / "acteurs-de-letat" / "actualites" / "index.html"
    bad = "".join(
        f'<article class="teaser"><h2><a href="{href}">x</a></h2></article>\n'
        for href in ("javascript:void(0)", "mailto:redaction@example.org", "http://[::1")
    )
    first = '<article class="teaser">'
    listing.write_text(listing.read_text().replace(first, bad + first, 1))
    with SiteServer(site_root) as server:
        settings = make_settings(LISTING.replace("{{BASE}}", server.base_url))
        [summary] = run_crawl(settings)
        second_page = server.requests_for("/acteurs-de-letat/actualites/page-2.html")
    assert summary.errors == {"bad_scheme": 2, "bad_url": 1}
    assert second_page, "the next page is still followed"
    assert summary.pages_fetched == 2 + 7 and summary.new_articles == 6


def test_only_http_and_https_links_are_fetched(site_root, make_settings, tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text((site_root / ARTICLE).read_text(), encoding="utf-8")
    (site_root / "extra" / "schemes.xml").write_text(
        rss_of(
            f"file://{secret}", "file:///etc/passwd", "ftp://127.0.0.1/a.html",
            "{{BASE}}/" + ARTICLE,
        )
    )
    with SiteServer(site_root) as server:
        settings = make_settings(
            feed_source("schemes", "extra/schemes.xml").replace("{{BASE}}", server.base_url)
        )
        [summary] = run_crawl(settings)
    assert summary.errors == {"bad_scheme": 3}
    assert summary.new_articles == 1
    db = open_database(settings.database_url)
    with db.session() as session:
        urls = set(session.scalars(select(ArticleUrl.url)))
    db.close()
    assert all(u.startswith("http://") for u in urls)


def test_private_and_loopback_addresses_are_refused_unless_allowed(site_root, make_settings):
    with SiteServer(site_root) as server:
        local = server.base_url.replace("127.0.0.1", "localhost")
        settings = make_settings(
            feed_source("loopback", "lecourrier-numerique/feed.xml").replace(
                "{{BASE}}", server.base_url
            )
            + feed_source("local", "lecourrier-numerique/feed.xml").replace("{{BASE}}", local),
            extra="allow_private_addresses = false\n",
        )
        summaries = {s.source: s for s in run_crawl(settings)}
        requests = list(server.requests)
    assert summaries["loopback"].errors == {"private_address": 1}
    assert summaries["local"].errors == {"private_address": 1}
    assert requests == [], "not even robots.txt is asked for"


def test_a_redirect_to_another_scheme_is_refused(site_root, make_settings, tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text((site_root / ARTICLE).read_text(), encoding="utf-8")
    rules = {"/extra/to-file.html": Rule(redirect_to=f"file://{secret}", status=302)}
    (site_root / "extra" / "redirects.xml").write_text(rss(ARTICLE, "extra/to-file.html"))
    with SiteServer(site_root, rules=rules) as server:
        settings = make_settings(
            feed_source("redirects", "extra/redirects.xml").replace("{{BASE}}", server.base_url)
        )
        [summary] = run_crawl(settings)
    assert summary.errors == {"bad_scheme": 1}
    assert summary.new_articles == 1


def test_every_link_of_a_feed_is_stored_or_counted(site_root, make_settings, db_url):
    """Redirect loops and chains, long links, long canonical URLs: nothing vanishes."""
    extra = site_root / "extra"
    tail = "".join(f"{i:04d}" for i in range(2600))  # a 10 KB canonical URL
    (extra / "long-canonical.html").write_text(
        (site_root / OTHER)
        .read_text()
        .replace("<head>", f'<head><link rel="canonical" href="/extra/{tail}.html">', 1)
    )
    links = [
        ARTICLE,
        "extra/loop-a.html",  # a → b → a
        "extra/chain-0.html",  # seven redirects
        "extra/" + "x" * 2100 + ".html",
        "extra/" + "é" * 400 + ".html",  # 2,400 characters once percent-encoded
        "extra/alias-1.html",  # two links redirected to one page stored from a third
        "extra/alias-2.html",
        "extra/long-canonical.html",
    ]
    rules = {
        "/extra/loop-a.html": Rule(redirect_to="/extra/loop-b.html"),
        "/extra/loop-b.html": Rule(redirect_to="/extra/loop-a.html"),
        "/extra/alias-1.html": Rule(redirect_to="/" + ARTICLE),
        "/extra/alias-2.html": Rule(redirect_to="/" + ARTICLE),
        **{f"/extra/chain-{i}.html": Rule(redirect_to=f"/extra/chain-{i + 1}.html")
           for i in range(7)},
    }
    (extra / "links.xml").write_text(rss(*links))
    with SiteServer(site_root, rules=rules) as server:
        settings = make_settings(
            feed_source("links", "extra/links.xml").replace("{{BASE}}", server.base_url),
            database_url=db_url,
        )
        [summary] = run_crawl(settings)
    assert summary.errors == {"redirect_loop": 1, "too_many_redirects": 1, "url_too_long": 2}
    assert summary.new_articles == 2 and summary.skipped == 2
    accounted = summary.new_articles + summary.skipped + summary.dropped
    assert accounted + sum(summary.errors.values()) == len(links)


def test_a_page_the_database_refuses_is_counted(site_root, make_settings):
    (site_root / "extra" / "two.xml").write_text(rss(ARTICLE, OTHER))
    with SiteServer(site_root) as server:
        settings = make_settings(
            feed_source("two", "extra/two.xml").replace("{{BASE}}", server.base_url)
        )
        db = open_database(settings.database_url)
        with db.engine.begin() as connection:  # the database itself says no
            connection.exec_driver_sql(
                "CREATE TRIGGER refuse BEFORE INSERT ON articles WHEN new.url LIKE '%sante%' "
                "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END"
            )
        db.close()
        [summary] = run_crawl(settings)
    assert summary.errors == {"store_failed": 1}
    assert summary.new_articles == 1
    assert "refused by the test" in summary.last_error


def test_pages_over_the_size_limit_are_too_large(site_root, make_settings):
    import gzip

    page = (site_root / ARTICLE).read_text()
    (site_root / "extra" / "big.html").write_text(
        page.replace("</body>", "<!--" + "x" * 300_000 + "--></body>")
    )
    bomb = gzip.compress(b"<html><body>" + b" " * 5_000_000)  # 5 KB that inflate to 5 MB
    rules = {"/extra/bomb.html": Rule(body=bomb, headers=(("Content-Encoding", "gzip"),))}
    (site_root / "extra" / "sizes.xml").write_text(
        rss(ARTICLE, "extra/big.html", "extra/bomb.html")
    )
    with SiteServer(site_root, rules=rules) as server:
        settings = make_settings(
            feed_source("sizes", "extra/sizes.xml").replace("{{BASE}}", server.base_url),
            extra="max_page_bytes = 200000\n",
        )
        [summary] = run_crawl(settings)
    assert summary.errors == {"too_large": 2}
    assert summary.new_articles == 1


LISTING_SOURCE = (
    '[[source]]\nname = "liste"\nkind = "listing"\nurls = ["http://127.0.0.1:9/"]\n'
    'max_pages = 2\n[source.selectors]\nlink = "a"\n'
)


@pytest.mark.parametrize(
    "file,before,after,key,problem",
    [
        ("hdhwatch.toml", "download_delay = 0", 'download_delay = "fast"', "download_delay",
         "number"),
        ("sources.toml", "max_pages = 2", 'max_pages = "lots"', "max_pages", "integer"),
        ("sources.toml", "max_pages = 2", 'allow = "("', "allow", "regular expression"),
        ("sources.toml", 'urls = ["http://127.0.0.1:9/"]', 'urls = "http://127.0.0.1:9/"',
         "urls", "valid list"),
    ],
)
def test_a_bad_crawl_setting_is_one_clean_line(tmp_path, file, before, after, key, problem):
    config = write_config(tmp_path / "config", LISTING_SOURCE)
    path = config / file
    assert before in path.read_text()
    path.write_text(path.read_text().replace(before, after))
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HDHWATCH_CONFIG_DIR": str(config),
        "HDHWATCH_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "hdhwatch", "crawl"], env=env, capture_output=True, text=True,
        timeout=60,
    )
    assert result.returncode == 2  # a usage error (see the README's exit statuses)
    [line] = result.stderr.splitlines()
    assert line.startswith(f"Error: {path}: ") and key in line and problem in line, line


def all_articles_feed(site_root: Path) -> str:
    """A feed of every article of the three outlets, the off-topic ones included."""
    return rss(*[
        f"{d}/articles/{p.name}"
        for d in ("lecourrier-numerique", "sante-connectee", "le-quotidien-du-nuage")
        for p in sorted((site_root / d / "articles").iterdir())
    ])


def article_paths(requests) -> list[str]:
    return sorted(r.path for r in requests if r.path.endswith(".html"))


def dropped_rows(settings) -> list[tuple[str, str, str]]:
    from hdhwatch.store.models import DroppedUrl

    db = open_database(settings.database_url)
    with db.session() as session:
        rows = session.execute(
            select(DroppedUrl.url, DroppedUrl.reason, DroppedUrl.terms_version)
        ).all()
    db.close()
    return sorted(tuple(r) for r in rows)


def test_a_recrawl_after_one_new_feed_item_fetches_only_that_item(site_root, make_settings):
    from hdhwatch.pipeline import terms_version

    feed = site_root / "extra" / "all.xml"
    feed.write_text(all_articles_feed(site_root))
    with SiteServer(site_root) as server:
        settings = make_settings(feed_source("tout", "extra/all.xml").replace(
            "{{BASE}}", server.base_url))
        [first] = run_crawl(settings)
        assert first.dropped > 0 and first.new_articles > 0 and not first.errors
        dropped = dropped_rows(settings)
        assert len(dropped) == first.dropped
        assert {(reason, version) for _, reason, version in dropped} == {
            ("off_topic", terms_version(settings.watch_terms))}

        # The feed changes (so its validators no longer match): one new item.
        page = (site_root / OTHER).read_text()
        page = page.replace("sante-connectee/articles/hebergement-hdh-2025-nouvel-horizon.html",
                            "extra/nouveau.html").replace("le nouvel horizon", "un horizon neuf")
        (site_root / "extra" / "nouveau.html").write_text(page)
        items = all_articles_feed(site_root).replace(
            "</channel>", f"<item><link>{server.base_url}/extra/nouveau.html</link></item>"
            "</channel>")
        feed.write_text(items)
        mark = len(server.requests)
        [second] = run_crawl(settings)
        requested = article_paths(server.requests[mark:])
    assert requested == ["/extra/nouveau.html"], "neither stored nor dropped pages are fetched"
    assert second.new_articles == 1
    assert second.skipped == first.new_articles + first.dropped


def test_dropped_pages_are_fetched_again_when_the_watch_terms_change(site_root, make_settings):
    from hdhwatch.config import load_settings
    from hdhwatch.pipeline import terms_version

    (site_root / "extra" / "all.xml").write_text(all_articles_feed(site_root))
    with SiteServer(site_root) as server:
        settings = make_settings(feed_source("tout", "extra/all.xml").replace(
            "{{BASE}}", server.base_url))
        [first] = run_crawl(settings)
        dropped_paths = sorted(
            url.removeprefix(server.base_url) for url, _, _ in dropped_rows(settings))
        assert dropped_paths

        config = settings.config_dir / "hdhwatch.toml"
        config.write_text(config.read_text().replace(
            '"health data",', '"health data",\n    "un terme de plus",'))
        # The feed itself is unchanged: it is read in full all the same.
        changed = load_settings(child_environment(settings))
        assert terms_version(changed.watch_terms) != terms_version(settings.watch_terms)
        mark = len(server.requests)
        [second] = run_crawl(changed)
        requested = article_paths(server.requests[mark:])
    assert requested == dropped_paths, "only the dropped pages are fetched again"
    assert second.dropped == first.dropped and second.new_articles == 0
    assert {v for _, _, v in dropped_rows(changed)} == {terms_version(changed.watch_terms)}


def stored_classifications(settings) -> dict[str, tuple]:
    """Every stored article by URL, with what the classifier found in it."""
    db = open_database(settings.database_url)
    with db.session() as session:
        stored = {
            a.url: (
                a.title, a.text, a.content_hash, a.relevant, a.relevance_score,
                sorted((p.provider, p.count, p.offset) for p in a.providers),
                sorted((f.frame, f.count, f.offset) for f in a.frames),
                sorted((d.deadline, d.precision, d.role, d.kind, d.offset, d.confidence)
                       for d in a.dates),
            )
            for a in session.scalars(select(Article))
        }
    db.close()
    return stored


def test_two_workers_store_what_one_stores(site_root, make_settings, tmp_path):
    with SiteServer(site_root) as server:
        results = {}
        for workers in (1, 2):
            settings = make_settings(
                DEMO_SOURCES.replace("{{BASE}}", server.base_url),
                database_url=f"sqlite:///{tmp_path / f'workers{workers}.sqlite3'}",
            )
            summaries = run_crawl(settings, workers=workers)
            assert all(s.status == "finished" and not s.errors for s in summaries)
            results[workers] = (
                sum(s.new_articles for s in summaries), sum(s.dropped for s in summaries),
                stored_classifications(settings), len(dropped_rows(settings)),
            )
    assert results[1][:2] == (ON_TOPIC_DEMO_ARTICLES, 31 - ON_TOPIC_DEMO_ARTICLES)
    assert results[2] == results[1]


def worker_pids(pid: int) -> list[int]:
    """The worker processes a crawl process spawned (not multiprocessing's resource tracker)."""
    children = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        children += (task / "children").read_text().split()
    return [int(c) for c in children
            if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()]


def crawl_watching_workers(settings, source: str) -> tuple[int, str, set[int]]:
    """Run the crawl process with two workers on one source: its exit status, its output,
    and the worker processes seen while it ran."""
    proc = subprocess.Popen(
        [sys.executable, "-m", "hdhwatch.crawl.process", "--workers", "2", source],
        env=child_environment(settings), stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )
    seen: set[int] = set()
    while proc.poll() is None:
        try:
            seen.update(worker_pids(proc.pid))
        except OSError:  # it exited between two reads
            break
        time.sleep(0.01)
    output = proc.communicate()[0]  # sets returncode, also after an exit between two reads
    return proc.returncode, output, seen


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_a_crawl_with_nothing_new_starts_no_worker_process(site_root, make_settings):
    with SiteServer(site_root) as server:
        settings = make_settings(feed_source("slow", "extra/slow.xml").replace(
            "{{BASE}}", server.base_url))
        assert run_crawl(settings, workers=1)[0].new_articles == 19
        feed = site_root / "extra" / "slow.xml"  # changed: read again, its links all known
        feed.write_text(feed.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        returncode, output, seen = crawl_watching_workers(settings, "slow")
    assert returncode == 0, output[-2000:]
    assert "slow: fetched 1, new 0, skipped 24" in output, output[-2000:]  # the feed, only
    assert seen == set(), "every article was stored already: no page to prepare"


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_a_crawl_with_few_new_articles_prepares_them_without_worker_processes(
    site_root, make_settings
):
    few = [f"{d}/articles/{p.name}"  # as many as a crawl prepares without workers
           for d in ("lecourrier-numerique", "sante-connectee", "le-quotidien-du-nuage")
           for p in sorted((site_root / d / "articles").iterdir())][:POOL_AFTER - 1]
    (site_root / "extra" / "few.xml").write_text(rss(*few), encoding="utf-8")
    with SiteServer(site_root) as server:
        settings = make_settings(feed_source("few", "extra/few.xml").replace(
            "{{BASE}}", server.base_url))
        returncode, output, seen = crawl_watching_workers(settings, "few")
    assert returncode == 0, output[-2000:]
    assert seen == set(), "a worker's start-up costs more than these pages"
    [summary] = [line for line in output.splitlines() if line.startswith("few: ")]
    fetched, new, dropped = (int(re.search(rf"{k} (\d+)", summary)[1])
                             for k in ("fetched", "new", "dropped"))
    assert (fetched, new + dropped) == (len(few) + 1, len(few)), summary  # stored or dropped
    assert new == counts(settings)["articles"] > 0 and "errors: none" in summary, summary


def test_the_crawl_process_listens_on_no_port(site_root, make_settings):
    """Scrapy's telnet console and remote control (which runs posted Python code) are off."""
    with SiteServer(site_root) as server:
        settings = make_settings(DEMO_SOURCES.replace("{{BASE}}", server.base_url))
        proc = subprocess.run(
            [sys.executable, "-m", "hdhwatch.crawl.process", "--workers", "1"],
            env=child_environment(settings), capture_output=True, text=True, timeout=300,
        )
    assert proc.returncode == 0, proc.stderr[-2000:]
    output = proc.stdout + proc.stderr
    assert counts(settings)["articles"] > 0, output[-2000:]  # it crawled
    for listener in ("Telnet console listening", "Remote control HTTP server listening"):
        assert listener not in output


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads /proc")
def test_a_worker_process_killed_midway_loses_no_page(site_root, make_settings):
    with slow_feed_crawl(site_root, make_settings, 0.3, "--workers", "2",
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         text=True) as (settings, proc):
        [worker] = worker_pids(proc.pid)
        os.kill(worker, signal.SIGKILL)
        output, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, output[-2000:]
    assert counts(settings) == {"articles": 19, "distinct": 19}, output[-2000:]
    db = open_database(settings.database_url)
    with db.session() as session:
        [run] = session.scalars(select(CrawlRun))
    db.close()
    assert run.status == "finished" and run.errors == {}, "its pages went to a fresh worker"
