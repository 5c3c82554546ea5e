"""The reporting commands: ``timeline``, ``providers`` and ``export``.

Each parses its options, calls one function of ``hdhwatch.read.report`` (or
``hdhwatch.read.plot``) and formats the rows; ``register(main)`` adds them to the
``hdhwatch`` group.
"""

from __future__ import annotations

import csv
import json
import textwrap
from pathlib import Path

import click

from hdhwatch.cli.output import (
    canonical_provider,
    emit,
    handle_errors,
    open_db,
    settings_of,
    table,
    terminal_width,
)

STATEMENT_COLUMNS = ["published", "outlet", "target", "role", "note", "phrase", "title"]
SHIFT_COLUMNS = ["published", "move", "kind", "outlet", "confirmed by", "title"]
PROVIDER_COLUMNS = ["month", "provider", "articles", "mentions", "jurisdiction",
                    "certifications"]


def _note(row: dict) -> str:
    notes = []
    if row["bound"] == "not_before":
        notes.append("not before")
    if row["scope"] == "interim":
        notes.append("interim")
    if row["copy_of"]:
        notes.append(f"copy of #{row['copy_of']}")
    return ", ".join(notes)


def _corroborations(shifts: list[dict]) -> str:
    """One paragraph per corroborated move: who said it again, and when (wrapped to the
    terminal; one line each in a file or a pipe)."""
    width = terminal_width()
    blocks = []
    for shift in shifts:
        if shift["corroborated_by"]:
            said = "; ".join(f"{a['published'] or '?'} {a['outlet'] or a['url']}"
                             for a in shift["corroborated_by"])
            line = f"{shift['move']}, confirmed by: {said}"
            blocks.append(textwrap.fill(line, width, subsequent_indent="    ") if width else line)
    return "\n".join(blocks)


def _current_text(current: dict | None) -> str:
    if current is None:
        return "Current target: none stated yet."
    text = f"Current target: {current['target']} ({current['deadline']})"
    if current["published"]:
        text += f", set on {current['published']} by {current['outlet'] or current['url']}"
    if current["sentence"]:
        text += f"\n  « {current['sentence']} »"
    if current["url"]:
        text += f"\n  {current['url']}"
    return text


@click.command()
@click.option("--since", help="Only statements and moves published on or after this day "
              "(YYYY-MM-DD); the current target is today's all the same.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True,
              help="json: statements, shift events and current target; csv: the statements.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also draw the timeline to this .png or .svg file.")
@click.pass_context
@handle_errors
def timeline(ctx: click.Context, since: str | None, fmt: str, plot_path: Path | None) -> None:
    """Show every stated target, the shift events and the target known today.

    The statements come in publication order with the outlet, the target in
    words, its role (current or former) and the phrase that stated it; then
    each move of the target with the articles that confirm it; then the new
    targets awaiting confirmation (one outlet, no sure statement: shown, never
    mailed); then the current target and the sentence that set it.

    Example: hdhwatch timeline --since 2026-01-01 --plot timeline.svg
    """
    from hdhwatch.read.plot import image_format, plot_timeline
    from hdhwatch.read.query import parse_day
    from hdhwatch.read.report import current_target, shift_rows, timeline_rows

    day = parse_day(since, "--since") if since else None
    if plot_path is not None:
        image_format(plot_path)  # a bad name fails before any query
    with open_db(ctx).session() as session:
        rows, shifts, current = (timeline_rows(session, day), shift_rows(session, day),
                                 current_target(session))
        signals = shift_rows(session, status="signal")
    if fmt == "json":
        data = {"statements": rows, "shifts": shifts, "signals": signals, "current": current}
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        emit(rows, "csv", list(rows[0]) if rows else ["published"])
    else:
        since_words = f" since {day.isoformat()}" if day else ""
        click.echo(f"Targets stated{since_words} ({len(rows)}):")
        click.echo(table(STATEMENT_COLUMNS, [
            [r["published"], r["outlet"], r["target"], r["role"], _note(r), r["phrase"],
             r["title"]] for r in rows
        ]))
        click.echo(f"\nShift events{since_words} ({len(shifts)}):")
        click.echo(table(SHIFT_COLUMNS, [
            [s["published"], s["move_short"], s["kind"], s["outlet"],
             f"{len(s['corroborated_by'])} article(s)", s["title"]]
            for s in shifts
        ]))
        if any(s["corroborated_by"] for s in shifts):
            click.echo(_corroborations(shifts))
        if signals:
            click.echo(f"\nTo be confirmed ({len(signals)}): one outlet, no sure statement")
            click.echo(table(SHIFT_COLUMNS, [
                [s["published"], s["move_short"], "signal", s["outlet"],
                 f"{len(s['corroborated_by'])} more article(s)", s["title"]]
                for s in signals
            ]))
        click.echo("\n" + _current_text(current))
    if plot_path is not None:
        plot_timeline(rows, shifts, current, plot_path, signals)
        click.echo(f"timeline drawn to {plot_path}", err=True)


@click.command()
@click.option("--since", help="Only articles published on or after this day (YYYY-MM-DD).")
@click.option("--provider", help="Only this provider (any alias: OVH, Azure, 3DS Outscale…).")
@click.option("--all-articles", is_flag=True,
              help="Count every stored article, not only those about the HDH's hosting.")
@click.option("--format", "fmt", type=click.Choice(["table", "json", "csv"]), default="table",
              show_default=True)
