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
