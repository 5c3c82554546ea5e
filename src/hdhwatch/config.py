"""The one configuration entry point.

``load_settings()`` builds a frozen ``Settings`` from ``config/*.toml`` and the
``HDHWATCH_*`` environment variables. No other module reads ``os.environ``.

Everything is checked when it is loaded, against a schema (pydantic): a value
of the wrong type or out of range, an unknown key, a URL that is not one, a
database hdhwatch cannot use, a data directory it cannot create. A bad value
is a ``ConfigError`` naming the file or variable, the key and the problem, in
one line, before any command starts work.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from hdhwatch.errors import ConfigError

SOURCE_KINDS = ("feed", "sitemap", "listing")
_CHECKOUT = Path(__file__).resolve().parents[2]
# The checkout's config/ and alembic/, shipped inside the package by the wheel
_PACKAGED = Path(__file__).resolve().parent / "_defaults"


def default_dir(name: str) -> Path:
    """A folder of defaults, ``config`` or ``alembic``: the checkout's when running from
    one, else the copy the wheel ships inside the package."""
    checkout = _CHECKOUT / name
    return checkout if checkout.is_dir() else _PACKAGED / name
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
# (backend, driver) pairs hdhwatch ships the drivers for and its migrations serve
_DATABASES = {("sqlite", "pysqlite"), ("postgresql", "psycopg")}
_DATABASE_HINT = "use sqlite:///PATH or postgresql://USER@HOST/DATABASE"


@dataclass(frozen=True)
class SourceConfig:
    """One outlet or feed to crawl, as declared in ``sources.toml``."""

    name: str
    kind: str  # feed | sitemap | listing
    urls: tuple[str, ...]
    title: str = ""
    language: str = "fr"
    cadence: timedelta = timedelta(hours=6)
    enabled: bool = True
    confirmed: bool = True  # False: the address could not be checked from here
    # listing pages only: CSS selectors for article links and the next page
    link_selector: str = ""
    next_selector: str = ""
    max_pages: int = 3
    # keep only article links matching this regular expression (listing, sitemap)
    allow: str = ""


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    security: str = "starttls"  # starttls | tls | none

    def __str__(self) -> str:  # never shows the password
        who = f"{self.user}@" if self.user else ""
        return f"smtp://{who}{self.host}:{self.port} ({self.security})"


@dataclass(frozen=True)
class Settings:
    config_dir: Path
    data_dir: Path
    database_url: str
    user_agent: str
    watch_terms: tuple[str, ...]
    sources: tuple[SourceConfig, ...]
    concurrent_per_domain: int = 2
    concurrent_requests: int = 16
    download_delay: float = 0.5
    autothrottle: bool = True
    download_timeout: float = 30.0
    max_page_bytes: int = 10 * 1024 * 1024
    retry_after_max: float = 300.0
    retry_times: int = 2
    # Crawl private and loopback addresses (off: a feed cannot point the crawler at the
    # local network); the tests' and the demo's local sites turn it on.
    allow_private_addresses: bool = False
    # Many machines: the Redis server whose queue ``hdhwatch worker`` processes share
    # (none: the embedded crawl, one process), and the prefix of every key hdhwatch sets there.
    redis_url: str = ""
    redis_prefix: str = "hdhwatch"
    timezone: str = "Europe/Paris"
    mail_from: str = "hdhwatch <hdhwatch@localhost>"
    # who hears of the sources' health (a source failing or drifting); none: no one
    mail_operator: str = ""
    smtp: SmtpSettings | None = None
    send_max_attempts: int = 8
    public_url: str = ""

    @property
    def providers_path(self) -> Path:
        own = self.config_dir / "providers.toml"
        return own if own.exists() else default_dir("config") / "providers.toml"

    @property
    def outbox_dir(self) -> Path:
        return self.data_dir / "outbox"

    def source(self, name: str) -> SourceConfig:
        for source in self.sources:
            if source.name == name:
                return source
        from hdhwatch.errors import UnknownSource

        known = ", ".join(s.name for s in self.sources)
        raise UnknownSource(f"no source named {name!r}; known sources: {known}")


# --- single values ----------------------------------------------------------------------------
def parse_duration(value: str | int | float) -> timedelta:
    """'6h', '30m', '1d', '2w' or a number of seconds."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise ConfigError(f"invalid duration {value!r}: use a number with s, m, h, d or w")
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    match = _DURATION.match(value)
    if not match:
        raise ConfigError(f"invalid duration {value!r}: use a number with s, m, h, d or w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def parse_smtp_url(url: str, where: str = "HDHWATCH_SMTP_URL") -> SmtpSettings:
    """``smtp://user:pass@host:587`` (STARTTLS), ``smtps://…:465`` (TLS), ``smtp+plain://``."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    schemes = {"smtp": ("starttls", 587), "smtps": ("tls", 465), "smtp+plain": ("none", 25)}
    if parts.scheme not in schemes or not parts.hostname:
        raise ConfigError(f"{where} must look like smtp://user:password@host:port")
    security, default_port = schemes[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as exc:
        raise ConfigError(f"{where} has an invalid port") from exc
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        security=security,
    )


def _duration(value: Any) -> timedelta:
    if isinstance(value, timedelta):
        return value
    try:
        duration = parse_duration(value)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
    if duration <= timedelta(0):
        raise ValueError("must be longer than zero")
    return duration


def _url_parts(value: str, what: str):
    """``value`` split as a URL, its port checked; a ValueError naming ``what`` if not."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a bad port)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not {what} ({exc})") from None
    return parts


