"""Parsing of the time arguments accepted everywhere (Hopsworks' rules).

A time may be a ``datetime`` (naive = UTC), a ``date``, a pandas Timestamp, an integer
epoch (10 digits or fewer = seconds, more = milliseconds, as in Hopsworks), or a string
in one of the formats ``%Y-%m-%d``, ``%Y-%m-%d %H``, ``%Y-%m-%d %H:%M``,
``%Y-%m-%d %H:%M:%S``, ``%Y-%m-%d %H:%M:%S.%f`` (ISO-8601 with ``T`` and an offset is
accepted too), or the same without separators, as Hopsworks accepts them: ``20220131``,
``2022013113``, ``202201311345``, ``20220131134500`` and ``20220131134500123`` (the
``committedOn`` of ``commit_details()``). Every result is a timezone-aware UTC
``datetime``.
"""

from __future__ import annotations

import datetime as _dt
from typing import Any

from mvps.errors import InvalidInput

UTC = _dt.UTC
_FORMATS = (
    "%Y-%m-%d",
    "%Y-%m-%d %H",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M:%S.%f",
)
# digits-only forms by length (the last one has milliseconds)
_COMPACT = {8: "%Y%m%d", 10: "%Y%m%d%H", 12: "%Y%m%d%H%M", 14: "%Y%m%d%H%M%S", 17: "%Y%m%d%H%M%S%f"}


def to_utc(value: Any, what: str = "time") -> _dt.datetime:
    """Parse ``value`` as described in the module docstring."""
    if isinstance(value, _dt.datetime):
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day, tzinfo=UTC)
    if hasattr(value, "to_pydatetime"):  # pandas Timestamp
        return to_utc(value.to_pydatetime(), what)
    if isinstance(value, bool):
        raise InvalidInput(f"{what} {value!r} is not a time")
    if isinstance(value, int | float):
        if value <= 0:
            raise InvalidInput(f"{what} must be a positive epoch, got {value!r}")
        seconds = value if len(str(int(value))) <= 10 else value / 1000.0
        return _dt.datetime.fromtimestamp(seconds, tz=UTC)
    if isinstance(value, str):
        s = value.strip()
        compact = _COMPACT.get(len(s)) if s.isdigit() else None
        for fmt in (compact,) if compact else _FORMATS:
            try:
                return _dt.datetime.strptime(s, fmt).replace(tzinfo=UTC)
            except ValueError:
                pass
        try:
            return to_utc(_dt.datetime.fromisoformat(s.replace("Z", "+00:00")), what)
        except ValueError:
            pass
    raise InvalidInput(
        f"cannot parse {what} {value!r}: use a datetime, a date, an epoch in seconds or "
        "milliseconds, or a string like '2022-01-31' or '2022-01-31 13:45:00'"
    )


def opt_utc(value: Any, what: str = "time") -> _dt.datetime | None:
    """Like :func:`to_utc` but ``None`` and ``""`` mean "not given"."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return to_utc(value, what)


def check_range(
    start: Any, end: Any, what: str = "time range"
) -> tuple[_dt.datetime | None, _dt.datetime | None]:
    """Parse a ``[start, end)`` range; raise when start is not before end."""
    s, e = opt_utc(start, f"{what} start"), opt_utc(end, f"{what} end")
    if s is not None and e is not None and s >= e:
        raise InvalidInput(f"{what}: start {s.isoformat()} must be before end {e.isoformat()}")
    return s, e


def now() -> _dt.datetime:
    return _dt.datetime.now(UTC)


def iso(t: _dt.datetime | None) -> str | None:
    return None if t is None else t.astimezone(UTC).isoformat()


def from_iso(s: str | None) -> _dt.datetime | None:
    return None if s is None else _dt.datetime.fromisoformat(s)
