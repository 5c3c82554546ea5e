"""``python -m hdhwatch``: the command line, as the ``hdhwatch`` console script."""

from hdhwatch.cli import main

main()
