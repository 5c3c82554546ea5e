"""``hdhwatch eval``: score the classifier and the timeline on a labelled corpus.

Reads the JSON Lines format of docs/corpus-format.md, feeds the articles
through the real store, classification and timeline code on a temporary
SQLite database in ``published`` order (as a crawl would), reads the
predictions back from the store, and scores them.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from pathlib import Path

from hdhwatch.errors import CorpusError, ExtractionError

PRECISIONS = {"year", "half", "quarter", "season", "month", "day"}
ROLES = {"current", "former"}


@dataclass(frozen=True)
class Labelled:
    id: str
    published: date
    text: str
    title: str = ""
    url: str | None = None
    language: str | None = None
    html: str | None = None
    expected: dict = field(default_factory=dict)


def _day(value, where: str) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise CorpusError(f"{where}: invalid date {value!r}") from exc


def read_corpus(path: Path) -> list[Labelled]:
    """Parse a corpus file; every problem names its line."""
    items = []
    seen = set()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise CorpusError(f"cannot read {path}: {exc}") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path.name}:{n}"
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where}: invalid JSON ({exc.msg})") from exc
        if not isinstance(raw, dict):
            raise CorpusError(f"{where}: each line must be a JSON object")
        for key in ("id", "published"):
            if key not in raw:
                raise CorpusError(f"{where}: missing {key!r}")
        if "text" not in raw and "html" not in raw:
            raise CorpusError(f"{where}: needs 'text' or 'html'")
        if raw["id"] in seen:
            raise CorpusError(f"{where}: duplicate id {raw['id']!r}")
        seen.add(raw["id"])
        expected = raw.get("expected") or {}
        for d in expected.get("deadlines") or []:
            if d.get("precision") not in PRECISIONS or d.get("role") not in ROLES:
                raise CorpusError(f"{where}: bad deadline label {d}")
            _day(d.get("deadline"), where)
        items.append(
            Labelled(
                id=str(raw["id"]),
                published=_day(raw["published"], where),
                text=raw.get("text") or "",
                title=raw.get("title") or "",
                url=raw.get("url"),
                language=raw.get("language"),
                html=raw.get("html"),
                expected=expected,
            )
        )
    if not items:
        raise CorpusError(f"{path}: no articles")
    return items


@dataclass
class Score:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, expected: set, predicted: set) -> tuple[set, set]:
        self.tp += len(expected & predicted)
        self.fp += len(predicted - expected)
        self.fn += len(expected - predicted)
        return expected - predicted, predicted - expected

    def as_dict(self) -> dict:
        return {
            "precision": round(self.precision, 4),
            "recall": round(self.recall, 4),
            "f1": round(self.f1, 4),
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
        }


@dataclass
class Report:
    scores: dict[str, Score]
    expected_alerts: list[tuple[str, str]]
    raised_alerts: list[tuple[str, str]]
    errors: list[str]
    predictions: list[dict]
    extraction: dict | None = None

    def _pairing(self) -> tuple[list, list]:
        """(expected alerts not raised, raised alerts not expected), each matched once."""
        missed = list(self.expected_alerts)
        false = []
        for alert in self.raised_alerts:
            match = next((e for e in missed if _same_alert(alert, e)), None)
            if match is None:
                false.append(alert)
            else:
                missed.remove(match)
        return missed, false

    @property
    def alerts_found(self) -> int:
        return len(self.expected_alerts) - len(self._pairing()[0])

    @property
    def false_alerts(self) -> int:
        return len(self._pairing()[1])

    def summary_line(self) -> str:
        s = self.scores
        return (
            f"relevance F1 {s['relevance'].f1:.2f} | providers F1 {s['providers'].f1:.2f} | "
            f"deadlines F1 {s['deadlines'].f1:.2f} | shifts F1 {s['shifts'].f1:.2f} | "
            f"timeline {self.alerts_found}/{len(self.expected_alerts)} alerts, "
            f"{self.false_alerts} false"
        )

    def as_dict(self) -> dict:
        data = {name: score.as_dict() for name, score in self.scores.items()}
        data["timeline"] = {
            "expected": len(self.expected_alerts),
            "raised": len(self.raised_alerts),
            "found": self.alerts_found,
            "false": self.false_alerts,
            "expected_alerts": [list(a) for a in self.expected_alerts],
            "raised_alerts": [list(a) for a in self.raised_alerts],
        }
        if self.extraction:
            data["extraction"] = self.extraction
        return data


# --- the timeline rule on labels ----------------------------------------------------------
def expected_alerts(items: Iterable[Labelled]) -> list[tuple[str, str]]:
    """FORMAT.md's timeline rule applied to the labels alone."""
    from hdhwatch.classify.deadlines import same_target

    def same(a, b) -> bool:
        return a is not None and b is not None and same_target(a, b)

    known = None
    superseded: list = []
    alerts = []
    for item in sorted(items, key=lambda i: i.published):
        exp = item.expected
        if not exp.get("relevant"):
            continue
        targets = [
            (date.fromisoformat(d["deadline"]), d["precision"], bool(d.get("approx")))
            for d in exp.get("deadlines") or []
            if d.get("role") == "current" and not d.get("bound") and not d.get("scope")
        ]
        shift = exp.get("shift")
        if shift:
            to = (date.fromisoformat(shift["to"]), *_label_of(exp, shift["to"]))
            frm = (date.fromisoformat(shift["from"]), *_label_of(exp, shift["from"]))
            if not same(to, known):
                old = known or frm
                alerts.append(_alert(old, to))
                superseded.append(old)
                known = to
                continue
        target = next((t for t in targets if same(t, known)), None) or (
            max(targets, key=lambda t: (t[0], t[1])) if targets else None
        )
        if target is None or same(target, known) or any(same(target, s) for s in superseded):
            continue
        if known is not None:
            alerts.append(_alert(known, target))
            superseded.append(known)
        known = target
    return alerts


