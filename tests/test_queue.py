"""The shared queue on the real local Redis: enqueueing due sources, in-flight lists and
their recovery, per-site politeness shared by workers, and the commands around them."""

from __future__ import annotations

import pickle
from datetime import timedelta

import pytest
import redis
from click.testing import CliRunner

from hdhwatch.cli import main
from hdhwatch.config import load_settings
from hdhwatch.crawl import distributed
from hdhwatch.errors import ConfigError
from hdhwatch.schedule import enqueue_due, run_pass

SOURCES = "".join(
    f'[[source]]\nname = "{name}"\nkind = "feed"\nurls = ["https://{name}.example.org/rss"]\n'
    f'cadence = "30m"\n'
    for name in ("alpha", "beta")
)


@pytest.fixture
def client(redis_url):
    c = redis.Redis.from_url(redis_url)
    yield c
    c.close()


@pytest.fixture
def queue_settings(make_settings, redis_url, redis_prefix):
    def build(sources: str = SOURCES):
        settings = make_settings(sources, extra=f'redis_prefix = "{redis_prefix}"\n')
        return load_settings({
            "HDHWATCH_CONFIG_DIR": str(settings.config_dir),
            "HDHWATCH_DATA_DIR": str(settings.data_dir),
            "HDHWATCH_DATABASE_URL": settings.database_url,
            "HDHWATCH_REDIS_URL": redis_url,
        })

    return build


def seeds(client, prefix: str) -> list[str]:
    return [s.decode() for s in client.lrange(f"{prefix}:seeds", 0, -1)]


def test_due_sources_are_enqueued_once_per_cadence(queue_settings, client, redis_prefix):
    settings = queue_settings()
    first = enqueue_due(settings)
    assert first.sources == ["alpha", "beta"] and first.already == []
    again = enqueue_due(settings)  # still due in the store, but already in the queue
    assert again.sources == [] and again.already == ["alpha", "beta"]
    named = enqueue_due(settings, ["beta"])  # named: pushed anyway
    assert named.sources == ["beta"]
    assert seeds(client, redis_prefix) == ["alpha", "beta", "beta"]
    ttl = client.ttl(f"{redis_prefix}:seeded:alpha")
    assert 0 < ttl <= timedelta(minutes=30).total_seconds()


def test_run_enqueues_instead_of_crawling_when_a_queue_is_configured(
    queue_settings, client, redis_prefix
):
    settings = queue_settings()
    report = run_pass(settings)
    assert report.crawled == [] and report.enqueued.sources == ["alpha", "beta"]
    assert seeds(client, redis_prefix) == ["alpha", "beta"]


def test_enqueue_command(queue_settings, redis_prefix, client):
    settings = queue_settings()
    runner = CliRunner()
    result = runner.invoke(main, ["enqueue"], obj={"settings": settings})
    assert result.exit_code == 0, result.output
    assert "enqueued for the workers: alpha, beta" in result.output
    result = runner.invoke(main, ["enqueue"], obj={"settings": settings})
    assert "already enqueued this cadence: alpha, beta" in result.output
    result = runner.invoke(main, ["enqueue", "nosuch"], obj={"settings": settings})
    assert result.exit_code == 2 and "no source named 'nosuch'" in result.output


def test_worker_and_enqueue_need_a_queue(make_settings):
    settings = make_settings(SOURCES)
    for command in (["worker"], ["enqueue"]):
        result = CliRunner().invoke(main, command, obj={"settings": settings})
        assert result.exit_code == 2
        assert "set [crawl] redis_url" in result.output


def test_redis_url_is_checked(make_settings):
    settings = make_settings(SOURCES)
    env = {"HDHWATCH_CONFIG_DIR": str(settings.config_dir),
           "HDHWATCH_DATA_DIR": str(settings.data_dir)}
    with pytest.raises(ConfigError, match="HDHWATCH_REDIS_URL: 'http://x' is not a Redis URL"):
        load_settings({**env, "HDHWATCH_REDIS_URL": "http://x"})
    assert load_settings({**env, "HDHWATCH_REDIS_URL": "redis://q:6379/2"}).redis_url


