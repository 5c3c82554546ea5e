"""required_literals / sentences_holding: the prefilter story findings rely on."""

import re

from hdhwatch.textutil import required_literals, sentences_holding


def test_required_literals_of_word_alternatives():
    pattern = re.compile(r"(?<![\w])(?:ecart(?:e|ent)|exclu(?:t|ent)|rules?\s+out)(?![\w])")
    # (?:e|ent): both open on "e"
    assert set(required_literals(pattern)) == {"ecarte", "exclu", "rule"}


def test_required_literals_skip_optional_parts():
    pattern = re.compile(r"(?:est\s+|a\s+ete\s+)?reconduite?|(?:was\s+)?renewed")
    assert set(required_literals(pattern)) == {"reconduit", "renewed"}


def test_no_required_literal():
    assert required_literals(re.compile(r"\w+")) is None
    assert required_literals(re.compile(r"abc|\d+")) is None
    assert required_literals(re.compile("abc", re.IGNORECASE)) is None


def test_every_match_holds_a_literal():
    pattern = re.compile(r"(?<![\w])(?:(?:a|ont)\s+(?:finalement\s+)?ete\s+"
                         r"(?:retenue?s?|choisie?s?)|remport(?:e|ent)|wins?|won)(?![\w])")
    needles = required_literals(pattern)
    text = "Scaleway a ete retenu. OVH remporte le marche. Google won, then wins again."
    for m in pattern.finditer(text):
        assert any(n in m.group() for n in needles)


def test_sentences_holding():
    text = "Un marche. Rien ici. Le marche et la cnil."
    starts, ends = [0, 11, 21], [10, 20, 42]
    assert sentences_holding(text, starts, ends, ("marche", "cnil")) == {0, 2}
    assert sentences_holding(text, starts, ends, ("absent",)) == set()


def test_word_pattern_literal_prefilter_keeps_matches():
    from hdhwatch.textutil import WordPattern

    wp = WordPattern(r"microsoft[ \-]{0,2}azures?|ms azure")
    for text in ("", "rien ici", "le cloud microsoft azure et ms azure", "microsoftazures x",
                 "xmicrosoft azure", "azure seul"):
        assert [m.span() for m in wp.finditer(text)] == [
            m.span() for m in wp.pattern.finditer(text)]
        assert (wp.search(text) is None) == (wp.pattern.search(text) is None)


def test_boundaries_match_finditer():
    from hdhwatch.textutil import _BOUNDARY, _boundaries

    for text in ("", "a.\n\nb", "x. Y", "!!  A", "\n\n\n\nA. B", "...  «A", "a.\n \nB.",
                 "Fin.» Début… Suite ? (Oui) ! 3 mois.\n\n\nM. Dupont. Etc. 42",
                 ".\n\n.", "a !\n\nB"):
        assert [m.span() for m in _boundaries(text)] == [
            m.span() for m in _BOUNDARY.finditer(text)]
