"""Request logs never hold a sign-in link's token: gunicorn's access log and the dev server's."""

from __future__ import annotations

import logging
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

from course_app.logs import RedactingFilter, redact

PROJECT = Path(__file__).resolve().parent.parent
TOKEN = "Zk3v9QyTtH4mW_secret-token-0123456789abcdef"


def test_redact_replaces_the_token_wherever_it_appears():
    line = f'GET /sign-in/link/{TOKEN}?next=/x "https://a.se/sign-in/link/{TOKEN}"'
    assert TOKEN not in redact(line)
    assert redact(line).count("/sign-in/link/[redacted]") == 2
    assert redact("GET /sign-in/link HTTP/1.1") == "GET /sign-in/link HTTP/1.1"


def test_redact_replaces_the_token_of_a_new_address_link():
    line = f"POST /my-data/new-email/{TOKEN} HTTP/1.1"
    assert redact(line) == "POST /my-data/new-email/[redacted] HTTP/1.1"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict | None = None) -> None:
    try:
        urllib.request.urlopen(urllib.request.Request(url, headers=headers or {}), timeout=10)
    except urllib.error.HTTPError:
        pass


def test_gunicorn_with_the_shipped_config_logs_requests_without_tokens(migrated, tmp_path):
    port = _free_port()
    env = {
        **os.environ,
        "APP_ENV": "development",
        "DATABASE_URL": migrated,
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "GUNICORN_WORKERS": "1",
        "MAIL_OUTBOX_DIR": str(tmp_path / "outbox"),
    }
    gunicorn = Path(sys.executable).with_name("gunicorn")
    server = subprocess.Popen(
        [str(gunicorn), "-c", str(PROJECT / "deploy" / "gunicorn.conf.py")],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(100):
            try:
                urllib.request.urlopen(base + "/sign-in", timeout=2)
                break
            except OSError:
                time.sleep(0.2)
        _get(f"{base}/sign-in/link/{TOKEN}?next=/", {"Referer": f"{base}/sign-in/link/{TOKEN}"})
    finally:
        server.terminate()
        output = server.communicate(timeout=30)[0]
    assert "/sign-in/link/[redacted]" in output
    assert TOKEN not in output


def test_the_development_server_log_is_redacted_too(app, caplog):
    assert any(isinstance(f, RedactingFilter) for f in logging.getLogger("werkzeug").filters)
    caplog.set_level(logging.INFO, logger="werkzeug")
    logging.getLogger("werkzeug").info('"%s" %s', f"GET /sign-in/link/{TOKEN} HTTP/1.1", 200)
    assert TOKEN not in caplog.text
    assert "/sign-in/link/[redacted]" in caplog.text
