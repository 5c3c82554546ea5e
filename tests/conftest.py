"""Named fixtures: real databases (a SQLite file, the local PostgreSQL), a local site, settings."""

from __future__ import annotations

import json
import os
import uuid
from pathlib import Path

import pytest

from hdhwatch.config import Settings, load_settings
from hdhwatch.store.db import open_database

HERE = Path(__file__).resolve().parent
REQUIRE_SERVICES = os.environ.get("HDHWATCH_REQUIRE_SERVICES") == "1"
PG_ADMIN_URL = os.environ.get("HDHWATCH_TEST_PG_URL", "postgresql://root@127.0.0.1:5432/test")
REDIS_URL = os.environ.get("HDHWATCH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
# ../shared beside the checkout: every developer and CI have it (.ci/run checks); a user's
# clone does not, and the tests reading it are skipped there.
SEED = HERE.parents[1] / "shared" / "corpus" / "seed.jsonl"


def _service_missing(reason: str):
    if REQUIRE_SERVICES:
        pytest.fail(f"{reason} (HDHWATCH_REQUIRE_SERVICES=1: services are required)")
    pytest.skip(reason)


def _pg_admin():
    import psycopg

    try:
        return psycopg.connect(
            PG_ADMIN_URL.replace("postgresql+psycopg", "postgresql"),
            autocommit=True,
            connect_timeout=3,
        )
    except psycopg.OperationalError as exc:
        _service_missing(f"PostgreSQL not reachable at {PG_ADMIN_URL}: {exc}".splitlines()[0])


@pytest.fixture
def seed_item() -> dict:
    """The labelled seed article of ../shared/corpus/seed.jsonl."""
    if not SEED.exists():
        pytest.skip(f"{SEED} is not beside this checkout (../shared is for developers and CI)")
    return json.loads(SEED.read_text(encoding="utf-8").splitlines()[0])


@pytest.fixture
def pg_url():
    """A new empty PostgreSQL database on the local server, dropped afterwards."""
    admin = _pg_admin()
    name = f"hdhwatch_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    yield f"{base}/{name}"
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture
def redis_url() -> str:
    """The local Redis server (``HDHWATCH_TEST_REDIS_URL``); pair it with ``redis_prefix``."""
    import redis

    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3)
    try:
        client.ping()
    except redis.RedisError as exc:
        _service_missing(f"Redis not reachable at {REDIS_URL}: {exc}")
    finally:
        client.close()
    return REDIS_URL


@pytest.fixture
def redis_prefix(redis_url: str):
    """A key prefix of this test's own on the local Redis; its keys are deleted afterwards."""
    import redis

    prefix = f"hdhwatch-test-{uuid.uuid4().hex[:12]}"
    yield prefix
    client = redis.Redis.from_url(redis_url)
    keys = list(client.scan_iter(f"{prefix}:*", count=1000))
    if keys:
        client.delete(*keys)
    client.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'hdhwatch.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_url(request, tmp_path: Path) -> str:
    """Each test using it runs once on a SQLite file and once on PostgreSQL."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'hdhwatch.sqlite3'}"
    return request.getfixturevalue("pg_url")


@pytest.fixture
def database(db_url: str):
    """The database at ``db_url``, migrated to head by Alembic."""
    db = open_database(db_url)
    yield db
    db.close()


def write_config(config_dir: Path, sources_toml: str = "", extra: str = "") -> Path:
    """A config dir with the project's watch terms and the given sources."""
    config_dir.mkdir(parents=True, exist_ok=True)
    main = (HERE.parent / "config" / "hdhwatch.toml").read_text(encoding="utf-8")
    main = main.split("[crawl]")[0]
    # the test sites are on 127.0.0.1 (before ``extra``, which may open other tables)
    private = "" if "allow_private_addresses" in extra else "allow_private_addresses = true\n"
    main += (
        "\n[crawl]\nconcurrent_per_domain = 2\ndownload_delay = 0\nautothrottle = false\n"
        "retry_times = 2\nretry_after_max = 5\ndownload_timeout = 10\n" + private + extra
    )
    (config_dir / "hdhwatch.toml").write_text(main, encoding="utf-8")
    (config_dir / "sources.toml").write_text(sources_toml, encoding="utf-8")
    providers = HERE.parent / "config" / "providers.toml"
    if providers.exists():
        (config_dir / "providers.toml").write_text(providers.read_text("utf-8"), "utf-8")
    return config_dir


@pytest.fixture
def make_settings(tmp_path: Path, sqlite_url: str):
    """Build Settings for a temporary data dir, the given sources and database."""

    def build(sources_toml: str = "", database_url: str | None = None, extra: str = "") -> Settings:
        config_dir = write_config(tmp_path / "config", sources_toml, extra)
        return load_settings(
            {
                "HDHWATCH_CONFIG_DIR": str(config_dir),
                "HDHWATCH_DATA_DIR": str(tmp_path / "data"),
                "HDHWATCH_DATABASE_URL": database_url or sqlite_url,
            }
        )

    return build


