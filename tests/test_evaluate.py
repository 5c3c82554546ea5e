"""`hdhwatch eval` on the project's labelled corpus: the floors reached, the seed exact.

The corpus (tests/corpus/hdhwatch.jsonl: the seed, 90 articles written for the
project, 25+ traps) was also used to tune the rules, so these floors guard
against regressions; they are not a claim about unseen press.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from hdhwatch.cli import main
from hdhwatch.errors import CorpusError
from hdhwatch.evaluate import evaluate, expected_alerts, read_corpus

CORPUS = Path(__file__).resolve().parent / "corpus" / "hdhwatch.jsonl"
# Written without sight of the rules. First measured at relevance 0.95, providers 1.00,
# deadlines 0.81, shifts 0.82 and one false alert; the general gaps it showed were then
# fixed (with new test sentences of their own), so it now guards those fixes too.
HOLDOUT = Path(__file__).resolve().parent / "corpus" / "holdout.jsonl"
SEED = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "seed.jsonl"

def eval_json(path: Path) -> dict:
    """`hdhwatch eval PATH --json`, run as a user runs it."""
    result = CliRunner().invoke(main, ["eval", str(path), "--json"])
    assert result.exit_code == 0, result.output
    return json.loads(result.output)


FLOORS = {"relevance": 0.95, "providers": 0.95, "deadlines": 0.95, "shifts": 0.95}


@pytest.fixture(scope="module")
def corpus_report():
    return eval_json(CORPUS)


@pytest.mark.parametrize("task", sorted(FLOORS))
def test_corpus_floor(corpus_report, task):
    assert corpus_report[task]["f1"] >= FLOORS[task], corpus_report[task]


@pytest.fixture(scope="module")
def holdout_report():
    return eval_json(HOLDOUT)


@pytest.mark.parametrize("task", sorted(FLOORS))
def test_holdout_floor(holdout_report, task):
    assert holdout_report[task]["f1"] >= FLOORS[task], holdout_report[task]


HOLDOUT2 = Path(__file__).resolve().parent / "corpus" / "holdout2.jsonl"
# A second independent writer, long-form pieces. First measured at deadlines 0.73, shifts
# 0.53, 2/3 alerts and 3 false; then generalised (retold durations, promise dates).
HOLDOUT2_FLOORS = {"relevance": 0.95, "providers": 0.95, "deadlines": 0.90, "shifts": 0.90}


@pytest.fixture(scope="module")
def holdout2_report():
    return eval_json(HOLDOUT2)


@pytest.mark.parametrize("task", sorted(HOLDOUT2_FLOORS))
def test_holdout2_floor(holdout2_report, task):
    assert holdout2_report[task]["f1"] >= HOLDOUT2_FLOORS[task], holdout2_report[task]


def test_holdout2_timeline_has_no_false_alert(holdout2_report):
    assert holdout2_report["timeline"]["false"] == 0
    assert holdout2_report["timeline"]["found"] == holdout2_report["timeline"]["expected"]


def test_holdout_timeline_has_no_false_alert(holdout_report):
    assert holdout_report["timeline"]["false"] == 0
    assert holdout_report["timeline"]["found"] == holdout_report["timeline"]["expected"]


# Two corpora written like real press as a crawler meets it (page furniture, event dates,
# other deadlines of the story, retold aims, aggregator pages, forums, parliamentary and
# law-firm pages, English), by two writers who never saw the rules. First measured at
# deadlines 0.66 and 0.79, shifts 0.15 and 0.73; the general phenomena they showed were
# then fixed with test sentences of our own (test_deadlines' REAL_PRESS). The floors guard
# the alerts above all: every real move raised, no false one.
PRESS = {
    "press_fr": ({"relevance": 0.95, "providers": 0.95, "deadlines": 0.90, "shifts": 0.50}),
    "press_en": ({"relevance": 0.95, "providers": 0.95, "deadlines": 0.80, "shifts": 0.70}),
}


@pytest.fixture(scope="module", params=sorted(PRESS))
def press_report(request):
    path = Path(__file__).resolve().parent / "corpus" / f"{request.param}.jsonl"
    return request.param, eval_json(path)


def test_press_corpora_floors_and_alerts(press_report):
    name, report = press_report
    for task, floor in PRESS[name].items():
        assert report[task]["f1"] >= floor, (name, task, report[task])
    timeline = report["timeline"]
    assert timeline["expected"] == 3
    assert timeline["found"] == 3 and timeline["false"] == 0, (name, timeline)


def test_corpus_timeline_raises_every_expected_alert_and_no_false_one(corpus_report):
    timeline = corpus_report["timeline"]
    assert timeline["expected"] == 3
    assert timeline["found"] == 3 and timeline["false"] == 0, timeline


def test_the_seed_comes_out_exactly_right(tmp_path):
    seed = SEED if SEED.exists() else CORPUS
    first = seed.read_text(encoding="utf-8").splitlines()[0]
    path = tmp_path / "seed.jsonl"
    path.write_text(first + "\n", encoding="utf-8")
    predictions = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(main, ["eval", str(path), "--predictions", str(predictions)])
    assert result.exit_code == 0, result.output
    expected = json.loads(first)["expected"]
    predicted = json.loads(predictions.read_text(encoding="utf-8"))["predicted"]
    assert predicted["relevant"] is True
    assert sorted(predicted["providers"]) == sorted(expected["providers"])
    key = lambda d: (d["deadline"], d["role"])  # noqa: E731
    assert sorted(map(key, predicted["deadlines"])) == sorted(map(key, expected["deadlines"]))
    assert predicted["shift"] == expected["shift"]
    last = result.output.strip().splitlines()[-1]
    assert last == ("relevance F1 1.00 | providers F1 1.00 | deadlines F1 1.00 | "
                    "shifts F1 1.00 | timeline 1/1 alerts, 0 false")


def test_errors_lists_what_was_missed(tmp_path):
    item = json.loads(CORPUS.read_text(encoding="utf-8").splitlines()[0])
    item["expected"]["providers"].append("Nimbus Cloud")
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(item, ensure_ascii=False) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path), "--errors"])
    assert f"{item['id']}\tproviders\tmissed\tNimbus Cloud" in result.output


def test_expected_alerts_follow_the_format_rule():
    def art(i, day, deadlines, shift=None):
        return read_line({"id": i, "published": day, "text": "x", "expected": {
            "relevant": True, "deadlines": deadlines, "shift": shift}})

    y = lambda year, role="current", **kw: {  # noqa: E731
        "deadline": f"{year}-12-31", "precision": "year", "role": role, **kw}
    items = [
        art("a", "2020-11-20", [{"deadline": "2022-11-30", "precision": "month",
                                 "role": "current"}]),
        art("b", "2021-05-01", [y(2022)]),  # same target at the coarser precision
        art("c", "2022-09-12", [y(2022, "former"), y(2025)],
            {"from": "2022-12-31", "to": "2025-12-31"}),
        art("d", "2023-01-01", [y(2022)]),  # stale restatement, not a move back
        art("e", "2023-06-01", [y(2026, bound="not_before")]),  # a bound is not a target
        art("f", "2026-02-01", [y(2026)]),
    ]
    assert expected_alerts(items) == [("2022-11-30", "2025-12-31"), ("2025-12-31", "2026-12-31")]


def read_line(raw: dict):
    import tempfile

    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.write(json.dumps(raw) + "\n")
    return read_corpus(Path(handle.name))[0]


@pytest.mark.parametrize("line,message", [
    ("{not json", "invalid JSON"),
    ('{"id": "x", "text": "t"}', "missing 'published'"),
    ('{"id": "x", "published": "2022-13-01", "text": "t"}', "invalid date"),
    ('{"id": "x", "published": "2022-01-01", "text": "t", "expected": {"deadlines": '
     '[{"deadline": "2022-12-31", "precision": "decade", "role": "current"}]}}',
     "bad deadline label"),
])
def test_a_malformed_corpus_names_the_line(tmp_path, line, message):
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "ok", "published": "2022-01-01", "text": "t"}\n' + line + "\n")
    with pytest.raises(CorpusError, match=f"bad.jsonl:2: .*{message}"):
        read_corpus(path)


def test_the_evaluation_uses_a_temporary_database(tmp_path):
    report = evaluate(read_corpus(CORPUS)[:5])
    assert len(report.predictions) == 5 and not list(tmp_path.iterdir())


def test_html_items_are_extracted_and_failures_are_listed(tmp_path):
    page = (Path(__file__).resolve().parent / "pages" / "article_jsonld_graph.html").read_text(
        encoding="utf-8")
    lines = [
        {"id": "page", "published": "2026-02-17", "html": page, "title": "x",
         "expected": {"relevant": False, "providers": [], "deadlines": [], "shift": None}},
        {"id": "empty", "published": "2026-02-17", "html": "<html><body><nav>menu</nav></body>",
         "text": "", "expected": {"relevant": False}},
    ]
    path = tmp_path / "html.jsonl"
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(path), "--errors"])
    assert result.exit_code == 0, result.output
    assert "empty\textraction\tfailed\tempty_body" in result.output
    assert "extraction 2 pages, 1 failed" in result.output


def test_approx_targets_are_one_promise_in_the_expected_walk():
    def art(i, day, deadline, approx):
        return read_line({"id": i, "published": day, "text": "x", "expected": {
            "relevant": True, "shift": None, "deadlines": [
                {"deadline": deadline, "precision": "month", "role": "current",
                 "approx": approx}]}})

    promise = [art("oct", "2020-10-09", "2022-10-31", True),
               art("nov", "2020-11-20", "2022-11-30", True)]
    assert expected_alerts(promise) == []
    exact = [art("oct", "2020-10-09", "2022-10-31", False),
             art("nov", "2020-11-20", "2022-11-30", False)]
    assert expected_alerts(exact) == [("2022-10-31", "2022-11-30")]


def test_a_raised_alert_matches_an_expected_one_by_target_not_by_day():
    from hdhwatch.evaluate import Alert, Report

    expected = [Alert("2022-12-31", "2025-12-31", "year", "year")]
    raised = [Alert("2022-11-30", "2025-12-31", "month", "year", True, False)]
    report = Report({}, expected, raised, [], [])
    assert (report.alerts_found, report.false_alerts) == (1, 0)
    later = [Alert("2022-11-30", "2026-12-31", "month", "year", True, False)]
    report = Report({}, expected, later, [], [])
    assert (report.alerts_found, report.false_alerts) == (0, 1)


def test_predictions_write_approx(tmp_path):
    line = {"id": "promesse", "published": "2020-11-20", "url": "https://presse.example/p",
            "title": "Health Data Hub : le ministre promet de quitter Microsoft d'ici deux ans",
            "text": "Le ministre s'engage à migrer le Health Data Hub vers un cloud souverain "
                    "d'ici deux ans.",
            "expected": {"relevant": True, "providers": ["Microsoft"], "shift": None,
                         "deadlines": [{"deadline": "2022-11-30", "precision": "month",
                                        "role": "current", "approx": True}]}}
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    predictions = tmp_path / "pred.jsonl"
    result = CliRunner().invoke(main, ["eval", str(path), "--predictions", str(predictions)])
    assert result.exit_code == 0, result.output
    predicted = json.loads(predictions.read_text(encoding="utf-8"))["predicted"]
    assert predicted["deadlines"] == [{"deadline": "2022-11-30", "precision": "month",
                                       "role": "current", "approx": True}]


def test_eval_recognises_providers_with_the_configured_catalogue(tmp_path, make_settings):
    """`hdhwatch eval` classifies with config/providers.toml of the configuration in use."""
    settings = make_settings()
    catalogue = settings.config_dir / "providers.toml"
    catalogue.write_text(catalogue.read_text(encoding="utf-8") + (
        '\n[[provider]]\nname = "Nuage Breton"\naliases = ["Nuage Breton", "NuageBZH"]\n'
        'country = "FR"\njurisdiction = "FR"\n'), encoding="utf-8")
    line = {
        "id": "nuage", "published": "2026-03-02", "language": "fr",
        "title": "Health Data Hub : NuageBZH candidat à l'hébergement",
        "text": "Le Health Data Hub quittera Microsoft Azure : NuageBZH, hébergeur breton "
                "qualifié SecNumCloud, se porte candidat pour accueillir la plateforme des "
                "données de santé, dont la migration est prévue d'ici fin 2026.",
        "expected": {"relevant": True, "providers": ["Microsoft", "Nuage Breton"],
                     "deadlines": [], "shift": None},
    }
    corpus = tmp_path / "nuage.jsonl"
    corpus.write_text(json.dumps(line, ensure_ascii=False) + "\n", encoding="utf-8")
    predictions = tmp_path / "predictions.jsonl"
    result = CliRunner().invoke(main, ["eval", str(corpus), "--json", "--predictions",
                                       str(predictions)], obj={"settings": settings})
    assert result.exit_code == 0, result.output
    predicted = json.loads(predictions.read_text(encoding="utf-8"))["predicted"]
    assert sorted(predicted["providers"]) == ["Microsoft", "Nuage Breton"]
    assert json.loads(result.stdout)["providers"]["fn"] == 0
