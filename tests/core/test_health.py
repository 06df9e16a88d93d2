"""/healthz: 200 when PostgreSQL and Redis answer, 503 quickly when the broker does not."""

import time

import pytest

pytestmark = pytest.mark.django_db


def test_healthz_ok_when_database_and_broker_answer(client, broker_redis):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    # A load balancer must never be shown a cached answer.
    assert "no-cache" in response["Cache-Control"]


def test_healthz_503_within_two_seconds_when_broker_unreachable(client, broker_down):
    started = time.monotonic()
    response = client.get("/healthz")
    elapsed = time.monotonic() - started

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "degraded"
    assert body["database"] == "ok"
    assert body["broker"] != "ok"
    # A stated requirement (a monitor's probe must not hang), not a benchmark.
    assert elapsed < 2.0, f"/healthz took {elapsed:.2f}s with the broker down"


def test_healthz_is_get_only_and_public(client):
    assert client.post("/healthz").status_code == 405
    # No login needed: the probe has no account.
    assert client.get("/healthz").status_code in (200, 503)
