"""Scrapy settings for hdhwatch: politeness and wiring; values come from hdhwatch's config."""

from hdhwatch.config import load_settings

HDHWATCH_SETTINGS = load_settings()

BOT_NAME = "hdhwatch"
SPIDER_MODULES = ["scrapers.spiders"]
NEWSPIDER_MODULE = "scrapers.spiders"

USER_AGENT = HDHWATCH_SETTINGS.user_agent
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = HDHWATCH_SETTINGS.concurrent_requests
# Items (and requests) handled at once per response. An article response yields one page
# and a feed's requests are queued one by one: Scrapy's default (100) only adds a cost per
# response (about 45% of Scrapy's own CPU on the benchmark's pages).
CONCURRENT_ITEMS = 1
CONCURRENT_REQUESTS_PER_DOMAIN = HDHWATCH_SETTINGS.concurrent_per_domain
DOWNLOAD_DELAY = HDHWATCH_SETTINGS.download_delay
AUTOTHROTTLE_ENABLED = HDHWATCH_SETTINGS.autothrottle
AUTOTHROTTLE_START_DELAY = max(HDHWATCH_SETTINGS.download_delay, 0.5)
AUTOTHROTTLE_MAX_DELAY = 30
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = HDHWATCH_SETTINGS.download_timeout
DOWNLOAD_MAXSIZE = HDHWATCH_SETTINGS.max_page_bytes
DOWNLOAD_WARNSIZE = 0
REDIRECT_MAX_TIMES = 5
# UrlLengthMiddleware drops long links silently: UrlPolicyMiddleware refuses them
# (url_too_long), on every request.
URLLENGTH_LIMIT = 0
RETRY_ENABLED = True
RETRY_TIMES = HDHWATCH_SETTINGS.retry_times
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
HDHWATCH_RETRY_AFTER_MAX = HDHWATCH_SETTINGS.retry_after_max
HDHWATCH_ALLOW_PRIVATE_ADDRESSES = HDHWATCH_SETTINGS.allow_private_addresses
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control runs any Python code posted to a port on localhost (its
# token in a file under the user's home): a crawler of other people's pages does not
# open one. It also cost every crawl process aiohttp's import and an SSL context.
REMOTE_CONTROL_ENABLED = False

DOWNLOADER_MIDDLEWARES = {
    # After RetryMiddleware (550) on the way out, before it on the way back.
    "scrapers.middlewares.RetryAfterMiddleware": 560,
    # Sees every request, redirects included, and each redirect before RedirectMiddleware (600).
    "scrapers.middlewares.UrlPolicyMiddleware": 650,
}
ITEM_PIPELINES = {
    "scrapers.pipelines.StorePipeline": 300,
}
LOG_FORMATTER = "scrapers.middlewares.QuietDropFormatter"
LOG_LEVEL = "INFO"
FEED_EXPORT_ENCODING = "utf-8"
TWISTED_REACTOR = "twisted.internet.asyncioreactor.AsyncioSelectorReactor"
