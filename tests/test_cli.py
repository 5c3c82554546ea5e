"""The command line, invoked for real: documented commands, the demo, queries on its rows."""

from __future__ import annotations

import json
import socket
import subprocess
import sys

import click
import pytest
from click.testing import CliRunner

from hdhwatch.cli import main


def all_commands(group: click.Group, prefix: str = ""):
    for name, command in group.commands.items():
        yield f"{prefix}{name}", command
        if isinstance(command, click.Group):
            yield from all_commands(command, f"{prefix}{name} ")


@pytest.mark.parametrize("name,command", list(all_commands(main)), ids=lambda v: str(v))
def test_every_command_is_documented_with_an_example(name, command):
    assert command.help and "Example: hdhwatch" in command.help, name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def user_env(tmp_path_factory):
    """A user's environment: their own data dir, the project's configuration."""
    data = tmp_path_factory.mktemp("user-data")
    return {"HDHWATCH_DATA_DIR": str(data), "PATH": "/usr/bin:/bin"}


@pytest.fixture(scope="module")
def demo_env(user_env):
    """`hdhwatch demo` run once, as a user would, and the environment that queries its store
    (as the demo says to)."""
    port = free_port()
    run = subprocess.run(
        [sys.executable, "-m", "hdhwatch", "demo", "--port", str(port)],
        env=user_env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stderr
    exports = next(line for line in run.stdout.splitlines() if line.startswith("Query it:"))
    demo = dict(word.split("=", 1) for word in exports.split()[3:])
    return {**user_env, **demo}, port, run.stdout


def cli(env, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "hdhwatch", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_demo_stores_its_articles_and_a_second_run_stores_nothing(demo_env, user_env):
    env, port, first = demo_env
    assert "25 demo articles in the store" in first
    again = cli(user_env, "demo", "--port", str(port))
    assert again.returncode == 0, again.stderr
    total = next(line for line in again.stdout.splitlines() if line.startswith("total"))
    assert total.split()[2] == "0", again.stdout  # new
    assert "25 demo articles in the store" in again.stdout
    # nothing happened since: no mail, no post, no second notice to the operator
    assert "none: nothing new happened since the last demo" in again.stdout
    assert "got 0 post(s)" in again.stdout


def test_the_demo_delivers_each_event_once_on_every_channel(demo_env):
    """The demo ends with the move and the provider chosen (mail and webhook), the
    operator's notice that the broken source fails, and the Atom feed: each once."""
    import feedparser

    env, _, out = demo_env
    mail = [line.split(": ", 1) for line in out.splitlines() if ".eml  to " in line]
    sent = sorted((to.rsplit(" to ", 1)[1], subject) for to, subject in mail)
    reader, operator = "lecteur.demo@hdhwatch.invalid", "exploitation.demo@hdhwatch.invalid"
    move = "Health Data Hub : la migration passe de fin 2026 au premier trimestre 2027"
    chosen = "Health Data Hub : Scaleway retenu pour héberger la plateforme"
    assert sent == sorted([
        (operator, "Health Data Hub : la source acteurs-de-letat ne répond plus"),
        (reader, move), (reader, chosen),
        (reader, f"{move} (23 articles trouvés)"),  # the digest
    ]), out
    assert "The source acteurs-de-letat broke: its next crawls failed, failed, failed." in out
    webhook = out.split("(a local receiver) got ", 1)[1].splitlines()
    assert webhook[0] == "2 post(s):" and webhook[1:3] == [f"  {move}", f"  {chosen}"]
    atom = next(line.split(": ", 1)[1] for line in out.splitlines()
                if line.startswith("Atom feed of the events: "))
    feed = feedparser.parse(atom)
    assert not feed.bozo, feed.bozo_exception
    titles = [e.title for e in feed.entries]
    assert titles[:2] == ["Scaleway retenu pour héberger la plateforme",
                          "fin 2026 → premier trimestre 2027"]
    assert len(titles) == len(set(titles)) and not any("acteurs-de-letat" in t for t in titles)


def test_articles_search_is_accent_insensitive_on_the_demo(demo_env):
    env, _, _ = demo_env
    accented = json.loads(cli(env, "articles", "--search", "hébergeur", "--format", "json").stdout)
    plain = json.loads(cli(env, "articles", "--search", "hebergeur", "--format", "json").stdout)
    assert accented and [a["id"] for a in accented] == [a["id"] for a in plain]
    dates = [a["published"] for a in accented]
    assert dates == sorted(dates, reverse=True)


def test_articles_filters_and_formats(demo_env):
    env, _, _ = demo_env
    rows = json.loads(cli(env, "articles", "--since", "2026-01-01", "--format", "json").stdout)
    assert rows and all(r["published"] >= "2026-01-01" for r in rows)
    csv_out = cli(env, "articles", "--limit", "2", "--format", "csv").stdout.splitlines()
    assert csv_out[0].startswith("id,") and len(csv_out) == 3
    jsonl = cli(env, "articles", "--provider", "Azure", "--format", "jsonl").stdout.splitlines()
    assert jsonl and all("Microsoft" in json.loads(line)["providers"] for line in jsonl)


@pytest.mark.parametrize(
    "args,message",
    [
        (["articles", "--since", "hier"], "invalid --since"),
        (["articles", "--provider", "Nimbus"], "unknown provider"),
        (["show", "99999"], "no article"),
        (["crawl", "nulle-part"], "no source named"),
    ],
)
def test_bad_input_gets_a_clear_message_not_a_traceback(demo_env, args, message):
    env, _, _ = demo_env
    result = cli(env, *args)
    assert result.returncode != 0
    assert message in result.stderr and "Traceback" not in result.stderr


def test_show_prints_text_and_metadata(demo_env):
    env, _, _ = demo_env
    first = json.loads(cli(env, "articles", "--limit", "1", "--format", "json").stdout)[0]
    shown = cli(env, "show", str(first["id"]))
    assert shown.returncode == 0
    assert first["title"] in shown.stdout and "url:" in shown.stdout
    by_url = json.loads(cli(env, "show", first["url"], "--format", "json").stdout)
    assert by_url["id"] == first["id"] and len(by_url["text"]) > 500


def test_db_upgrade_reports_the_revision(tmp_path):
    result = CliRunner().invoke(main, ["db", "upgrade"], env={"HDHWATCH_DATA_DIR": str(tmp_path)})
    assert result.exit_code == 0 and "database at revision" in result.output


def test_demo_writes_the_shift_alert_with_its_picture_and_the_digest(demo_env):
    from email import policy
    from email.parser import BytesParser
    from pathlib import Path

    env, _, output = demo_env
    outbox = Path(env["HDHWATCH_DATA_DIR"]) / "outbox"
    messages = [BytesParser(policy=policy.default).parse(p.open("rb"))
                for p in sorted(outbox.glob("*.eml"))]
    subjects = [str(m["Subject"]) for m in messages]
    assert any("la migration passe de fin 2026 au premier trimestre 2027" in s for s in subjects)
    assert any("articles trouvés" in s for s in subjects)
    alert = next(m for m in messages if "la migration passe" in str(m["Subject"]))
    html = alert.get_body(("html",)).get_content()
    images = [p for p in alert.walk() if p.get_content_type() == "image/png"]
    assert len(images) == 1 and images[0].get_content().startswith(b"\x89PNG")
    assert f'cid:{images[0]["Content-ID"].strip("<>")}' in html
    assert str(outbox) in output


def test_the_demo_has_a_store_of_its_own_and_says_where(demo_env, user_env):
    from pathlib import Path

    env, _, output = demo_env
    demo_dir = Path(env["HDHWATCH_DATA_DIR"])
    assert demo_dir.parent == Path(user_env["HDHWATCH_DATA_DIR"])
    assert f"The demo has a store of its own, {demo_dir}" in output
    assert f"Remove it:  rm -r {demo_dir}" in output
    assert (demo_dir / "hdhwatch.sqlite3").exists()
    # The user's own store knows nothing of the made-up outlets.
    status = cli(user_env, "status")
    assert status.returncode == 0, status.stderr
    assert "numerama" in status.stdout
    for outlet in ("lecourrier-numerique", "acteurs-de-letat", "quotidien-du-nuage"):
        assert outlet not in status.stdout
    assert json.loads(cli(user_env, "articles", "--format", "json").stdout) == []
    demo_status = cli(env, "status")
    assert "lecourrier-numerique" in demo_status.stdout and "numerama" not in demo_status.stdout