def test_an_unreachable_queue_is_one_line(queue_settings):
    from dataclasses import replace

    settings = replace(queue_settings(), redis_url="redis://127.0.0.1:1/0")
    with pytest.raises(distributed.QueueUnavailable, match="Redis not reachable at"):
        distributed.connect(settings)


def test_a_dead_workers_requests_go_back_to_the_queue(client, redis_prefix):
    keys = distributed.Keys(redis_prefix)
    for n in range(3):
        client.lpush(keys.requests, pickle.dumps({"url": f"https://a.example/{n}"}))
    dead = distributed.InFlight(client, keys, "dead")
    live = distributed.InFlight(client, keys, "live")
    dead.beat()
    live.beat()
    held = [dead.claim(), dead.claim()]  # popped, not finished
    assert client.llen(keys.requests) == 1 and client.llen(keys.inflight("dead")) == 2
    dead.release(held[0])  # finished: it leaves the in-flight list
    assert live.recover() == 0  # its heartbeat still runs: nothing moves
    client.delete(keys.alive("dead"))  # the heartbeat expires (the worker was killed)
    assert live.recover() == 1
    assert client.llen(keys.inflight("dead")) == 0
    queued = client.lrange(keys.requests, 0, -1)
    assert held[1] in queued and held[0] not in queued and len(queued) == 2
    assert client.smembers(keys.workers) == {b"live"}
    assert live.recover() == 0  # moved once, never twice


def test_sites_slots_and_retry_after_are_shared(client, redis_prefix):
    keys = distributed.Keys(redis_prefix)
    one = distributed.HostPoliteness(client, keys, concurrency=2, delay=0, token_ttl=30)
    other = distributed.HostPoliteness(client, keys, concurrency=2, delay=0, token_ttl=30)
    assert one.try_acquire("site.example", "a") == 0
    assert other.try_acquire("site.example", "b") == 0
    assert one.try_acquire("site.example", "c") > 0  # two downloads at once, between them
    assert one.try_acquire("other.example", "d") == 0  # per site
    other.release("site.example", "b")
    assert one.try_acquire("site.example", "c") == 0
    one.release("site.example", "a")
    one.release("site.example", "c")
    other.hold("site.example", 30)  # a Retry-After seen by one worker …
    wait = one.try_acquire("site.example", "e")  # … holds the site for the other
    assert 25 < wait <= 30
    other.hold("site.example", 1)  # a shorter one never shortens the hold
    assert one.try_acquire("site.example", "e") > 25


def test_the_delay_between_downloads_is_shared(client, redis_prefix):
    keys = distributed.Keys(redis_prefix)
    one = distributed.HostPoliteness(client, keys, concurrency=2, delay=20, token_ttl=30)
    other = distributed.HostPoliteness(client, keys, concurrency=2, delay=20, token_ttl=30)
    assert one.try_acquire("site.example", "a") == 0
    one.release("site.example", "a")
    assert 15 < other.try_acquire("site.example", "b") <= 20


def test_a_request_is_marked_seen_and_queued_in_one_step(client, redis_prefix):
    keys = distributed.Keys(redis_prefix)
    flight = distributed.InFlight(client, keys, "w")
    fingerprint = f"{keys.dupefilter}:abc"
    assert flight.push_new(fingerprint, b"request")
    assert not flight.push_new(fingerprint, b"request")  # another worker found it too
    assert client.lrange(keys.requests, 0, -1) == [b"request"]
    assert 0 < client.ttl(fingerprint) <= distributed.DUPEFILTER_TTL


def test_the_schedulers_crawl_job_enqueues_when_a_queue_is_configured(
    queue_settings, client, redis_prefix, redis_url, monkeypatch
):
    from hdhwatch.schedule import crawl_job

    settings = queue_settings()
    for name, value in {"HDHWATCH_CONFIG_DIR": str(settings.config_dir),
                        "HDHWATCH_DATA_DIR": str(settings.data_dir),
                        "HDHWATCH_DATABASE_URL": settings.database_url,
                        "HDHWATCH_REDIS_URL": redis_url}.items():
        monkeypatch.setenv(name, value)
    crawl_job("alpha")
    crawl_job("alpha")  # the same cadence: once
    assert seeds(client, redis_prefix) == ["alpha"]
