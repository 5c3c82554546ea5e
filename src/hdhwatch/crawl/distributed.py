"""Many machines: the Redis queue that ``hdhwatch worker`` processes crawl together.

The scheduler (``hdhwatch schedule``, ``run`` or ``enqueue``) pushes the names of
the due sources; any worker pops one, fetches its feeds, sitemaps or listings,
and pushes the article requests it finds into the shared scrapy-redis queue, which
every worker pops from. A shared duplicate filter asks for each page once. Each
worker stores what it fetches into the one database (PostgreSQL), one transaction
per article, idempotent by canonical URL.

Nothing is lost when a worker dies: a request moves atomically from the queue to
the worker's in-flight list when popped (LMOVE), and leaves it only once its
article is stored or its failure recorded. A worker beats a heartbeat key with a
short expiry; a live worker moves a silent worker's in-flight requests back to the
queue. Politeness holds across workers: the downloads running on a host, the
delay between two of them and a Retry-After's "not before" are kept in Redis,
timed by the Redis server's clock (machines' clocks may differ).

Keys, all under ``[crawl] redis_prefix`` (``P``):

==========================  ================================================================
``P:seeds``                 list of source names to discover, pushed by the scheduler
``P:seeded:SOURCE``         set when SOURCE is enqueued; expires a little before its cadence
``P:requests``              the shared queue of serialized Scrapy requests (FIFO list)
``P:dupefilter:FP``         one per request fingerprint asked for; expires after an hour
``P:workers``               set of the workers' ids
``P:alive:WORKER``          a worker's heartbeat; expires ``HEARTBEAT_TTL`` after its last beat
``P:inflight:WORKER``       list: the requests a worker popped and has not finished
``P:slots:HOST``            sorted set: downloads running on HOST (every worker), by expiry
``P:next:HOST``             when the next download from HOST may start (``download_delay``)
``P:notbefore:HOST``        no download from HOST before this time (a 429/503's Retry-After)
``P:timeline``              lock: one worker at a time moves the timeline
==========================  ================================================================
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass

from hdhwatch.config import Settings, SourceConfig
from hdhwatch.errors import HdhwatchError, InvalidInput

HEARTBEAT_EVERY = 1.0  # seconds between a worker's beats
HEARTBEAT_TTL = 5.0  # a worker silent this long is dead: its in-flight requests go back
DUPEFILTER_TTL = 3600  # seconds a fingerprint is remembered: one crawl, not forever
TIMELINE_LOCK_MS = 120_000


class QueueUnavailable(HdhwatchError):
    """The Redis server of ``[crawl] redis_url`` cannot be reached."""


class NoQueue(InvalidInput):
    """A command needs the shared queue and no ``redis_url`` is configured."""


@dataclass(frozen=True)
class Keys:
    """The names of hdhwatch's keys under one prefix."""

    prefix: str

    @property
    def seeds(self) -> str:
        return f"{self.prefix}:seeds"

    @property
    def requests(self) -> str:
        return f"{self.prefix}:requests"

    @property
    def dupefilter(self) -> str:
        return f"{self.prefix}:dupefilter"

    @property
    def workers(self) -> str:
        return f"{self.prefix}:workers"

    @property
    def timeline(self) -> str:
        return f"{self.prefix}:timeline"

    def seeded(self, source: str) -> str:
        return f"{self.prefix}:seeded:{source}"

    def alive(self, worker: str) -> str:
        return f"{self.prefix}:alive:{worker}"

    def inflight(self, worker: str) -> str:
        return f"{self.prefix}:inflight:{worker}"

    def host(self, kind: str, host: str) -> str:
        return f"{self.prefix}:{kind}:{host}"