def _web_address(value: str) -> str:
    parts = _url_parts(value, "a web address")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError(f"{value!r} is not a web address (http:// or https://)")
    return value


def _optional_web_address(value: str) -> str:
    return _web_address(value) if value else value


def _regex(value: str) -> str:
    try:
        re.compile(value)
    except re.error as exc:
        raise ValueError(f"{value!r} is not a regular expression: {exc}") from None
    return value


def _css_selector(value: str) -> str:
    if not value:
        return value
    from cssselect import GenericTranslator, SelectorError

    try:
        GenericTranslator().css_to_xpath(value)
    except SelectorError as exc:
        raise ValueError(f"{value!r} is not a CSS selector: {exc}") from None
    return value


def _time_zone(value: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {value!r} (for example Europe/Paris)") from None
    return value


def _redis_url(value: str) -> str:
    parts = _url_parts(value, "a Redis URL")
    if parts.scheme not in ("redis", "rediss", "unix") or not (parts.hostname or parts.path):
        raise ValueError(f"{value!r} is not a Redis URL (redis://HOST:6379/0)")
    return value


def _key_prefix(value: str) -> str:
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._:-]*", value):
        raise ValueError(f"{value!r} is not a key prefix: letters, digits, '.', '_', ':' and '-'")
    return value


def _one_line(value: str) -> str:
    if not value.isprintable():
        raise ValueError("must be one line of printable characters")
    return value


def _mail_address(value: str) -> str:
    from email.utils import parseaddr

    _one_line(value)
    address = parseaddr(value)[1]
    if address.count("@") != 1 or not all(address.split("@")):
        raise ValueError(f"{value!r} is not an e-mail address (hdhwatch <alerts@example.org>)")
    return value


def _bare_address(value: str) -> str:
    """An optional address, kept bare ("ops@example.org" from "Ops <ops@example.org>")."""
    from email.utils import parseaddr

    return parseaddr(_mail_address(value))[1] if value.strip() else ""


_SOURCE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


def _source_name(value: str) -> str:
    if not _SOURCE_NAME.match(value):
        raise ValueError(
            f"{value!r} is not a source name: letters, digits, '.', '_' and '-' only"
        )
    return value


def _terms(value: list[str]) -> list[str]:
    for term in value:
        if not term.strip():
            raise ValueError("a watch term is empty")
    return value


Duration = Annotated[timedelta, BeforeValidator(_duration)]
WebAddress = Annotated[str, AfterValidator(_web_address)]
Regex = Annotated[str, AfterValidator(_regex)]
CssSelector = Annotated[str, AfterValidator(_css_selector)]


# --- the schema of the files ----------------------------------------------------------------
class _Schema(BaseModel):
    # strict: TOML already types its values; "2" for a number is a mistake to report
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, populate_by_name=True)