def _label_of(expected: dict, day: str) -> tuple[str, bool]:
    """The precision and approx flag of the labelled deadline ending on ``day``."""
    for d in expected.get("deadlines") or []:
        if d["deadline"] == day:
            return d["precision"], bool(d.get("approx"))
    return "day", False


def _alert(old: tuple, new: tuple) -> Alert:
    return Alert(old[0].isoformat(), new[0].isoformat(), old[1], new[1],
                 bool(old[2]) if len(old) > 2 else False, bool(new[2]) if len(new) > 2 else False)


class Alert(tuple):
    """A raised or expected alert: (from, to) ISO days, compared as FORMAT.md's targets.

    It is a ``(from, to)`` pair for printing and JSON; two alerts are the same move when
    both ends are the same target (the same period at the coarser precision, or within
    92 days of an ``approx`` end): an alert from "d'ici deux ans" written in November
    2020 (2022-11-30) matches one labelled from "2022" (2022-12-31).
    """

    def __new__(cls, frm: str | None, to: str, frm_precision: str | None = None,
                to_precision: str = "day", frm_approx: bool = False, to_approx: bool = False):
        alert = super().__new__(cls, (frm, to))
        alert.ends = ((frm, frm_precision, frm_approx), (to, to_precision, to_approx))
        return alert

    def matches(self, other: Alert) -> bool:
        from hdhwatch.classify.deadlines import same_target

        for (a, pa, xa), (b, pb, xb) in zip(self.ends, other.ends, strict=True):
            if a is None or b is None:
                if a != b:
                    return False
                continue
            if not same_target((date.fromisoformat(a), pa or "day", xa),
                               (date.fromisoformat(b), pb or "day", xb)):
                return False
        return True


