"""The one configuration entry point.

``load_settings()`` builds a frozen ``Settings`` from ``config/*.toml`` and the
``HDHWATCH_*`` environment variables. No other module reads ``os.environ``.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from hdhwatch.errors import ConfigError

SOURCE_KINDS = ("feed", "sitemap", "listing")
_CHECKOUT = Path(__file__).resolve().parents[2]
_DURATION = re.compile(r"^\s*(\d+)\s*([smhdw])\s*$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


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
    download_delay: float = 0.5
    autothrottle: bool = True
    download_timeout: float = 30.0
    max_page_bytes: int = 10 * 1024 * 1024
    retry_after_max: float = 300.0
    retry_times: int = 2
    # Crawl private and loopback addresses (off: a feed cannot point the crawler at the
    # local network); the tests' and the demo's local sites turn it on.
    allow_private_addresses: bool = False
    timezone: str = "Europe/Paris"
    mail_from: str = "hdhwatch <hdhwatch@localhost>"
    smtp: SmtpSettings | None = None
    send_max_attempts: int = 8
    public_url: str = ""

    @property
    def providers_path(self) -> Path:
        own = self.config_dir / "providers.toml"
        return own if own.exists() else _CHECKOUT / "config" / "providers.toml"

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


def parse_duration(value: str | int | float) -> timedelta:
    """'6h', '30m', '1d', '2w' or a number of seconds."""
    if isinstance(value, int | float):
        return timedelta(seconds=value)
    match = _DURATION.match(value)
    if not match:
        raise ConfigError(f"invalid duration {value!r}: use a number with s, m, h, d or w")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def parse_smtp_url(url: str) -> SmtpSettings:
    """``smtp://user:pass@host:587`` (STARTTLS), ``smtps://…:465`` (TLS), ``smtp+plain://``."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    schemes = {"smtp": ("starttls", 587), "smtps": ("tls", 465), "smtp+plain": ("none", 25)}
    if parts.scheme not in schemes or not parts.hostname:
        raise ConfigError("HDHWATCH_SMTP_URL must look like smtp://user:password@host:port")
    security, default_port = schemes[parts.scheme]
    try:
        port = parts.port or default_port
    except ValueError as exc:
        raise ConfigError("HDHWATCH_SMTP_URL has an invalid port") from exc
    return SmtpSettings(
        host=parts.hostname,
        port=port,
        user=unquote(parts.username) if parts.username else None,
        password=unquote(parts.password) if parts.password else None,
        security=security,
    )


_EXPECTED = {
    int: "expected a whole number",
    float: "expected a number",
    bool: "expected true or false",
}


def _typed(table: Mapping, key: str, default, kind: type, where: str):
    """``table[key]`` (or ``default``) as ``kind``; a ConfigError naming ``where`` and the key."""
    value = table.get(key, default)
    if kind is bool:
        ok = isinstance(value, bool)
    else:  # TOML gives int or float; bool is an int to Python, not a number here
        ok = isinstance(value, int if kind is int else int | float) and not isinstance(value, bool)
        if ok and value < 0:
            raise ConfigError(f"{where} {key} = {value!r}: must not be negative")
    if not ok:
        raise ConfigError(f"{where} {key} = {value!r}: {_EXPECTED[kind]}")
    return kind(value)


def _source_urls(raw: Mapping, where: str) -> tuple[str, ...]:
    from urllib.parse import urlsplit

    key = "urls" if "urls" in raw else "url"
    urls = raw[key]
    if key == "url" and isinstance(urls, str):
        urls = [urls]
    if not isinstance(urls, list) or not urls:
        raise ConfigError(f'{where} {key} = {urls!r}: expected a list of addresses, ["https://…"]')
    for url in urls:
        parts = urlsplit(url) if isinstance(url, str) else None
        if parts is None or parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"{where} {key}: {url!r} is not an http or https address")
    return tuple(urls)


def _read_toml(path: Path) -> dict:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: {exc}") from exc


