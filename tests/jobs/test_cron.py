"""Cron expressions: Quartz as in Hopsworks (seconds first, 1 = Sunday) and Unix cron."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from mvps.errors import InvalidInput
from mvps.jobs import cron

T0 = datetime(2026, 12, 2, 15, 7, 30, tzinfo=UTC)  # a Wednesday


def fires(expression: str, start: datetime = T0, n: int = 3) -> list[str]:
    out, t = [], start
    for _ in range(n):
        t = cron.next_after(expression, t)
        assert t is not None
        out.append(t.strftime("%a %Y-%m-%d %H:%M:%S"))
    return out


def test_quartz_expressions() -> None:
    assert fires("0 0 * ? * * *") == [
        "Wed 2026-12-02 16:00:00",
        "Wed 2026-12-02 17:00:00",
        "Wed 2026-12-02 18:00:00",
    ]
    assert fires("0 */15 * ? * *") == [
        "Wed 2026-12-02 15:15:00",
        "Wed 2026-12-02 15:30:00",
        "Wed 2026-12-02 15:45:00",
    ]
    assert fires("*/20 * * ? * *") == [
        "Wed 2026-12-02 15:07:40",
        "Wed 2026-12-02 15:08:00",
        "Wed 2026-12-02 15:08:20",
    ]
    assert fires("0 30 6 ? * MON-FRI") == [
        "Thu 2026-12-03 06:30:00",
        "Fri 2026-12-04 06:30:00",
        "Mon 2026-12-07 06:30:00",
    ]
    assert fires("0 0 0 1 * ?", n=2) == ["Fri 2027-01-01 00:00:00", "Mon 2027-02-01 00:00:00"]
    assert fires("0 0 0 L * ?", n=2) == ["Thu 2026-12-31 00:00:00", "Sun 2027-01-31 00:00:00"]


def test_quartz_days_of_week_count_from_sunday() -> None:
    # Quartz 1 = Sunday, 6 = Friday, 7 = Saturday (Unix cron: 0 = Sunday)
    assert fires("0 0 12 ? * 1", n=1) == ["Sun 2026-12-06 12:00:00"]
    assert fires("0 0 12 ? * 2,6", n=2) == ["Fri 2026-12-04 12:00:00", "Mon 2026-12-07 12:00:00"]
    assert fires("0 0 12 ? * 7", n=1) == ["Sat 2026-12-05 12:00:00"]
    assert fires("0 0 12 ? * 6#3", n=2) == ["Fri 2026-12-18 12:00:00", "Fri 2027-01-15 12:00:00"]
    assert fires("0 0 12 ? * SUN", n=1) == ["Sun 2026-12-06 12:00:00"]
    assert fires("0 0 12 ? * 2-6", n=3) == [
        "Thu 2026-12-03 12:00:00",
        "Fri 2026-12-04 12:00:00",
        "Mon 2026-12-07 12:00:00",
    ]


def test_unix_expressions() -> None:
    assert fires("0 6 * * 1-5", n=2) == ["Thu 2026-12-03 06:00:00", "Fri 2026-12-04 06:00:00"]
    assert fires("*/10 * * * *", n=2) == ["Wed 2026-12-02 15:10:00", "Wed 2026-12-02 15:20:00"]
    assert fires("0 12 * * 0", n=1) == ["Sun 2026-12-06 12:00:00"]


def test_last_fire_at_or_before() -> None:
    at = datetime(2026, 12, 2, 16, 0, 0, tzinfo=UTC)
    assert cron.last_at_or_before("0 0 * ? * *", at) == at  # a fire time itself
    assert cron.last_at_or_before("0 0 * ? * *", T0) == datetime(2026, 12, 2, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("expression", "message"),
    [
        ("", "non-empty"),
        ("* * *", "has 3 fields"),
        ("0 0 * ? * * * *", "has 8 fields"),
        ("0 0 12 15W * ?", "nearest-weekday"),
        ("0 0 12 ? * 8", "out of range"),
        ("0 0 25 * * ?", "not valid"),
        ("0 0 0 31 2 ?", "not valid"),
        ("banana 0 0 * * ?", "not valid"),
    ],
)
def test_bad_expressions_are_explained(expression: str, message: str) -> None:
    with pytest.raises(InvalidInput, match=message):
        cron.validate(expression)
