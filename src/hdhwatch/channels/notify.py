"""Mail to subscribers: shift alerts and periodic digests, composed and queued.

Nothing here talks to a mail server. A message is rendered from the Jinja2
templates in ``templates/`` (plain text and HTML, French or English) and
written to the outbox in the caller's transaction, so a shift alert commits
with the article that raised the shift or not at all (a transactional outbox);
``outbox.send_pending`` delivers it later. Every message carries a dedupe key
(the move and the subscriber; the subscriber and the digest period) inserted
with ``ON CONFLICT DO NOTHING``: a replay of the timeline, a second run or two
processes at once never queue the same mail twice.
"""

from __future__ import annotations

import functools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from email.header import Header
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime, make_msgid, parseaddr
from typing import NamedTuple
from urllib.parse import quote, urlsplit
from zoneinfo import ZoneInfo

import jinja2
from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from hdhwatch.channels.subscribers import ensure_operator, redact_url
from hdhwatch.config import Settings
from hdhwatch.events import READER_FAMILIES, family
from hdhwatch.events.timeline import MOVE, outlet_of
from hdhwatch.read.words import describe_target, event_words, format_day, language_of
from hdhwatch.records import TARGET_KINDS
from hdhwatch.store.articles import dialect_insert
from hdhwatch.store.db import utcnow
from hdhwatch.store.models import (
    Article,
    DeadlineStatement,
    Delivery,
    Event,
    EventArticle,
    Subscriber,
    SubscriberChannel,
)

logger = logging.getLogger(__name__)

DIGEST_PERIODS = {"daily": timedelta(days=1), "weekly": timedelta(days=7)}
# A scheduler firing "every day at 8:00" runs a little early or late: without
# this slack a digest queued at 8:00:03 is not due at 8:00:01 the next day, and
# the subscriber would wait a whole extra period.
DIGEST_SLACK = timedelta(hours=1)
LEAD_LENGTH = 320

# Every sentence of the mails, per language; the templates read them as ``t``.
STRINGS: dict[str, dict[str, str]] = {
    "fr": {
        "prefix": "Health Data Hub : ",
        "moves": "la migration passe {from_to}",
        "now_expected": "la migration est désormais prévue pour {to}",
        "shift_intro": "L'échéance annoncée de la migration du Health Data Hub hors de "
                       "Microsoft Azure vers un cloud souverain a changé.",
        "reported": "L'article annonce lui-même le changement de date.",
        "confident": "L'article donne explicitement la nouvelle échéance de la migration ; "
                     "hdhwatch en déduit le changement.",
        "outlets": "Plusieurs médias indépendants donnent cette nouvelle échéance ; hdhwatch en "
                   "déduit le changement.",
        "inferred": "L'article donne une nouvelle échéance ; hdhwatch en déduit le changement.",
        "former_quote": "Échéance précédente : ",
        "event_intro": "Du nouveau dans l'hébergement du Health Data Hub :",
        "event_confident": "L'article le dit explicitement à propos du Health Data Hub.",
        "event_outlets": "Plusieurs médias indépendants le rapportent.",
        "event_health": "D'après les collectes enregistrées. Aucun lecteur ne reçoit ce "
                        "message.",
        "health_intro": "Message pour l'exploitant de hdhwatch : une source a besoin de vous.",
        "health_failing": "Ses {runs} dernières collectes n'ont rien récupéré (erreurs : "
                          "{errors}). Dernière erreur : {last}",
        "health_drift": "{share} % des {pages} pages de sa dernière collecte sont sans date "
                        "ou sans texte, contre {base} % auparavant : la structure de ses "
                        "pages a sans doute changé.",
        "first_known": "aucune échéance connue",
        "corroborated": "Confirmé par :",
        "timeline": "Les échéances successives :",
        "known": "Échéance connue aujourd'hui :",
        "timeline_alt": "Chronologie de l'échéance annoncée de la migration",
        "quote_open": "« ",
        "quote_close": " »",
        "digest_subject": "Health Data Hub : {count} depuis le {since}",
        "digest_subject_move": "Health Data Hub : la migration passe {from_to} ({count})",
        "article_one": "1 article trouvé",
        "article_many": "{n} articles trouvés",
        "article_none": "aucun nouvel article",
        "digest_intro": "Les articles sur l'hébergement du Health Data Hub trouvés "
                        "depuis le {since} :",
        "digest_target": "Échéance connue aujourd'hui : {target}",
        "digest_target_since": ", depuis le {day} ({outlets})",
        "digest_no_target": "Aucune échéance de migration connue pour l'instant.",
        "digest_silence": "Aucune échéance annoncée dans la presse depuis {days} jours "
                          "(la dernière : {day}).",
        "digest_moves": "Changement d'échéance depuis le dernier envoi :",
        "digest_signals": "À confirmer (un seul média, sans affirmation nette) :",
        "outlet_one": "1 média",
        "outlet_many": "{n} médias",
        "providers": "Hébergeurs cités :",
        "deadlines": "Échéances citées :",
        "current": "actuelle",
        "former": "abandonnée",
        "not_before": "pas avant {target}",
        "interim": "étape intermédiaire",
        "footer": "Vous recevez ce message car l'adresse {email} est abonnée à hdhwatch.",
        "unsubscribe": "Se désabonner",
        "sep": " : ",
        "list_sep": " ; ",
    },
    "en": {
        "prefix": "Health Data Hub: ",
        "moves": "migration moves {from_to}",
        "now_expected": "migration now expected by {to}",
        "shift_intro": "The announced date of the Health Data Hub's migration off Microsoft "
                       "Azure to a sovereign cloud has changed.",
        "reported": "The article itself reports the change of date.",
        "confident": "The article states the migration's new target explicitly; hdhwatch "
                     "infers the change.",
        "outlets": "Several independent outlets give this new target; hdhwatch infers the "
                   "change.",
        "inferred": "The article gives a new target; hdhwatch infers the change.",
        "former_quote": "Previous target: ",
        "event_intro": "News about the Health Data Hub's hosting:",
        "event_confident": "The article says so explicitly about the Health Data Hub.",
        "event_outlets": "Several independent outlets report it.",
        "event_health": "From the recorded crawls. No reader gets this message.",
        "health_intro": "A message for hdhwatch's operator: a source needs you.",
        "health_failing": "Its last {runs} crawls fetched nothing (errors: {errors}). Last "
                          "error: {last}",
        "health_drift": "{share}% of the {pages} pages of its last crawl have no date or no "
                        "text, against {base}% before: its page structure has probably "
                        "changed.",
        "first_known": "no known target",
        "corroborated": "Confirmed by:",
        "timeline": "The successive targets:",
        "known": "Target known today:",
        "timeline_alt": "Timeline of the announced migration date",
        "quote_open": "“",
        "quote_close": "”",
        "digest_subject": "Health Data Hub: {count} since {since}",
        "digest_subject_move": "Health Data Hub: migration moves {from_to} ({count})",
        "article_one": "1 article found",
        "article_many": "{n} articles found",
        "article_none": "no new article",
        "digest_intro": "Articles about the Health Data Hub's hosting found since {since}:",
        "digest_target": "Target known today: {target}",
        "digest_target_since": ", since {day} ({outlets})",
        "digest_no_target": "No migration target known yet.",
        "digest_silence": "No target stated in the press for {days} days (the last: {day}).",
        "digest_moves": "Target moved since the last digest:",
        "digest_signals": "To be confirmed (one outlet, no firm statement):",
        "outlet_one": "1 outlet",
        "outlet_many": "{n} outlets",
        "providers": "Providers named:",
        "deadlines": "Targets stated:",
        "current": "current",
        "former": "abandoned",
        "not_before": "not before {target}",
        "interim": "interim step",
        "footer": "You receive this message because {email} is subscribed to hdhwatch.",
        "unsubscribe": "Unsubscribe",
        "sep": ": ",
        "list_sep": "; ",
    },
}


