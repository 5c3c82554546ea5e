"""The reporting commands, run for real on a store filled from the corpus."""

from __future__ import annotations

import csv
import io
import json

import pytest
from click.testing import CliRunner
from test_report import fill_store

from hdhwatch.cli import main  # registers the report commands (hdhwatch.cli.report)
from hdhwatch.evaluate import read_corpus


@pytest.fixture
def run(database, db_url, make_settings):
    """Invoke ``hdhwatch ARGS…`` on a filled store; returns the click result."""
    ids = fill_store(database)
    settings = make_settings(database_url=db_url)

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), obj={"settings": settings})

    invoke.ids = ids
    return invoke


def ok(result) -> str:
    assert result.exit_code == 0, (result.output, result.exception)
    return result.stdout


def refused(result, message: str) -> None:
    assert result.exit_code != 0
    assert message in result.output
    assert "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)  # a clean ClickException, not a crash


@pytest.mark.parametrize("name", ["timeline", "providers", "export"])
def test_every_command_is_documented_with_an_example(name):
    result = CliRunner().invoke(main, [name, "--help"])
    assert result.exit_code == 0 and "Example:" in result.output


def test_timeline_table_then_shifts_then_current_target(run):
    out = ok(run("timeline"))
    statements, rest = out.split("\nShift events (3):\n")
    assert statements.startswith("Targets stated (")
    assert "published" in statements.splitlines()[1]
    assert "nov. 2022 → fin 2025" in rest and "fin 2026 → T1 2027" in rest
    assert "confirmed by:" in rest
    assert "Current target: premier trimestre 2027 (2027-03-31), set on 2026-04-08" in rest


def test_timeline_json_and_csv(run):
    data = json.loads(ok(run("timeline", "--format", "json")))
    assert set(data) == {"statements", "shifts", "signals", "current"}
    assert [s["to"] for s in data["shifts"]] == ["2025-12-31", "2026-12-31", "2027-03-31"]
    assert data["current"]["deadline"] == "2027-03-31"
    rows = list(csv.DictReader(io.StringIO(ok(run("timeline", "--format", "csv")))))
    assert len(rows) == len(data["statements"])
    assert [r["deadline"] for r in rows] == [s["deadline"] for s in data["statements"]]
    assert rows[0]["sentence"] and rows[0]["target"]


def test_timeline_plot(run, tmp_path):
    result = run("timeline", "--format", "json", "--plot", str(tmp_path / "t.svg"))
    json.loads(ok(result))  # the message about the plot goes to stderr, not into the JSON
    assert "timeline drawn to" in result.stderr
    assert "Health Data Hub : date de migration annoncée" in (tmp_path / "t.svg").read_text()


def test_timeline_plot_with_a_bad_extension(run, tmp_path):
    refused(run("timeline", "--plot", str(tmp_path / "t.pdf")), "must end in .png or .svg")
    assert not (tmp_path / "t.pdf").exists()


def test_providers(run):
    rows = json.loads(ok(run("providers", "--format", "json")))
    assert {"month", "provider", "articles", "mentions", "jurisdiction",
            "certifications"} <= set(rows[0])
    recent = json.loads(ok(run("providers", "--since", "2026-01-01", "--format", "json")))
    assert recent and all(r["month"] >= "2026-01" for r in recent)
    assert len(recent) < len(rows)
    table = ok(run("providers", "--since", "2026-04-01"))
    assert table.splitlines()[0].split() == ["month", "provider", "articles", "mentions",
                                             "jurisdiction", "certifications"]
    assert "Scaleway" in table
    rows_csv = list(csv.DictReader(io.StringIO(ok(run("providers", "--format", "csv")))))
    assert len(rows_csv) == len(rows)
    every = json.loads(ok(run("providers", "--all-articles", "--format", "json")))
    assert "Oracle" in {r["provider"] for r in every} - {r["provider"] for r in rows}


def test_providers_with_a_malformed_date(run):
    refused(run("providers", "--since", "last week"), "invalid --since 'last week'")
    refused(run("providers", "--format", "xml"), "Invalid value for '--format'")


def test_export_jsonl_to_stdout(run):
    lines = ok(run("export")).splitlines()
    assert len(lines) == len(run.ids)
    rows = [json.loads(line) for line in lines]
    assert {r["id"] for r in rows} == set(run.ids.values())
    assert all("text" in r and "deadlines" in r for r in rows)


def test_export_labelled_to_a_file_reads_back_as_a_corpus(run, tmp_path):
    path = tmp_path / "corpus.jsonl"
    result = run("export", "--labelled", "--output", str(path))
    assert result.exit_code == 0 and result.stdout == ""
    items = read_corpus(path)
    assert {i.id for i in items} == {str(i) for i in run.ids.values()}
    shifted = next(i for i in items if i.id == str(run.ids["a-015"]))
    assert shifted.expected["shift"] == {"from": "2022-12-31", "to": "2025-12-31"}


def test_export_csv(run):
    rows = list(csv.DictReader(io.StringIO(ok(run("export", "--format", "csv")))))
    assert len(rows) == len(run.ids)
    row = next(r for r in rows if r["id"] == str(run.ids["a-015"]))
    assert row["shift"] == "2022-12-31 → 2025-12-31"
    assert "2025-12-31 year current" in row["deadlines"]
    labelled = list(csv.DictReader(io.StringIO(ok(run("export", "--format", "csv",
                                                      "--labelled")))))
    assert set(labelled[0]) == {"id", "url", "published", "language", "title", "text",
                                "relevant", "providers", "deadlines", "shift"}


def test_export_to_an_unwritable_place(run, tmp_path):
    refused(run("export", "--output", str(tmp_path / "missing" / "x.jsonl")), "Error:")
