"""Kill points for tests/test_kill_points.py: SIGKILL a process at a chosen database step.

Put this directory on ``PYTHONPATH`` and Python imports this module at start-up, in the
``hdhwatch`` CLI and in the crawl process it launches alike (the child inherits the
environment). It does nothing unless ``HDHWATCH_TEST_STEPS`` names a directory:

* each process counts its *steps* -- every statement sent to the database and every
  COMMIT -- in the order they happen (one counter per process, under a lock: the crawl
  stores pages from several threads), and appends ``[n, step]`` lines to
  ``<dir>/<role>.<pid>.steps``; ``role`` is ``crawl`` for the crawl process,
  ``worker`` for the processes it starts through ``multiprocessing`` (its worker
  processes, which take no step, and the resource tracker), ``cli`` for any other;
* with ``HDHWATCH_TEST_KILL_AT`` set to ``{"role": ..., "nth": N}`` (optionally
  ``"match"``: count only the steps starting with this text, and ``"after"``: start
  counting at the first step starting with this text), the process of that role writes
  ``<dir>/killed.<role>.<pid>`` (what it was about to do) and sends itself SIGKILL just
  before its Nth counted step: no handler, no ``finally``, no flush runs.

No hook in hdhwatch itself: SQLAlchemy's engine events reach every engine.
"""

from __future__ import annotations

import os

if os.environ.get("HDHWATCH_TEST_STEPS"):
    import json
    import signal
    import sys
    import threading
    from pathlib import Path

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    _DIR = Path(os.environ["HDHWATCH_TEST_STEPS"])
    _ARGV = getattr(sys, "orig_argv", ())
    _ROLE = (
        "crawl" if "hdhwatch.crawl.process" in _ARGV
        # the crawl's worker processes and multiprocessing's resource tracker
        else "worker" if any("multiprocessing" in arg for arg in _ARGV)
        else "cli"
    )
    _KILL = json.loads(os.environ.get("HDHWATCH_TEST_KILL_AT") or "null")
    if _KILL is not None and _KILL["role"] != _ROLE:
        _KILL = None
    _lock = threading.Lock()
    _state = {"n": 0, "armed": _KILL is not None and not _KILL.get("after"), "hits": 0}
    _log = open(_DIR / f"{_ROLE}.{os.getpid()}.steps", "a", encoding="utf-8")  # noqa: SIM115

    def _step(text: str) -> None:
        text = " ".join(text.split())[:120]
        with _lock:
            _state["n"] += 1
            if _KILL is not None:
                if not _state["armed"] and text.startswith(_KILL["after"]):
                    _state["armed"] = True
                if _state["armed"] and text.startswith(_KILL.get("match") or ""):
                    _state["hits"] += 1
                    if _state["hits"] == _KILL["nth"]:
                        (_DIR / f"killed.{_ROLE}.{os.getpid()}").write_text(
                            json.dumps([_state["n"], text]), encoding="utf-8")
                        os.kill(os.getpid(), signal.SIGKILL)
            _log.write(json.dumps([_state["n"], text]) + "\n")
            _log.flush()

    @event.listens_for(Engine, "before_cursor_execute")
    def _statement(conn, cursor, statement, parameters, context, executemany) -> None:
        _step(statement)

    @event.listens_for(Engine, "commit")
    def _commit(conn) -> None:
        _step("COMMIT")
