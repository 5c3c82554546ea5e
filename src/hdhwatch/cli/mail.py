"""The mail commands: ``subscribers add|remove|list``, ``digest`` and ``send``.

Each parses its arguments, calls ``subscribers``, ``notify`` or ``outbox``,
and prints the result. ``register(main)`` adds them to the ``hdhwatch`` group.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from hdhwatch.channels.subscribers import DIGESTS, LANGUAGES, redact_url
from hdhwatch.cli.output import handle_errors, open_db, settings_of, table
from hdhwatch.events import FAMILIES, READER_FAMILIES


@click.group()
def subscribers() -> None:
    """Manage who receives alerts and digests, about what, on which channels.

    Example: hdhwatch subscribers add alice@example.org --lang en --digest daily
    """


def _kinds(subscriber) -> list[str]:
    return list(subscriber.kinds or READER_FAMILIES)


def _preferences(subscriber, channels=()) -> str:
    parts = [subscriber.language, "alerts" if subscriber.alerts else "no alerts"]
    parts.append("no digest" if subscriber.digest == "none" else f"{subscriber.digest} digest")
    if subscriber.alerts and subscriber.kinds:  # none chosen: the whole story
        parts.append("kinds: " + " ".join(subscriber.kinds))
    parts.extend(f"also on {redact_url(c.url)}" for c in channels)
    return ", ".join(parts)


@subscribers.command("add")
@click.argument("email")
@click.option("--lang", type=click.Choice(LANGUAGES), default="fr", show_default=True,
              help="Language of the mails.")
@click.option("--digest", type=click.Choice(DIGESTS), default="weekly", show_default=True,
              help="How often to receive a digest of the new articles.")
@click.option("--no-alerts", is_flag=True, help="No alert when something happens.")
@click.option("--kinds", metavar="KIND,...",
              help=f"The events to hear of, among {', '.join(FAMILIES)} (default: every "
                   "kind of the story but source, the operator's; kept when not given).")
@click.option("--channel", "channels", multiple=True, metavar="APPRISE_URL",
              help="Also send alerts there (repeatable): an Apprise URL such as "
                   "json://hooks.example.org/hdh, slack://..., matrix://..., ntfy://....")
@click.pass_context
@handle_errors
def subscribers_add(ctx: click.Context, email: str, lang: str, digest: str,
                    no_alerts: bool, kinds: str | None, channels: tuple[str, ...]) -> None:
    """Subscribe an address, or change its preferences if it is subscribed already.

    Example: hdhwatch subscribers add alice@example.org --lang en --digest daily
    --kinds target,provider --channel json://hooks.example.org/hdh
    """
    from hdhwatch.channels.subscribers import add_channel, add_subscriber, channels_of

    with open_db(ctx).session() as session:
        subscriber = add_subscriber(session, email, language=lang, alerts=not no_alerts,
                                    digest=digest,
                                    kinds=kinds.split(",") if kinds is not None else None)
        for url in channels:
            add_channel(session, subscriber, url)
        click.echo(f"subscribed {subscriber.email} "
                   f"({_preferences(subscriber, channels_of(session, subscriber))})")


@subscribers.command("remove")
@click.argument("email")
@click.option("--channel", metavar="APPRISE_URL",
              help="Only stop sending there; the subscription stays.")
@click.pass_context
@handle_errors
def subscribers_remove(ctx: click.Context, email: str, channel: str | None) -> None:
    """Delete a subscription (or one of its channels) and what is still queued for it.

    Example: hdhwatch subscribers remove alice@example.org
    """
    from hdhwatch.channels.subscribers import get_subscriber, remove_channel, remove_subscriber

    with open_db(ctx).session() as session:
        if channel is not None:
            remove_channel(session, get_subscriber(session, email), channel)
            click.echo(f"{email.strip()}: removed the channel {redact_url(channel)}")
            return
        remove_subscriber(session, email)
    click.echo(f"removed {email.strip()}")


@subscribers.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "json"]), default="table",
              show_default=True)
@click.pass_context
@handle_errors
def subscribers_list(ctx: click.Context, fmt: str) -> None:
    """List the subscribers and their preferences (unsubscribe tokens are not shown, and
    channels only as their scheme and host: their URLs hold secrets).

    Example: hdhwatch subscribers list --format json
    """
    from hdhwatch.channels.subscribers import channels_of, list_subscribers

    with open_db(ctx).session() as session:
        rows = [
            dict(email=s.email, language=s.language, alerts=s.alerts, digest=s.digest,
                 kinds=_kinds(s),
                 channels=[redact_url(c.url) for c in channels_of(session, s)],
                 active=s.active, created=s.created_at.isoformat(),
                 last_digest=s.last_digest_at.isoformat() if s.last_digest_at else None)
            for s in list_subscribers(session)
        ]
    if fmt == "json":
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    columns = ["email", "language", "alerts", "digest", "kinds", "channels", "active",
               "created", "last_digest"]
    click.echo(table(columns, [
        [", ".join(r[c]) if isinstance(r[c], list) else r[c] for c in columns] for r in rows]))
    click.echo(f"{len(rows)} subscriber(s)", err=True)


@click.command()
@click.option("--preview", is_flag=True,
              help="Render the next digest without queuing, sending or marking anything.")
@click.option("--to", "email", metavar="EMAIL",
              help="Only this subscriber (preview: default the first one taking digests).")
@click.option("--output", type=click.Path(dir_okay=False, writable=True, path_type=Path),
              help="With --preview: write the whole message (.eml) here instead of its text.")
@click.pass_context
@handle_errors
def digest(ctx: click.Context, preview: bool, email: str | None, output: Path | None) -> None:
    """Queue the digests that are due and send them; or preview the next one.

    Exit status: 0 when every message went out, 1 when one could not be
    delivered (or, with --preview --output, when there is no digest to write),
    2 for a usage error.

    Example: hdhwatch digest --preview --to alice@example.org
    """
    from hdhwatch.channels.notify import (
        digest_start,
        digest_subscribers,
        enqueue_digests,
        render_next_digest,
    )
    from hdhwatch.channels.subscribers import get_subscriber
    from hdhwatch.errors import UnknownSubscriber
    from hdhwatch.store.db import utcnow

    if output and not preview:
        raise click.UsageError("--output only goes with --preview")
    settings, db, now = settings_of(ctx), open_db(ctx), utcnow()
    if preview:
        with db.session() as session:
            if email:
                subscriber = get_subscriber(session, email)
            else:
                found = digest_subscribers(session)
                if not found:
                    raise UnknownSubscriber("no active subscriber takes a digest: add one "
                                            "(hdhwatch subscribers add) or pass --to")
                subscriber = found[0]
            message = render_next_digest(session, settings, subscriber, now)
            since = digest_start(subscriber, now)
        if message is None:
            click.echo(f"nothing new since {since:%Y-%m-%d %H:%M} UTC: "
                       f"{subscriber.email} would get no digest")
            if output:  # the file asked for is not there: a script must not read an old one
                click.echo(f"{output} not written: there is no digest to write", err=True)
                ctx.exit(1)
        elif output:
            output.write_text(message.as_string(), encoding="utf-8")
            click.echo(f"wrote the digest for {subscriber.email} to {output}")
        else:
            click.echo(f"Subject: {message['Subject']}\nTo: {message['To']}\n")
            click.echo(message.get_body(("plain",)).get_content())
        return
    with db.session() as session:
        only = [get_subscriber(session, email)] if email else None
        queued = enqueue_digests(session, settings, now, subscribers=only)
    click.echo(f"{queued} digest(s) queued")
    _send(ctx)


@click.command()
@click.pass_context
@handle_errors
def send(ctx: click.Context) -> None:
    """Deliver the queued mail that is due now and print what happened.

    Without HDHWATCH_SMTP_URL the messages are written as .eml files in the
    outbox directory.

    Exit status: 0 when every due message went out, 1 when one could not be
    delivered (it is retried later, see hdhwatch status), 2 for a usage error.

    Example: hdhwatch send
    """
    _send(ctx)


def _send(ctx: click.Context) -> None:
    from hdhwatch.channels.outbox import send_pending

    settings = settings_of(ctx)
    report = send_pending(open_db(ctx), settings)
    where = str(settings.smtp) if settings.smtp else f".eml files in {settings.outbox_dir}"
    click.echo(f"{report} (via {where})")
    if report.failed:
        ctx.exit(1)


def register(main: click.Group) -> None:
    """Add the mail commands to the ``hdhwatch`` group."""
    for command in (subscribers, digest, send):
        main.add_command(command)
