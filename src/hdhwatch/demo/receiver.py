"""A webhook receiver on a loopback port: what a team's chat bridge or a tool consuming
hdhwatch's JSON webhook would run. ``hdhwatch demo`` subscribes its reader's webhook
channel to one, and the channel tests use it as the far end of a real HTTP post.

Every POST is recorded (path, headers, JSON body) in :attr:`WebhookReceiver.posts` and
answered 200. ``stop()`` then ``start()`` again serves the same port: a receiver that
was down comes back where its subscribers expect it.
"""

from __future__ import annotations

import json
import socket
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookReceiver:
    def __init__(self, port: int = 0, path: str = "/hooks/hdhwatch") -> None:
        if not port:
            with socket.socket() as probe:
                probe.bind(("127.0.0.1", 0))
                port = probe.getsockname()[1]
        self.port = port
        self.path = path
        self.posts: list[dict] = []
        self._lock = threading.Lock()
        self._server: ThreadingHTTPServer | None = None

    def apprise_url(self, credentials: str = "") -> str:
        """The Apprise URL that posts JSON here (``user:password`` for Basic auth)."""
        auth = f"{credentials}@" if credentials else ""
        return f"json://{auth}127.0.0.1:{self.port}{self.path}"

    def start(self) -> WebhookReceiver:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    payload = json.loads(body)
                except ValueError:
                    payload = {"raw": body.decode("utf-8", "replace")}
                with receiver._lock:
                    receiver.posts.append(
                        {"path": self.path, "headers": dict(self.headers), "body": payload})
                self.send_response(200)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> WebhookReceiver:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
