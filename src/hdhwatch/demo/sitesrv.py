"""A small local web server over a folder of saved pages.

``hdhwatch demo``, the spider tests and the benchmarks crawl a folder (the
bundled ``demo_site/`` or a test's own) through this server rather than the
network. It behaves like a well-run news site: conditional requests
(``ETag`` / ``Last-Modified`` → 304), content types and charsets from the file
name, ``{{BASE}}`` in text files replaced by the server's own address, and
per-path :class:`Rule` objects to play the parts a real site plays now and then
(429 with ``Retry-After``, redirects, slow answers). Every request is recorded,
in order, in :attr:`SiteServer.requests`; nothing is logged.

Run it by hand with ``python -m hdhwatch.demo.sitesrv ROOT --port 8000``.
"""

from __future__ import annotations

import argparse
import hashlib
import mimetypes
import posixpath
import sys
import threading
import time
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

PLACEHOLDER = b"{{BASE}}"
# Files whose bytes may hold the placeholder; everything else is served untouched.
TEXT_SUFFIXES = frozenset({".html", ".htm", ".xml", ".rss", ".atom", ".txt", ".json"})
CONTENT_TYPES = {
    ".html": "text/html",
    ".htm": "text/html",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".atom": "application/atom+xml",
    ".json": "application/json",
    ".txt": "text/plain; charset=utf-8",
    ".css": "text/css; charset=utf-8",
    ".js": "text/javascript; charset=utf-8",
    ".svg": "image/svg+xml",
    ".toml": "text/plain; charset=utf-8",
    ".md": "text/markdown; charset=utf-8",
}
# A page saved in a legacy encoding says so in its file name: ``page.latin1.html``.
LEGACY_CHARSETS = {".latin1.": "iso-8859-1", ".cp1252.": "windows-1252"}


@dataclass(frozen=True)
class Rule:
    """Special behaviour for one path.

    The key of a rule is matched against the request's path with its query
    string first, then against the path alone. A rule with a 2xx status and no
    ``body`` serves the file as usual (with the rule's status and headers); an
    error status without ``body`` answers with the status's reason phrase.
    """

    status: int = 200
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes | None = None  # None: serve the file as usual
    redirect_to: str | None = None  # 301 (or the rule's 3xx status) with Location; may use {{BASE}}
    times: int | None = None  # apply to the first N requests of that path only
    delay: float = 0.0  # seconds to sleep before answering


@dataclass(frozen=True)
class RequestRecord:
    """One request as the server saw it: ``headers`` are the request's headers."""

    method: str
    path: str  # as requested, query string included
    status: int
    headers: dict[str, str]
    time: float  # time.monotonic() when the request arrived