class Attachment(NamedTuple):
    """An image shown inline in the HTML part, where it is referenced as ``cid:{cid}``."""

    filename: str
    content: bytes
    mimetype: str  # "image/png", "image/svg+xml"
    cid: str  # without angle brackets


# The hook for a picture of the timeline: given the events in order and the
# language, an inline image for the shift alert (or None to send none).
TimelinePicture = Callable[[Sequence[Event], str], Attachment | None]


def store_picture(session: Session) -> TimelinePicture:
    """The store's timeline drawn once (as ``hdhwatch timeline --plot`` draws it), as a PNG
    shown inline: mail clients display ``cid:`` PNGs, not SVG or remote images."""
    drawn: list[Attachment | None] = []

    def picture(_events: Sequence[Event], _lang: str) -> Attachment | None:
        if not drawn:
            from hdhwatch.read.plot import timeline_png_bytes

            try:
                drawn.append(Attachment("timeline.png", timeline_png_bytes(session),
                                        "image/png", "timeline"))
            except Exception:  # noqa: BLE001 - the alert matters more than its picture
                logger.warning("could not draw the timeline for the alert", exc_info=True)
                drawn.append(None)
        return drawn[0]

    return picture


# --- dates in words ----------------------------------------------------------------
def _fr_article(deadline: date, precision: str) -> str:
    """French's article before the period: 'le premier trimestre', 'l'été'; none in 'fin 2025'."""
    if precision in ("quarter", "half", "day") or (precision == "season" and deadline.month == 5):
        return "le"
    if precision == "season":
        return "l'"
    return ""


def _from_to(old: tuple[date, str] | None, new: tuple[date, str], lang: str) -> str:
    """'de fin 2025 à fin 2026', 'du premier trimestre 2027 à l'été 2027'; 'from … to …'."""
    if lang == "en":
        return f"from {describe_target(*old, 'en')} to {describe_target(*new, 'en')}"

    def with_prep(prep: str, target: tuple[date, str]) -> str:
        article = _fr_article(*target)
        words = describe_target(*target, "fr")
        if article == "le":
            return f"{'du' if prep == 'de' else 'au'} {words}"
        if article == "l'":
            return f"{prep} l'{words}"
        return f"{prep} {words}"

    return f"{with_prep('de', old)} {with_prep('à', new)}"