class _Crawl(_Schema):
    user_agent: Annotated[str, AfterValidator(_one_line)] | None = None
    concurrent_per_domain: int = Field(2, ge=1, le=32)
    concurrent_requests: int = Field(16, ge=1, le=256)
    download_delay: float = Field(0.5, ge=0, le=3600)
    autothrottle: bool = True
    download_timeout: float = Field(30.0, gt=0, le=3600)
    max_page_bytes: int = Field(10 * 1024 * 1024, ge=1024)
    retry_after_max: float = Field(300.0, ge=0, le=86400)
    retry_times: int = Field(2, ge=0, le=10)
    allow_private_addresses: bool = False
    redis_url: Annotated[str, AfterValidator(_redis_url)] | None = None
    redis_prefix: Annotated[str, AfterValidator(_key_prefix)] = "hdhwatch"


class _Mail(_Schema):
    from_: Annotated[str, AfterValidator(_mail_address)] = Field(
        "hdhwatch <hdhwatch@localhost>", alias="from"
    )
    smtp_url: str | None = None
    max_attempts: int = Field(8, ge=1, le=100)
    public_url: Annotated[str, AfterValidator(_optional_web_address)] = ""
    operator: Annotated[str, AfterValidator(_bare_address)] = ""


class _MainFile(_Schema):
    """``hdhwatch.toml``."""

    data_dir: str | None = None
    database_url: str | None = None
    contact_url: WebAddress = "https://github.com/hdhwatch/hdhwatch"
    timezone: Annotated[str, AfterValidator(_time_zone)] = "Europe/Paris"
    watch_terms: Annotated[list[str], AfterValidator(_terms)] = []
    crawl: _Crawl = _Crawl()
    mail: _Mail = _Mail()


class _Selectors(_Schema):
    link: CssSelector = ""
    next: CssSelector = ""


class _Source(_Schema):
    """One ``[[source]]`` of ``sources.toml``."""

    name: Annotated[str, AfterValidator(_source_name)]
    kind: Literal["feed", "sitemap", "listing"]
    urls: list[WebAddress] = []
    url: WebAddress | None = None  # a single address, instead of urls
    title: str = ""
    language: Literal["fr", "en"] = "fr"
    cadence: Duration = timedelta(hours=6)
    enabled: bool = True
    confirmed: bool = True
    selectors: _Selectors = _Selectors()
    max_pages: int = Field(3, ge=1, le=1000)
    allow: Regex = ""

    @model_validator(mode="after")
    def _complete(self) -> _Source:
        if not self.urls and not self.url:
            raise ValueError("needs urls = [...] (or url = ...)")
        if self.urls and self.url:
            raise ValueError("give urls or url, not both")
        if self.kind == "listing" and not self.selectors.link:
            raise ValueError("a listing source needs selectors.link")
        return self


class _SourcesFile(_Schema):
    """``sources.toml``."""

    source: list[_Source] = []

    @model_validator(mode="after")
    def _unique(self) -> _SourcesFile:
        seen: set[str] = set()
        for source in self.source:
            if source.name in seen:
                raise ValueError(f"duplicate source name {source.name!r}")
            seen.add(source.name)
        return self


def _validate(schema: type[_Schema], data: Mapping, origin: str):
    """The file's data checked against ``schema``, or the first problem as a ConfigError."""
    try:
        return schema.model_validate(dict(data))
    except ValidationError as exc:
        errors = exc.errors(include_url=False)
        first = errors[0]
        more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
        where = _where(first["loc"], data)
        raise ConfigError(f"{origin}: {where}{_problem(first)}{more}") from None


def _where(loc: tuple, data: Mapping) -> str:
    """'[crawl] download_delay: ', 'source #3 (lemagit): cadence: ', 'watch_terms #2: '."""
    if not loc:
        return ""
    head, rest = loc[0], list(loc[1:])
    node = data.get(head)
    if rest and isinstance(rest[0], int):  # an item of a list
        i = rest.pop(0)
        item = node[i] if isinstance(node, list) and 0 <= i < len(node) else None
        name = item.get("name") if isinstance(item, dict) else None
        label = f"{head} #{i + 1}" + (f" ({name})" if isinstance(name, str) else "")
        return f"{label}: {_path(rest)}: " if rest else f"{label}: "
    if rest and isinstance(node, dict):  # a key of a table
        return f"[{head}] {_path(rest)}: "
    return f"{_path(loc)}: "