def parse_sources(data: Mapping, origin: str = "sources.toml") -> tuple[SourceConfig, ...]:
    sources = []
    seen = set()
    for i, raw in enumerate(data.get("source", [])):
        where = f"{origin}: source #{i + 1}"
        try:
            name = raw["name"]
            kind = raw["kind"]
            urls = _source_urls(raw, f"{where} ({name})")
        except KeyError as exc:
            raise ConfigError(f"{where}: missing {exc.args[0]!r}") from exc
        at = f"{where} ({name})"
        allow = raw.get("allow", "")
        try:
            re.compile(allow)
        except (re.error, TypeError) as exc:
            raise ConfigError(f"{at} allow = {allow!r}: not a regular expression: {exc}") from exc
        try:
            cadence = parse_duration(raw.get("cadence", "6h"))
        except ConfigError as exc:
            raise ConfigError(f"{at} cadence: {exc}") from exc
        if kind not in SOURCE_KINDS:
            raise ConfigError(f"{where} ({name}): kind must be one of {', '.join(SOURCE_KINDS)}")
        if name in seen:
            raise ConfigError(f"{where}: duplicate source name {name!r}")
        seen.add(name)
        selectors = raw.get("selectors", {})
        if kind == "listing" and not selectors.get("link"):
            raise ConfigError(f"{where} ({name}): a listing source needs selectors.link")
        sources.append(
            SourceConfig(
                name=name,
                kind=kind,
                urls=tuple(urls),
                title=raw.get("title", name),
                language=raw.get("language", "fr"),
                cadence=cadence,
                enabled=_typed(raw, "enabled", True, bool, at),
                confirmed=_typed(raw, "confirmed", True, bool, at),
                link_selector=selectors.get("link", ""),
                next_selector=selectors.get("next", ""),
                max_pages=_typed(raw, "max_pages", 3, int, at),
                allow=allow,
            )
        )
    return tuple(sources)


def _default_data_dir(env: Mapping[str, str]) -> Path:
    if (_CHECKOUT / "pyproject.toml").exists():
        return _CHECKOUT / "var"
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "hdhwatch"


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read ``hdhwatch.toml`` and ``sources.toml`` from the config dir, then the environment."""
    env = os.environ if env is None else env
    config_dir = Path(env.get("HDHWATCH_CONFIG_DIR") or _CHECKOUT / "config")
    main = _read_toml(config_dir / "hdhwatch.toml")
    sources = parse_sources(
        _read_toml(config_dir / "sources.toml"), str(config_dir / "sources.toml")
    )
    data_dir = Path(env.get("HDHWATCH_DATA_DIR") or main.get("data_dir") or _default_data_dir(env))
    data_dir = data_dir.expanduser().resolve()
    database_url = (
        env.get("HDHWATCH_DATABASE_URL")
        or main.get("database_url")
        or f"sqlite:///{data_dir / 'hdhwatch.sqlite3'}"
    )
    crawl = main.get("crawl", {})
    at = f"{config_dir / 'hdhwatch.toml'}: [crawl]"
    mail = main.get("mail", {})
    contact = main.get("contact_url", "https://github.com/hdhwatch/hdhwatch")
    user_agent = crawl.get("user_agent", f"hdhwatch/0.1 (+{contact})")
    smtp_url = env.get("HDHWATCH_SMTP_URL") or mail.get("smtp_url")
    return Settings(
        config_dir=config_dir,
        data_dir=data_dir,
        database_url=database_url,
        user_agent=user_agent,
        watch_terms=tuple(main.get("watch_terms", ())),
        sources=sources,
        concurrent_per_domain=_typed(crawl, "concurrent_per_domain", 2, int, at),
        download_delay=_typed(crawl, "download_delay", 0.5, float, at),
        autothrottle=_typed(crawl, "autothrottle", True, bool, at),
        download_timeout=_typed(crawl, "download_timeout", 30, float, at),
        max_page_bytes=_typed(crawl, "max_page_bytes", 10 * 1024 * 1024, int, at),
        retry_after_max=_typed(crawl, "retry_after_max", 300, float, at),
        retry_times=_typed(crawl, "retry_times", 2, int, at),
        allow_private_addresses=_typed(crawl, "allow_private_addresses", False, bool, at),
        timezone=main.get("timezone", "Europe/Paris"),
        mail_from=env.get("HDHWATCH_MAIL_FROM")
        or mail.get("from", "hdhwatch <hdhwatch@localhost>"),
        smtp=parse_smtp_url(smtp_url) if smtp_url else None,
        send_max_attempts=int(mail.get("max_attempts", 8)),
        public_url=mail.get("public_url", ""),
    )


def child_environment(settings: Settings) -> dict[str, str]:
    """The environment for a crawl subprocess: this one, pinned to these settings."""
    env = dict(os.environ)
    env.update(
        HDHWATCH_CONFIG_DIR=str(settings.config_dir),
        HDHWATCH_DATA_DIR=str(settings.data_dir),
        HDHWATCH_DATABASE_URL=settings.database_url,
    )
    return env
