"""Channels besides e-mail: each subscriber chooses the kinds of events and the Apprise
channels (here a JSON webhook served by a real local HTTP server) they hear them on.
Delivered once, retried while the receiver is down, never twice; the channel's secrets
are in no log, status line nor listing."""

from __future__ import annotations

import json
import logging
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from test_notify import MAIL, NEW_TARGET_2026, REPORTED_2022, store

from hdhwatch.channels.outbox import send_pending
from hdhwatch.channels.subscribers import add_channel, add_subscriber
from hdhwatch.cli import main
from hdhwatch.demo.receiver import WebhookReceiver
from hdhwatch.errors import InvalidPreference
from hdhwatch.store.db import utcnow
from hdhwatch.store.models import Delivery

SECRET = "s3cr3t-t0ken"
CREDENTIALS = f"hdh:{SECRET}"  # Basic auth, as a webhook behind a proxy asks


@pytest.fixture
def receiver():
    """A webhook receiver on a loopback port, down until the test brings it up."""
    r = WebhookReceiver(path=f"/hooks/{SECRET}")
    yield r
    r.stop()


@pytest.fixture
def settings(make_settings, db_url):
    return make_settings(database_url=db_url, extra=MAIL)


def test_a_webhook_gets_the_alert_once_retried_while_it_is_down(
        database, settings, receiver, caplog):
    caplog.set_level(logging.DEBUG)
    with database.session() as session:
        alice = add_subscriber(session, "alice@example.org", kinds=["target"])
        add_channel(session, alice, receiver.apprise_url(CREDENTIALS))
        store(session, REPORTED_2022, settings)

    # the receiver is down: the mail goes, the webhook waits for its retry
    first = send_pending(database, settings)
    assert (first.sent, first.retried) == (1, 1)
    with database.session() as session:
        hook = session.scalars(select(Delivery).where(Delivery.channel == "apprise")).one()
        assert (hook.status, hook.attempts) == ("pending", 1)
        assert hook.recipient == f"json://127.0.0.1:{receiver.port}/…"
        assert SECRET not in (hook.last_error or "") and SECRET not in hook.recipient
    assert SECRET not in caplog.text

    # up again: delivered at the retry, once; later runs send nothing more
    receiver.start()
    later = utcnow() + timedelta(hours=1)
    assert send_pending(database, settings, now=later).sent == 1
    assert send_pending(database, settings, now=later + timedelta(hours=1)).sent == 0
    assert len(receiver.posts) == 1
    post = receiver.posts[0]
    assert post["path"] == f"/hooks/{SECRET}"
    assert post["headers"]["Authorization"].startswith("Basic ")
    assert post["body"]["title"] == "Health Data Hub : la migration passe de fin 2022 à fin 2025"
    assert "Le Monde" in post["body"]["message"]
    assert "https://www.lemonde.example/pixels/2022/09/20/health-data-hub.html" \
        in post["body"]["message"]
    with database.session() as session:
        assert session.scalars(select(Delivery.status).where(
            Delivery.channel == "apprise")).all() == ["sent"]
    assert SECRET not in caplog.text


def test_kinds_choose_what_a_subscriber_hears(database, settings):
    with database.session() as session:
        add_subscriber(session, "reader@example.org")
        add_subscriber(session, "providers-only@example.org", kinds=["provider"])
        store(session, REPORTED_2022, settings)
        store(session, NEW_TARGET_2026, settings)
        assert set(session.scalars(select(Delivery.recipient))) == {"reader@example.org"}


def test_a_channel_apprise_cannot_use_is_refused_without_showing_it(database):
    with database.session() as session:
        alice = add_subscriber(session, "alice@example.org")
        with pytest.raises(InvalidPreference) as refused:
            add_channel(session, alice, f"nosuchservice://{SECRET}@example.org")
        assert SECRET not in str(refused.value)
        with pytest.raises(InvalidPreference, match="unknown kind"):
            add_subscriber(session, "bob@example.org", kinds=["target", "weather"])


def test_the_subscribers_command_takes_kinds_and_channels_and_never_prints_secrets(
        make_settings, receiver):
    settings = make_settings()
    url = receiver.apprise_url(CREDENTIALS)

    def hdhwatch(*args):
        return CliRunner().invoke(main, list(args), obj={"settings": settings})

    added = hdhwatch("subscribers", "add", "alice@example.org", "--kinds", "target,provider",
                     "--channel", url)
    assert added.exit_code == 0, added.output
    assert "kinds: target provider" in added.output
    listed = hdhwatch("subscribers", "list", "--format", "json")
    assert json.loads(listed.stdout)[0]["channels"] == [f"json://127.0.0.1:{receiver.port}/…"]
    assert json.loads(listed.stdout)[0]["kinds"] == ["target", "provider"]
    table = hdhwatch("subscribers", "list")
    assert SECRET not in added.output + listed.output + table.output

    unknown = hdhwatch("subscribers", "add", "bob@example.org", "--kinds", "weather")
    assert unknown.exit_code == 2 and "unknown kind(s) of event weather" in unknown.output
    refused = hdhwatch("subscribers", "add", "bob@example.org", "--channel",
                       f"nosuchservice://{SECRET}@x")
    assert refused.exit_code == 2 and SECRET not in refused.output

    removed = hdhwatch("subscribers", "remove", "alice@example.org", "--channel", url)
    assert removed.exit_code == 0 and SECRET not in removed.output
    assert json.loads(hdhwatch("subscribers", "list", "--format", "json").stdout)[0][
        "channels"] == []