# --- running the real pipeline ----------------------------------------------------------------
def evaluate(items: list[Labelled], catalog=None) -> Report:
    """Feed the corpus through the pipeline (classify → store → detect) on a temporary
    database, in publication order, one article at a time as a crawl of each would."""
    from hdhwatch import pipeline
    from hdhwatch.extract import parse_article
    from hdhwatch.records import Article as ArticleRecord
    from hdhwatch.store.db import open_database
    from hdhwatch.store.models import Article

    ordered = sorted(items, key=lambda i: i.published)
    raised: list[tuple[str, str]] = []
    by_id: dict[str, int] = {}
    extraction = {"pages": 0, "failed": 0, "title_match": 0}
    with tempfile.TemporaryDirectory(prefix="hdhwatch-eval-") as tmp:
        db = open_database(f"sqlite:///{Path(tmp) / 'eval.sqlite3'}")
        try:
            for n, item in enumerate(ordered):
                published = datetime.combine(item.published, time(12), UTC)
                url = f"{item.url or 'https://corpus.invalid/' + item.id}#corpus-{n}"
                record = ArticleRecord(
                    url=url,
                    title=item.title,
                    text=item.text,
                    published=published,
                    language=item.language,
                )
                if item.html:
                    extraction["pages"] += 1
                    try:
                        page = parse_article(item.html, item.url or url)
                        extraction["title_match"] += page.title.strip() == item.title.strip()
                        record = ArticleRecord(
                            url=url,
                            title=page.title,
                            text=page.text,
                            lead=page.lead,
                            published=published,
                            language=page.language or item.language,
                        )
                    except ExtractionError as exc:  # a scored outcome; the text is used instead
                        extraction["failed"] += 1
                        extraction.setdefault("errors", []).append(
                            f"{item.id}\textraction\tfailed\t{exc.reason}: {exc}")
                prepared = pipeline.prepare(record, catalog=catalog)
                with db.session() as session:
                    saved = pipeline.store(session, prepared)
                    by_id[item.id] = saved.article_id
                    for event in pipeline.advance_timeline(session):
                        if event.kind != "target_move":
                            continue  # the labelled format scores the target's moves
                        raised.append(Alert(
                            event.from_deadline.isoformat() if event.from_deadline else None,
                            event.to_deadline.isoformat(), event.from_precision,
                            event.to_precision, bool(event.payload.get("from_approx")),
                            bool(event.payload.get("to_approx"))))
            predictions = {}
            with db.session() as session:
                for item in ordered:
                    predictions[item.id] = _prediction(session.get(Article, by_id[item.id]))
        finally:
            db.close()
    return _score(ordered, predictions, raised, extraction if extraction["pages"] else None)


def _prediction(article) -> dict:
    from hdhwatch.classify.deadlines import labels

    return {
        "relevant": bool(article.relevant),
        "providers": [p.provider for p in article.providers],
        **labels([s.record() for s in article.deadlines]),
    }


def _score(items, predictions, raised, extraction) -> Report:
    scores = {k: Score() for k in ("relevance", "providers", "deadlines", "shifts")}
    errors: list[str] = list((extraction or {}).pop("errors", []))
    out = []
    for item in items:
        exp, pred = item.expected, predictions[item.id]
        out.append({"id": item.id, "predicted": pred})

        def note(task: str, missed: set, spurious: set, item=item) -> None:
            errors.extend(f"{item.id}\t{task}\tmissed\t{_fmt(m)}" for m in sorted(missed, key=str))
            errors.extend(
                f"{item.id}\t{task}\tspurious\t{_fmt(s)}" for s in sorted(spurious, key=str)
            )

        e_rel = {item.id} if exp.get("relevant") else set()
        p_rel = {item.id} if pred["relevant"] else set()
        note("relevance", *scores["relevance"].add(e_rel, p_rel))
        note(
            "providers",
            *scores["providers"].add(set(exp.get("providers") or []), set(pred["providers"])),
        )
        e_dl = {(d["deadline"], d["role"]) for d in exp.get("deadlines") or []}
        p_dl = {(d["deadline"], d["role"]) for d in pred["deadlines"]}
        note("deadlines", *scores["deadlines"].add(e_dl, p_dl))
        e_sh = {(exp["shift"]["from"], exp["shift"]["to"])} if exp.get("shift") else set()
        p_sh = {(pred["shift"]["from"], pred["shift"]["to"])} if pred["shift"] else set()
        note("shifts", *scores["shifts"].add(e_sh, p_sh))
    expected = expected_alerts(items)
    report = Report(scores, expected, raised, errors, out, extraction)
    missing, false = report._pairing()
    errors.extend(f"-\ttimeline\tfalse alert\t{a[0]} → {a[1]}" for a in false)
    errors.extend(f"-\ttimeline\tmissed alert\t{a[0]} → {a[1]}" for a in missing)
    return report


def _same_alert(a, b) -> bool:
    if isinstance(a, Alert) and isinstance(b, Alert):
        return a.matches(b)
    return tuple(a) == tuple(b)


def _fmt(value) -> str:
    return " ".join(str(v) for v in value) if isinstance(value, tuple) else str(value)
