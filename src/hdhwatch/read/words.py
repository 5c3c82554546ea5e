"""Dates, targets and providers' facts in words, in French or English: the wording every
reader sees.

``describe_target`` and ``format_day`` give a target or a day in full words
(mails, reports); ``short_target`` a target in few (tables, the plot). The
mail channel and the reports both use them, so they live below both.
"""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
           "septembre", "octobre", "novembre", "décembre"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
# Seasons as FORMAT.md dates them: by the last month of the season.
SEASONS = {
    "fr": {5: "printemps", 8: "été", 11: "automne", 2: "hiver"},
    "en": {5: "spring", 8: "summer", 11: "autumn", 2: "winter"},
}
_FR_QUARTERS = ("premier", "deuxième", "troisième", "quatrième")

_SHORT_MONTHS = ("janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.",
                 "oct.", "nov.", "déc.")
_SEASONS = {5: "printemps", 8: "été", 11: "automne", 2: "hiver"}


def language_of(value: str | None) -> str:
    """``value`` if the tables speak it, else French."""
    return value if value in MONTHS else "fr"


def format_day(day: date, lang: str = "fr") -> str:
    """'1er juillet 2025', '30 juin 2025'; '30 June 2025'."""
    lang = language_of(lang)
    month = MONTHS[lang][day.month - 1]
    if lang == "fr":
        return f"{'1er' if day.day == 1 else day.day} {month} {day.year}"
    return f"{day.day} {month} {day.year}"


def describe_target(deadline: date, precision: str, lang: str = "fr") -> str:
    """A target in words: 'fin 2025', 'premier trimestre 2027', 'été 2026'; 'end of 2025'.

    ``deadline`` is the last day of the period named (FORMAT.md), so the period
    is found from its month.
    """
    lang = language_of(lang)
    year, month = deadline.year, deadline.month
    fr = lang == "fr"
    if precision == "year":
        return f"fin {year}" if fr else f"end of {year}"
    if precision == "quarter":
        q = (month - 1) // 3
        return f"{_FR_QUARTERS[q]} trimestre {year}" if fr else f"Q{q + 1} {year}"
    if precision == "half":
        first = month <= 6
        if fr:
            return f"{'premier' if first else 'second'} semestre {year}"
        return f"{'first' if first else 'second'} half of {year}"
    if precision == "month":
        return f"{MONTHS[lang][month - 1]} {year}"
    if precision == "season" and month in SEASONS[lang]:
        season = SEASONS[lang][month]
        # winter ends in February: it straddles two years
        return f"{season} {year - 1}-{year}" if month == 2 else f"{season} {year}"
    if precision == "day":
        return format_day(deadline, lang)
    return deadline.isoformat()


def short_target(deadline: date, precision: str) -> str:
    """A target in few words, for tables and the plot: 'fin 2025', 'T1 2027', 'S2 2026'."""
    year, month = deadline.year, deadline.month
    if precision == "year":
        return f"fin {year}"
    if precision == "quarter":
        return f"T{(month - 1) // 3 + 1} {year}"
    if precision == "half":
        return f"S{1 if month <= 6 else 2} {year}"
    if precision == "month":
        return f"{_SHORT_MONTHS[month - 1]} {year}"
    if precision == "season" and month in _SEASONS:
        return f"hiver {year - 1}-{year}" if month == 2 else f"{_SEASONS[month]} {year}"
    return describe_target(deadline, precision, "fr")


# What each kind of story event says, in a line ({subject}: a provider, an authority).
EVENT_WORDS: dict[str, dict[str, str]] = {
    "fr": {
        "provider_selected": "{subject} retenu pour héberger la plateforme",
        "provider_renewed": "{subject} reconduit comme hébergeur de la plateforme",
        "provider_shortlisted": "{subject} en lice pour héberger la plateforme",
        "provider_excluded": "{subject} écarté de l'hébergement de la plateforme",
        "certification_obtained": "{subject} obtient sa qualification",
        "certification_expected": "{subject} : qualification attendue",
        "certification_delayed": "{subject} : qualification retardée",
        "legal_ruling": "{subject} : nouvelle décision sur l'hébergement de la plateforme",
        "tender_launched": "l'appel d'offres pour l'hébergement est lancé",
        "tender_awarded": "l'appel d'offres pour l'hébergement est attribué",
        "tender_cancelled": "l'appel d'offres pour l'hébergement est annulé",
        "source_failing": "la source {subject} ne répond plus",
        "source_drift": "la source {subject} : l'extraction se dégrade",
    },
    "en": {
        "provider_selected": "{subject} selected to host the platform",
        "provider_renewed": "{subject} renewed as the platform's host",
        "provider_shortlisted": "{subject} shortlisted to host the platform",
        "provider_excluded": "{subject} ruled out as the platform's host",
        "certification_obtained": "{subject} obtains its qualification",
        "certification_expected": "{subject}: qualification expected",
        "certification_delayed": "{subject}: qualification delayed",
        "legal_ruling": "{subject}: a new decision on the platform's hosting",
        "tender_launched": "the hosting tender is launched",
        "tender_awarded": "the hosting tender is awarded",
        "tender_cancelled": "the hosting tender is cancelled",
        "source_failing": "source {subject} is failing",
        "source_drift": "source {subject}: extraction drift",
    },
}


def event_words(kind: str, subject: str, lang: str = "fr") -> str:
    """A story event in a line: "Scaleway retenu pour héberger la plateforme"; an unknown
    kind in its own name, so that a new detector's events still read."""
    lang = language_of(lang)
    template = EVENT_WORDS[lang].get(kind)
    if template is None:
        return f"{kind.replace('_', ' ')}: {subject}"
    return template.format(subject=subject)


def _and(names: tuple[str, ...] | list[str], lang: str) -> str:
    word = " et " if lang == "fr" else " and "
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + word + names[-1]


def describe_jurisdiction(provider, lang: str = "fr") -> str:
    """A catalogue provider's jurisdiction, with who runs a joint venture on whose cloud:
    'FR, EU (operated by Thales on Google technology)'; '' when the catalogue has none."""
    lang = language_of(lang)
    words = provider.jurisdiction
    if lang == "fr":  # the catalogue writes the European Union as English does
        words = re.sub(r"\bEU\b", "UE", words)
    run = []
    if provider.operated_by:
        run.append(("exploité par " if lang == "fr" else "operated by ")
                   + _and(provider.operated_by, lang))
    if provider.technology:
        run.append(f"sur une technologie {provider.technology}" if lang == "fr"
                   else f"on {provider.technology} technology")
    if not run:
        return words
    return f"{words} ({' '.join(run)})" if words else " ".join(run)


def describe_certification(certification, lang: str = "fr") -> str:
    """'HDS (2018)', 'SecNumCloud (unconfirmed)'; 'SecNumCloud (non confirmée)'."""
    lang = language_of(lang)
    words = certification.name + (f" ({certification.date})" if certification.date else "")
    if not certification.confirmed:
        words += " (non confirmée)" if lang == "fr" else " (unconfirmed)"
    return words
