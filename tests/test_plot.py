"""The timeline picture: a real PNG or SVG with one marker per statement, clear refusals."""

from __future__ import annotations

import struct
import xml.etree.ElementTree as ET

import pytest
from test_report import fill_store

from hdhwatch.errors import PlotError
from hdhwatch.read import report
from hdhwatch.read.plot import TITLE, category, plot_timeline, render_timeline, timeline_png_bytes

SVG = "{http://www.w3.org/2000/svg}"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def filled(database):
    fill_store(database)
    return database


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    return struct.unpack(">II", data[16:24])


def groups(path) -> dict[str, ET.Element]:
    root = ET.parse(path).getroot()
    return {g.get("id"): g for g in root.iter(f"{SVG}g") if g.get("id")}


def test_svg_has_the_title_one_marker_per_statement_and_the_moves(filled, tmp_path):
    path = tmp_path / "timeline.svg"
    with filled.session() as session:
        rows = [r for r in report.timeline_rows(session) if not r["copy_of"]]
        shifts = report.shift_rows(session)
        waiting = {s["to"] for s in report.shift_rows(session, status="signal")}
        render_timeline(session, path)
    svg = path.read_text("utf-8")
    assert TITLE in svg  # matplotlib writes each text as a comment beside its glyphs
    found = groups(path)
    expected: dict[str, int] = {}
    for row in rows:
        expected[category(row, waiting)] = expected.get(category(row, waiting), 0) + 1
    assert {"current", "former", "bound", "interim"} <= set(expected)
    for name, count in expected.items():
        markers = found[f"statements-{name}"].iter(f"{SVG}use")
        assert len(list(markers)) == count, name
    for shift in shifts:
        assert f"shift-arrow-{shift['id']}" in found and f"shift-{shift['id']}" in found
        assert shift["move_short"] in svg
    assert "current-target" in found
    assert "believed-target" in found, "the target believed over time is a step line"
    assert "Échéance actuelle : T1 2027" in svg


def test_png_file_and_bytes_for_the_mail(filled, tmp_path):
    path = tmp_path / "timeline.PNG"
    with filled.session() as session:
        render_timeline(session, path)
        data = timeline_png_bytes(session)
    width, height = png_size(path.read_bytes())
    assert width > 800 and height > 500
    # the mail's picture is drawn for its 552-pixel column, at twice the resolution: its
    # type is set for that width (about 11 px once shown), not shrunk from the wide one
    assert png_size(data) == (1104, 920)


def test_an_empty_store_still_draws(database, tmp_path):
    with database.session() as session:
        render_timeline(session, tmp_path / "empty.svg")
    assert "Aucune échéance" in (tmp_path / "empty.svg").read_text("utf-8")


def test_unknown_extension_is_refused_before_drawing(tmp_path):
    with pytest.raises(PlotError, match=r"must end in \.png or \.svg"):
        plot_timeline([], [], None, tmp_path / "timeline.pdf")
    with pytest.raises(PlotError):
        plot_timeline([], [], None, tmp_path / "timeline")
    assert list(tmp_path.iterdir()) == []


def test_unwritable_path_is_a_clear_error(tmp_path):
    with pytest.raises(PlotError, match="cannot write"):
        plot_timeline([], [], None, tmp_path / "missing" / "timeline.png")
