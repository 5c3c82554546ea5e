"""The store: the database (``db``), its tables (``models``), and the writes to it.

``articles`` writes sources, crawl runs, conditional-GET state and articles;
``classifications`` writes what the classifier found about an article.
Reading is the ``read`` stage's.
"""
