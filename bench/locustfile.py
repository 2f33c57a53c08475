"""The load for bench/pages.py: every user asks for BENCH_PATH as fast as it is answered.

BENCH_COOKIE, when set, is a signed-in session: each user starts with it and, as a browser
does, keeps whatever the site sets in its place (the session notes activity once a minute).
Without it each user keeps whatever cookie the site sets, as a guest's browser does.
"""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
COOKIE = os.environ.get("BENCH_COOKIE", "")


def _cookies(header: str) -> dict[str, str]:
    pairs = (part.strip().partition("=") for part in header.split(";") if part.strip())
    return {name: value for name, _, value in pairs}


class Reader(FastHttpUser):
    wait_time = constant(0)

    def on_start(self) -> None:
        self.cookies = _cookies(COOKIE)

    @task
    def page(self) -> None:
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        with self.client.get(PATH, headers=headers, name="page", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
            new = response.headers.get("Set-Cookie") if self.cookies else None
            if new:
                self.cookies.update(_cookies(new.split(";", 1)[0]))