@pytest.fixture
def demo_site():
    """The bundled demo site served on a free local port."""
    from hdhwatch.demo import DEMO_ROOT
    from hdhwatch.demo.sitesrv import SiteServer

    with SiteServer(DEMO_ROOT) as server:
        yield server


# --- the web page: a store filled by the demo's crawl, the server, the browser -------------
HOSTILE_TITLE = "<script>window.hostile = 1</script>Health Data Hub : un <b>titre</b> piégé"


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def demo_store(tmp_path_factory) -> Settings:
    """The settings of a store filled by the demo's crawl (on a free port), built once per
    session, plus one article whose title and text hold markup, as a hostile page would."""
    from datetime import UTC, datetime

    from hdhwatch.demo import run_demo
    from hdhwatch.pipeline import process
    from hdhwatch.records import Article

    data = tmp_path_factory.mktemp("demo-data")
    base = load_settings({"HDHWATCH_DATA_DIR": str(data),
                          "HDHWATCH_CONFIG_DIR": str(HERE.parent / "config")})
    settings = run_demo(base, port=free_port(), echo=lambda _line: None).settings
    db = open_database(settings.database_url)
    with db.session() as session:
        process(session, Article(
            url="https://piege.example/hdh-titre-piege", title=HOSTILE_TITLE,
            text="La migration du Health Data Hub vers un cloud souverain est prévue d'ici "
                 "fin 2026, selon <img src=x onerror=\"window.hostile = 2\"> le ministère.",
            published=datetime(2025, 6, 3, 9, tzinfo=UTC), outlet="<i>Le Piège</i>",
            language="fr"))
    db.close()
    return settings


@pytest.fixture(scope="session")
def demo_store_pg(demo_store) -> Settings:
    """The demo store copied, row for row, into a new PostgreSQL database (dropped at the
    end of the session)."""
    from dataclasses import replace

    from sqlalchemy import insert, select

    from hdhwatch.store.db import Base

    admin = _pg_admin()
    name = f"hdhwatch_test_{uuid.uuid4().hex[:12]}"
    admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{PG_ADMIN_URL.rsplit('/', 1)[0]}/{name}"
    source, target = open_database(demo_store.database_url), open_database(url)
    with source.engine.connect() as read, target.engine.begin() as write:
        for table in Base.metadata.sorted_tables:
            rows = [dict(r) for r in read.execute(select(table)).mappings()]
            if rows:
                write.execute(insert(table), rows)
    source.close()
    target.close()
    yield replace(demo_store, database_url=url)
    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@pytest.fixture(scope="session")
def web_server(demo_store):
    """`hdhwatch serve` on the demo store, on a free port, as a user starts it: its URL."""
    import subprocess
    import sys
    import time
    import urllib.request

    port = free_port()
    env = {**os.environ, "HDHWATCH_DATA_DIR": str(demo_store.data_dir),
           "HDHWATCH_CONFIG_DIR": str(demo_store.config_dir)}
    env.pop("HDHWATCH_DATABASE_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "hdhwatch", "serve", "--port", str(port)],
                               env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(url, timeout=2).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                process.kill()
                pytest.fail(f"hdhwatch serve did not start: {process.stdout.read().decode()}")
            time.sleep(0.2)
    yield url.rstrip("/")
    process.terminate()
    process.wait(timeout=20)


CHROMIUM, CHROMEDRIVER = Path("/usr/bin/chromium"), Path("/usr/bin/chromedriver")


@pytest.fixture(scope="session")
def browsers():
    """Headless Chromium from the system's packages, driven by Selenium: ``browsers(js)``
    gives one with JavaScript on or off (French first, as a French reader's browser)."""
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        _service_missing(f"{CHROMIUM} or {CHROMEDRIVER} is missing "
                         "(apt-get install chromium chromium-driver)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    drivers = {}

    def get(js: bool = True):
        if js not in drivers:
            options = webdriver.ChromeOptions()
            options.binary_location = str(CHROMIUM)  # never Selenium Manager's download
            for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                        "--lang=fr-FR"):
                options.add_argument(arg)
            prefs = {"intl.accept_languages": "fr-FR,fr"}
            if not js:
                prefs["profile.managed_default_content_settings.javascript"] = 2
            options.add_experimental_option("prefs", prefs)
            drivers[js] = webdriver.Chrome(service=Service(str(CHROMEDRIVER)), options=options)
        return drivers[js]

    yield get
    for driver in drivers.values():
        driver.quit()
