"""Reading what was found: whole values outside a terminal, `timeline --since`,
`providers --provider`, and `show` with what the classifier found and why."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from click.testing import CliRunner
from test_report import fill_store

from hdhwatch.cli import main
from hdhwatch.cli.output import table
from hdhwatch.config import child_environment


@pytest.fixture
def store(database, db_url, make_settings):
    """A store filled from the corpus through the real path; ``run`` invokes the CLI on it."""
    ids = fill_store(database)
    settings = make_settings(database_url=db_url)

    def run(*args: str) -> str:
        result = CliRunner().invoke(main, list(args), obj={"settings": settings})
        assert result.exit_code == 0, (result.output, result.exception)
        return result.stdout

    run.ids, run.settings = ids, settings
    return run


def test_tables_are_cut_to_a_terminal_but_whole_in_a_file_or_a_pipe(store):
    rows = json.loads(store("articles", "--format", "json"))
    longest = max(rows, key=lambda r: len(r["title"]) + len(r["url"]))
    assert len(longest["title"]) + len(longest["url"]) > 120
    listed = store("articles")  # CliRunner's output is not a terminal
    assert longest["title"] in listed and longest["url"] in listed and "…" not in listed
    cut = table(["title", "url"], [[longest["title"], longest["url"]]], width=80)
    assert max(len(line) for line in cut.splitlines()) <= 80 and "…" in cut


def test_the_timeline_written_to_a_file_keeps_every_phrase_and_title(store, tmp_path):
    statements = json.loads(store("timeline", "--format", "json"))["statements"]
    out = tmp_path / "timeline.txt"
    with out.open("w") as handle:  # a real process writing to a real file
        result = subprocess.run([sys.executable, "-m", "hdhwatch", "timeline"], stdout=handle,
                                stderr=subprocess.PIPE, text=True, timeout=120,
                                env=child_environment(store.settings))
    assert result.returncode == 0, result.stderr
    text = out.read_text()
    assert "…" not in text
    for row in statements:
        assert row["phrase"] in text and row["title"] in text


def test_timeline_since_keeps_later_statements_and_moves_and_today_s_target(store):
    every = json.loads(store("timeline", "--format", "json"))
    later = json.loads(store("timeline", "--since", "2026-01-01", "--format", "json"))
    assert later["statements"] and len(later["statements"]) < len(every["statements"])
    assert all(r["published"] >= "2026-01-01" for r in later["statements"])
    assert [r for r in every["statements"] if r["published"] >= "2026-01-01"] == \
        later["statements"]
    assert later["shifts"] and all(s["published"] >= "2026-01-01" for s in later["shifts"])
    assert len(later["shifts"]) < len(every["shifts"])
    assert later["current"] == every["current"]
    assert store("timeline", "--since", "2026-01-01").startswith(
        f"Targets stated since 2026-01-01 ({len(later['statements'])}):")


def test_providers_for_one_provider_by_any_alias(store):
    every = json.loads(store("providers", "--format", "json"))
    ovh = json.loads(store("providers", "--provider", "OVH", "--format", "json"))
    assert ovh and {r["provider"] for r in ovh} == {"OVHcloud"}
    assert ovh == [r for r in every if r["provider"] == "OVHcloud"]
    azure = json.loads(store("providers", "--provider", "azure", "--since", "2026-01-01",
                             "--format", "json"))
    assert azure and all(r["provider"] == "Microsoft" and r["month"] >= "2026-01"
                         for r in azure)
    refused = CliRunner().invoke(main, ["providers", "--provider", "Nimbus"],
                                 obj={"settings": store.settings})
    assert refused.exit_code == 2 and "unknown provider 'Nimbus'" in refused.stderr


def test_show_says_what_was_found_and_why(store):
    article_id = store.ids["a-015"]  # a move reported: fin 2022 -> 2025
    data = json.loads(store("show", str(article_id), "--format", "json"))
    assert data["relevant"] is True and data["relevance_reasons"]
    assert {"provider", "count", "alias", "sentence"} <= set(data["provider_mentions"][0])
    assert data["deadlines"]
    for statement in data["deadlines"] + data["dates_set_aside"]:
        assert statement["sentence"] and statement["phrase"] in statement["sentence"]
        assert statement["kind"] and statement["confidence"] and "approx" in statement
    assert all(d["kind"] in ("target", "interim", "bound") for d in data["deadlines"])
    assert all(d["kind"] in ("event", "other") for d in data["dates_set_aside"])

    text = store("show", str(article_id))
    assert "relevant:  yes (score " in text
    assert data["relevance_reasons"][0] in text
    assert f"providers: {data['provider_mentions'][0]['provider']}" in text
    assert f"Migration dates stated ({len(data['deadlines'])}):" in text
    for statement in data["deadlines"]:
        assert (f"{statement['target']} ({statement['deadline']}, {statement['precision']}): "
                f"role {statement['role']}, kind {statement['kind']}") in text
        assert f"confidence {statement['confidence']}" in text
        assert statement["sentence"] in text
    assert "role former" in text and "role current" in text


def test_show_lists_the_dates_it_set_aside(store):
    found = None
    for article_id in store.ids.values():
        data = json.loads(store("show", str(article_id), "--format", "json"))
        if data["dates_set_aside"]:
            found = article_id, data
            break
    assert found, "the sample holds an article with a date set aside"
    article_id, data = found
    text = store("show", str(article_id))
    assert f"Dates set aside ({len(data['dates_set_aside'])}):" in text
    aside = data["dates_set_aside"][0]
    assert f"kind {aside['kind']}" in text and aside["sentence"] in text