def connect(settings: Settings):
    """A client of the configured Redis server, checked with a PING."""
    import redis

    if not settings.redis_url:
        raise NoQueue(
            "no shared queue is configured: set [crawl] redis_url in hdhwatch.toml "
            "or HDHWATCH_REDIS_URL"
        )
    client = redis.Redis.from_url(settings.redis_url, socket_connect_timeout=5)
    try:
        client.ping()
    except redis.RedisError as exc:
        where = _shown(settings.redis_url)
        raise QueueUnavailable(f"Redis not reachable at {where}: {exc}") from None
    return client


def _shown(url: str) -> str:
    """A Redis URL without its password."""
    import re

    return re.sub(r"(//[^/@]*:)[^/@]*@", r"\1***@", url)


def new_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


# --- the scheduler's side ---------------------------------------------------------------------
@dataclass(frozen=True)
class Enqueued:
    sources: list[str]  # pushed now
    already: list[str]  # enqueued less than a cadence ago: left alone


def enqueue(
    client, keys: Keys, sources: Sequence[SourceConfig], *, force: bool = False
) -> Enqueued:
    """Push these sources for the workers to discover, each at most once per cadence
    (``force``: even so)."""
    pushed, already = [], []
    for source in sources:
        cadence = source.cadence.total_seconds()
        # a little less than the cadence: the scheduler's next tick, a few ms early,
        # must find the mark gone rather than skip the source for a whole cadence
        ttl = max(int(cadence - min(60.0, cadence / 10)), 1)
        fresh = client.set(keys.seeded(source.name), "1", nx=not force, ex=ttl)
        if not fresh:
            already.append(source.name)
            continue
        client.rpush(keys.seeds, source.name)
        pushed.append(source.name)
    return Enqueued(pushed, already)


@dataclass(frozen=True)
class QueueState:
    seeds: int
    requests: int
    in_flight: dict[str, int]  # worker -> requests it holds
    alive: list[str]


def queue_state(client, keys: Keys) -> QueueState:
    workers = sorted(w.decode() for w in client.smembers(keys.workers))
    held = {w: client.llen(keys.inflight(w)) for w in workers}
    alive = [w for w in workers if client.exists(keys.alive(w))]
    return QueueState(client.llen(keys.seeds), client.llen(keys.requests), held, alive)


def is_quiet(state: QueueState) -> bool:
    """Nothing left to do for any worker: no seed, no queued request, none in flight."""
    return not state.seeds and not state.requests and not any(state.in_flight.values())


# --- the worker's side ------------------------------------------------------------------------
class InFlight:
    """One worker's in-flight list, its heartbeat, and the recovery of dead workers' lists."""

    def __init__(self, client, keys: Keys, worker: str) -> None:
        self.client = client
        self.keys = keys
        self.worker = worker
        self.key = keys.inflight(worker)
        self._push_script = None

    def push_new(self, fingerprint_key: str, raw: bytes) -> bool:
        """Queue a request unless its fingerprint was seen, in one step: a worker killed
        between marking it seen and queueing it would lose it (the mark would filter every
        later attempt). Whether it was queued."""
        return bool(self._push_new(keys=[fingerprint_key, self.keys.requests],
                                   args=[raw, DUPEFILTER_TTL]))

    @property
    def _push_new(self):
        if self._push_script is None:
            self._push_script = self.client.register_script(_PUSH_NEW)
        return self._push_script

    def claim(self) -> bytes | None:
        """Pop the oldest queued request into this worker's in-flight list, atomically."""
        return self.client.lmove(self.keys.requests, self.key, "RIGHT", "LEFT")

    def release(self, raw: bytes | None) -> None:
        """The request is finished (stored, dropped, failed, or queued again)."""
        if raw is not None:
            self.client.lrem(self.key, 1, raw)

    def beat(self) -> None:
        pipe = self.client.pipeline()
        pipe.sadd(self.keys.workers, self.worker)
        pipe.set(self.keys.alive(self.worker), "1", px=int(HEARTBEAT_TTL * 1000))
        pipe.execute()

    def recover(self) -> int:
        """Queue again, first in line, the in-flight requests of workers whose heartbeat
        expired; the number moved. LMOVE is atomic: two live workers never both get one."""
        moved = 0
        for member in self.client.smembers(self.keys.workers):
            worker = member.decode()
            if worker == self.worker or self.client.exists(self.keys.alive(worker)):
                continue
            source = self.keys.inflight(worker)
            while self.client.lmove(source, self.keys.requests, "RIGHT", "RIGHT") is not None:
                moved += 1
            self.client.srem(self.keys.workers, worker)
        return moved

    def leave(self) -> None:
        """A worker stopping cleanly: what it still holds goes back to the queue."""
        while self.client.lmove(self.key, self.keys.requests, "RIGHT", "RIGHT") is not None:
            pass
        self.client.delete(self.keys.alive(self.worker))
        self.client.srem(self.keys.workers, self.worker)


