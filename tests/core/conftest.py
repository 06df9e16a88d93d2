"""Fixtures for the platform tests: the real Redis broker, and a broker that is down."""

import socket

import pytest
import redis

from config.celery import app


def _reset_broker_pools():
    # Celery caches its connection and producer pools on first use; without this a changed
    # broker URL would keep publishing through the old pool.
    app._pool = None
    app.amqp._producer_pool = None


@pytest.fixture
def broker_redis():
    """A client on the Redis database the Celery broker uses (the test's own db number)."""
    url = app.conf.broker_url
    if not url or not url.startswith("redis"):
        pytest.fail("These tests need the Redis broker: set REDIS_URL / CELERY_BROKER_URL (make test does).")
    client = redis.Redis.from_url(url)
    yield client
    client.close()


@pytest.fixture
def real_broker(broker_redis, monkeypatch):
    """Publish to Redis for real (no eager mode); nothing consumes. Leaves the queue empty."""
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    broker_redis.delete(app.conf.task_default_queue)
    yield broker_redis
    broker_redis.delete(app.conf.task_default_queue)


@pytest.fixture
def broker_down(monkeypatch):
    """Point the Celery app at 127.0.0.1:<a port that refuses connections>.

    The port is bound but never listens, so nothing else can take it while the test runs and
    every connection attempt is refused at once.
    """
    holder = socket.socket()
    holder.bind(("127.0.0.1", 0))
    port = holder.getsockname()[1]
    url = f"redis://127.0.0.1:{port}/0"
    # Celery reads CELERY_BROKER_URL from the environment before its own configuration.
    monkeypatch.setenv("CELERY_BROKER_URL", url)
    monkeypatch.setattr(app.conf, "task_always_eager", False)
    _reset_broker_pools()
    assert app.conf.broker_url == url
    yield url
    monkeypatch.undo()
    _reset_broker_pools()
    holder.close()


@pytest.fixture
def pdfs_not_rendered(monkeypatch):
    """PDF downloads answer a stub instead of running LibreOffice or WeasyPrint (seconds each):
    for tests about who reaches a URL and what bad input does to it, where a render is the same
    after the guard either way. Rendering has its own tests (test_gbdoc, test_documents)."""
    stub = b"%PDF-1.4\n% stub for access tests\n%%EOF\n"
    monkeypatch.setattr("core.documents.docx_to_pdf", lambda *args, **kwargs: stub)
    monkeypatch.setattr("evaluation.views.appraisal_pdf_bytes", lambda *args, **kwargs: stub)