@click.pass_context
@handle_errors
def providers(ctx: click.Context, since: str | None, provider: str | None, all_articles: bool,
              fmt: str) -> None:
    """Count the articles and mentions of each cloud provider per month of publication.

    Only the articles about the HDH's hosting count, unless --all-articles.
    Each provider comes with its jurisdiction and certifications from the
    provider catalogue (config/providers.toml).

    Example: hdhwatch providers --since 2025-01-01 --provider OVH
    """
    from hdhwatch.classify.providers import default_catalog
    from hdhwatch.read.query import parse_day
    from hdhwatch.read.report import provider_counts

    day = parse_day(since, "--since") if since else None
    name = canonical_provider(ctx, provider) if provider else None
    catalog = default_catalog(settings_of(ctx).providers_path)
    with open_db(ctx).session() as session:
        rows = provider_counts(session, day, catalog, relevant_only=not all_articles,
                               provider=name)
    if fmt != "table":
        emit(rows, fmt, PROVIDER_COLUMNS)
        return
    click.echo(table(PROVIDER_COLUMNS, [
        [r["month"], r["provider"], r["articles"], r["mentions"], r["jurisdiction"] or "-",
         ", ".join(r["certifications"]) or "-"] for r in rows
    ]))
    click.echo(f"{len(rows)} row(s)", err=True)


# --- export ----------------------------------------------------------------------------------
def _deadline_words(d: dict) -> str:
    return " ".join(v for v in (d["deadline"], d["precision"], d["role"], d.get("bound"),
                                d.get("scope")) if v)


def _shift_words(shift: dict | None) -> str:
    return f"{shift['from']} → {shift['to']}" if shift else ""


def _csv_value(key: str, value) -> str | int | float | bool | None:
    """One cell: lists joined with '; ', deadlines and shifts in a few words."""
    if key == "shift":
        return _shift_words(value)
    if key == "deadlines":
        return "; ".join(_deadline_words(d) for d in value)
    if key in ("providers", "frames") and value and isinstance(value[0], dict):
        return "; ".join(f"{v.get('provider') or v.get('frame')} ({v['count']})" for v in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return value


def _csv_row(row: dict, labelled: bool) -> dict:
    if labelled:
        expected = row["expected"]
        row = {k: v for k, v in row.items() if k != "expected"}
        row.update(relevant=expected["relevant"], providers=expected["providers"],
                   deadlines=expected["deadlines"], shift=expected["shift"])
    return {k: _csv_value(k, v) for k, v in row.items()}


@click.command()
@click.option("--format", "fmt", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
@click.option("--labelled", is_flag=True,
              help="Write a labelled corpus (docs/corpus-format.md) from the current "
                   "predictions, to correct by hand and score with `hdhwatch eval` (jsonl).")
@click.option("--output", "-o", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="Write to this file instead of standard output.")
@click.pass_context
@handle_errors
def export(ctx: click.Context, fmt: str, labelled: bool, output: Path | None) -> None:
    """Export the whole store, one article per line, in publication order.

    Each article comes with its metadata, text, relevance, providers, frames,
    deadline statements with their evidence and the shift it reports. With
    --labelled, the lines follow the labelled-corpus format instead, with the
    classifier's predictions as labels.

    Example: hdhwatch export --labelled --output corpus.jsonl
    """
    from hdhwatch.read.report import export_rows

    count = 0
    try:
        with open_db(ctx).session() as session, click.open_file(
            str(output) if output else "-", "w", encoding="utf-8", atomic=output is not None
        ) as out:
            writer = None
            for row in export_rows(session, labelled=labelled):
                if fmt == "jsonl":
                    out.write(json.dumps(row, ensure_ascii=False) + "\n")
                else:
                    flat = _csv_row(row, labelled)
                    if writer is None:
                        writer = csv.DictWriter(out, fieldnames=list(flat), lineterminator="\n")
                        writer.writeheader()
                    writer.writerow(flat)
                count += 1
    except OSError as exc:
        where = output or "standard output"
        raise click.ClickException(f"cannot write {where}: {exc.strerror or exc}") from exc
    if output:
        click.echo(f"{count} article(s) written to {output}", err=True)


@click.command()
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write the feed to this file (default: standard output).")
@click.option("--lang", type=click.Choice(["fr", "en"]), default="fr", show_default=True)
@click.pass_context
@handle_errors
def feed(ctx: click.Context, output: Path | None, lang: str) -> None:
    """Write the Atom feed of what happened: every confirmed event, newest first.

    Moves of the target, a provider chosen, a certification, a ruling, a
    tender: each with the sentence that says so and a link to the article.
    Point a feed reader at the file (the web page serves it as /events.atom).

    Example: hdhwatch feed --output var/events.atom
    """
    from hdhwatch.read.feed import atom_feed

    with open_db(ctx).session() as session:
        data = atom_feed(session, lang=lang)
    if output is None:
        click.echo(data.decode("utf-8"), nl=False)
        return
    try:
        with click.open_file(str(output), "wb", atomic=True) as out:
            out.write(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {output}: {exc.strerror or exc}") from exc
    click.echo(f"Atom feed written to {output}", err=True)


def register(main: click.Group) -> None:
    """Add the reporting commands to the ``hdhwatch`` group."""
    for command in (timeline, providers, export, feed):
        main.add_command(command)
