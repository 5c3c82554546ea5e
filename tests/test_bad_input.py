"""Bad input gets one clean line, never a traceback, and the documented exit status.

Command-line arguments, environment variables and configuration files, one row
each: 2 when what the user gave is wrong, 1 when something failed or was not
there. The configuration is checked when it is loaded, so a bad value names the
file or variable and the key before any command starts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from hdhwatch.cli import main

MAIN = 'watch_terms = ["Health Data Hub"]\n'
SOURCE = '[[source]]\nname = "{name}"\nkind = "feed"\nurls = ["https://example.org/feed"]\n'


def source(**fields) -> str:
    """One [[source]] with the given fields replacing or adding to a valid feed source."""
    lines = {"name": '"mon-journal"', "kind": '"feed"', "urls": '["https://example.org/rss"]'}
    lines.update(fields)
    return "[[source]]\n" + "".join(f"{k} = {v}\n" for k, v in lines.items() if v is not None)


# (id, command-line arguments, environment (None: unset), hdhwatch.toml, sources.toml,
#  exit status, what the one line must say)
CASES = [
    # --- command-line arguments ------------------------------------------------------------
    ("since-not-a-day", ["articles", "--since", "hier"], {}, None, None, 2, "invalid --since"),
    ("until-bad-month", ["articles", "--until", "2026-13-01"], {}, None, None, 2,
     "invalid --until"),
    ("unknown-provider", ["articles", "--provider", "Nimbus"], {}, None, None, 2,
     "unknown provider 'Nimbus'"),
    ("negative-limit", ["articles", "--limit", "-1"], {}, None, None, 2, "--limit"),
    ("unknown-format", ["articles", "--format", "xml"], {}, None, None, 2, "--format"),
    ("unknown-source-filter", ["articles", "--source", "nulle-part"], {}, None, None, 2,
     "no source named 'nulle-part'"),
    ("search-nothing", ["articles", "--search", "!!!"], {}, None, None, 2,
     "nothing to search for"),
    ("search-syntax", ["articles", "--search", 'hdh"'], {}, None, None, 2, "invalid search"),
    ("show-neither-id-nor-url", ["show", "l-article"], {}, None, None, 2,
     "neither an article id nor a URL"),
    ("show-huge-id", ["show", "99999999999999999999"], {}, None, None, 1,
     "no article '99999999999999999999'"),
    ("show-missing-id", ["show", "99999"], {}, None, None, 1, "no article '99999'"),
    ("show-no-argument", ["show"], {}, None, None, 2, "Missing argument"),
    ("crawl-unknown-source", ["crawl", "nulle-part"], {}, None, None, 2,
     "no source named 'nulle-part'"),
    ("run-unknown-source", ["run", "nulle-part"], {}, None, None, 2,
     "no source named 'nulle-part'"),
    ("plot-gif", ["timeline", "--plot", "timeline.gif"], {}, None, None, 2,
     "must end in .png or .svg"),
    ("providers-since", ["providers", "--since", "2026-99"], {}, None, None, 2,
     "invalid --since"),
    ("eval-missing-file", ["eval", "nowhere.jsonl"], {}, None, None, 2, "does not exist"),
    ("subscribe-not-an-address", ["subscribers", "add", "alice"], {}, None, None, 2,
     "invalid e-mail address"),
    ("subscribe-short-domain", ["subscribers", "add", "alice@localhost"], {}, None, None, 2,
     "not a full domain name"),
    ("subscribe-unknown-language", ["subscribers", "add", "a@example.org", "--lang", "de"],
     {}, None, None, 2, "--lang"),
    ("unsubscribe-nobody", ["subscribers", "remove", "nobody@example.org"], {}, None, None, 1,
     "nobody@example.org is not subscribed"),
    ("digest-output-without-preview", ["digest", "--output", "d.eml"], {}, None, None, 2,
     "--output only goes with --preview"),
    ("subscribe-unknown-kind", ["subscribers", "add", "a@example.org", "--kinds", "meteo"],
     {}, None, None, 2, "unknown kind(s) of event meteo: choose among target, provider"),
    ("subscribe-unusable-channel",
     ["subscribers", "add", "a@example.org", "--channel", "pigeon://t0ken@loft"], {}, None,
     None, 2, "pigeon://… is not a channel Apprise can use"),
    ("classify-without-all", ["classify"], {}, None, None, 2, "--all"),
    ("unknown-command", ["frobnicate"], {}, None, None, 2, "No such command"),
    ("export-format", ["export", "--format", "xml"], {}, None, None, 2, "--format"),
    # --- environment ---------------------------------------------------------------------------
    ("database-url-garbage", ["articles"], {"HDHWATCH_DATABASE_URL": "garbage"}, None, None, 2,
     "HDHWATCH_DATABASE_URL: 'garbage' is not a database URL"),
    ("database-url-mysql", ["articles"], {"HDHWATCH_DATABASE_URL": "mysql://x/y"}, None, None,
     2, "HDHWATCH_DATABASE_URL: hdhwatch cannot use mysql databases"),
    ("database-url-psycopg2", ["articles"],
     {"HDHWATCH_DATABASE_URL": "postgresql+psycopg2://u@h/d"}, None, None, 2,
     "cannot use postgresql+psycopg2"),
    ("database-url-memory", ["articles"], {"HDHWATCH_DATABASE_URL": "sqlite://"}, None, None,
     2, "SQLite needs a file"),
    ("database-under-a-file", ["articles"],
     {"HDHWATCH_DATABASE_URL": "sqlite:////etc/passwd/x.db"}, None, None, 2,
     "HDHWATCH_DATABASE_URL: /etc/passwd is a file, not a directory"),
    ("database-is-a-directory", ["articles"],
     {"HDHWATCH_DATABASE_URL": "sqlite:///{tmp}"}, None, None, 2,
     "is a directory, not a database file"),
    ("postgresql-unreachable", ["articles"],
     {"HDHWATCH_DATABASE_URL": "postgresql://hdh:secret@127.0.0.1:1/hdhwatch"}, None, None, 1,
     "cannot reach the database postgresql://hdh:***@127.0.0.1:1/hdhwatch"),
    ("postgresql-no-database", ["articles"], {"HDHWATCH_DATABASE_URL": "postgresql://u@h"},
     None, None, 2, "names no database"),
    ("data-dir-in-proc", ["articles"], {"HDHWATCH_DATA_DIR": "/proc/hdhwatch"}, None, None, 2,
     "HDHWATCH_DATA_DIR: cannot create the directory /proc/hdhwatch"),
    ("data-dir-under-a-file", ["articles"], {"HDHWATCH_DATA_DIR": "{tmp}/file/data"}, None,
     None, 2, "HDHWATCH_DATA_DIR: {tmp}/file is a file, not a directory"),
    ("config-dir-missing", ["sources"], {"HDHWATCH_CONFIG_DIR": "{tmp}/nowhere"}, None, None,
     2, "HDHWATCH_CONFIG_DIR: {tmp}/nowhere is not a directory"),
    ("smtp-url-http", ["send"], {"HDHWATCH_SMTP_URL": "http://mail.example.org"}, None, None,
     2, "HDHWATCH_SMTP_URL must look like smtp://"),
    ("smtp-url-port", ["send"], {"HDHWATCH_SMTP_URL": "smtp://mail.example.org:99999"}, None,
     None, 2, "HDHWATCH_SMTP_URL has an invalid port"),
    ("mail-operator-env", ["send"], {"HDHWATCH_MAIL_OPERATOR": "ops"}, None, None, 2,
     "HDHWATCH_MAIL_OPERATOR: 'ops' is not an e-mail address"),
    ("mail-from-env", ["send"], {"HDHWATCH_MAIL_FROM": "personne"}, None, None, 2,
     "HDHWATCH_MAIL_FROM: 'personne' is not an e-mail address"),
    # --- hdhwatch.toml -------------------------------------------------------------------------
    ("toml-syntax", ["sources"], {}, MAIN + "timezone = Europe/Paris\n", None, 2,
     "hdhwatch.toml: Invalid value"),
    ("delay-not-a-number", ["sources"], {}, MAIN + '[crawl]\ndownload_delay = "fast"\n', None,
     2, "hdhwatch.toml: [crawl] download_delay: Input should be a valid number, not 'fast'"),
    ("delay-negative", ["sources"], {}, MAIN + "[crawl]\ndownload_delay = -1\n", None, 2,
     "[crawl] download_delay: Input should be greater than or equal to 0, not -1"),
    ("concurrency-zero", ["sources"], {}, MAIN + "[crawl]\nconcurrent_per_domain = 0\n", None,
     2, "[crawl] concurrent_per_domain"),
    ("requests-zero", ["sources"], {}, MAIN + "[crawl]\nconcurrent_requests = 0\n", None,
     2, "[crawl] concurrent_requests: Input should be greater than or equal to 1"),
    ("retries-fraction", ["sources"], {}, MAIN + "[crawl]\nretry_times = 2.5\n", None, 2,
     "[crawl] retry_times: Input should be a valid integer, not 2.5"),
    ("crawl-key-typo", ["sources"], {}, MAIN + "[crawl]\ndownload_dealy = 1\n", None, 2,
     "[crawl] download_dealy: unknown key"),
    ("top-key-typo", ["sources"], {}, MAIN + 'databse_url = "sqlite:///x"\n', None, 2,
     "hdhwatch.toml: databse_url: unknown key"),
    ("timezone-unknown", ["sources"], {}, MAIN + 'timezone = "Mars/Olympus"\n', None, 2,
     "timezone: unknown time zone 'Mars/Olympus'"),
    ("contact-not-a-url", ["sources"], {}, MAIN + 'contact_url = "moi"\n', None, 2,
     "contact_url: 'moi' is not a web address"),
    ("watch-terms-string", ["sources"], {}, 'watch_terms = "HDH"\n', None, 2,
     "watch_terms: Input should be a valid list"),
    ("watch-term-empty", ["sources"], {}, 'watch_terms = ["HDH", " "]\n', None, 2,
     "watch_terms: a watch term is empty"),
    ("mail-operator-file", ["sources"], {}, MAIN + '[mail]\noperator = "ops"\n', None, 2,
     "[mail] operator: 'ops' is not an e-mail address"),
    ("mail-from-file", ["sources"], {}, MAIN + '[mail]\nfrom = "personne"\n', None, 2,
     "[mail] from: 'personne' is not an e-mail address"),
    ("mail-attempts-zero", ["sources"], {}, MAIN + "[mail]\nmax_attempts = 0\n", None, 2,
     "[mail] max_attempts"),
    ("mail-smtp-url-file", ["sources"], {}, MAIN + '[mail]\nsmtp_url = "ftp://x"\n', None, 2,
     "hdhwatch.toml: [mail] smtp_url must look like smtp://"),
    ("database-url-file", ["sources"], {}, MAIN + 'database_url = "garbage"\n', None, 2,
     "hdhwatch.toml: database_url: 'garbage' is not a database URL"),
    ("crawl-not-a-table", ["sources"], {}, MAIN.replace("\n", "") + "\ncrawl = 3\n", None, 2,
     "crawl: must be a table"),
    # --- sources.toml --------------------------------------------------------------------------
    ("source-kind", ["sources"], {}, None, source(kind='"rss"'), 2,
     "sources.toml: source #1 (mon-journal): kind: Input should be 'feed', 'sitemap' or "
     "'listing', not 'rss'"),
    ("source-cadence-words", ["sources"], {}, None, source(cadence='"6 hours"'), 2,
     "source #1 (mon-journal): cadence: invalid duration '6 hours'"),
    ("source-cadence-zero", ["sources"], {}, None, source(cadence="0"), 2,
     "cadence: must be longer than zero"),
    ("source-url-not-web", ["sources"], {}, None, source(urls='["www.example.org/rss"]'), 2,
     "urls #1: 'www.example.org/rss' is not a web address"),
    ("source-no-urls", ["sources"], {}, None, source(urls=None), 2, "needs urls"),
    ("source-listing-no-link", ["sources"], {}, None, source(kind='"listing"'), 2,
     "a listing source needs selectors.link"),
    ("source-allow-regex", ["sources"], {}, None, source(allow='"(articles"'), 2,
     "allow: '(articles' is not a regular expression"),
    ("source-css-selector", ["sources"], {}, None,
     source(kind='"listing"') + '[source.selectors]\nlink = "a["\n', 2,
     "selectors.link: 'a[' is not a CSS selector"),
    ("source-duplicate", ["sources"], {}, None, source() + source(), 2,
     "duplicate source name 'mon-journal'"),
    ("source-name-comma", ["sources"], {}, None, source(name='"a,b"'), 2,
     "'a,b' is not a source name"),
    ("source-language", ["sources"], {}, None, source(language='"de"'), 2,
     "language: Input should be 'fr' or 'en', not 'de'"),
    ("source-max-pages", ["sources"], {}, None, source(max_pages="0"), 2, "max_pages"),
    ("source-enabled-string", ["sources"], {}, None, source(enabled='"yes"'), 2,
     "enabled: Input should be a valid boolean, not 'yes'"),
    ("source-unknown-key", ["sources"], {}, None, source(cadance='"6h"'), 2,
     "source #1 (mon-journal): cadance: unknown key"),
    ("sources-toml-syntax", ["sources"], {}, None, "[[source]\n", 2, "sources.toml:"),
]


@pytest.fixture
def base_env(tmp_path: Path) -> dict:
    (tmp_path / "file").write_text("not a directory")
    config = tmp_path / "config"
    config.mkdir()
    (config / "hdhwatch.toml").write_text(MAIN, encoding="utf-8")
    (config / "sources.toml").write_text(SOURCE.format(name="mon-journal"), encoding="utf-8")
    return {"HDHWATCH_CONFIG_DIR": str(config), "HDHWATCH_DATA_DIR": str(tmp_path / "data"),
            "HDHWATCH_DATABASE_URL": None, "HDHWATCH_SMTP_URL": None,
            "HDHWATCH_MAIL_FROM": None, "HDHWATCH_MAIL_OPERATOR": None}


def test_there_are_at_least_forty_cases():
    assert len(CASES) >= 40
    assert len({c[0] for c in CASES}) == len(CASES)


@pytest.mark.parametrize("args,env,main_toml,sources_toml,status,message",
                         [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_bad_input_gets_one_clean_line(tmp_path, base_env, monkeypatch, args, env, main_toml,
                                       sources_toml, status, message):
    config = Path(base_env["HDHWATCH_CONFIG_DIR"])
    if main_toml is not None:
        (config / "hdhwatch.toml").write_text(main_toml, encoding="utf-8")
    if sources_toml is not None:
        (config / "sources.toml").write_text(sources_toml, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    tmp = str(tmp_path)
    environment = {**base_env, **{k: v.replace("{tmp}", tmp) for k, v in env.items()}}
    result = CliRunner().invoke(main, args, env=environment)

    assert result.exception is None or isinstance(result.exception, SystemExit), (
        result.exc_info)  # an exception the command line did not turn into a message
    assert result.exit_code == status, result.output
    errors = [line for line in result.stderr.splitlines() if "Error" in line]
    assert len(errors) == 1, result.stderr
    assert "Traceback" not in result.output
    assert message.replace("{tmp}", tmp) in errors[0], errors[0]
    if status == 1 or "Usage:" not in result.stderr:  # click adds its usage hint to its own
        assert result.stderr.strip() == errors[0], result.stderr


def test_a_bad_configuration_stops_every_command_before_it_starts(base_env):
    config = Path(base_env["HDHWATCH_CONFIG_DIR"])
    (config / "hdhwatch.toml").write_text(MAIN + "[crawl]\ndownload_delay = -1\n")
    for args in (["status"], ["db", "upgrade"], ["articles"], ["subscribers", "list"]):
        result = CliRunner().invoke(main, args, env=base_env)
        assert result.exit_code == 2 and "download_delay" in result.stderr, args
    assert not (Path(base_env["HDHWATCH_DATA_DIR"]) / "hdhwatch.sqlite3").exists()


@pytest.mark.parametrize("spider,name,message", [
    ("feeds", "nope", "crawl: error: no source named 'nope'; known sources: mon-journal"),
    ("sitemap", "mon-journal", "crawl: error: mon-journal: not a sitemap source"),
])
def test_scrapy_crawl_with_a_bad_source_is_one_line_too(base_env, spider, name, message):
    import subprocess
    import sys

    env = {k: v for k, v in base_env.items() if v is not None}
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", spider, "-a", f"source={name}"],
        cwd=Path(__file__).resolve().parents[1], env={"PATH": "/usr/bin:/bin", **env},
        capture_output=True, text=True, timeout=120,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert [line for line in result.stderr.splitlines() if "error" in line.lower()] == [
        line for line in result.stderr.splitlines() if line.startswith("crawl: error:")]
    assert message in result.stderr