# KEYS: fingerprint, queue; ARGV: the request, the fingerprint's lifetime in seconds.
_PUSH_NEW = """
if redis.call('SET', KEYS[1], '1', 'NX', 'EX', tonumber(ARGV[2])) then
  redis.call('LPUSH', KEYS[2], ARGV[1])
  return 1
end
return 0
"""
# Slots and delay of a host, shared by every worker; times from the Redis server's clock.
# KEYS: slots, next, notbefore, slowdown; ARGV: token, max downloads, delay ms, token expiry
# ms. Returns 0 when the token is taken, else the milliseconds to wait before trying again.
_ACQUIRE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local hold = tonumber(redis.call('GET', KEYS[3]) or '0')
if hold > now then return hold - now end
local nxt = tonumber(redis.call('GET', KEYS[2]) or '0')
if nxt > now then return nxt - now end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 25 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[4]), ARGV[1])
redis.call('PEXPIRE', KEYS[1], tonumber(ARGV[4]))
local delay = math.max(tonumber(ARGV[3]), tonumber(redis.call('GET', KEYS[4]) or '0'))
if delay > 0 then
  redis.call('SET', KEYS[2], now + delay, 'PX', delay + 1000)
end
return 0
"""
# KEYS: notbefore, slowdown; ARGV: hold ms, slowdown ms, slowdown lifetime ms. Neither the
# hold nor the slowdown is ever shortened by a later, smaller one.
_HOLD = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local until_ = now + tonumber(ARGV[1])
local cur = tonumber(redis.call('GET', KEYS[1]) or '0')
if until_ > cur then redis.call('SET', KEYS[1], until_, 'PX', tonumber(ARGV[1]) + 1000) end
local slow = tonumber(redis.call('GET', KEYS[2]) or '0')
redis.call('SET', KEYS[2], math.max(slow, tonumber(ARGV[2])), 'PX', tonumber(ARGV[3]))
return until_
"""
SLOWDOWN_MAX = 60.0  # seconds: after a Retry-After, downloads from the site this far apart …
SLOWDOWN_FOR = 600.0  # … for this long (the shared form of RetryAfterMiddleware._slow_down)


class HostPoliteness:
    """Per-host concurrency, delay and Retry-After shared by every worker through Redis."""

    def __init__(self, client, keys: Keys, concurrency: int, delay: float, token_ttl: float):
        self.client = client
        self.keys = keys
        self.concurrency = concurrency
        self.delay_ms = int(delay * 1000)
        self.token_ttl_ms = int(token_ttl * 1000)
        self._acquire = client.register_script(_ACQUIRE)
        self._hold = client.register_script(_HOLD)

    def _keys(self, host: str) -> list[str]:
        return [self.keys.host(k, host) for k in ("slots", "next", "notbefore", "slowdown")]

    def try_acquire(self, host: str, token: str) -> float:
        """0 when this download may start now (its token taken), else seconds to wait."""
        wait = self._acquire(
            keys=self._keys(host),
            args=[token, self.concurrency, self.delay_ms, self.token_ttl_ms],
        )
        return int(wait) / 1000

    def release(self, host: str, token: str) -> None:
        self.client.zrem(self.keys.host("slots", host), token)

    def hold(self, host: str, seconds: float) -> None:
        """No download from ``host``, by any worker, for ``seconds`` from now; then, for a
        while, downloads from it that far apart (at most ``SLOWDOWN_MAX``): 429 means slow
        down."""
        self._hold(
            keys=[self.keys.host("notbefore", host), self.keys.host("slowdown", host)],
            args=[int(seconds * 1000), int(min(seconds, SLOWDOWN_MAX) * 1000),
                  int(SLOWDOWN_FOR * 1000)],
        )


