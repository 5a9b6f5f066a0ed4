"""Cron expressions of job schedules: Quartz (as in Hopsworks) and classic Unix cron.

Hopsworks schedules take **Quartz** expressions: six or seven fields,
``second minute hour day-of-month month day-of-week [year]``, where ``?`` means "no
specific value" and days of the week count from 1 = Sunday to 7 = Saturday::

    "0 0 * ? * * *"        every hour, on the hour
    "0 */15 * ? * *"       every 15 minutes
    "0 30 6 ? * MON-FRI"   06:30 on weekdays
    "0 0 0 1 * ?"          midnight on the first of each month
    "0 0 12 ? * 6#3"       noon on the third Friday of each month

mvps also accepts a five-field **Unix** expression (``minute hour day-of-month month
day-of-week``, 0 = Sunday), such as ``"0 6 * * 1-5"``. All times are UTC. Expressions
are evaluated with croniter; Quartz day-of-week numbers are translated to croniter's.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from typing import Any

from mvps.errors import InvalidInput

_EXAMPLES = '"0 0 * ? * * *" (Quartz: every hour) or "0 * * * *" (Unix: every hour)'
_NUMBER = re.compile(r"\d+")
_TICK = timedelta(microseconds=1)


def _croniter() -> Any:
    from croniter import croniter

    return croniter


def _quartz_dow(field: str) -> str:
    """Quartz day-of-week numbers (1 = Sunday .. 7 = Saturday) as cron's (0 .. 6).

    Numbers after ``#`` count occurrences in the month and after ``/`` are steps; both
    are kept."""
    out = []
    for part in field.split(","):
        head, sep, tail = part.partition("#") if "#" in part else part.partition("/")

        def shift(m: re.Match[str]) -> str:
            n = int(m.group(0))
            if not 1 <= n <= 7:
                raise InvalidInput(
                    f"day of week {n} is out of range in {field!r}: Quartz counts 1 (Sunday) "
                    "to 7 (Saturday), or use names (SUN-SAT)"
                )
            return str(n - 1)

        out.append(_NUMBER.sub(shift, head) + sep + tail)
    return ",".join(out)


def to_croniter(expression: str) -> str:
    """The croniter form of a Quartz or Unix expression (see the module docstring)."""
    if not isinstance(expression, str) or not expression.strip():
        raise InvalidInput(f"a cron expression is a non-empty string, e.g. {_EXAMPLES}")
    fields = expression.split()
    if len(fields) == 5:
        return " ".join(fields)
    if len(fields) not in (6, 7):
        raise InvalidInput(
            f"cron expression {expression!r} has {len(fields)} fields; use 6 or 7 (Quartz: "
            f"second minute hour day-of-month month day-of-week [year]) or 5 (Unix), e.g. "
            f"{_EXAMPLES}"
        )
    second, minute, hour, dom, month, dow, *year = fields
    if "W" in dom.upper().replace("LW", ""):
        raise InvalidInput(
            f"cron expression {expression!r}: the nearest-weekday form ({dom!r}) is not "
            "supported; list the days instead"
        )
    dow = "*" if dow == "?" else _quartz_dow(dow)
    dom = "*" if dom == "?" else dom
    # croniter: minute hour day month weekday second [year]
    return " ".join([minute, hour, dom, month, dow, second, *year])


def validate(expression: str) -> str:
    """Check an expression; returns it unchanged or raises InvalidInput naming the problem."""
    expr = to_croniter(expression)
    croniter = _croniter()
    try:
        croniter(expr, datetime(2000, 1, 1, tzinfo=UTC)).get_next(datetime)
    except Exception as exc:  # croniter raises its own error types (ValueError subclasses)
        raise InvalidInput(
            f"cron expression {expression!r} is not valid ({exc}); e.g. {_EXAMPLES}"
        ) from exc
    return expression


def next_after(expression: str, after: datetime) -> datetime | None:
    """The first fire time strictly after ``after`` (UTC), or None if there is none."""
    croniter = _croniter()
    try:
        t = croniter(to_croniter(expression), after.astimezone(UTC)).get_next(datetime)
    except Exception:  # e.g. a year range that has passed
        return None
    return t.astimezone(UTC)


def last_at_or_before(expression: str, at: datetime) -> datetime | None:
    """The latest fire time at or before ``at`` (UTC), or None if there is none."""
    croniter = _croniter()
    try:  # get_prev is strictly before its start: start just after ``at``
        t = croniter(to_croniter(expression), at.astimezone(UTC) + _TICK).get_prev(datetime)
    except Exception:
        return None
    return t.astimezone(UTC)


__all__ = ["last_at_or_before", "next_after", "to_croniter", "validate"]
