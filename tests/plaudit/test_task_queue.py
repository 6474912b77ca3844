"""The task queue on Redis (RQ_URL): django-tasks' RQ backend, with a real Redis server.

Skipped unless RQ_URL is set (CI sets it to a database of the Redis on 127.0.0.1). The tests
queue work as the site does, see it wait in Redis, then run an RQ worker over the queue (in this
process, so it reaches the test database) and see the work done.
"""

import os

import pytest
import redis
from django.core import mail
from django.urls import reverse
from django_rq import get_worker

from judging.models import ShortlistPack
from tests.factories import kindness_award

RQ_URL = os.environ.get("RQ_URL")
pytestmark = [
    pytest.mark.skipif(not RQ_URL, reason="set RQ_URL=redis://… to test the RQ task queue (CI does)"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def rq_queue(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": RQ_URL, "DEFAULT_TIMEOUT": 600}}
    redis.Redis.from_url(RQ_URL).flushdb()
    yield
    redis.Redis.from_url(RQ_URL).flushdb()


def work_the_queue() -> None:
    # SimpleWorker runs each job in this process rather than a forked one, so it sees the test database.
    get_worker("default", job_class="django_tasks_rq.Job", worker_class="rq.SimpleWorker").work(burst=True)


def queued() -> int:
    from django_rq import get_queue

    return get_queue("default").count


def test_an_email_waits_in_redis_until_a_worker_sends_it(client, rq_queue):
    award = kindness_award()
    client.post(reverse("nominations:start", args=[award.programme.slug, award.slug]), {"email": "ada@example.org"})
    mail.outbox.clear()
    client.post(reverse("nominations:find"), {"email": "ada@example.org"})
    assert queued() == 1 and mail.outbox == []
    work_the_queue()
    assert queued() == 0 and [(m.to, m.subject) for m in mail.outbox] == [(["ada@example.org"], "Your nominations")]


def test_a_shortlist_pack_is_built_by_the_worker_and_downloaded(client, scored, rq_queue):
    stage, chidi = scored.stage, scored.people["chidi"]
    client.force_login(chidi)
    response = client.post(reverse("judging:shortlist_request", args=[stage.pk]))
    pack = ShortlistPack.objects.get()
    assert response.status_code == 302 and pack.status == "queued" and queued() == 1
    work_the_queue()
    pack.refresh_from_db()
    assert pack.status == "done", pack.error
    download = client.get(reverse("judging:shortlist_download", args=[stage.pk, pack.pk]))
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF-")
