"""Cues: the lists of words that tell what a date is, and how they are run over a text.

A cue is a list of regular-expression alternatives matched at the start of a
word of the folded text: the words of the move ("migration", "bascule"), of a
competing subject (a tender, a contract, a hearing), of a role ("initialement",
"repoussée à", "désormais"), of a scope ("copie temporaire") ... The judging
steps ask, for each date, where the nearest hit of a cue stands on its left or
right; a cue is therefore run once over the sentences that need it, and its hits
are kept sorted for range queries (``_Hits``, ``_Cues``).

Speed comes from the form of the patterns (``_word_start``): branches grouped by
first letter, so that re uses its first-character scan, and the literal opening
of each branch (its *head*, ``_heads``) recorded, so that a pattern is only tried
at the word starts of the text that open with one of its heads
(``_word_candidates``). The date cores of ``phrases`` use the same machinery.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Sequence

# ------------------------------------------------------------------------------------------
# Word-start alternations: the form every cue and date core is compiled to
# ------------------------------------------------------------------------------------------


def _word_start(alternatives: Sequence[str], before: str = r"\w") -> str:
    """An alternation whose matches do not start right after a ``before`` character.

    Branches are grouped by their first letter, and each group's look-behind
    comes after that letter ("m(?<![\\w]m)(?:igr|...)"), not before it: re can
    then use its fast first-character scan, several times faster on long
    texts than a leading look-behind, with the same matches (branches with
    different first letters never match at the same place, so grouping them
    keeps each group's order of preference).
    """
    groups: dict[str, list[str]] = {}
    others: list[str] = []
    for alt in (b for a in alternatives for b in _expand_leading(a)):
        first, second = alt[:1], alt[1:2]
        if first.isalnum() and first.isascii() and second not in ("?", "*", "+", "{") and \
                not _top_level_bar(alt):
            groups.setdefault(first, []).append(alt[1:])
        else:
            others.append(f"(?<![{before}])(?:{alt})")
    branches = [f"{first}(?<![{before}]{first})(?:{'|'.join(rests)})"
                for first, rests in groups.items()]
    return "(?:" + "|".join(branches + others) + ")"


def _expand_leading(alt: str, depth: int = 0) -> list[str]:
    """Branches that each open with a literal: "(?:a|b)c" -> "ac", "bc"; "(?:a)?c" -> "ac", "c".

    Same matches in the same order of preference; it only lets re use its
    first-character scan.
    """
    if depth > 3 or not alt.startswith("(?:"):
        return [alt]
    close = _group_end(alt)
    if close < 0:
        return [alt]
    inner, rest = alt[3:close], alt[close + 1:]
    optional = rest.startswith("?") and not rest.startswith("??")
    if rest[:1] in ("*", "+", "{") or (rest.startswith("?") and not optional):
        return [alt]
    if optional:
        rest = rest[1:]
    out = [b for part in _split_top(inner) for b in _expand_leading(part + rest, depth + 1)]
    if optional:
        out.extend(_expand_leading(rest, depth + 1))
    return [b for b in out if b] or [alt]


def _group_end(pattern: str) -> int:
    """Index of the parenthesis closing the group that opens ``pattern``, or -1."""
    depth, escaped, in_class = 0, False, False
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i
    return -1


def _split_top(pattern: str) -> list[str]:
    """The top-level alternatives of ``pattern``."""
    parts, depth, escaped, in_class, start = [], 0, False, False, 0
    for i, ch in enumerate(pattern):
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
    parts.append(pattern[start:])
    return parts


def _top_level_bar(pattern: str) -> bool:
    depth, escaped, in_class = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth == 0:
            return True
    return False


# The literal text each pattern's matches open with, for the cues and cores whose every
# branch opens on a letter or digit after a non-word character (see _word_start): such a
# pattern can only match at the start of a word that opens with one of its heads. Keyed by
# the pattern's source: hashing a compiled pattern hashes its whole program.
_HEADS: dict[str, tuple[str, ...]] = {}
_HEAD_STOP = frozenset("\\[](){}.*+?|^$")


def _heads(alternatives: Sequence[str]) -> tuple[str, ...] | None:
    """The literal opening of each branch ``_word_start`` makes, or None when a branch does
    not open on a letter (it would then not be confined to word starts)."""
    heads: list[str] = []
    for alt in (b for a in alternatives for b in _expand_leading(a)):
        first, second = alt[:1], alt[1:2]
        if not (first.isalnum() and first.isascii() and second not in ("?", "*", "+", "{")
                and not _top_level_bar(alt)):
            return None
        head = first
        for i in range(1, len(alt)):
            if alt[i] in _HEAD_STOP or alt[i + 1:i + 2] in ("?", "*", "+", "{"):
                break
            head += alt[i]
        heads.append(head)
    return tuple(heads)


# "\d" opens some cores: any decimal digit, not only ASCII ones ("٣٠/٠٦/٢٠٢٥")
_DIGIT = "\\d"


# ------------------------------------------------------------------------------------------
# The cue lists (on folded text)
# ------------------------------------------------------------------------------------------


def _cue(*alternatives: str) -> re.Pattern[str]:
    # a cue ending in an apostrophe ("plutôt qu'", "au lieu d'") is followed by a word
    pattern = re.compile(_word_start(alternatives) + r"(?:(?<=')|(?![\w]))")
    heads = _heads(alternatives)
    if heads is not None:
        _HEADS[pattern.pattern] = heads
    return pattern


# The sentence speaks of the HDH and its hosting (continuations aside).
_TOPIC = _cue(
    r"migr\w*", r"bascul\w*", r"quitt\w*", r"sorti[re]?", r"sortie", r"reversibilite",
    r"transf[eè]r\w*", r"demenag\w*", r"rapatri\w*", r"heberg\w*", r"souverain\w*",
    r"health\s+data\s+hub", r"hdh", r"plateforme\w*", r"hub", r"donnees\s+de\s+sante",
    r"snds", r"microsoft", r"azure", r"cloud\w*", r"scaleway", r"calendrier", r"echeances?",
    r"horizon", r"objectifs?", r"cible", r"move", r"moving", r"leav\w+", r"switch\w*",
    r"host\w*", r"sovereign\w*", r"platform\w*", r"deadline", r"targets?", r"timeline",
    r"timetable", r"schedule\w*", r"relocat\w*", r"exit", r"transition\w*", r"bascule",
    r"nouvel\s+hebergeur", r"changement\s+d'hebergeur", r"accueill\w*",
    r"(?:un|le|son|leur)\s+depart",
    r"date\s+(?:butoir|limite|cible)", r"repli(?:qu|c)\w+",
)
# The HDH named as the sentence's subject (or the platform, by its common nouns).
_HDH_SUBJECT = _cue(
    r"health[\s-]*data[\s-]*hub", r"hdh", r"plateforme\s+(?:des|de)\s+donnees\s+de\s+sante",
    r"plateforme\s+nationale\s+des\s+donnees\s+de\s+sante", r"snds", r"la\s+plateforme",
    r"the\s+(?:platform|hub)", r"(?:national|french|france's)\s+health\s+data\s+(?:platform|hub)",
    r"entrepot\s+de\s+donnees\s+de\s+sante", r"donnees\s+de\s+sante\s+des\s+francais",
)

_TIMING = _cue(
    r"devrai(?:t|ent)", r"doi(?:t|vent)", r"prevue?s?", r"attendue?s?", r"interviendr\w+",
    r"aura\s+lieu", r"effective?s?", r"achevee?s?", r"terminee?s?", r"finalisee?s?",
    r"abouti\w*", r"expected", r"due", r"scheduled", r"planned", r"should", r"will",
    r"fixee?s?", r"programmee?s?", r"annoncee?s?", r"envisagee?s?", r"visee?s?",
    r"calendrier", r"echeances?", r"horizon",
)
# Words of the move itself: they win against the competing cues below when nearer.
_MIGRATION = _cue(
    r"migr\w*", r"bascul\w*", r"quitt\w*", r"sortir\s+de", r"sortie\s+de", r"reversibilite",
    r"transf[eè]r\w*", r"demenag\w*", r"rapatri\w*", r"heberg\w*", r"accueill\w*",
    r"cloud\s+souverain", r"solution\s+(?:souveraine|francaise|europeenne)",
    r"changement\s+d'hebergeur", r"calendrier", r"echeances?", r"horizon", r"objectifs?",
    r"(?:un|le|son|leur)\s+depart",
    r"cibles?", r"move", r"moving", r"migrat\w+", r"leav\w+", r"exit\w*", r"switch\w*",
    r"transfer\w*", r"relocat\w*", r"sovereign\s+cloud", r"deadline", r"targets?",
    r"timeline", r"timetable",
    # the interim copy is a step of the move: "will start copying ... later this year"
    r"repli(?:qu|c)\w+", r"copi\w+", r"copy\w*", r"dupliqu\w+",
)
# Competing subjects: the date then belongs to them, not to the migration.
# "le marché d'hébergement", "l'appel d'offres pour le nouvel hébergeur": the tender's noun
# phrase takes its complement, so the hosting word in it does not count as the migration's.
_HOSTING = (
    r"\s+(?:pour|de|du|d'|de\s+l'|de\s+la)\s*(?:(?:le|la|l'|son|sa|un|une|nouvel|nouveau|futur"
    r"|nouvelle|future)\s*)*(?:hebergeur|hebergement|cloud|prestataire|plateforme|operateur)\w*"
)
_TENDER = _cue(
    r"appels?\s+d'offres?(?:" + _HOSTING + ")?", r"marches?" + _HOSTING,
    r"appel\s+a\s+(?:candidatures?|projets?|manifestation\w*)",
    r"(?:cloture|date\s+limite)\s+des\s+(?:depots|candidatures|inscriptions|dossiers)",
    r"attribu\w+", r"notifi\w+", r"candidat\w*", r"(?:depot|remise|reception)\s+des\s+offres",
    r"date\s+limite\s+de\s+(?:depot|reponse|remise)\w*", r"offres\s+(?:finales|definitives)",
    r"reponses?", r"consultation", r"cahier\s+des\s+charges", r"dialogue\s+competitif",
    r"marche\s+public", r"procedure", r"mise\s+en\s+concurrence",
    r"(?:sera|seront|soit|doit\s+etre|devrait\s+etre|devra\s+etre)\s+(?:choisie?s?|selectionnee?s?"
    r"|retenue?s?|designee?s?|connue?s?)", r"laureat\w*", r"tenders?", r"award\w*", r"bids?",
    r"bidders?", r"request\s+for\s+proposals?", r"rfp", r"shortlist\w*", r"procurement",
    r"(?:nom|identite|choix|selection|designation)\s+(?:d[ue]|d'une?)\s+(?:l'|la\s+)?(?:futur\s+|nouvel\s+"
    r"|nouveau\s+|prochain\s+)?\w+(?:" + _HOSTING + ")?", r"remport\w*", r"winning\s+\w+",
    r"(?:choose|select|pick|name|appoint)\s+(?:a|an|the|its)\s+(?:\w+\s+){0,3}?(?:provider|host"
    r"|winner|bidder|supplier|operator)",
    r"(?:will|would|to)\s+be\s+(?:chosen|selected|picked|named|awarded)",
)
_OTHER_EVENT = _cue(
    r"(?:sera|seront|soit|etre|est|sont|a\s+ete|ont\s+ete|obtenir|obtiendr\w+|obtienne\w*"
    r"|obtention\s+de|recevoir|recevra\w*|decroch\w+)\s+(?:(?:la|le|sa|son|leur|une|un)\s+)?"
    r"(?:qualifi\w+|certifi\w+|labellis\w+|homologu\w+|visa|label)",
    r"entr\w+\s+en\s+vigueur", r"adopt\w+", r"promulgu\w+", r"(?:be|been|get|gets|obtain\w*"
    r"|receive\w*|win|wins)\s+(?:\w+\s+)?(?:certified|qualified|certification|qualification)",
    r"come\s+into\s+force", r"takes?\s+effect", r"applicables?", r"s'appliqu\w+",
    r"entr\w+\s+en\s+application", r"appl(?:y|ies)",
    # data fed into the platform is not the platform moving
    r"versee?s?\s+dans", r"alimentation", r"alimentee?s?",
    # money: "son budget pour 2023"
    r"budgets?", r"couts?", r"financements?", r"funding", r"spending",
    # other obligations and steps: a standard's compliance date, a check-up, a consultation,
    # a parliament's vote
    r"se\s+conformer", r"mise?s?\s+en\s+conformite", r"conformite", r"compl(?:y|iance)",
    r"point\s+d'etape", r"concertation", r"votes?\s+(?:finaux|final|definitifs?)",
    # a document to hand in: "transmettre une note à la commission avant le 30 juin"
    r"(?:transmett|remett|fourni|communiqu|envoy|adress|rend|submit|send|deliver)\w*\s+"
    r"(?:\w+\s+)?(?:un|une|le|la|les|sa|son|ses|leur|a|an|the|its)\s+(?:\w+\s+)?(?:note|rapport"
    r"|document|plan|feuille\s+de\s+route|calendrier\s+detaille|report|roadmap|timetable)"
    r"(?:\s+(?:sur|de|du|relative?s?\s+a|on|about)\s+(?:le|la|l'|les|the|its)\s*\w+)?",
    r"vote\s+solennel", r"final\s+votes?",
)
_OTHER_NAME = _cue(
    r"bleu", r"s3ns", r"eucs", r"sren", r"gaia-?x", r"numspot", r"eeds", r"ehds",
    r"espace\s+europeen\s+des\s+donnees\s+de\s+sante", r"data\s+act", r"ai\s+act",
    r"loi", r"reglement", r"directive", r"doctrine", r"cloud\s+de\s+confiance", r"schema",
    r"la\s+qualification", r"sa\s+qualification", r"son\s+offre", r"leur\s+offre",
    r"l'offre", r"the\s+law", r"regulation", r"mon\s+espace\s+sante", r"dmp",
    r"dossier\s+medical\s+partage", r"european\s+health\s+data\s+space", r"blue", r"sens",
)

_EVENT = _cue(
    r"auditionn\w*", r"auditions?", r"entendre", r"entendus?", r"etudes?\s+de\s+marche",
    r"conclusions", r"creee?s?", r"fondee?s?", r"instituee?s?", r"created", r"founded",
    r"established", r"set\s+up", r"ruling", r"jugement", r"ordonnance", r"lancement",
    r"launch", r"(?:un|le|son|leur|dans\s+un|dans\s+son)\s+rapport",
    r"rapport\s+(?:publie|rendu|remis|annuel)", r"publi\w+", r"parution", r"entretien",
    r"interview\w*", r"interroge\w*", r"conference\s+de\s+presse", r"colloque",
    r"table\s+ronde", r"seminaire", r"salon", r"conseil\s+d'administration",
    r"assemblee\s+generale", r"reunion", r"devant\s+(?:le\s+senat|l'assemblee|la\s+commission"
    r"|les\s+deputes|les\s+senateurs)", r"communique", r"tribune", r"hearing", r"testif\w+",
    r"a\s+report", r"the\s+report", r"published", r"told\s+\w+", r"said\s+on",
    r"se\s+reuni\w+", r"reuni\w+", r"comite\s+de\s+pilotage", r"meeting", r"will\s+meet",
    r"comites?\s+\w+", r"conseil\s+des\s+ministres", r"se\s+tiendr\w+", r"seances?",
    # a legal action: "annonce d'autres recours dès la rentrée"
    r"(?:recours|appeals?|plaintes?|requetes?|lawsuits?|contentieux)(?:\s+(?:contre|sur|against"
    r"|over)\s+(?:le|la|l'|les|son|sa|ses|the|its)\s*\w+(?:\s+(?:chez|par|de|du|by|with)\s+\w+)?)?",
    # a court's or an authority's ruling: "la CJUE doit se prononcer cet été sur ..."
    r"se\s+prononc\w+", r"statu(?:er|era|eront|erait|ait|e)", r"trancher\w*", r"saisie?s?",
    r"rendr\w+\s+(?:sa|son|ses|leur)\s+(?:decision|avis|arret|verdict|conclusions|rapport)",
    r"audiences?", r"deliber\w+", r"(?:to|will|would|should|is\s+due\s+to)\s+rule",
    r"rules?\s+on", r"verdict",
    # presenting a plan is not carrying it out: "Bercy doit présenter au printemps ..."
    r"present(?:er|era|eront|erait|eraient|ent)", r"devoil\w+", r"(?:to|will)\s+(?:present"
    r"|unveil)", r"unveil\w*",
    # the start of the works, not the target: "les travaux démarrent dès ce mois-ci, pour une
    # bascule prévue fin 2026"; "la migration doit commencer à l'automne"
    r"demarr\w+", r"commenc\w+", r"debut(?:e|ent|era|eront|erait|er|ait|aient)", r"lanc(?:er"
    r"|era|eront|erait)", r"(?:starts|started|(?:to|will|would)\s+(?:start|begin)"
    r"|begins|began|begun|kicks?\s+off|kicked\s+off)",
)
# The participle of an event just before its date: "lancés début septembre", "engagé en
# juin", "défini par le gouvernement en mai". Only looked for on the left of a date.
_EVENT_PP = _cue(
    # set or promised *when*: "fixée en 2023", "avait promis en 2020" (not "fixée à 2025")
    r"(?:promesses?|engagements?|annonces?|promises?|pledges?|commitments?)(?:\s+(?:initiale?s?"
    r"|originelle?s?|initial|original|first|premiere?s?))?\s*,?(?=\s+(?:en|in|from)\s)",
    r"(?:fixee?s?|promise?|promis|promet(?:tait|taient)?|decidee?s?|actee?s?|promised|set"
    r"|decided|prise?s?|faite?s?|formulee?s?|made|given|taken)(?=\s+(?:en|le|lors|des|dès"
    r"|in|on|back\s+in)\s)",
    r"(?:lancee?s?|engagee?s?|demarree?s?|initiee?s?|ouverte?s?|signee?s?|adressee?s?|reprise?s?"
    r"|envoyee?s?|rendue?s?|publiee?s?|presentee?s?|devoilee?s?|annoncee?s?|remise?s?"
    r"|obtenue?s?|deposee?s?|votee?s?|definie?s?|adoptee?s?|revisee?s?|nommee?s?|launched|started|opened|signed|sent"
    r"|published|presented|unveiled|announced|filed|issued|defined|adopted)"
    r"(?:\s+(?:par|by)(?:\s+[\w'-]+){1,4}?)?(?=\s+(?:en|au|a\s+la|a\s+l'|le|lors|ce|cette|cet"
    r"|lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche|debut|fin|mi|in|on|at|last|early"
    r"|late|this|du|dans|de)(?![\w]))",
)
# Someone saying or promising something, in a past tense: beside a yearless month it dates
# the saying ("le ministère évoquait encore en février une migration fin 2026").
_SAID = _cue(
    r"(?:evoqu|jur|promett|annonc|affirm|assur|parl|expliqu|indiqu|declar|estim|tabl"
    r"|garantiss|prevoy)ai(?:t|ent)",
    r"(?:a|ont|avait|avaient)\s+(?:(?:deja|encore|alors|pourtant|bien|meme)\s+)?(?:annonce"
    r"|promis|jure|assure|affirme|evoque|indique|declare|explique|parle|garanti|table|estime)",
    r"(?:said|promised|pledged|announced|claimed|vowed|told|insisted|suggested)",
)
_CONTRACT = _cue(
    r"contrat\w*", r"licences?", r"accord-cadre", r"bail", r"expir\w+",
    r"arriv\w+\s+a\s+(?:son\s+)?(?:terme|echeance|expiration)", r"prend\w*\s+fin",
    r"court\s+jusqu", r"se\s+termin\w+", r"contracts?", r"licen[cs]es?", r"runs?\s+(?:out|until)",
    r"prolong\w+", r"reconduit\w*", r"renouvel\w+", r"extended", r"renewed", r"extension",
)

_FORMER_PRE = _cue(
    r"initialement", r"a\s+l'origine", r"originellement", r"au\s+depart", r"a\s+l'epoque",
    r"devai(?:t|ent)", r"aurai(?:t|ent)\s+du", r"aurai(?:t|ent)\s+du\s+etre",
    r"etai(?:t|ent)\s+(?:censee?s?|prevue?s?|attendue?s?|annoncee?s?|programmee?s?|fixee?s?"
    r"|planifiee?s?|envisagee?s?|promise?s?|visee?s?|esperee?s?)",
    r"avai(?:t|ent)\s+ete\s+(?:prevue?s?|fixee?s?|annoncee?s?|promise?s?|programmee?s?"
    r"|evoquee?s?|planifiee?s?)",
    r"(?:avai(?:t|ent)|s'etai(?:t|ent))\s+(?:\w+\s+){0,2}?(?:promis|prevu|annonce|fixe|evoque"
    r"|envisage|vise|table|engagee?s?|assure|garanti|affirme|espere)",
    r"(?:promettai|annoncai|prevoyai|visai|tablai|evoquai|envisageai|esperai|comptai|parlai"
    r"|jurai|affirmai|assurai|garantissai)(?:t|ent)",
    r"promise?s?\s+(?:pour|d'ici|a|en|avant)", r"au\s+lieu\s+d[e']", r"plutot\s+qu[e']",
    r"et\s+non(?:\s+plus|\s+pas)?", r"non\s+plus", r"n'(?:est|etait|sont)\s+plus",
    r"ne\s+(?:sera|seront|pourra|pourront|serait)\s+(?:pas|plus)", r"abandonn\w+",
    r"l'ancien(?:ne)?\s+(?:calendrier|echeance|objectif|date|horizon|cible|promesse)",
    r"(?:calendrier|echeance|objectif|date|horizon|cible|promesse|plan|engagement)\s+(?:initiale?|d'origine"
    r"|de\s+depart|originel(?:le)?)", r"premier\s+calendrier",
    r"initially", r"originally", r"at\s+first",
    r"(?:prevue?s?|annoncee?s?|envisagee?s?|promise?s?|evoquee?s?)\s+un\s+temps",
    r"un\s+temps\s+(?:prevue?s?|annoncee?s?|envisagee?s?|promise?s?|evoquee?s?)",
    r"once\s+(?:planned|promised|expected|slated|scheduled|targeted|due)",
    r"(?:was|were)\s+(?:supposed|due|expected|slated|scheduled|set|planned|meant|promised"
    r"|intended|meant)", r"had\s+(?:been\s+)?(?:promised|planned|pledged|aimed|targeted|set|hoped"
    r"|committed|scheduled|expected|announced)", r"promised\s+(?:for|by)",
    r"(?:original|initial|earlier|previous|old|former)\s+(?:deadline|target|plan|timeline|date"
    r"|goal|schedule|timetable|horizon)", r"instead\s+of", r"rather\s+than", r"no\s+longer",
    r"abandoned", r"(?:pushed\s+back|delayed|postponed|moved|slipped)\s+from",
)
_FORMER_POST = _cue(
    r"(?:comme\s+)?(?:initialement|originellement)(?:\s+prevue?s?)?",
    r"comme\s+(?:prevu|annonce|promis)\s+(?:initialement|a\s+l'origine)",
    r"a\s+l'origine", r"au\s+depart",
    r"(?:est|sont|semble|semblent|parait|apparait|etait|devient|s'avere|se\s+revele)\s+"
    r"(?:(?:desormais|aujourd'hui|donc|deja|bel\s+et\s+bien|clairement|totalement)\s+)?"
    r"(?:intenable|irrealiste|inatteignable|hors\s+d'atteinte|caduque?|obsolete|depassee?"
    r"|abandonnee?|trop\s+ambitieu\w+|impossible\w*|compromise?|enterree?|illusoire)",
    r"intenables?", r"irrealistes?", r"trop\s+ambitieu\w+",
    # a promise not kept, in any tense or mood: "ne sera donc pas tenue", "ne pourrait pas
    # être tenu", "n'a jamais été respectée"
    r"n(?:e\s+|')(?:[\w-]+\s+){0,3}?(?:pas|plus|jamais)\s+(?:[\w-]+\s+){0,3}?(?:tenue?s?"
    r"|respectee?s?|atteinte?s?|honoree?s?)", r"n'(?:est|etait)\s+plus\s+(?:d'actualite|tenable"
    r"|realiste|possible|atteignable|envisageable|l'objectif|l'horizon|la\s+cible)",
    r"(?:a\s+ete|est|sera)\s+(?:abandonnee?|oubliee?|enterree?)", r"ne\s+tiendra\s+pas",
    # "ne pourrait pas intervenir dans les temps", "won't happen on time"
    r"n(?:e\s+|')(?:[\w-]+\s+){0,3}?(?:pas|plus|jamais)\s+(?:[\w-]+\s+){0,4}?(?:dans\s+les"
    r"\s+(?:temps|delais)|a\s+temps|a\s+l'heure)",
    r"(?:won't|will\s+not|cannot|can't|could\s+not|couldn't|would\s+not|wouldn't)\s+(?:\w+\s+)"
    r"{0,3}?(?:on\s+time|in\s+time)",
    r"a\s+fait\s+long\s+feu", r"est\s+passee?\s+a\s+la\s+trappe",
    r"originally", r"initially",
    r"(?:is|was|now\s+looks|looks|seems|appears|became|has\s+become|proved)\s+(?:\w+\s+)?"
    r"(?:unrealistic|untenable|out\s+of\s+reach|abandoned|impossible|unachievable"
    r"|over-ambitious|too\s+ambitious)", r"(?:was|were|has\s+been|have\s+been)\s+missed",
    r"will\s+not\s+be\s+met", r"won't\s+be\s+met", r"is\s+no\s+longer",
    r"as\s+(?:originally|initially)\s+(?:planned|promised|announced)",
    r"(?:has|have|had|was|were)\s+(?:\w+\s+){0,2}?(?:been\s+)?(?:abandoned|dropped|scrapped|missed"
    r"|shelved|ditched)", r"quietly\s+(?:dropped|ditched|scrapped|abandoned|shelved)",
    r"(?:in\s+turn\s+)?evaporated",
    r"(?:a|the)\s+(?:target|deadline|date|goal)\s+(?:\w+\s+){0,3}?(?:dropped"
    r"|scrapped|abandoned|missed)", r"(?:which|that)\s+(?:\w+\s+){0,2}?(?:dropped|scrapped"
    r"|abandoned|missed)",
    r"abandonnee?s?", r"enterree?s?", r"caduques?", r"oubliee?s?",
    # "repoussée à 2025, avant d'être à son tour abandonnée"
    r"avant\s+d'etre\s+(?:[\w']+\s+){0,3}?(?:abandonnee?s?|enterree?s?|oubliee?s?"
    r"|repoussee?s?|reportee?s?|decalee?s?|jugee?s?\s+(?:intenable|irrealiste)s?)",
)
# A date that is the subject of a move: "la migration, prévue fin 2025, a été repoussée à 2026".
_MOVED_POST = _cue(
    r"(?:a|ont)\s+(?:\w+\s+)?ete\s+(?:repoussee?s?|reportee?s?|decalee?s?|differee?s?|retardee?s?)",
    r"(?:est|sont)\s+(?:\w+\s+)?(?:repoussee?s?|reportee?s?|decalee?s?|differee?s?|retardee?s?)",
    r"(?:has|have|was|were)\s+(?:\w+\s+)?been\s+(?:pushed\s+back|delayed|postponed)",
)
_NEGATION = re.compile(
    r"n(?<![\w']n)(?:e\s+|')(?:\w+\s+){0,3}?(?:pas|plus(?!\s+(?:tot|tard))|jamais)(?![\w])"
)
_SHIFT = _cue(
    r"repouss\w*", r"report(?:e|ee|es|ees|er|era|erait|ant)", r"report\s+(?:de|a|au|en)",
    r"decal\w+", r"glisse\w*", r"glissement", r"differ(?:e|ee|es|ees|er)", r"retarde\w*",
    r"ajourn\w+", r"renvoy\w+", r"renvoie\w*", r"pushed\s+back", r"push\s+back", r"delayed",
    r"postponed", r"moved\s+back", r"slipped", r"pushed",
)
_CURRENT_STRONG = _cue(
    r"nouvel(?:le)?\s+(?:horizon|echeance|date|cible|objectif|feuille\s+de\s+route|deadline"
    r"|delai)", r"nouveau\s+(?:calendrier|delai|cap|terme|report|retard|objectif)",
    r"(?:calendrier|echeance|objectif|date|horizon)\s+revisee?",
    r"desormais\s+(?:prevue?s?|attendue?s?|fixee?s?|programmee?s?|envisagee?s?)",
    r"new\s+(?:deadline|target|date|timeline|timetable|schedule|goal|horizon)",
    r"now\s+(?:expected|scheduled|planned|slated|due|set)",
    r"revised\s+(?:target|deadline|date|timeline|timetable|schedule)",
)
_CURRENT_WEAK = _cue(
    r"desormais", r"maintenant", r"aujourd'hui", r"a\s+present", r"dorenavant", r"actuellement",
    r"pour\s+l'heure", r"a\s+ce\s+jour", r"en\s+l'etat\s+actuel", r"now", r"currently", r"today",
)
_TARGET_WORD = _cue(
    r"prevue?s?", r"attendue?s?", r"programmee?s?", r"annoncee?s?", r"fixee?s?", r"promise?s?",
    r"planifiee?s?", r"visee?s?", r"echeances?", r"objectifs?", r"horizon", r"cibles?",
    r"calendrier", r"expected", r"planned", r"scheduled", r"slated", r"due", r"targets?",
    r"deadline", r"goal", r"promised", r"pledged",
    # historical present of a promise: "En novembre 2020, le ministre promet une bascule avant
    # la fin 2022"
    r"promet(?:tent)?", r"s'engagen?t?", r"engagements?",
)
_INTERIM = _cue(
    r"intercalaires?", r"temporaires?", r"provisoires?", r"transitoires?", r"intermediaires?",
    r"copie\w*", r"dupliqu\w+", r"duplication", r"premiere\s+etape", r"solution\s+de\s+transition",
    r"interim", r"temporary", r"stopgap", r"transitional", r"first\s+step", r"partial\s+copy",
    r"pilotes?", r"pilots?", r"phases?\s+de\s+tests?", r"tests?\s+phase",
    r"premi(?:ere|ers|eres)\s+(?:partie|lots?|jeux|vagues?|bases|donnees)",
    r"une\s+partie\s+des\s+donnees", r"part\s+of\s+(?:its|the)\s+data", r"first\s+batch",
)
_FULL = _cue(
    r"migration\s+(?:complete|definitive|totale|integrale)", r"(?:l'ensemble|la\s+totalite)\s+des"
    r"\s+donnees", r"totalement", r"definitivement", r"completement", r"a\s+terme",
    r"(?:complete|full|entire|final)\s+(?:migration|move|switch|transfer)", r"fully",
    r"in\s+full", r"l'integralite",
)
_HORIZON_NOUN = _cue(
    r"horizon", r"echeances?", r"objectifs?", r"cibles?", r"date", r"calendrier", r"terme",
    r"deadline", r"target", r"goal",
)

_CLAUSE_END = re.compile(
    r"[;:!?()]|-(?<=\s-)(?=\s)|"
    + _word_start(["mais", "but", r"tandis\s+que", r"alors\s+que"]) + r"(?![\w])"
)


_CUE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("topic", _TOPIC), ("timing", _TIMING), ("migration", _MIGRATION), ("tender", _TENDER),
    ("other_event", _OTHER_EVENT), ("other_name", _OTHER_NAME), ("event", _EVENT),
    ("event_pp", _EVENT_PP),
    ("contract", _CONTRACT), ("former_pre", _FORMER_PRE), ("former_post", _FORMER_POST),
    ("negation", _NEGATION), ("shift", _SHIFT), ("current_strong", _CURRENT_STRONG),
    ("current_weak", _CURRENT_WEAK), ("target", _TARGET_WORD), ("interim", _INTERIM),
    ("full", _FULL), ("horizon", _HORIZON_NOUN), ("clause", _CLAUSE_END),
    ("moved_post", _MOVED_POST), ("said", _SAID), ("hdh", _HDH_SUBJECT),
)


# ------------------------------------------------------------------------------------------
# Hits: one pass over the text where a cue may match, then O(log n) look-ups per date
# ------------------------------------------------------------------------------------------


_WORD = re.compile(r"\w+")
# first three characters of a word -> the patterns that may match there (filled as met)
_PATTERNS_AT: dict[str, tuple[str, ...]] = {}


def _word_candidates(text: str) -> dict[str, list[int]]:
    """For each pattern of ``_HEADS`` (by its source), the word starts of ``text`` that open
    with one of its heads, ascending: three characters are compared, the pattern checks the
    rest. One pass over the words stands for a pass of each pattern over every letter."""
    out: dict[str, list[int]] = {source: [] for source in _HEADS}
    table = _PATTERNS_AT
    for m in _WORD.finditer(text):
        pos = m.start()
        key = text[pos:pos + 3]
        sources = table.get(key)
        if sources is None:
            sources = tuple(source for source, heads in _HEADS.items()
                            if _opens_with(key, heads))
            if len(table) < 100_000:
                table[key] = sources
        for source in sources:
            out[source].append(pos)
    return out


def _opens_with(key: str, heads: tuple[str, ...]) -> bool:
    """Whether a word whose first three characters are ``key`` may open with a head."""
    return any(key[:1].isdecimal() if h == _DIGIT else key.startswith(h) or h.startswith(key)
               for h in heads)


def _scan(pattern: re.Pattern[str], text: str,
          candidates: dict[str, list[int]]) -> Iterator[re.Match[str]]:
    """``pattern.finditer(text)``, tried only at the pattern's candidates when it has some."""
    starts = candidates.get(pattern.pattern)
    if starts is None:
        yield from pattern.finditer(text)
        return
    end = 0
    for pos in starts:
        if pos >= end and (m := pattern.match(text, pos)) is not None:
            yield m
            end = m.end()


def _merge_regions(regions: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for lo, hi in sorted(regions):
        if merged and lo <= merged[-1][1] + 2:
            merged[-1] = (merged[-1][0], max(hi, merged[-1][1]))
        else:
            merged.append((lo, hi))
    return merged


class _Hits:
    """The non-overlapping matches of one cue pattern, for range queries."""

    __slots__ = ("spans", "starts")

    def __init__(self, pattern: re.Pattern[str], text: str, spans: list[tuple[int, int]],
                 candidates: list[int] | None = None):
        self.spans: list[tuple[int, int]] = []
        if candidates is None:
            for lo, hi in spans:
                self.spans.extend(m.span() for m in pattern.finditer(text, lo, hi))
        else:
            # the same matches as finditer, tried only where one may start (ascending)
            found = self.spans
            for lo, hi in spans:
                end = lo
                for pos in candidates[bisect_left(candidates, lo):bisect_left(candidates, hi)]:
                    if pos >= end and (m := pattern.match(text, pos, hi)) is not None:
                        found.append(m.span())
                        end = m.end()
        self.starts = [s for s, _ in self.spans]

    def last(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The rightmost hit inside [lo, hi)."""
        i = bisect_right(self.starts, hi) - 1
        while i >= 0 and self.spans[i][1] > hi:
            i -= 1
        if i >= 0 and self.spans[i][0] >= lo:
            return self.spans[i]
        return None

    def overlaps(self, lo: int, hi: int) -> bool:
        """Whether a hit overlaps [lo, hi)."""
        i = bisect_left(self.starts, hi) - 1  # ends grow with starts: hits do not overlap
        return i >= 0 and self.spans[i][1] > lo

    def first(self, lo: int, hi: int) -> tuple[int, int] | None:
        """The leftmost hit inside [lo, hi)."""
        i = bisect_left(self.starts, lo)
        if i < len(self.spans) and self.spans[i][1] <= hi:
            return self.spans[i]
        return None


class _Cues(dict[str, _Hits]):
    """The ``_Hits`` of each cue by name, each pattern run over its regions on first use.

    Many cues are never asked about in a given article (the continuation cues when
    every dated sentence names the migration, the verbs of saying when no month
    lacks its year): their passes over the text are skipped.
    """

    def __init__(self, text: str,
                 planned: dict[str, tuple[re.Pattern[str], list[tuple[int, int]]]],
                 candidates: dict[str, list[int]]) -> None:
        super().__init__()
        self._text = text
        self._planned = dict(planned)
        self._candidates = candidates  # where each pattern of _HEADS may match

    def plan(self, planned: Iterable[tuple[str, tuple[re.Pattern[str],
                                                     list[tuple[int, int]]]]]) -> None:
        """Add cues to run on first use; a cue already planned keeps its regions."""
        for name, todo in planned:
            self._planned.setdefault(name, todo)

    def __missing__(self, name: str) -> _Hits:
        pattern, regions = self._planned[name]
        candidates = self._candidates.get(pattern.pattern)
        hits = self[name] = _Hits(pattern, self._text, regions, candidates)
        return hits
