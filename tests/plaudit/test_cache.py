"""The cache on Redis, as a site on several hosts runs it (CACHE_URL): tested against a real Redis
server (CI sets CACHE_URL=redis://127.0.0.1:6379/15 for this file and the rate-limit tests)."""

import os

import pytest
from django.conf import settings
from django.core.cache import cache
from django.urls import reverse

CACHE_URL = os.environ.get("CACHE_URL", "")
pytestmark = pytest.mark.skipif(
    not CACHE_URL.startswith("redis://"), reason="set CACHE_URL=redis://… to test the Redis cache (CI does)"
)


def test_the_cache_is_redis_when_cache_url_is_set():
    assert settings.CACHES["default"]["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    import redis

    cache.set("plaudit-check", "here", 30)
    # Straight from the server, by another client: the value is in Redis, not in this process.
    raw = redis.Redis.from_url(CACHE_URL)
    assert any(key.endswith(b"plaudit-check") for key in raw.keys("plaudit*"))
    assert cache.get("plaudit-check") == "here"
    cache.delete("plaudit-count")
    assert cache.add("plaudit-count", 0) and cache.incr("plaudit-count") == 1  # counted atomically, as limits are


def test_rate_limits_count_in_redis_across_clients(panel, settings):
    """Two hosts are two clients of one Redis: their counts add up."""
    from django.test import Client

    settings.RATELIMIT_ENABLE = True
    cache.clear()
    award = panel.stage.award
    url = reverse("nominations:start", args=[award.programme.slug, award.slug])
    one, other = Client(), Client()
    statuses = [
        (one if n % 2 else other).post(url, {"email": "same@example.org", "new": "1"}).status_code for n in range(11)
    ]
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
