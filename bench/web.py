"""Benchmark of the web page on a large generated store, SQLite and PostgreSQL.

    python bench/web.py                  # 100,000 articles, both backends
    python bench/web.py --n 2000         # a quick smoke run
    python bench/web.py --backend sqlite --runs 50

It fills a store with ``bench/query.py``'s generator (press-length French
articles, about 5 % about the Health Data Hub's hosting, with provider mentions,
deadline statements and the shift events their replay raises), then times, each
over ``--runs`` runs, three pages through the app in this process (Starlette's
TestClient, no network; the server's time is measured inside, from the request's start
to the response's last byte: routing, the queries, the templates) beside
the same reads through the library calls the CLI makes, in the same run:

* the home page against ``timeline_rows`` + ``shift_rows`` (moves and signals) +
  ``current_target`` + the latest events (what ``hdhwatch timeline --format json``
  and ``feed`` read); the page keeps that data per store revision, so it is timed
  twice: as served (the store unchanged since the last request) and with the
  cache emptied before each request (the first request after a crawl);
* a search page (``/articles?search=…``, 20 newest) against ``list_articles``
  with the same search (``hdhwatch articles --search``);
* an article page against ``get_article`` + ``article_dict(full=True)`` (what
  ``hdhwatch show ID --format json`` reads) + the article's marked passages and events
  (``read.evidence``), the page's other reads.

Times are median and p95 milliseconds, and each page's median as a ratio to its
queries' median. Nothing is asserted: this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from query import BACKENDS, PG_ADMIN_URL, SEARCHES, fill, scratch_store, vocabulary
from sqlalchemy import select
from starlette.testclient import TestClient

from hdhwatch.classify.providers import default_catalog
from hdhwatch.config import load_settings
from hdhwatch.read.evidence import article_events, article_passages, event_rows
from hdhwatch.read.query import ArticleFilter, article_dict, get_article, list_articles
from hdhwatch.read.report import current_target, shift_rows, timeline_rows
from hdhwatch.store.db import Database
from hdhwatch.store.models import Article
from hdhwatch.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]


class ServerTime:
    """Records each request's time in the app, from its start to its last byte (what a
    server spends; the test client's own overhead left out)."""

    def __init__(self, app) -> None:
        self.app = app
        self.times: list[float] = []

    async def __call__(self, scope, receive, send) -> None:
        t0 = time.perf_counter()
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.times.append((time.perf_counter() - t0) * 1000)


def timed(runs: int, call: Callable[[int], None], server: ServerTime | None = None
          ) -> tuple[float, float]:
    call(0)  # warm the caches
    times = []
    if server is not None:
        server.times.clear()
    for i in range(runs):
        t0 = time.perf_counter()
        call(i)
        times.append((time.perf_counter() - t0) * 1000)
    if server is not None:
        times = list(server.times)
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]


def measure(db: Database, url: str, runs: int, seed: int) -> list[tuple[str, tuple, tuple]]:
    rng = random.Random(seed)
    with db.session() as session:
        relevant = list(session.scalars(select(Article.id).where(Article.relevant.is_(True))))
    articles = [rng.choice(relevant) for _ in range(runs + 1)]
    settings = load_settings({"HDHWATCH_DATA_DIR": tempfile.mkdtemp(prefix="hdhwatch-bench-"),
                              "HDHWATCH_CONFIG_DIR": str(ROOT / "config"),
                              "HDHWATCH_DATABASE_URL": url})
    catalog = default_catalog(settings.providers_path)
    app = create_app(settings)
    site = app.state.site
    server = ServerTime(app)

    def get(client: TestClient, path: str) -> None:
        response = client.get(path)
        assert response.status_code == 200, (path, response.status_code)

    def home_queries(i: int) -> None:
        with db.session() as session:
            timeline_rows(session)
            shift_rows(session)
            shift_rows(session, status="signal")
            current_target(session)
            event_rows(session, "fr", limit=6)

    def search_queries(i: int) -> None:
        with db.session() as session:
            list_articles(session, ArticleFilter(search=SEARCHES[i % len(SEARCHES)], limit=21))

    def article_queries(i: int) -> None:
        with db.session() as session:
            article = get_article(session, str(articles[i]))
            article_dict(article, full=True)
            article_passages(article, catalog)
            article_events(session, article.id, "fr")

    results = []
    with TestClient(server) as client:
        sizes = {name: len(client.get(path).content) // 1024 for name, path in (
            ("home", "/"), ("search", f"/articles?search={SEARCHES[0]}"),
            ("article", f"/articles/{articles[0]}"))}
        print(f"page sizes (KB): {sizes}", file=sys.stderr)
        def home_cold(i: int) -> None:
            site._home.clear()
            get(client, "/")

        results.append(("home page (as served)",
                        timed(runs, lambda i: get(client, "/"), server),
                        timed(runs, home_queries)))
        results.append(("home page (after a crawl)", timed(runs, home_cold, server),
                        timed(runs, home_queries)))
        results.append(("search page", timed(runs, lambda i: get(
            client, f"/articles?search={SEARCHES[i % len(SEARCHES)]}"), server),
            timed(runs, search_queries)))
        results.append(("article page", timed(runs, lambda i: get(
            client, f"/articles/{articles[i]}"), server), timed(runs, article_queries)))
    return results


def print_table(backend: str, counts: dict, results) -> None:
    print(f"\n{backend}: {counts['articles']} articles ({counts['relevant']} relevant, "
          f"{counts['statements']} deadline statements), filled in {counts['seconds']:.0f} s")
    print(f"{'page':<28} {'page median':>12} {'p95':>8} {'queries median':>15} {'p95':>8} "
          f"{'page / queries':>15}")
    for name, (page, page95), (query, query95) in results:
        print(f"{name:<28} {page:>12.1f} {page95:>8.1f} {query:>15.1f} {query95:>8.1f} "
              f"{page / query:>15.2f}")


def run(args, backend: str) -> None:
    with scratch_store(backend, args.pg_url) as store:
        if store is not None:
            db, url = store
            counts = fill(db, args.n, args.seed)
            print_table(BACKENDS[backend], counts, measure(db, url, args.runs, args.seed))


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=100_000, help="articles to generate")
    parser.add_argument("--runs", type=int, default=30, help="timed runs per page (>= 30)")
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--pg-url", default=PG_ADMIN_URL,
                        help="an existing PostgreSQL database to connect to as an admin")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    if args.n < 1 or args.runs < 1:
        parser.error("--n and --runs must be positive")
    vocabulary(random.Random(args.seed))
    print(f"{args.n} generated articles, {args.runs} runs per page and per query set "
          "(in-process: Starlette's TestClient; warm cache)", file=sys.stderr)
    for backend in BACKENDS:
        if args.backend in (backend, "both"):
            run(args, backend)


if __name__ == "__main__":
    main()
