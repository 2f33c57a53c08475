"""`flask mail deliver`: send queued e-mail once (cron, a systemd timer) or in a loop."""

from __future__ import annotations

import signal
import threading

import click
from flask.cli import AppGroup

from course_app.mail import deliver_pending

mail_cli = AppGroup("mail", help="Send queued e-mail.")


@mail_cli.command("deliver")
@click.option("--loop", is_flag=True, help="Keep delivering until interrupted.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds to wait between rounds with --loop.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=100,
    show_default=True,
    help="The most messages to send in one round.",
)
def deliver(loop: bool, interval: float, limit: int) -> None:
    """Send the e-mail that is due, printing one line per round."""
    stop = threading.Event()
    previous = signal.signal(signal.SIGTERM, lambda *_: stop.set()) if loop else None
    try:
        while True:
            click.echo(f"mail: {deliver_pending(limit)}")
            # SIGTERM (systemd's stop) lets the round finish, so every sent message is recorded.
            if not loop or _wait(stop, interval):
                break
    except KeyboardInterrupt:
        pass
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _wait(stop: threading.Event, seconds: float) -> bool:
    """Sleep between rounds; return True if asked to stop."""
    return stop.wait(seconds)
