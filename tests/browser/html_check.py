"""The Nu HTML Checker as a local service: one JVM for the session, every page state sent to it.

The checker comes from npm (tests/nu, installed by `make install-dev`) and runs on the system's
Java. It answers on a free loopback port; check_page posts each page's HTML to it.
"""

from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from shutil import which
from typing import IO

import pytest

JAR = Path(__file__).resolve().parents[1] / "nu/node_modules/vnu-jar/build/dist/vnu.jar"
# The JVM reads the HTML spec on start: about 10 s on an idle machine, far more on a loaded one.
START_TIMEOUT_S = 180
CHECK_TIMEOUT_S = 60
# A message of these types fails a page; "info" (warnings included) does not.
FAILING_TYPES = {"error", "non-document-error"}


@dataclass
class HtmlChecker:
    process: subprocess.Popen
    url: str
    log: IO[bytes]
    ready: bool = field(default=False)

    def wait_until_ready(self) -> None:
        """Wait until the service answers; fail with its log if it stopped or never answered."""
        deadline = time.monotonic() + START_TIMEOUT_S
        while not self.ready:
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.log.flush()
                output = Path(self.log.name).read_text(errors="replace")[-2000:]
                pytest.fail(f"the Nu HTML Checker did not start:\n{output}", pytrace=False)
            try:
                with urllib.request.urlopen(self.url, timeout=5):
                    self.ready = True
            except OSError:
                time.sleep(0.25)

    def messages(self, html: str) -> list[dict]:
        """Return every message the checker gives for the document html."""
        self.wait_until_ready()
        request = urllib.request.Request(
            f"{self.url}/?out=json",
            data=html.encode(),
            headers={"Content-Type": "text/html; charset=utf-8"},
        )
        with urllib.request.urlopen(request, timeout=CHECK_TIMEOUT_S) as response:
            return json.load(response)["messages"]


# The session's checker, set by the html_checker fixture (check_page takes only the page).
RUNNING: list[HtmlChecker] = []


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(log_path: Path) -> HtmlChecker:
    """Start the checker's web service on loopback; it is waited for at its first check."""
    java = which("java")
    if java is None or not JAR.exists():
        pytest.fail(
            "The browser tests check every page with the Nu HTML Checker: it needs Java "
            "(`apt-get install default-jre-headless`) and "
            f"{JAR} (`make install-dev`).",
            pytrace=False,
        )
    port = _free_port()
    command = [
        java,
        "-Xss8m",  # the checker's parser recurses; its manual advises a larger stack
        "-cp",
        str(JAR),
        "-Dnu.validator.servlet.bind-address=127.0.0.1",
        "nu.validator.servlet.Main",
        str(port),
    ]
    log = log_path.open("wb")
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    return HtmlChecker(process, f"http://127.0.0.1:{port}", log)


def stop(checker: HtmlChecker) -> None:
    """Stop the JVM and close its log."""
    checker.process.terminate()
    try:
        checker.process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        checker.process.kill()
        checker.process.wait()
    checker.log.close()


def check_html(html: str, url: str) -> None:
    """Fail the test when the Nu HTML Checker finds an error in html (warnings do not fail)."""
    try:
        messages = RUNNING[0].messages(html)
    except (OSError, urllib.error.URLError) as exc:
        pytest.fail(f"the Nu HTML Checker did not answer for {url}: {exc}", pytrace=False)
    errors = [m for m in messages if m.get("type") in FAILING_TYPES]
    if errors:
        summary = "\n".join(
            f"- line {m.get('lastLine', '?')}: {m.get('message')}\n    {m.get('extract', '')!r}"
            for m in errors
        )
        print(f"HTML errors on {url}:\n{summary}")
        pytest.fail(
            f"the Nu HTML Checker found {len(errors)} error(s) on {url}:\n{summary}",
            pytrace=False,
        )