@dataclass(frozen=True)
class _Reply:
    status: int
    headers: list[tuple[str, str]]
    body: bytes = b""


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 128  # many crawler connections may open at once

    def __init__(self, address: tuple[str, int], site: SiteServer) -> None:
        self.site = site
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        """Quiet when a client hangs up mid-answer; anything else is a bug worth a traceback."""
        if not isinstance(sys.exc_info()[1], ConnectionError | TimeoutError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    protocol_version = "HTTP/1.1"  # keep-alive: crawlers reuse connections
    server_version = "hdhwatch-sitesrv/1"
    sys_version = ""
    timeout = 30  # an idle keep-alive connection is dropped after this
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms stall

    def do_GET(self) -> None:
        self._answer(send_body=True)

    def do_HEAD(self) -> None:
        self._answer(send_body=False)

    def _method_not_allowed(self) -> None:
        self._answer(send_body=True, allowed=False)

    do_POST = do_PUT = do_DELETE = do_PATCH = _method_not_allowed

    def log_message(self, format: str, *args: object) -> None:
        """Quiet: the request log is :attr:`SiteServer.requests`."""

    def _answer(self, send_body: bool, allowed: bool = True) -> None:
        arrived = time.monotonic()
        site = self.server.site
        if allowed:
            try:
                reply = site.respond(self.path, dict(self.headers.items()))
            except Exception as exc:  # answered as a 500, and kept in the request log
                reply = _Reply(500, [("Content-Type", "text/plain")], repr(exc).encode())
        else:
            reply = _Reply(405, [("Allow", "GET, HEAD")], b"Method Not Allowed\n")
        record = RequestRecord(
            self.command, self.path, reply.status, dict(self.headers.items()), arrived
        )
        site._record(record)
        self.send_response(reply.status)
        for name, value in reply.headers:
            self.send_header(name, value)
        if reply.status != 304:
            self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        if send_body and reply.status != 304 and reply.body:
            self.wfile.write(reply.body)


class SiteServer:
    """Serve ``root`` over HTTP on ``host:port`` (port 0: any free port) in a daemon thread."""

    def __init__(
        self,
        root: Path,
        host: str = "127.0.0.1",
        port: int = 0,
        rules: dict[str, Rule] | None = None,
        substitute: bool = True,
    ) -> None:
        self.root = Path(root).resolve()
        self.host = host
        self.port = port
        self.rules = dict(rules or {})
        self.substitute = substitute
        self.base_url = ""
        self.requests: list[RequestRecord] = []
        self._lock = threading.Lock()
        self._rule_hits: dict[str, int] = {}
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None

    # lifecycle ---------------------------------------------------------------

    def bind(self) -> SiteServer:
        """Open the listening socket and learn :attr:`base_url`, without serving yet."""
        if self._httpd is None:
            self._httpd = _HTTPServer((self.host, self.port), self)
            port = self._httpd.server_address[1]
            shown = "127.0.0.1" if self.host in ("", "0.0.0.0") else self.host
            self.base_url = f"http://{shown}:{port}"
        return self

    def start(self) -> SiteServer:
        httpd = self.bind()._httpd
        assert httpd is not None
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in the calling thread until interrupted (used by :func:`main`)."""
        httpd = self.bind()._httpd
        assert httpd is not None
        try:
            httpd.serve_forever(poll_interval=0.2)
        finally:
            httpd.server_close()

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = None
        self._thread = None

    def __enter__(self) -> SiteServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    # request log -------------------------------------------------------------

    def _record(self, record: RequestRecord) -> None:
        with self._lock:
            self.requests.append(record)

    def requests_for(self, path: str) -> list[RequestRecord]:
        """The requests whose path, with or without its query string, is ``path``."""
        with self._lock:
            return [r for r in self.requests if r.path == path or r.path.split("?", 1)[0] == path]

    # answering ---------------------------------------------------------------

    def respond(self, target: str, headers: dict[str, str]) -> _Reply:
        """The reply to a GET of ``target`` (path and query) with request ``headers``."""
        path = urlsplit(target).path or "/"
        rule = self._take_rule(target, path)
        if rule is None:
            return self._serve_file(path, headers)
        if rule.delay:
            time.sleep(rule.delay)
        extra = list(rule.headers)
        if rule.redirect_to is not None:
            status = rule.status if 300 <= rule.status < 400 else 301
            location = rule.redirect_to.replace("{{BASE}}", self.base_url)
            return _Reply(status, [("Location", location), *extra], b"")
        if rule.body is not None:
            if not any(name.lower() == "content-type" for name, _ in extra):
                extra.append(("Content-Type", "text/html; charset=utf-8"))
            return _Reply(rule.status, extra, rule.body)
        if rule.status >= 300:
            reason = _reason(rule.status)
            return _Reply(
                rule.status, [("Content-Type", "text/plain; charset=utf-8"), *extra], reason
            )
        reply = self._serve_file(path, headers)
        if reply.status == 200:
            return _Reply(rule.status, reply.headers + extra, reply.body)
        return reply

    def _take_rule(self, target: str, path: str) -> Rule | None:
        key = target if target in self.rules else path if path in self.rules else None
        if key is None:
            return None
        rule = self.rules[key]
        with self._lock:
            hits = self._rule_hits.get(key, 0)
            self._rule_hits[key] = hits + 1
        if rule.times is not None and hits >= rule.times:
            return None
        return rule

    def _resolve(self, path: str) -> Path | None:
        """The file for a URL path, or None when there is none (or it lies outside root)."""
        clean = posixpath.normpath(unquote(path))
        candidate = (self.root / clean.lstrip("/")).resolve()
        if not candidate.is_relative_to(self.root):
            return None
        if candidate.is_dir():
            candidate = candidate / "index.html"
        return candidate if candidate.is_file() else None

    def _serve_file(self, path: str, headers: dict[str, str]) -> _Reply:
        file = self._resolve(path)
        if file is None:
            return _Reply(404, [("Content-Type", "text/plain; charset=utf-8")], b"Not Found\n")
        if file.name == "index.html" and not path.endswith(("/", "index.html")):
            # a folder asked without its slash: send the client where relative links work
            return _Reply(301, [("Location", path + "/")], b"")
        stat = file.stat()
        body = file.read_bytes()
        if self.substitute and file.suffix.lower() in TEXT_SUFFIXES and PLACEHOLDER in body:
            body = body.replace(PLACEHOLDER, self.base_url.encode("ascii"))
        etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
        mtime = int(stat.st_mtime)
        validators = [("ETag", etag), ("Last-Modified", formatdate(mtime, usegmt=True))]
        if _not_modified(headers, etag, mtime):
            return _Reply(304, validators)
        return _Reply(200, [("Content-Type", content_type(file.name)), *validators], body)


def content_type(name: str) -> str:
    """The Content-Type header for a file name, charset included for text."""
    lower = name.lower()
    suffix = posixpath.splitext(lower)[1]
    if suffix in (".html", ".htm"):
        charset = next((cs for tag, cs in LEGACY_CHARSETS.items() if tag in lower), "utf-8")
        return f"text/html; charset={charset}"
    if suffix in CONTENT_TYPES:
        return CONTENT_TYPES[suffix]
    guessed, _ = mimetypes.guess_type(lower)
    return guessed or "application/octet-stream"


def _not_modified(headers: dict[str, str], etag: str, mtime: int) -> bool:
    lowered = {k.lower(): v for k, v in headers.items()}
    if "if-none-match" in lowered:  # takes precedence over If-Modified-Since (RFC 9110)
        tags = [t.strip() for t in lowered["if-none-match"].split(",")]
        return "*" in tags or any(t.removeprefix("W/") == etag for t in tags)
    since = lowered.get("if-modified-since")
    if since:
        try:
            return mtime <= int(parsedate_to_datetime(since).timestamp())
        except (TypeError, ValueError, IndexError):
            return False
    return False


def _reason(status: int) -> bytes:
    try:
        return (HTTPStatus(status).phrase + "\n").encode("ascii")
    except ValueError:
        return b""


def main(argv: list[str] | None = None) -> None:
    """Serve a folder in the foreground: ``python -m hdhwatch.demo.sitesrv ROOT --port 8000``."""
    parser = argparse.ArgumentParser(
        prog="python -m hdhwatch.demo.sitesrv", description="Serve a folder of saved pages."
    )
    parser.add_argument("root", type=Path, help="folder to serve")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--no-substitute", action="store_true", help="leave {{BASE}} as it is")
    args = parser.parse_args(argv)
    if not args.root.is_dir():
        parser.error(f"{args.root} is not a folder")
    server = SiteServer(
        args.root, host=args.host, port=args.port, substitute=not args.no_substitute
    )
    server.bind()
    print(f"serving {args.root} at {server.base_url}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        sys.stdout.flush()


if __name__ == "__main__":
    main()