def _path(keys) -> str:
    """('urls', 0) -> 'urls #1'; ('selectors', 'link') -> 'selectors.link'."""
    text = ""
    for key in keys:
        text += f" #{key + 1}" if isinstance(key, int) else (f".{key}" if text else str(key))
    return text


def _problem(error: dict) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key"
    if kind == "missing":
        return "missing"
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return "must be a table"
    message = error["msg"].removeprefix("Value error, ")
    value = error.get("input")
    if kind != "value_error" and not isinstance(value, dict | list):
        message += f", not {value!r}"
    return message


# --- reading ------------------------------------------------------------------------------------
def _read_toml(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it ({exc.strerror or exc})") from None


def parse_sources(data: Mapping, origin: str = "sources.toml") -> tuple[SourceConfig, ...]:
    """The ``[[source]]`` tables of a sources file, checked."""
    checked = _validate(_SourcesFile, data, origin)
    return tuple(
        SourceConfig(
            name=s.name,
            kind=s.kind,
            urls=tuple(s.urls or [s.url]),
            title=s.title or s.name,
            language=s.language,
            cadence=s.cadence,
            enabled=s.enabled,
            confirmed=s.confirmed,
            link_selector=s.selectors.link,
            next_selector=s.selectors.next,
            max_pages=s.max_pages,
            allow=s.allow,
        )
        for s in checked.source
    )


def _default_data_dir(env: Mapping[str, str]) -> Path:
    if (_CHECKOUT / "pyproject.toml").exists():
        return _CHECKOUT / "var"
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hdhwatch"


def _writable_dir(path: Path, where: str) -> Path:
    """``path`` as a directory hdhwatch can write in, created if need be."""
    for ancestor in (path, *path.parents):
        if ancestor.exists():
            if not ancestor.is_dir():
                raise ConfigError(f"{where}: {ancestor} is a file, not a directory")
            break
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ConfigError(
            f"{where}: cannot create the directory {path} ({exc.strerror or exc})"
        ) from None
    if not os.access(path, os.W_OK | os.X_OK):
        raise ConfigError(f"{where}: the directory {path} is not writable")
    return path


def _hide_password(url: str) -> str:
    return re.sub(r"(//[^/@:]*:)[^/@]*@", r"\1***@", url)


def check_database_url(url: str, where: str) -> str:
    """A database URL hdhwatch can use (SQLite or PostgreSQL), its SQLite directory ready."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError):
        raise ConfigError(
            f"{where}: {_hide_password(url)!r} is not a database URL: {_DATABASE_HINT}"
        ) from None
    backend, driver = parsed.get_backend_name(), parsed.get_driver_name()
    if (backend, driver) not in _DATABASES:
        what = backend if backend not in {b for b, _ in _DATABASES} else f"{backend}+{driver}"
        raise ConfigError(
            f"{where}: hdhwatch cannot use {what} databases (SQLite and PostgreSQL with "
            f"psycopg only): {_DATABASE_HINT}"
        )
    if backend == "sqlite":
        if parsed.database in (None, "", ":memory:") or parsed.database.startswith("file:"):
            raise ConfigError(f"{where}: SQLite needs a file: sqlite:///PATH")
        database = Path(parsed.database)
        _writable_dir(database.parent, where)
        if database.is_dir():
            raise ConfigError(f"{where}: {database} is a directory, not a database file")
    elif not parsed.database:
        raise ConfigError(f"{where}: the URL names no database: {_DATABASE_HINT}")
    return url


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read ``hdhwatch.toml`` and ``sources.toml`` from the config dir, then the environment."""
    env = os.environ if env is None else env
    config_dir = Path(env.get("HDHWATCH_CONFIG_DIR") or default_dir("config")).expanduser()
    if not config_dir.is_dir():
        where = "HDHWATCH_CONFIG_DIR" if env.get("HDHWATCH_CONFIG_DIR") else "config directory"
        raise ConfigError(f"{where}: {config_dir} is not a directory")
    main_path = config_dir / "hdhwatch.toml"
    main = _validate(_MainFile, _read_toml(main_path), str(main_path))
    sources_path = config_dir / "sources.toml"
    sources = parse_sources(_read_toml(sources_path), str(sources_path))

    if env.get("HDHWATCH_DATA_DIR"):
        data_dir, where = Path(env["HDHWATCH_DATA_DIR"]), "HDHWATCH_DATA_DIR"
    elif main.data_dir:
        data_dir, where = Path(main.data_dir), f"{main_path}: data_dir"
    else:
        data_dir, where = _default_data_dir(env), "data directory"
    data_dir = _writable_dir(data_dir.expanduser().resolve(), where)

    if env.get("HDHWATCH_DATABASE_URL"):
        database_url = check_database_url(env["HDHWATCH_DATABASE_URL"], "HDHWATCH_DATABASE_URL")
    elif main.database_url:
        database_url = check_database_url(main.database_url, f"{main_path}: database_url")
    else:
        database_url = f"sqlite:///{data_dir / 'hdhwatch.sqlite3'}"

    crawl, mail = main.crawl, main.mail
    if env.get("HDHWATCH_REDIS_URL"):
        try:
            redis_url = _redis_url(env["HDHWATCH_REDIS_URL"])
        except ValueError as exc:
            raise ConfigError(f"HDHWATCH_REDIS_URL: {exc}") from None
    else:
        redis_url = crawl.redis_url or ""
    user_agent = crawl.user_agent or f"hdhwatch/0.1 (+{main.contact_url})"
    if env.get("HDHWATCH_SMTP_URL"):
        smtp = parse_smtp_url(env["HDHWATCH_SMTP_URL"])
    elif mail.smtp_url:
        smtp = parse_smtp_url(mail.smtp_url, f"{main_path}: [mail] smtp_url")
    else:
        smtp = None
    mail_from = mail.from_
    if env.get("HDHWATCH_MAIL_FROM"):
        try:
            mail_from = _mail_address(env["HDHWATCH_MAIL_FROM"])
        except ValueError as exc:
            raise ConfigError(f"HDHWATCH_MAIL_FROM: {exc}") from None
    mail_operator = mail.operator
    if "HDHWATCH_MAIL_OPERATOR" in env:
        try:
            mail_operator = _bare_address(env["HDHWATCH_MAIL_OPERATOR"])
        except ValueError as exc:
            raise ConfigError(f"HDHWATCH_MAIL_OPERATOR: {exc}") from None
    return Settings(
        config_dir=config_dir,
        data_dir=data_dir,
        database_url=database_url,
        user_agent=user_agent,
        watch_terms=tuple(main.watch_terms),
        sources=sources,
        concurrent_per_domain=crawl.concurrent_per_domain,
        concurrent_requests=crawl.concurrent_requests,
        download_delay=crawl.download_delay,
        autothrottle=crawl.autothrottle,
        download_timeout=crawl.download_timeout,
        max_page_bytes=crawl.max_page_bytes,
        retry_after_max=crawl.retry_after_max,
        retry_times=crawl.retry_times,
        allow_private_addresses=crawl.allow_private_addresses,
        redis_url=redis_url,
        redis_prefix=crawl.redis_prefix,
        timezone=main.timezone,
        mail_from=mail_from,
        mail_operator=mail_operator,
        smtp=smtp,
        send_max_attempts=mail.max_attempts,
        public_url=mail.public_url,
    )


def child_environment(settings: Settings) -> dict[str, str]:
    """The environment for a crawl subprocess: this one, pinned to these settings."""
    env = dict(os.environ)
    env.update(
        HDHWATCH_CONFIG_DIR=str(settings.config_dir),
        HDHWATCH_DATA_DIR=str(settings.data_dir),
        HDHWATCH_DATABASE_URL=settings.database_url,
    )
    if settings.redis_url:
        env["HDHWATCH_REDIS_URL"] = settings.redis_url
    return env