def shift_subject(event: Event, lang: str = "fr") -> str:
    """« Health Data Hub : la migration passe de fin 2025 à fin 2026 »."""
    lang = language_of(lang)
    t = STRINGS[lang]
    new = (event.to_deadline, event.to_precision)
    if event.from_deadline is None:
        return t["prefix"] + t["now_expected"].format(to=describe_target(*new, lang))
    old = (event.from_deadline, event.from_precision or "day")
    return t["prefix"] + t["moves"].format(from_to=_from_to(old, new, lang))


# --- what the templates show -------------------------------------------------------
@dataclass(frozen=True)
class ArticleView:
    """An article as a mail shows it: every field already a string in the reader's language."""

    title: str
    outlet: str
    day: str  # publication day in words, "" when unknown
    url: str  # "" unless http(s): an untrusted javascript: link never becomes a link
    lead: str = ""
    providers: tuple[str, ...] = ()
    deadlines: tuple[str, ...] = ()  # "fin 2026 (actuelle)"


@dataclass(frozen=True)
class TimelineEntry:
    day: str
    move: str  # "fin 2025 → fin 2026"
    outlet: str
    url: str
    highlighted: bool  # the move this alert is about


def _safe_url(url: str | None) -> str:
    return url if url and urlsplit(url).scheme in ("http", "https") else ""


def _local_day(when: datetime | None, tz: ZoneInfo, lang: str) -> str:
    return format_day(when.astimezone(tz).date(), lang) if when else ""


def _outlet(article: Article) -> str:
    return article.outlet or urlsplit(article.url).hostname or ""


def _shorten(text: str | None, limit: int = LEAD_LENGTH) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _statement_words(statement: DeadlineStatement, lang: str) -> str:
    t = STRINGS[lang]
    target = describe_target(statement.deadline, statement.precision, lang)
    if statement.bound == "not_before":
        target = t["not_before"].format(target=target)
    notes = [t["former"] if statement.role == "former" else t["current"]]
    if statement.scope == "interim":
        notes.append(t["interim"])
    return f"{target} ({', '.join(notes)})"


def article_view(
    article: Article, tz: ZoneInfo, lang: str, *, details: bool = False,
) -> ArticleView:
    """The article for a mail; with ``details`` (digests), its lead, providers and targets too."""
    view = ArticleView(title=article.title, outlet=_outlet(article),
                       day=_local_day(article.published_at, tz, lang), url=_safe_url(article.url))
    if not details:
        return view
    # one entry per target: an article that states a date as today's target and, in
    # another sentence, as the one given up is read as stating it (current wins)
    chosen: dict[tuple, DeadlineStatement] = {}
    for d in article.deadlines:
        key = (d.deadline, d.precision, d.bound, d.scope)
        if key not in chosen or (d.role == "current" and chosen[key].role != "current"):
            chosen[key] = d
    return replace(
        view, lead=_shorten(article.lead or article.description),
        providers=tuple(p.provider for p in article.providers),
        deadlines=tuple(_statement_words(d, lang) for d in chosen.values()),
    )


def _move_words(event: Event, lang: str) -> str:
    new = describe_target(event.to_deadline, event.to_precision, lang)
    if event.from_deadline is None:
        return f"{STRINGS[lang]['first_known']} → {new}"
    return f"{describe_target(event.from_deadline, event.from_precision or 'day', lang)} → {new}"


def timeline_events(session: Session) -> list[Event]:
    """Every move believed (confirmed target_move event), in the order they were published."""
    events = session.scalars(
        select(Event).where(Event.kind == MOVE, Event.status == "confirmed")
        .options(selectinload(Event.article))
    )
    return sorted(events, key=lambda e: (e.published_at or e.detected_at, e.id))


def _quote(session: Session, event: Event) -> str:
    """The sentence that states the new target: the event's statement, else the article's."""
    statement = session.get(DeadlineStatement, event.statement_id) if event.statement_id else None
    if statement is None:
        statement = session.scalars(
            select(DeadlineStatement)
            .where(DeadlineStatement.article_id == event.article_id,
                   DeadlineStatement.deadline == event.to_deadline,
                   DeadlineStatement.kind.in_(TARGET_KINDS))
            .order_by(DeadlineStatement.offset)
        ).first()
    return " ".join(statement.sentence.split()) if statement else ""


def _former_quote(session: Session, event: Event, quote: str) -> str:
    """The sentence of the same article giving up the former target, when it is another."""
    if event.from_deadline is None:
        return ""
    statement = session.scalars(
        select(DeadlineStatement)
        .where(DeadlineStatement.article_id == event.article_id,
               DeadlineStatement.deadline == event.from_deadline,
               DeadlineStatement.role == "former", DeadlineStatement.kind == "target")
        .order_by(DeadlineStatement.offset)
    ).first()
    sentence = " ".join(statement.sentence.split()) if statement else ""
    return sentence if sentence != quote else ""


