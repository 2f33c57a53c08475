"""The load for bench/pages.py: every user asks for BENCH_PATH as fast as it is answered.

BENCH_COOKIE, when set, is sent as the Cookie header: a signed-in session. Without it each
user keeps whatever cookie the site sets, as a guest's browser does.
"""

from __future__ import annotations

import os

from locust import FastHttpUser, constant, task

PATH = os.environ.get("BENCH_PATH", "/")
COOKIE = os.environ.get("BENCH_COOKIE", "")


class Reader(FastHttpUser):
    wait_time = constant(0)

    @task
    def page(self) -> None:
        headers = {"Cookie": COOKIE} if COOKIE else {}
        with self.client.get(PATH, headers=headers, name="page", catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}")
