"""Subscribers: addresses checked, preferences updated in place, unsubscribing by token; the CLI."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from hdhwatch.channels.subscribers import (
    add_subscriber,
    list_subscribers,
    normalize_address,
    remove_subscriber,
    unsubscribe,
)
from hdhwatch.errors import InvalidAddress, InvalidPreference, UnknownSubscriber
from hdhwatch.store.models import Delivery, Subscriber


def test_adding_twice_updates_the_preferences(database):
    with database.session() as session:
        first = add_subscriber(session, "Alice@Example.ORG")
        assert (first.email, first.language, first.alerts, first.digest, first.active) == (
            "Alice@example.org", "fr", True, "weekly", True,
        )
        token = first.token
        assert len(token) >= 32
    with database.session() as session:
        again = add_subscriber(session, " Alice@example.org ", language="en", alerts=False,
                               digest="daily")
        assert (again.id, again.token) == (first.id, token)
        assert (again.language, again.alerts, again.digest) == ("en", False, "daily")
        assert [s.email for s in list_subscribers(session)] == ["Alice@example.org"]


@pytest.mark.parametrize(
    ("address", "why"),
    [
        ("", "empty"),
        ("alice.example.org", "exactly one @"),
        ("alice@@example.org", "exactly one @"),
        ("al ice@example.org", "spaces"),
        ("alice@localhost", "full domain name"),
        ("alice@example..org", "full domain name"),
        ("@example.org", "nothing before the @"),
        ("Alice <alice@example.org>", "spaces"),
        ("alice@example.org\r\nBcc: everyone@example.org", "spaces"),
        ("alice,bob@example.org", "not allowed"),
        ("élise@example.org", "non-ASCII"),
        ("a" * 250 + "@example.org", "longer than 254"),
    ],
)
def test_invalid_addresses_are_refused_with_the_reason(address, why):
    with pytest.raises(InvalidAddress, match=why):
        normalize_address(address)


def test_an_invalid_address_is_not_stored(database):
    with database.session() as session, pytest.raises(InvalidAddress):
        add_subscriber(session, "alice@localhost")
    with database.session() as session:
        assert list_subscribers(session) == []


def test_invalid_preferences_are_refused(database):
    with database.session() as session:
        with pytest.raises(InvalidPreference, match="language must be one of fr, en"):
            add_subscriber(session, "alice@example.org", language="de")
        with pytest.raises(InvalidPreference, match="digest must be one of"):
            add_subscriber(session, "alice@example.org", digest="hourly")


def _queue(session, subscriber: Subscriber, status: str = "pending") -> None:
    session.add(Delivery(
        dedupe_key=f"test:{subscriber.id}:{status}", message_id=f"<{status}@test>",
        subscriber_id=subscriber.id, kind="digest", recipient=subscriber.email, subject="s",
        message="m", status=status,
    ))


def test_removing_deletes_the_subscription_and_its_queued_mail(database):
    with database.session() as session:
        subscriber = add_subscriber(session, "alice@example.org")
        _queue(session, subscriber)
        _queue(session, subscriber, "sent")
    with database.session() as session:
        remove_subscriber(session, "alice@example.org")
    with database.session() as session:
        assert list_subscribers(session) == []
        assert [m.status for m in session.scalars(select(Delivery))] == ["sent"]
        with pytest.raises(UnknownSubscriber, match="alice@example.org is not subscribed"):
            remove_subscriber(session, "alice@example.org")


def test_unsubscribing_by_token_stops_everything(database):
    with database.session() as session:
        subscriber = add_subscriber(session, "alice@example.org")
        _queue(session, subscriber)
        token = subscriber.token
    with database.session() as session:
        assert unsubscribe(session, token).active is False
        assert unsubscribe(session, token).active is False  # a second click is harmless
        assert session.scalars(select(Delivery)).all() == []
        with pytest.raises(UnknownSubscriber, match="no subscription has this unsubscribe token"):
            unsubscribe(session, "not-a-token")
    with database.session() as session:  # subscribing again re-activates
        assert add_subscriber(session, "alice@example.org").active is True


# --- the command line ------------------------------------------------------------------------
@pytest.fixture
def cli(make_settings, db_url):
    from hdhwatch.cli import main
    from hdhwatch.cli.mail import register

    register(main)
    settings = make_settings(database_url=db_url)

    def run(*args: str):
        return CliRunner().invoke(main, list(args), obj={"settings": settings})

    return run


def test_subscribers_commands(cli):
    added = cli("subscribers", "add", "alice@example.org", "--lang", "en", "--digest", "daily",
                "--no-alerts")
    assert added.exit_code == 0, added.output
    assert "subscribed alice@example.org (en, no alerts, daily digest)" in added.output
    listed = cli("subscribers", "list", "--format", "json")
    [row] = json.loads(listed.stdout)
    assert (row["email"], row["language"], row["alerts"], row["digest"]) == (
        "alice@example.org", "en", False, "daily",
    )
    assert "token" not in row
    assert "alice@example.org" in cli("subscribers", "list").stdout
    assert cli("subscribers", "remove", "alice@example.org").exit_code == 0
    missing = cli("subscribers", "remove", "alice@example.org")
    assert missing.exit_code == 1
    assert "Error: alice@example.org is not subscribed" in missing.output
    invalid = cli("subscribers", "add", "not-an-address")
    assert invalid.exit_code == 2 and "Error: invalid e-mail address" in invalid.output
    assert "Traceback" not in invalid.output


@pytest.mark.parametrize(
    "command", [["subscribers"], ["subscribers", "add"], ["subscribers", "remove"],
                ["subscribers", "list"], ["digest"], ["send"]],
)
def test_every_mail_command_is_documented_with_an_example(command):
    from hdhwatch.cli import main
    from hdhwatch.cli.mail import register

    register(main)
    result = CliRunner().invoke(main, [*command, "--help"], obj={"settings": None})
    assert result.exit_code == 0
    assert "Example: hdhwatch " in result.output


def test_an_address_in_other_capitals_is_the_same_subscriber(cli):
    assert cli("subscribers", "add", "you@example.org").exit_code == 0
    again = cli("subscribers", "add", "YOU@Example.org", "--digest", "daily")
    assert again.exit_code == 0, again.output
    assert "subscribed you@example.org (fr, alerts, daily digest)" in again.output
    [row] = json.loads(cli("subscribers", "list", "--format", "json").stdout)
    assert (row["email"], row["digest"]) == ("you@example.org", "daily")
    assert cli("subscribers", "remove", "You@EXAMPLE.ORG").exit_code == 0
    assert json.loads(cli("subscribers", "list", "--format", "json").stdout) == []


def test_a_digest_preview_with_nothing_to_write_says_so_and_fails(cli, tmp_path):
    assert cli("subscribers", "add", "alice@example.org", "--digest", "daily").exit_code == 0
    eml = tmp_path / "next.eml"
    result = cli("digest", "--preview", "--output", str(eml))
    assert result.exit_code == 1, result.output
    assert "alice@example.org would get no digest" in result.stdout
    assert f"{eml} not written: there is no digest to write" in result.stderr
    assert not eml.exists()
    shown = cli("digest", "--preview")  # without a file asked for, nothing failed
    assert shown.exit_code == 0 and "would get no digest" in shown.stdout
