"""The read-only web page: the timeline, the evidence, the search (``hdhwatch serve``).

``app.create_app(settings)`` builds the Starlette app over the store the settings
name; ``serve`` runs it under uvicorn. The pages read the store only through
``hdhwatch.read``; there is no write route at all.
"""

from __future__ import annotations

from collections.abc import Callable

from hdhwatch.config import Settings


def serve(settings: Settings, host: str = "127.0.0.1", port: int = 8000, *,
          on_ready: Callable[[str], None] | None = None) -> None:
    """Serve the page until Ctrl-C or SIGTERM; ``on_ready(url)`` once it listens."""
    import uvicorn

    from hdhwatch.web.app import create_app

    class Server(uvicorn.Server):
        def handle_exit(self, sig, frame) -> None:
            super().handle_exit(sig, frame)
            # uvicorn raises the signal again once stopped (the process then dies of it):
            # here Ctrl-C or SIGTERM is the normal end of serving, exit status 0.
            self._captured_signals.clear()

    config = uvicorn.Config(create_app(settings), host=host, port=port, log_level="warning",
                            access_log=False, server_header=False)
    server = Server(config)
    if on_ready is not None:
        startup = server.startup

        async def announce(sockets=None):
            await startup(sockets)
            if server.started:
                shown = f"[{host}]" if ":" in host else host
                on_ready(f"http://{shown}:{port}/")

        server.startup = announce
    server.run()
