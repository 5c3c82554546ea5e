"""What every command shares: errors, the invocation's settings and database, output formats.

Library errors (``HdhwatchError``) become a one-line ``Error: …`` here, never
a traceback.
"""

from __future__ import annotations

import csv
import functools
import io
import json
import shutil
import sys
from collections.abc import Callable

import click

from hdhwatch.config import Settings
from hdhwatch.errors import HdhwatchError


class CommandFailed(click.ClickException):
    """A library error at the command line's edge: ``Error: …`` and the error's exit status
    (2: the input was wrong, 1: something failed)."""

    def __init__(self, message: str, exit_code: int = 1) -> None:
        super().__init__(message)
        self.exit_code = exit_code


def handle_errors(func: Callable) -> Callable:
    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        try:
            return func(*args, **kwargs)
        except HdhwatchError as exc:
            raise CommandFailed(str(exc), exc.exit_code) from exc

    return wrapper


def settings_of(ctx: click.Context) -> Settings:
    return ctx.obj["settings"]


def open_db(ctx: click.Context):
    """The database of this invocation, migrated to head on first use."""
    from hdhwatch.store.db import open_database

    if "db" not in ctx.obj:
        ctx.obj["db"] = open_database(settings_of(ctx).database_url)
        ctx.call_on_close(ctx.obj["db"].close)
    return ctx.obj["db"]


def canonical_provider(ctx: click.Context, name: str) -> str:
    """The canonical name of a provider given by any alias; unknown names are refused."""
    from hdhwatch.classify.providers import default_catalog
    from hdhwatch.errors import QueryError

    catalog = default_catalog(settings_of(ctx).providers_path)
    try:
        return catalog.get(name).name
    except KeyError:
        raise QueryError(
            f"unknown provider {name!r}; known: {', '.join(sorted(catalog.names))}"
        ) from None


def emit(rows: list[dict], fmt: str, columns: list[str]) -> None:
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
    elif fmt == "jsonl":
        for row in rows:
            click.echo(json.dumps(row, ensure_ascii=False))
    elif fmt == "csv":
        buffer = io.StringIO()
        flat = [{k: _flat(v) for k, v in row.items()} for row in rows]
        writer = csv.DictWriter(buffer, fieldnames=list(flat[0]) if flat else columns)
        writer.writeheader()
        writer.writerows(flat)
        click.echo(buffer.getvalue(), nl=False)
    else:
        click.echo(table(columns, [[row.get(c) for c in columns] for row in rows]))
        click.echo(f"{len(rows)} article(s)", err=True)


def _flat(value):
    if isinstance(value, list):
        return "; ".join(
            json.dumps(v, ensure_ascii=False) if isinstance(v, dict) else str(v) for v in value
        )
    return value


def terminal_width() -> int | None:
    """The terminal's width when standard output is one; None when it is a file or a pipe,
    where values are printed whole (cutting them to fit would lose what was asked for)."""
    if not sys.stdout.isatty():
        return None
    return shutil.get_terminal_size((120, 24)).columns


def table(headers: list[str], rows: list[list], width: int | None = None) -> str:
    """A plain-text table. On a terminal (or given a ``width``) the widest column is cut
    to fit; piped to a file or a program, every value is printed whole."""
    width = width or terminal_width()
    cells = [[_cell(v) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    excess = sum(widths) + 2 * (len(widths) - 1) - width if width else 0
    while excess > 0:
        i = max(range(len(widths)), key=lambda k: widths[k])
        if widths[i] <= 12:
            break
        cut = min(excess, widths[i] - 12)
        widths[i] -= cut
        excess -= cut
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    for row in cells:
        lines.append("  ".join(_fit(c, w) for c, w in zip(row, widths, strict=True)).rstrip())
    return "\n".join(lines)


def _cell(value) -> str:
    if value is None:
        return "-"
    text = str(value)
    if len(text) >= 19 and text[4:5] == "-" and text[10:11] == "T":
        return text[:10]  # ISO datetimes: the day is what a reader scans for
    return " ".join(text.split())


def _fit(text: str, width: int) -> str:
    return text.ljust(width) if len(text) <= width else text[: width - 1] + "…"
