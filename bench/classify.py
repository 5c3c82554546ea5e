"""Classification cost against extraction cost, on the same article pages.

    python bench/classify.py [--articles 2000] [--quick] [--profile]

Generates ``--articles`` article pages (~60 KB, 600-900 words of French press text;
see ``_corpus.py``), then, in one process and one run:

- extraction, the baseline: ``hdhwatch.extract.parse_article`` on every page;
- classification: ``hdhwatch.classify.classify`` on every article extracted, with
  the provider catalogue the crawl uses, and each of its stages (relevance,
  providers, frames, deadlines) timed apart on the same articles.

A few articles are run through both first, outside the timings, so one-off costs
(imports, compiling patterns, loading the catalogue) are not counted per article.
The ratio classify/extract is the cost of classifying an article over the cost of
extracting it: under 1, classification is the cheaper stage. ``--profile`` prints
the functions classification spends its time in (cProfile).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent / "src")]

import _corpus  # noqa: E402

from hdhwatch.classify import classified_text, classify  # noqa: E402
from hdhwatch.classify.deadlines import find_deadlines, reported_shift  # noqa: E402
from hdhwatch.classify.providers import default_catalog, find_frames, find_providers  # noqa: E402
from hdhwatch.classify.relevance import assess_relevance  # noqa: E402
from hdhwatch.extract import parse_article  # noqa: E402

BASE = "https://www.example-presse.fr"
WARM_UP = 5
TARGET_RATIO = 1.0


def timed(fn, items) -> tuple[float, list]:
    started = time.perf_counter()
    out = [fn(item) for item in items]
    return time.perf_counter() - started, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python bench/classify.py", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--articles", type=int, default=2000, help="pages (default 2000)")
    parser.add_argument("--quick", action="store_true", help="a smoke run: 100 articles")
    parser.add_argument("--profile", action="store_true", help="cProfile the classification")
    parser.add_argument("--top", type=int, default=25, help="functions shown by --profile")
    args = parser.parse_args(argv)
    if args.quick:
        args.articles = min(args.articles, 100)

    started = time.perf_counter()
    pages = [
        (html.replace("{{BASE}}", BASE), BASE + spec.path)
        for spec, html in _corpus.pages(args.articles + WARM_UP)
    ]
    words = 0
    print(
        f"{args.articles} pages generated in {time.perf_counter() - started:.1f} s, "
        f"{sum(len(h) for h, _ in pages) / len(pages) / 1000:.1f} kB each on average",
        flush=True,
    )
    catalog = default_catalog(HERE.parent / "config" / "providers.toml")

    def extract(page):
        return parse_article(page[0], page[1])

    def classify_one(article):
        return classify(article, catalog)

    warm, pages = pages[:WARM_UP], pages[WARM_UP:]
    for article in [extract(p) for p in warm]:
        classify_one(article)

    extract_s, articles = timed(extract, pages)
    words = sum(len(classified_text(a).split()) for a in articles)
    classify_s, results = timed(classify_one, articles)

    # the stages, as classify() calls them
    texts = [classified_text(a) for a in articles]
    relevance_s, relevances = timed(
        lambda a: assess_relevance(a.title, a.lead, a.text, a.language), articles
    )
    providers_s, _ = timed(lambda t: find_providers(t, catalog), texts)
    frames_s, _ = timed(find_frames, texts)
    todo = [
        (t, a)
        for t, a, r in zip(texts, articles, relevances, strict=True)
        if r.relevant and a.published_date
    ]
    deadlines_s, _ = timed(
        lambda ta: reported_shift(find_deadlines(ta[0], ta[1].published_date, ta[1].language)),
        todo,
    )

    n = len(articles)
    relevant = sum(r.relevance.relevant for r in results)
    statements = sum(len(r.deadlines) for r in results)
    print(
        f"{n} articles, {words / n:.0f} words each on average (title, lead, body); "
        f"{relevant} relevant, {statements} deadline statements\n"
    )
    print(f"{'':26} {'articles/s':>10} {'ms/article':>10}")
    rows = [
        ("extract (parse_article)", extract_s, n),
        ("classify", classify_s, n),
        ("  relevance", relevance_s, n),
        ("  providers", providers_s, n),
        ("  frames", frames_s, n),
        (f"  deadlines ({len(todo)} relevant)", deadlines_s, max(len(todo), 1)),
    ]
    for label, seconds, count in rows:
        print(f"{label:26} {count / seconds:10.1f} {seconds / count * 1000:10.2f}")
    ratio = classify_s / extract_s
    verdict = "meets" if ratio < TARGET_RATIO else "above"
    print(
        f"\nratio classify/extract (time per article): {ratio:.2f} "
        f"({verdict} the < {TARGET_RATIO:g} target)"
    )

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for article in articles:
            classify_one(article)
        profiler.disable()
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(args.top)
        print(out.getvalue())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
