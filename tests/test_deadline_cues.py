"""deadlines.cues: the rules' word lists load from config/deadline_cues.toml, or fail by name."""

from __future__ import annotations

import re
import tomllib

import pytest

from hdhwatch.classify.deadlines.cues import (
    DEFAULT_CUES_PATH,
    VOCABULARY,
    load_vocabulary,
    parse_vocabulary,
)
from hdhwatch.errors import ConfigError

SHIPPED = DEFAULT_CUES_PATH.read_text(encoding="utf-8")


def test_the_shipped_lists_are_the_ones_in_use():
    assert load_vocabulary(DEFAULT_CUES_PATH) == VOCABULARY
    assert VOCABULARY.months["septembre"] == 9
    # a fragment is written out where a list names it
    assert all("{hosting}" not in alt for alt in VOCABULARY.cues["tender"])
    assert any("hebergeur" in alt for alt in VOCABULARY.cues["tender"])


def _set(table: str, key: str, value):
    def edit(data: dict) -> None:
        data[table][key] = value
    return edit


def _drop(table: str, key: str | None = None):
    def edit(data: dict) -> None:
        del (data[table] if key else data)[key or table]
    return edit


@pytest.mark.parametrize(("edit", "named"), [
    (_set("cues", "topic", "migr\\w*"), "[cues] topic: must be a list of non-empty strings"),
    (_set("cues", "hdh", ["(?:oops"]), "[cues] hdh: '(?:oops' is not a regular expression"),
    (_set("cues", "tender", ["marches?{hostin}"]),
     "[cues] tender: 'marches?{hostin}': no fragment {hostin}"),
    (_drop("cues", "topic"), "[cues]: missing topic"),
    (_set("cues", "topik", ["migr\\w*"]), "[cues]: unknown key(s) topik"),
    (_set("months", "mai", "cinq"), "[months] mai: must be a whole number"),
    (_set("words", "weekdays", ["lundi", 2]), "[words] weekdays: must be a list"),
    (_set("modifiers", "toward", ["vers"]), "[modifiers]: unknown key(s) toward"),
    (_set("fragments", "article", "(?:"), "[fragments] article: '(?:' is not a regular"),
    (_drop("introducers"), "missing [introducers]"),
    (_set("introducers", "past", []), "[introducers] past: must be a list"),
])
def test_a_malformed_list_is_named(edit, named):
    data = tomllib.loads(SHIPPED)
    edit(data)
    with pytest.raises(ConfigError, match=re.escape("here.toml: " + named)):
        parse_vocabulary(data, "here.toml")


def test_a_bad_file_is_named(tmp_path):
    with pytest.raises(ConfigError, match="missing.toml: deadline cue lists not found"):
        load_vocabulary(tmp_path / "missing.toml")
    path = tmp_path / "deadline_cues.toml"
    path.write_text(SHIPPED.replace("[cues]", "[cues"), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(str(path))):
        load_vocabulary(path)
    path.write_text(SHIPPED.replace("mai = 5", "mai = true"), encoding="utf-8")
    with pytest.raises(ConfigError, match=re.escape(f"{path}: [months] mai")):
        load_vocabulary(path)
