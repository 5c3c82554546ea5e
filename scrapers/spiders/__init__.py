"""Spiders by kind of source, not by site: feeds, news sitemaps, listing pages."""
