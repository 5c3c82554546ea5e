"""The read-only web page: Starlette routes over ``hdhwatch.read``, Jinja2 templates.

Pages: ``/`` (the current target, the timeline chart, the latest events, the
signals), ``/articles`` (search and filters), ``/articles/{id}`` (the evidence),
``/providers``, ``/sources``, ``/events`` and ``/events.atom``; ``/api/…`` returns
what the CLI's ``--format json`` prints. Only GET and HEAD are answered; every
response carries a strict Content-Security-Policy. The database opens when the
server starts and closes when it stops.
"""

from __future__ import annotations

import contextlib
import json
import threading
from datetime import date
from pathlib import Path
from urllib.parse import urlencode

import jinja2
from sqlalchemy import func, select
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from hdhwatch.config import Settings
from hdhwatch.errors import NotFound, QueryError
from hdhwatch.web.chart import CATEGORIES, STYLES, build_chart
from hdhwatch.web.i18n import STRINGS, negotiate

HERE = Path(__file__).resolve().parent
PER_PAGE = 20
API_MAX = 1000
SECURITY_HEADERS = [
    (b"content-security-policy",
     b"default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
     b"connect-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


class ReadOnlyHeaders:
    """Answers anything but GET and HEAD with 405, and adds the security headers."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["method"] not in ("GET", "HEAD"):
            response = PlainTextResponse("405 Method Not Allowed: this page is read-only\n",
                                         status_code=405, headers={"Allow": "GET, HEAD"})
            await self._with_headers(response)(scope, receive, send)
            return

        async def send_with_headers(message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + SECURITY_HEADERS
            await send(message)

        await self.app(scope, receive, send_with_headers)

    @staticmethod
    def _with_headers(response: Response) -> Response:
        for name, value in SECURITY_HEADERS:
            response.headers[name.decode()] = value.decode()
        return response


def _day(value: str | None, lang: str) -> str:
    from hdhwatch.read.words import format_day

    if not value:
        return ""
    return format_day(date.fromisoformat(value[:10]), lang)


class Site:
    """The app's state: settings, the database (opened at startup), the templates and
    the home page's data cached per store revision."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.db = None
        self.env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            trim_blocks=True,
            lstrip_blocks=True,
            undefined=jinja2.StrictUndefined,
        )
        self.env.filters["day"] = _day
        self._home: dict[tuple, bytes] = {}  # the home page, per store revision
        self._lock = threading.Lock()

    # --- the lifecycle ---------------------------------------------------------------
    def open(self) -> None:
        from hdhwatch.store.db import open_database

        self.db = open_database(self.settings.database_url)

    def close(self) -> None:
        if self.db is not None:
            self.db.close()
            self.db = None

    @contextlib.contextmanager
    def session(self):
        if self.db is None:
            self.open()
        with self.db.session() as session:
            yield session

    def catalog(self):
        from hdhwatch.classify.providers import default_catalog

        return default_catalog(self.settings.providers_path)

    # --- rendering ----------------------------------------------------------------------
    def render(self, request: Request, name: str, status: int = 200, **context) -> HTMLResponse:
        lang = request.state.lang
        explicit = request.query_params.get("lang") in STRINGS

        def link(path: str, **params) -> str:
            params = {k: v for k, v in params.items() if v not in (None, "", False)}
            if explicit:
                params["lang"] = lang
            return path + ("?" + urlencode(params) if params else "")

        other = "en" if lang == "fr" else "fr"
        query = {k: v for k, v in request.query_params.items() if k != "lang"}
        query["lang"] = other
        html = self.env.get_template(name).render(
            lang=lang, t=STRINGS[lang], link=link, path=request.url.path,
            other_lang_url=request.url.path + "?" + urlencode(query),
            styles=STYLES, categories=CATEGORIES, **context,
        )
        return HTMLResponse(html, status_code=status)

    def error(self, request: Request, status: int, message: str) -> Response:
        t = STRINGS[request.state.lang]
        title = t["not_found"] if status == 404 else t["bad_request"]
        return self.render(request, "error.html.j2", status, title=title, message=message)

    # --- the home page's data, per store revision ---------------------------------------
    def revision(self, session) -> tuple:
        from hdhwatch.store.models import Article, DeadlineStatement, Event

        return tuple(session.execute(select(
            select(func.max(Article.id)).scalar_subquery(),
            select(func.max(DeadlineStatement.id)).scalar_subquery(),
            select(func.max(Event.id)).scalar_subquery(),
            select(func.count(Event.id)).where(Event.status == "confirmed").scalar_subquery(),
        )).one())

    def home_page(self, request: Request) -> HTMLResponse:
        """The home page, rendered once per store revision and language: a store of
        100,000 articles states thousands of targets, and the chart is not redrawn for
        every reader."""
        lang = request.state.lang
        with self.session() as session:
            key = (*self.revision(session), lang, request.query_params.get("lang") in STRINGS)
            with self._lock:
                cached = self._home.get(key)
            if cached is not None:
                return HTMLResponse(cached)
            data = home_data(session, lang)
        response = self.render(request, "home.html.j2", **data)
        with self._lock:
            if len(self._home) > 8 or any(k[:4] != key[:4] for k in self._home):
                self._home = {}  # only the latest revision is worth keeping
            self._home[key] = response.body
        return response


def home_data(session, lang: str) -> dict:
    """What the home page shows: the current target with its evidence, the chart, the
    moves, the latest events, the signals."""
    from hdhwatch.read.evidence import event_rows
    from hdhwatch.read.report import current_target, shift_rows, timeline_rows
    from hdhwatch.read.words import describe_target

    rows = timeline_rows(session)
    shifts = shift_rows(session)
    signals = shift_rows(session, status="signal")
    current = current_target(session)
    outlets = 0
    if current is not None:
        current = dict(current)
        current["target_words"] = describe_target(
            date.fromisoformat(current["deadline"]), current["precision"], lang)
        setting = next((s for s in reversed(shifts) if s["to"] == current["deadline"]), None)
        if setting is not None:
            outlets = len({a["outlet"] or a["url"] for a in
                           [setting, *setting["corroborated_by"]]})
        elif current["outlet"]:
            outlets = 1
    for shift in shifts:
        new = describe_target(date.fromisoformat(shift["to"]), shift["to_precision"], lang)
        old = describe_target(date.fromisoformat(shift["from"]), shift["from_precision"] or "day",
                              lang) if shift["from"] else "—"
        shift["move_words"] = f"{old} → {new}"
    for signal in signals:
        signal["to_words"] = describe_target(date.fromisoformat(signal["to"]),
                                             signal["to_precision"], lang)
    return {
        "current": current,
        "outlets": outlets,
        "chart": build_chart(rows, shifts, signals, lang),
        "rows": rows,
        "shifts": shifts,
        "signals": signals,
        "events": event_rows(session, lang, limit=6),
    }


# --- the pages ------------------------------------------------------------------------------
# Plain functions, not coroutines: Starlette runs them in its thread pool, so that one slow
# query never holds up the other requests.
def _site(request: Request) -> Site:
    return request.app.state.site


def home(request: Request) -> Response:
    return _site(request).home_page(request)


def _filter_of(request: Request, site: Site, *, limit: int, offset: int = 0):
    """An ``ArticleFilter`` from the query string, with the CLI's option names."""
    from hdhwatch.read.query import ArticleFilter, parse_day

    q = request.query_params
    provider = q.get("provider", "").strip() or None
    if provider:
        try:
            provider = site.catalog().get(provider).name
        except KeyError:
            raise QueryError(f"unknown provider {provider!r}") from None
    relevant = {"1": True, "true": True, "0": False, "false": False}.get(
        q.get("relevant", ""), None)
    return ArticleFilter(
        since=parse_day(q["since"], "since") if q.get("since") else None,
        until=parse_day(q["until"], "until") if q.get("until") else None,
        source=q.get("source") or None,
        outlet=q.get("outlet", "").strip() or None,
        search=q.get("search", "").strip() or None,
        provider=provider,
        relevant=relevant,
        with_deadline=q.get("with_deadline") in ("1", "true", "on"),
        shifts_only=q.get("shifts_only") in ("1", "true", "on"),
        event_kind=q.get("event_kind") or None,
        limit=limit,
        offset=offset,
    )


def articles(request: Request) -> Response:
    from hdhwatch.read.query import EVENT_FAMILIES, list_articles

    site = _site(request)
    try:
        page = max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        page = 1
    params = {k: request.query_params.get(k, "") for k in
              ("search", "since", "until", "outlet", "provider", "relevant", "with_deadline",
               "event_kind", "source")}
    try:
        f = _filter_of(request, site, limit=PER_PAGE + 1, offset=(page - 1) * PER_PAGE)
        with site.session() as session:
            found = list_articles(session, f)
            rows = [_article_row(a, request.state.lang) for a in found[:PER_PAGE]]
    except QueryError as exc:
        return site.render(request, "articles.html.j2", 400, rows=[], params=params,
                           page=page, more=False, error=str(exc), families=EVENT_FAMILIES)
    return site.render(request, "articles.html.j2", rows=rows, params=params, page=page,
                       more=len(found) > PER_PAGE, error=None, families=EVENT_FAMILIES)


def _article_row(article, lang: str) -> dict:
    from hdhwatch.read.words import describe_target
    from hdhwatch.records import TARGET_KINDS

    targets = []
    for d in article.deadlines:
        if d.kind in TARGET_KINDS:
            words = describe_target(d.deadline, d.precision, lang)
            if words not in targets:
                targets.append(words)
    return {
        "id": article.id,
        "title": article.title,
        "outlet": article.outlet,
        "published": article.published_at.date().isoformat() if article.published_at else None,
        "providers": sorted({p.provider for p in article.providers}),
        "targets": targets,
        "relevant": article.relevant,
    }


def article(request: Request) -> Response:
    from hdhwatch.read.evidence import article_events, article_passages
    from hdhwatch.read.query import article_dict, get_article
    from hdhwatch.read.words import describe_target

    site = _site(request)
    lang = request.state.lang
    try:
        with site.session() as session:
            found = get_article(session, request.path_params["article_id"])
            data = article_dict(found, full=True)
            if lang != "fr":
                for d in data["deadlines"] + data["dates_set_aside"]:
                    d["target"] = describe_target(date.fromisoformat(d["deadline"]),
                                                  d["precision"], lang)
            passages = article_passages(found, site.catalog())
            events = article_events(session, found.id, lang)
    except (NotFound, QueryError) as exc:
        return site.error(request, 404, str(exc))
    from urllib.parse import urlsplit

    safe_url = data["url"] if urlsplit(data["url"]).scheme in ("http", "https") else None
    return site.render(request, "article.html.j2", a=data, passages=passages, events=events,
                       safe_url=safe_url)


def providers(request: Request) -> Response:
    from hdhwatch.read.report import provider_counts

    site = _site(request)
    catalog = site.catalog()
    with site.session() as session:
        rows = provider_counts(session, None, catalog,
                               relevant_only=request.query_params.get("all") != "1",
                               lang=request.state.lang)
    by_provider: dict[str, dict] = {}
    for row in rows:
        entry = by_provider.setdefault(row["provider"], {
            "provider": row["provider"], "jurisdiction": row["jurisdiction"],
            "certifications": row["certifications"], "months": [], "articles": 0,
            "mentions": 0})
        entry["months"].append(row)
        entry["articles"] += row["articles"]
        entry["mentions"] += row["mentions"]
    entries = sorted(by_provider.values(), key=lambda e: (-e["articles"], e["provider"]))
    present = sorted({r["month"] for r in rows if r["month"]})
    months = _month_range(present[0], present[-1]) if present else []
    peak = max((r["articles"] for r in rows), default=1)
    return site.render(request, "providers.html.j2", entries=entries, months=months, peak=peak,
                       all_articles=request.query_params.get("all") == "1")


def _month_range(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last`` ('YYYY-MM'), so that bars stand in time."""
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def _sources_data(site: Site) -> list[dict]:
    from zoneinfo import ZoneInfo

    from hdhwatch.read.evidence import source_runs
    from hdhwatch.schedule import next_due
    from hdhwatch.store.articles import last_run_times
    from hdhwatch.store.db import utcnow

    now = utcnow()
    zone = ZoneInfo(site.settings.timezone)
    with site.session() as session:
        runs = source_runs(session)
        last = last_run_times(session)
    rows = []
    for source in site.settings.sources:
        run = runs.get(source.name, {})
        due = next_due(source, last.get(source.name), now) if source.enabled else None
        rows.append({
            "name": source.name,
            "title": source.title,
            "kind": source.kind,
            "enabled": source.enabled,
            "last_run": run.get("last_run"),
            "last_run_local": _local(run.get("last_run"), zone),
            "outcome": run.get("outcome"),
            "next_due": due.isoformat() if due else None,
            "next_due_local": "now" if due is not None and due <= now else _local(
                due.isoformat() if due else None, zone),
            "pages": run.get("pages", 0),
            "new": run.get("new", 0),
            "errors": run.get("errors", {}),
            "last_error": run.get("last_error"),
            "health": run.get("health", "ok" if run else None),
        })
    return rows


def _local(value: str | None, zone) -> str | None:
    from datetime import datetime

    if not value:
        return None
    return datetime.fromisoformat(value).astimezone(zone).strftime("%Y-%m-%d %H:%M %Z")


def sources(request: Request) -> Response:
    site = _site(request)
    return site.render(request, "sources.html.j2", sources=_sources_data(site))


def events(request: Request) -> Response:
    from hdhwatch.read.evidence import event_rows

    site = _site(request)
    with site.session() as session:
        confirmed = event_rows(session, request.state.lang)
        signals = event_rows(session, request.state.lang, status="signal")
    return site.render(request, "events.html.j2", events=confirmed, signals=signals)


def events_atom(request: Request) -> Response:
    from hdhwatch.read.feed import atom_feed

    site = _site(request)
    with site.session() as session:
        data = atom_feed(session, lang=request.state.lang, self_url=str(request.url))
    return Response(data, media_type="application/atom+xml; charset=utf-8")


# --- the JSON API: what the CLI's --format json prints ----------------------------------------
def _json(data, status: int = 200) -> Response:
    return Response(json.dumps(data, ensure_ascii=False, indent=2), status_code=status,
                    media_type="application/json; charset=utf-8")


def api_articles(request: Request) -> Response:
    from hdhwatch.read.query import article_dict, list_articles

    site = _site(request)
    try:
        limit = int(request.query_params.get("limit", "50"))
        if not 0 <= limit:
            raise ValueError
    except ValueError:
        return _json({"error": "limit: use a whole number >= 0"}, 400)
    try:
        f = _filter_of(request, site, limit=min(limit or API_MAX, API_MAX))
        with site.session() as session:
            return _json([article_dict(a) for a in list_articles(session, f)])
    except QueryError as exc:
        return _json({"error": str(exc)}, 400)


def api_article(request: Request) -> Response:
    from hdhwatch.read.query import article_dict, get_article

    site = _site(request)
    try:
        with site.session() as session:
            return _json(article_dict(get_article(session, request.path_params["article_id"]),
                                      full=True))
    except (NotFound, QueryError) as exc:
        return _json({"error": str(exc)}, 404)


def api_timeline(request: Request) -> Response:
    from hdhwatch.read.query import parse_day
    from hdhwatch.read.report import current_target, shift_rows, timeline_rows

    site = _site(request)
    try:
        since = request.query_params.get("since")
        day = parse_day(since, "since") if since else None
    except QueryError as exc:
        return _json({"error": str(exc)}, 400)
    with site.session() as session:
        return _json({"statements": timeline_rows(session, day),
                      "shifts": shift_rows(session, day),
                      "signals": shift_rows(session, status="signal"),
                      "current": current_target(session)})


def api_providers(request: Request) -> Response:
    from hdhwatch.read.query import parse_day
    from hdhwatch.read.report import provider_counts

    site = _site(request)
    q = request.query_params
    catalog = site.catalog()
    try:
        day = parse_day(q["since"], "since") if q.get("since") else None
        name = catalog.get(q["provider"]).name if q.get("provider") else None
    except QueryError as exc:
        return _json({"error": str(exc)}, 400)
    except KeyError:
        return _json({"error": f"unknown provider {q['provider']!r}"}, 400)
    with site.session() as session:
        return _json(provider_counts(session, day, catalog,
                                     relevant_only=q.get("all_articles") not in ("1", "true"),
                                     provider=name))


def api_events(request: Request) -> Response:
    from hdhwatch.read.evidence import event_rows

    site = _site(request)
    with site.session() as session:
        return _json({"confirmed": event_rows(session, request.state.lang),
                      "signals": event_rows(session, request.state.lang, status="signal")})


def api_sources(request: Request) -> Response:
    return _json(_sources_data(_site(request)))


async def not_found(request: Request, exc) -> Response:
    site = _site(request)
    if not hasattr(request.state, "lang"):
        request.state.lang = negotiate(request.query_params.get("lang"),
                                       request.headers.get("accept-language"))
    if request.url.path.startswith("/api/"):
        return _json({"error": "not found"}, 404)
    return site.error(request, 404, STRINGS[request.state.lang]["not_found_text"])


class Language:
    """Sets ``request.state.lang`` from ``?lang=`` or Accept-Language."""

    def __init__(self, app) -> None:
        self.app = app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            request = Request(scope)
            scope.setdefault("state", {})["lang"] = negotiate(
                request.query_params.get("lang"), request.headers.get("accept-language"))
        await self.app(scope, receive, send)


def create_app(settings: Settings) -> Starlette:
    """The web app over the store ``settings`` names (opened at startup, closed at
    shutdown)."""
    from starlette.middleware import Middleware

    site = Site(settings)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        site.open()
        try:
            yield
        finally:
            site.close()

    routes = [
        Route("/", home),
        Route("/articles", articles),
        Route("/articles/{article_id}", article),
        Route("/providers", providers),
        Route("/sources", sources),
        Route("/events", events),
        Route("/events.atom", events_atom),
        Route("/api/articles", api_articles),
        Route("/api/articles/{article_id}", api_article),
        Route("/api/timeline", api_timeline),
        Route("/api/providers", api_providers),
        Route("/api/events", api_events),
        Route("/api/sources", api_sources),
        Mount("/static", StaticFiles(directory=HERE / "static"), name="static"),
    ]
    app = Starlette(routes=routes, lifespan=lifespan,
                    middleware=[Middleware(ReadOnlyHeaders), Middleware(Language)],
                    exception_handlers={404: not_found})
    app.state.site = site
    return app
