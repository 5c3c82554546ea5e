"""A crawl's processes die with the process that started them.

``die_with_parent`` is armed by the crawl process (its parent: the CLI or the
scheduler) and by each of its worker processes (their parent: the crawl
process), so a SIGKILL anywhere above leaves nothing running.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time


def die_with_parent(parent: int, *, poll: bool = False) -> None:
    """SIGKILL this process when ``parent`` ends, however it ends.

    SIGKILL rather than a graceful stop, which could outlast the parent by a
    download timeout: the run is marked interrupted, like any killed crawl.
    ``poll``: look for the parent every second rather than arm the kernel's
    parent-death signal, which fires when the parent's *thread* that started us
    ends (a worker process may be started from a short-lived thread).
    """
    armed = False
    if sys.platform.startswith("linux") and not poll:
        import ctypes

        pr_set_pdeathsig = 1
        # Sent when the thread that started us ends: run_crawl's caller waits in that
        # thread for as long as the crawl runs.
        libc = ctypes.CDLL(None, use_errno=True)
        armed = libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0
    if not armed:  # elsewhere: look for the parent every second
        threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    if os.getppid() != parent:  # it ended before the signal was armed
        os.kill(os.getpid(), signal.SIGKILL)


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(1.0)
    os.kill(os.getpid(), signal.SIGKILL)
