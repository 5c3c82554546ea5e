"""The ``hdhwatch`` command line: each command parses, calls the library, formats.

``main`` is the group of ``cli.main`` with the mail commands (``cli.mail``)
and the reporting ones (``cli.report``) added; the helpers they all share are
in ``cli.output``. Library errors become a one-line ``Error: …`` at this edge,
never a traceback.
"""

from hdhwatch.cli import mail, report
from hdhwatch.cli.main import main

mail.register(main)
report.register(main)

__all__ = ["main"]