def take_timeline_turn(client, keys: Keys, worker: str) -> bool:
    """Whether this worker may move the timeline now (one worker at a time)."""
    return bool(client.set(keys.timeline, worker, nx=True, px=TIMELINE_LOCK_MS))


def end_timeline_turn(client, keys: Keys, worker: str) -> None:
    if client.get(keys.timeline) == worker.encode():
        client.delete(keys.timeline)


# --- the worker process -----------------------------------------------------------------------
def run_worker(
    settings: Settings, *, idle_exit: float | None = None, log_level: str = "INFO",
    worker_id: str | None = None,
) -> int:
    """Run one worker in this process until SIGTERM, or until the whole queue has been
    quiet for ``idle_exit`` seconds. Scrapy's reactor cannot restart: one call per process."""
    from scrapy.crawler import CrawlerProcess
    from scrapy.settings import Settings as ScrapySettings

    connect(settings).close()  # fail here, in one line, when Redis is unreachable
    keys = Keys(settings.redis_prefix)
    scrapy_settings = ScrapySettings()
    scrapy_settings.setmodule("scrapers.settings", priority="project")
    overrides = {
        "HDHWATCH_SETTINGS": settings,
        "LOG_LEVEL": log_level,
        "REDIS_URL": settings.redis_url,
        "SCHEDULER": "scrapers.distributed.ReliableScheduler",
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.FifoQueue",
        "SCHEDULER_QUEUE_KEY": keys.requests,
        "SCHEDULER_DUPEFILTER_KEY": keys.dupefilter,
        "DUPEFILTER_CLASS": "scrapers.distributed.ExpiringDupeFilter",
        "SCHEDULER_PERSIST": True,
        # The delay between two downloads from a site is kept in Redis, for all workers, and
        # so is the slowdown after a Retry-After. A local delay (AutoThrottle's, a local
        # slowdown) would keep a shared slot taken while its request waits in this worker.
        "DOWNLOAD_DELAY": 0,
        "AUTOTHROTTLE_ENABLED": False,
        "HDHWATCH_SHARED_POLITENESS": True,
        "HDHWATCH_SHARED_DELAY": settings.download_delay,
        "HDHWATCH_REDIS_PREFIX": settings.redis_prefix,
        "HDHWATCH_WORKER_ID": worker_id or new_worker_id(),
        "HDHWATCH_IDLE_EXIT": idle_exit,
    }
    for name, value in overrides.items():
        scrapy_settings.set(name, value, priority="cmdline")
    downloader = dict(scrapy_settings.getdict("DOWNLOADER_MIDDLEWARES"))
    downloader["scrapers.distributed.SharedPolitenessMiddleware"] = 950
    scrapy_settings.set("DOWNLOADER_MIDDLEWARES", downloader, priority="cmdline")
    spider_mw = dict(scrapy_settings.getdict("SPIDER_MIDDLEWARES"))
    spider_mw["scrapers.distributed.InFlightMiddleware"] = 10
    scrapy_settings.set("SPIDER_MIDDLEWARES", spider_mw, priority="cmdline")
    process = CrawlerProcess(scrapy_settings)  # installs the reactor: import spiders after

    from scrapers.worker import WorkerSpider

    process.crawl(WorkerSpider)
    process.start()
    return 0
