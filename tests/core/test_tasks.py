"""Celery through the real Redis broker: a worker round trip, on-commit enqueueing, a broker that is down."""

import logging
import time

import pytest
from django.db import transaction

from branches.models import Organization
from config.celery import app
from core.queue import enqueue_on_commit, send_task_now
from core.tasks import ping


class Rollback(Exception):
    pass


def _queued(redis_client) -> int:
    # kombu's Redis transport keeps a queue as a list of messages.
    return redis_client.llen(app.conf.task_default_queue)


@pytest.mark.worker
def test_ping_round_trips_through_a_real_worker(celery_worker_process):
    result = ping.delay(41)

    assert result.get(timeout=20) == 42
    assert result.successful()


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_in_a_rolled_back_transaction_is_never_sent(real_broker):
    before = _queued(real_broker)

    with pytest.raises(Rollback), transaction.atomic():
        enqueue_on_commit(ping, 1)
        raise Rollback

    assert _queued(real_broker) == before


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_in_a_committed_transaction_is_sent_once_after_commit(real_broker):
    before = _queued(real_broker)

    with transaction.atomic():
        enqueue_on_commit(ping, 1)
        # Nothing leaves before the commit: a worker could otherwise read uncommitted rows.
        assert _queued(real_broker) == before

    assert _queued(real_broker) == before + 1


@pytest.mark.django_db(transaction=True)
def test_task_enqueued_in_a_rolled_back_savepoint_is_dropped_while_the_outer_commit_sends(real_broker):
    before = _queued(real_broker)

    with transaction.atomic():
        enqueue_on_commit(ping, 1)
        with pytest.raises(Rollback), transaction.atomic():
            enqueue_on_commit(ping, 2)
            raise Rollback

    assert _queued(real_broker) == before + 1


@pytest.mark.django_db(transaction=True)
def test_enqueue_outside_a_transaction_sends_at_once(real_broker):
    before = _queued(real_broker)

    enqueue_on_commit(ping, 1)

    assert _queued(real_broker) == before + 1


def test_send_task_now_returns_false_quickly_when_the_broker_is_unreachable(broker_down, caplog):
    caplog.set_level(logging.WARNING, logger="core.queue")
    started = time.monotonic()

    sent = send_task_now(ping, 1)

    assert sent is False
    assert time.monotonic() - started < 1.0
    assert "the periodic sweep will catch up" in caplog.text


def test_send_task_now_returns_true_when_the_broker_answers(real_broker):
    before = _queued(real_broker)

    assert send_task_now(ping, 1) is True
    assert _queued(real_broker) == before + 1


@pytest.mark.urls("tests.core.urls")
@pytest.mark.django_db(transaction=True)
def test_web_write_succeeds_while_the_broker_is_down(client, broker_down, caplog):
    caplog.set_level(logging.WARNING, logger="core.queue")
    started = time.monotonic()

    response = client.post("/write-and-enqueue/", {"name": "孤山镇"})

    assert time.monotonic() - started < 2.0
    assert response.status_code == 201
    assert response.content.decode() == "saved 孤山镇"
    assert Organization.objects.filter(name="孤山镇").exists()
    assert "Could not enqueue core.ping" in caplog.text
