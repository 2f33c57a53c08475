"""Several workers count sign-in attempts together when the limits live in Redis."""

import socket
import uuid

import pytest
import redis
from sqlalchemy import delete

from course_app.extensions import db
from course_app.models import AuditRecord
from tests.conftest import csrf_from, make_config

REDIS = ("127.0.0.1", 6379)


def _redis_running() -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(REDIS) == 0


@pytest.mark.skipif(not _redis_running(), reason="Redis is not running on 127.0.0.1:6379")
def test_two_workers_share_the_sign_in_limit(migrated, tmp_path, make_app):
    prefix = f"test-{uuid.uuid4().hex}"
    config = make_config(
        migrated,
        tmp_path,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:6379/15",
        RATELIMIT_KEY_PREFIX=prefix,
    )
    apps = [make_app(config) for _ in range(2)]
    workers = [app.test_client() for app in apps]
    statuses = []
    try:
        for attempt in range(6):
            client = workers[attempt % 2]
            html = client.get("/sign-in").get_data(as_text=True)
            data = {"csrf_token": csrf_from(html), "email": "a@example.se", "password": "wrong"}
            statuses.append(client.post("/sign-in", data=data).status_code)
    finally:
        # These apps commit for real: take away the refused sign-ins they put on record, which
        # belong to no organisation, so that later tests find the audit log as they left it.
        with apps[0].app_context():
            db.session.execute(delete(AuditRecord).where(AuditRecord.organisation_id.is_(None)))
            db.session.commit()
    # Five failures for one address from one machine; the sixth is refused by either worker.
    assert statuses[:5] == [400] * 5
    assert statuses[5] == 429
    # The counts live in Redis, where every worker process reads them.
    store = redis.Redis(*REDIS, db=15)
    keys = store.keys(f"*{prefix}*")
    assert keys
    store.delete(*keys)
    store.close()