def _shift_context(
    session: Session, event: Event, timeline: list[Event], lang: str, tz: ZoneInfo,
) -> dict:
    t = STRINGS[lang]
    # the outlets that made the move believed, then those restating it since
    corroborating = session.scalars(
        select(Article)
        .join(EventArticle, EventArticle.article_id == Article.id)
        .where(EventArticle.event_id == event.id, Article.id != event.article_id)
        .order_by(EventArticle.relation != "confirms",
                  func.coalesce(Article.published_at, Article.fetched_at), Article.id)
    )
    entries = [
        TimelineEntry(
            day=_local_day(e.published_at or e.article.published_at, tz, lang),
            move=_move_words(e, lang), outlet=_outlet(e.article), url=_safe_url(e.article.url),
            highlighted=e.id == event.id,
        )
        for e in timeline
    ]
    # The replay chains its moves, so the last one's target is the known one;
    # no need to replay the whole store again for every alert.
    last = timeline[-1] if timeline else event
    article = article_view(event.article, tz, lang)
    if event.published_at and not article.day:
        article = replace(article, day=_local_day(event.published_at, tz, lang))
    quote = _quote(session, event)
    basis = event.payload.get("basis") or event.how
    return dict(
        move=_move_words(event, lang),
        quote=quote,
        former_quote=_former_quote(session, event, quote),
        article=article,
        kind_text=t.get(basis, t["inferred"]),
        corroborations=[article_view(a, tz, lang) for a in corroborating],
        timeline=entries,
        known=describe_target(last.to_deadline, last.to_precision, lang),
    )


