"""Crawling: what a spider asks of the library (``session``), the crawl process
(``process``, run as ``python -m hdhwatch.crawl.process``) and how a caller
launches it and reads its progress (``run``).
"""
