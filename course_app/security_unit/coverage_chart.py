"""The coverage curve as an SVG drawn on the server: no script, a text alternative, a table."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

WIDTH, HEIGHT = 600, 240
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 32


@dataclass(frozen=True)
class Chart:
    """What the template draws: the line, the axis ticks and the deadline."""

    points: str
    y_ticks: list[tuple[float, int]]  # (y, percent)
    first: date
    last: date
    deadline_x: float | None
    width: int = WIDTH
    height: int = HEIGHT
    left: int = LEFT
    right_x: int = WIDTH - RIGHT
    bottom_y: int = HEIGHT - BOTTOM
    top: int = TOP


def chart(curve: list[tuple[date, int]], officials: int, deadline: date | None) -> Chart | None:
    """Return the chart of the share who had completed all, per curve day; None if empty."""
    if not curve or not officials:
        return None
    first, last = curve[0][0], curve[-1][0]
    span = max((last - first).days, 1)
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return round(LEFT + plot_w * (day - first).days / span, 1)

    def y(share: float) -> float:
        return round(TOP + plot_h * (1 - share), 1)

    points = " ".join(f"{x(day)},{y(count / officials)}" for day, count in curve)
    ticks = [(y(p / 100), p) for p in (0, 25, 50, 75, 100)]
    deadline_x = x(deadline) if deadline and first <= deadline <= last else None
    return Chart(points, ticks, first, last, deadline_x)


# A printed table lists the curve week by week for this many weeks, then month by month.
WEEKS_IN_FULL = 12


def curve_table(
    curve: list[tuple[date, int]], by_month: bool
) -> tuple[list[tuple[date, int]], bool]:
    """Return the curve's rows for its table, and whether they are monthly.

    With by_month, a curve longer than twelve weeks gives one row per month (its last day in
    the curve), so that the printed report stays short; the last day is always the last row.
    """
    if not by_month or len(curve) <= WEEKS_IN_FULL + 1:
        return curve, False
    last_of_month: dict[tuple[int, int], tuple[date, int]] = {}
    for day, count in curve:
        last_of_month[(day.year, day.month)] = (day, count)
    return list(last_of_month.values()), True