# --- rendering and headers ------------------------------------------------------------
@functools.cache
def _templates() -> jinja2.Environment:
    # HTML templates escape everything (titles and sentences come from the web);
    # the plain-text ones must not, or a reader would see "&lt;".
    return jinja2.Environment(
        loader=jinja2.PackageLoader("hdhwatch.channels", "templates"),
        autoescape=jinja2.select_autoescape(enabled_extensions=("html.j2",), default=False),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render(name: str, **context) -> str:
    return _templates().get_template(name).render(**context)


def unsubscribe_url(settings: Settings, subscriber: Subscriber) -> str:
    """The web page that unsubscribes, if hdhwatch has a public address; else a mailto:."""
    if settings.public_url:
        return f"{settings.public_url.rstrip('/')}/unsubscribe/{subscriber.token}"
    return _unsubscribe_mailto(settings, subscriber)


def _unsubscribe_mailto(settings: Settings, subscriber: Subscriber) -> str:
    return f"mailto:{_from_address(settings)}?subject={quote('unsubscribe ' + subscriber.token)}"


def _from_address(settings: Settings) -> str:
    return parseaddr(settings.mail_from)[1]


def _msgid_domain(settings: Settings) -> str:
    # make_msgid() would otherwise ask the resolver for this host's name: slow,
    # and a different domain on every machine the tool runs on.
    return _from_address(settings).rpartition("@")[2] or "hdhwatch.localhost"


class _UriListHeader(UnstructuredHeader):
    """A header of <URI>s, folded between them and never RFC 2047-encoded.

    The email package encodes any word too long to fold, and a mailto: with a
    token is one; mail clients do not decode List-Unsubscribe, so an encoded
    one is a dead link. One URI per line stays under the 998-character limit.
    """

    def fold(self, *, policy) -> str:
        uris = re.findall(r"<[^<>]*>", str(self))
        return f"{self.name}: " + f",{policy.linesep} ".join(uris) + policy.linesep


class _SubjectHeader(UnstructuredHeader):
    """A subject folded between its words, its first line starting right after the colon.

    The email package folds a subject too long for one line right after "Subject:", and
    a client that does not unfold a header that way shows it with a leading space. ASCII
    words are wrapped as they are; others go as RFC 2047 encoded words, folded between
    them, the first on the "Subject:" line.
    """

    def fold(self, *, policy) -> str:
        value = " ".join(str(self).split())
        limit = policy.max_line_length or 78
        if not value.isascii():
            encoded = Header(value, "utf-8", maxlinelen=limit, header_name=self.name)
            return f"{self.name}: {encoded.encode(linesep=policy.linesep)}{policy.linesep}"
        lines, line = [], f"{self.name}:"
        for word in value.split(" "):
            if len(line) + 1 + len(word) > limit and line != f"{self.name}:":
                lines.append(line)
                line = ""
            line = f"{line} {word}"
        lines.append(line)
        return policy.linesep.join(lines) + policy.linesep


def _message_policy():
    registry = HeaderRegistry()
    registry.map_to_type("list-unsubscribe", _UriListHeader)
    registry.map_to_type("subject", _SubjectHeader)
    return SMTP.clone(header_factory=registry)


MESSAGE_POLICY = _message_policy()


def build_message(
    settings: Settings,
    subscriber: Subscriber,
    subject: str,
    text: str,
    html: str,
    *,
    now: datetime,
    idstring: str,
    attachments: Iterable[Attachment] = (),
) -> EmailMessage:
    """A multipart text + HTML message with every header; images go inline (multipart/related)."""
    message = EmailMessage(policy=MESSAGE_POLICY)
    message["Subject"] = subject  # RFC 2047-encoded on output by the policy
    message["From"] = settings.mail_from
    message["To"] = subscriber.email
    message["Date"] = format_datetime(now.astimezone(ZoneInfo(settings.timezone)))
    message["Message-ID"] = make_msgid(idstring, domain=_msgid_domain(settings))
    links = [_unsubscribe_mailto(settings, subscriber)]
    if settings.public_url:
        links.insert(0, unsubscribe_url(settings, subscriber))
    message["List-Unsubscribe"] = ", ".join(f"<{link}>" for link in links)
    if settings.public_url.startswith("https://"):
        # RFC 8058 one-click unsubscribe, which is only defined for an HTTPS link
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message["Auto-Submitted"] = "auto-generated"  # RFC 3834: no vacation auto-replies
    # Quoted-printable keeps the stored message 7-bit: any server takes it, and
    # the text column never holds raw 8-bit bytes.
    message.set_content(text, cte="quoted-printable")
    message.add_alternative(html, subtype="html", cte="quoted-printable")
    html_part = message.get_payload()[1]
    for image in attachments:
        maintype, _, subtype = image.mimetype.partition("/")
        html_part.add_related(image.content, maintype, subtype, cid=f"<{image.cid}>",
                              filename=image.filename, disposition="inline")
    return message


def _common(settings: Settings, subscriber: Subscriber, lang: str, subject: str) -> dict:
    t = STRINGS[lang]
    return dict(t=t, lang=lang, subject=subject, footer=t["footer"].format(email=subscriber.email),
                unsubscribe_url=unsubscribe_url(settings, subscriber))


def _queue(
    session: Session, message: EmailMessage, *, dedupe_key: str, subscriber: Subscriber,
    kind: str, now: datetime,
) -> int:
    """Insert the message unless its dedupe key is queued already; 1 if inserted."""
    stmt = dialect_insert(session, Delivery).values(
        dedupe_key=dedupe_key,
        message_id=str(message["Message-ID"]),
        subscriber_id=subscriber.id,
        kind=kind,
        recipient=subscriber.email,
        subject=str(message["Subject"]),
        message=message.as_string(),
        status="pending",
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    inserted = session.scalar(
        stmt.on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(Delivery.id)
    )
    return int(inserted is not None)


# --- shift alerts -------------------------------------------------------------------------
def compose_shift_alert(
    session: Session, settings: Settings, event: Event, subscriber: Subscriber, *,
    now: datetime | None = None, timeline: list[Event] | None = None,
    picture: TimelinePicture | None = None,
) -> EmailMessage:
    """The alert telling ``subscriber`` about ``event``."""
    now = now or utcnow()
    lang = language_of(subscriber.language)
    timeline = timeline if timeline is not None else timeline_events(session)
    context = _shift_context(session, event, timeline, lang, ZoneInfo(settings.timezone))
    image = picture(timeline, lang) if picture else None
    subject = shift_subject(event, lang)
    context.update(_common(settings, subscriber, lang, subject),
                   headline=subject.removeprefix(STRINGS[lang]["prefix"]),
                   images=[image] if image else [])
    return build_message(
        settings, subscriber, subject, render("shift.txt.j2", **context),
        render("shift.html.j2", **context), now=now,
        idstring=f"shift.{event.id}.{subscriber.id}", attachments=context["images"],
    )


def compose_event_alert(
    session: Session, settings: Settings, event: Event, subscriber: Subscriber, *,
    now: datetime | None = None,
) -> EmailMessage:
    """The alert telling ``subscriber`` about a story event (a provider chosen, a ruling,
    a tender): what happened, the sentence that says so, the outlets behind it."""
    now = now or utcnow()
    lang = language_of(subscriber.language)
    t = STRINGS[lang]
    tz = ZoneInfo(settings.timezone)
    headline = event_words(event.kind, event.payload.get("subject", ""), lang)
    subject = t["prefix"] + headline
    others = session.scalars(
        select(Article)
        .join(EventArticle, EventArticle.article_id == Article.id)
        .where(EventArticle.event_id == event.id, Article.id != event.article_id)
        .order_by(EventArticle.relation != "confirms",
                  func.coalesce(Article.published_at, Article.fetched_at), Article.id)
    )
    context = _common(settings, subscriber, lang, subject)
    if event.article is None:  # a source's health: what the crawls recorded
        quote, article, kind_text = _health_words(event, lang), None, t["event_health"]
    else:
        quote = event.payload.get("sentence", "")
        article = article_view(event.article, tz, lang)
        kind_text = t.get(f"event_{event.payload.get('basis') or 'outlets'}", "")
    context.update(
        health=event.article is None,
        headline=headline,
        quote=quote,
        article=article,
        kind_text=kind_text,
        corroborations=[article_view(a, tz, lang) for a in others],
        known=_digest_target(session, lang, tz),
    )
    return build_message(
        settings, subscriber, subject, render("event.txt.j2", **context),
        render("event.html.j2", **context), now=now,
        idstring=f"event.{event.id}.{subscriber.id}",
    )


def _health_words(event: Event, lang: str) -> str:
    """What the crawls recorded about a failing or drifting source, in a sentence."""
    p = event.payload or {}
    if event.kind == "source_drift":
        share = round(100 * float(p.get("share", 0)))
        base = round(100 * float(p.get("baseline", 0)))
        return STRINGS[lang]["health_drift"].format(share=share, base=base,
                                                    pages=p.get("pages", 0))
    errors = ", ".join(f"{k} {v}" for k, v in sorted((p.get("errors") or {}).items()))
    return STRINGS[lang]["health_failing"].format(runs=p.get("runs", 0),
                                                  errors=errors or "-",
                                                  last=p.get("last_error") or "-")


def enqueue_alerts(
    session: Session, events: Sequence[Event], settings: Settings, *,
    now: datetime | None = None,
) -> int:
    """Queue one delivery per event per subscriber wanting it, per channel (their e-mail
    and each Apprise channel); returns how many. Nothing is rendered yet: a delivery is
    rendered for its channel when it is first sent (``render_delivery``).

    Runs in the caller's transaction (``pipeline.advance_timeline``'s ``on_shifts``), so
    the deliveries commit with the events or not at all.
    """
    now = now or utcnow()
    if settings.mail_operator and events:
        ensure_operator(session, settings.mail_operator)
    everyone = list(session.scalars(
        select(Subscriber)
        .where(Subscriber.active.is_(True), Subscriber.alerts.is_(True))
        .order_by(Subscriber.id)
    ))
    if not events or not everyone:
        return 0
    channels: dict[int, list[SubscriberChannel]] = {}
    for channel in session.scalars(select(SubscriberChannel).order_by(SubscriberChannel.id)):
        channels.setdefault(channel.subscriber_id, []).append(channel)
    queued = 0
    for event in events:
        kind = "shift" if event.kind == MOVE else "event"
        targets = [
            (alert_key(event.key, s.id, kind, channel), s, channel)
            for s in everyone if wants(s, event.kind)
            for channel in (None, *channels.get(s.id, ()))
        ]
        keys = [key for key, _, _ in targets]
        # an alert cancelled when its event left the timeline is queued anew if it returns
        session.execute(delete(Delivery).where(
            Delivery.dedupe_key.in_(keys), Delivery.status == "cancelled"))
        for key, subscriber, channel in targets:
            stmt = dialect_insert(session, Delivery).values(
                dedupe_key=key, subscriber_id=subscriber.id, kind=kind,
                channel="apprise" if channel else "email",
                channel_id=channel.id if channel else None, event_key=event.key,
                recipient=redact_url(channel.url) if channel else subscriber.email,
                status="pending", attempts=0, next_attempt_at=now, created_at=now,
            ).on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(Delivery.id)
            queued += session.scalar(stmt) is not None
    return queued


class EventGone(Exception):
    """The event a delivery is about is no longer in the timeline (not an error: the
    delivery is cancelled)."""


def render_delivery(session: Session, settings: Settings, delivery: Delivery, *,
                    picture: TimelinePicture | None = None,
                    now: datetime | None = None) -> None:
    """Render a queued alert for its channel, in place: the whole e-mail (with its
    Message-ID) for ``email``, a title and a text for a chat channel. Raises
    ``EventGone`` when its event is gone from the timeline."""
    event = session.scalars(select(Event).where(Event.key == delivery.event_key,
                                                Event.status == "confirmed")).first()
    subscriber = session.get(Subscriber, delivery.subscriber_id) \
        if delivery.subscriber_id else None
    if event is None or subscriber is None:
        raise EventGone(delivery.event_key or "")
    if delivery.channel == "email":
        if event.kind == MOVE:
            message = compose_shift_alert(session, settings, event, subscriber, now=now,
                                          picture=picture or store_picture(session))
        else:
            message = compose_event_alert(session, settings, event, subscriber, now=now)
        delivery.subject = str(message["Subject"])
        delivery.message_id = str(message["Message-ID"])
        delivery.message = message.as_string()
    else:
        delivery.subject, delivery.message = render_chat(session, settings, event,
                                                         subscriber)
    session.flush()


def render_chat(session: Session, settings: Settings, event: Event,
                subscriber: Subscriber) -> tuple[str, str]:
    """An alert for a chat or webhook channel: a title, and a few plain lines (what
    happened, the sentence, the outlet and its link, how sure)."""
    lang = language_of(subscriber.language)
    t = STRINGS[lang]
    tz = ZoneInfo(settings.timezone)
    if event.kind == MOVE:
        title = shift_subject(event, lang)
        quote = _quote(session, event)
        basis = event.payload.get("basis") or event.how
        why = t.get(basis, t["inferred"])
    else:
        title = t["prefix"] + event_words(event.kind, event.payload.get("subject", ""), lang)
        quote = event.payload.get("sentence", "") if event.article else _health_words(event,
                                                                                       lang)
        why = t["event_health"] if event.article is None else t.get(
            f"event_{event.payload.get('basis') or 'outlets'}", "")
    lines = []
    if quote:
        lines.append(f"{t['quote_open']}{quote}{t['quote_close']}")
    if event.article is not None:
        view = article_view(event.article, tz, lang)
        lines.append(", ".join(p for p in (view.outlet, view.day) if p))
        if view.url:
            lines.append(view.url)
    if why:
        lines.append(why)
    return title, "\n".join(lines)


def wants(subscriber: Subscriber, kind: str) -> bool:
    """Whether ``subscriber`` chose to hear of events of ``kind``."""
    chosen = subscriber.kinds or READER_FAMILIES
    return family(kind) in chosen or kind in chosen


def alert_key(event_key: str, subscriber_id: int, kind: str = "shift",
              channel: SubscriberChannel | None = None) -> str:
    key = f"{kind}:{event_key}:{subscriber_id}"
    return f"{key}:c{channel.id}" if channel is not None else key


def cancel_stale_alerts(session: Session, live_keys: set[str]) -> int:
    """Cancel the queued alerts about any event but ``live_keys`` (the news: the move that
    set today's target, each story family's latest events), in the caller's transaction:
    an event the replay no longer holds, or one superseded before its alert went, is never
    mailed. Returns how many."""
    stale = [
        row_id for row_id, key in session.execute(
            select(Delivery.id, Delivery.event_key)
            .where(Delivery.kind.in_(("shift", "event")), Delivery.status == "pending"))
        if key not in live_keys
    ]
    if stale:
        session.execute(update(Delivery).where(Delivery.id.in_(stale)).values(
            status="cancelled", last_error="the timeline no longer holds this event as news"))
    return len(stale)


# --- digests ---------------------------------------------------------------------------------
def digest_period(subscriber: Subscriber) -> timedelta:
    return DIGEST_PERIODS.get(subscriber.digest, DIGEST_PERIODS["weekly"])


def digest_due(subscriber: Subscriber, now: datetime) -> bool:
    if subscriber.digest not in DIGEST_PERIODS or not subscriber.active:
        return False
    last = subscriber.last_digest_at
    return last is None or now - last >= digest_period(subscriber) - DIGEST_SLACK


def digest_start(subscriber: Subscriber, now: datetime) -> datetime:
    """Where the next digest starts: the last one sent to this subscriber, or, for a new
    subscriber, when they subscribed (what was stored before is not news to them)."""
    return subscriber.last_digest_at or subscriber.created_at or now - digest_period(subscriber)


def digest_articles(session: Session, since: datetime, until: datetime) -> list[Article]:
    """Relevant original articles fetched in (since, until], newest publication first.

    By fetch time, not publication time: an old article found late is still
    news to the reader, and it was in no earlier digest.
    """
    return list(session.scalars(
        select(Article)
        .where(Article.relevant.is_(True), Article.duplicate_of_id.is_(None),
               Article.fetched_at > since, Article.fetched_at <= until)
        .options(selectinload(Article.providers), selectinload(Article.deadlines))
        .order_by(func.coalesce(Article.published_at, Article.fetched_at).desc(),
                  Article.id.desc())
    ))


def render_next_digest(
    session: Session, settings: Settings, subscriber: Subscriber, now: datetime | None = None,
) -> EmailMessage | None:
    """The digest ``subscriber`` would get now, or None when nothing is new. Changes nothing."""
    now = now or utcnow()
    since = digest_start(subscriber, now)
    articles = digest_articles(session, since, now)
    moves, signals = _digest_events(session, since, now)
    if not (articles or moves or signals):
        return None
    lang = language_of(subscriber.language)
    t = STRINGS[lang]
    tz = ZoneInfo(settings.timezone)
    since_words = _local_day(since, tz, lang)
    count = (t["article_none"] if not articles else t["article_one"] if len(articles) == 1
             else t["article_many"].format(n=len(articles)))
    if moves:
        last = moves[-1]
        old = (last.from_deadline, last.from_precision or "day")
        subject = t["digest_subject_move"].format(
            from_to=_from_to(old, (last.to_deadline, last.to_precision), lang), count=count)
    else:
        subject = t["digest_subject"].format(count=count, since=since_words)
    context = _common(settings, subscriber, lang, subject)
    context.update(
        headline=subject.removeprefix(t["prefix"]),
        target=_digest_target(session, lang, tz),
        silence=_silence(session, lang, now),
        moves=[_move_words(e, lang) for e in moves],
        signals=[_signal_view(session, e, lang, tz) for e in signals],
        intro=t["digest_intro"].format(since=since_words) if articles else "",
        articles=[article_view(a, tz, lang, details=True) for a in articles],
    )
    return build_message(
        settings, subscriber, subject, render("digest.txt.j2", **context),
        render("digest.html.j2", **context), now=now,
        idstring=f"digest.{subscriber.id}",
    )


def _digest_events(session: Session, since: datetime,
                   until: datetime) -> tuple[list[Event], list[Event]]:
    """The moves and the signals awaiting confirmation that the articles found since the
    last digest brought."""
    events = list(session.scalars(
        select(Event).where(Event.kind == MOVE).options(selectinload(Event.article))
        .order_by(Event.published_at, Event.id)
    ))
    def found(event: Event) -> datetime:
        # when the article that made it believed (a signal: that states it) was found
        return max((link.article.fetched_at for link in event.links
                    if link.relation in ("confirms", "states")),
                   default=event.article.fetched_at)

    moves = [e for e in events if e.status == "confirmed" and e.from_deadline is not None
             and since < found(e) <= until]
    signals = [e for e in events if e.status == "signal" and since < found(e) <= until]
    return moves, signals


@dataclass(frozen=True)
class SignalView:
    target: str
    article: ArticleView
    quote: str


def _signal_view(session: Session, event: Event, lang: str, tz: ZoneInfo) -> SignalView:
    return SignalView(describe_target(event.to_deadline, event.to_precision, lang),
                      article_view(event.article, tz, lang), _quote(session, event))


SILENCE_DAYS = 60  # no new target statement anywhere for this long: the digest says so


def _silence(session: Session, lang: str, now: datetime) -> str:
    """"Aucune échéance annoncée depuis 75 jours (la dernière : 3 mars 2026)." when the
    press has said nothing of the date for ``SILENCE_DAYS``; "" otherwise."""
    when = func.coalesce(Article.published_at, Article.fetched_at)
    last = session.scalar(
        select(func.max(when))
        .join(DeadlineStatement, DeadlineStatement.article_id == Article.id)
        .where(Article.relevant.is_(True), DeadlineStatement.kind == "target",
               DeadlineStatement.role == "current")
    )
    if last is None:
        return ""
    last = last if last.tzinfo else last.replace(tzinfo=now.tzinfo)
    days = (now - last).days
    if days < SILENCE_DAYS:
        return ""
    return STRINGS[lang]["digest_silence"].format(days=days,
                                                  day=format_day(last.date(), lang))


def _digest_target(session: Session, lang: str, tz: ZoneInfo) -> str:
    """"Échéance connue aujourd'hui : fin 2026, depuis le 6 février 2026 (3 médias)"."""
    t = STRINGS[lang]
    moves = timeline_events(session)
    if not moves:
        from hdhwatch.events.timeline import known_target

        state = known_target(session)
        if state.known is None:
            return t["digest_no_target"]
        return t["digest_target"].format(target=describe_target(state.known[0], state.known[1],
                                                                lang))
    last = moves[-1]
    outlets = len({outlet_of(link.article.url, link.article.outlet, link.article_id)
                   for link in last.links}) or 1
    words = t["outlet_one"] if outlets == 1 else t["outlet_many"].format(n=outlets)
    since = t["digest_target_since"].format(day=_local_day(last.published_at, tz, lang),
                                            outlets=words) if last.published_at else ""
    return t["digest_target"].format(
        target=describe_target(last.to_deadline, last.to_precision, lang)) + since


def digest_subscribers(session: Session) -> list[Subscriber]:
    """Active subscribers taking a daily or weekly digest, oldest first."""
    return list(session.scalars(
        select(Subscriber)
        .where(Subscriber.active.is_(True), Subscriber.digest.in_(DIGEST_PERIODS))
        .order_by(Subscriber.id)
    ))


def enqueue_digests(
    session: Session, settings: Settings, now: datetime | None = None, *,
    subscribers: Iterable[Subscriber] | None = None,
) -> int:
    """Queue the digests that are due (of ``subscribers``, default all); returns how many.

    A due subscriber's ``last_digest_at`` moves to ``now`` even when nothing was
    new and no mail was queued: the next digest then covers one period from
    now, the cadence stays regular, and a quiet week does not make the
    subscriber due again on every scheduler tick.
    """
    now = now or utcnow()
    queued = 0
    for subscriber in digest_subscribers(session) if subscribers is None else subscribers:
        if not digest_due(subscriber, now):
            continue
        start = digest_start(subscriber, now)
        message = render_next_digest(session, settings, subscriber, now)
        if message is not None:
            key = f"digest:{subscriber.id}:{start.isoformat()}"
            queued += _queue(session, message, dedupe_key=key, subscriber=subscriber,
                             kind="digest", now=now)
        subscriber.last_digest_at = now
    session.flush()
    return queued
