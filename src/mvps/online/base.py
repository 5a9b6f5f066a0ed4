"""The online-store protocol.

An online store keeps, for each feature group ("table" here, named
``<feature_group>_<version>``), the newest row per primary key. It is derived from the
offline store: every write carries the offline (Delta) version it comes from, stored as
the table's *watermark* in the same atomic step, so that a crash between the offline
commit and the online write is repaired by replaying the missed versions.

Rows travel as Arrow tables whose columns are the feature group's schema in order.
Reads return plain Python lists (one value per column, in the order of the schema the
rows were written with) because the serving hot path must not build dataframes.

Every backend passes ``tests/online/test_contract.py``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import pyarrow as pa

Key = tuple[Any, ...]


def encode_key(values: Sequence[Any]) -> str:
    """Encode a primary-key tuple as the string used to address a row.

    Single keys are ``str(value)``; composite keys join the parts with the unit
    separator. Floats with an integral value are written without ``.0`` so that a key
    read back from JSON (``5.0``) addresses the same row as ``5``.
    """
    if len(values) == 1:
        return _part(values[0])
    return "\x1f".join(_part(v) for v in values)


def _part(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    if hasattr(v, "item") and not isinstance(v, str | bytes):  # numpy scalar
        return _part(v.item())
    return str(v)


@runtime_checkable
class OnlineStore(Protocol):
    """Latest row per primary key, per table."""

    def write(
        self,
        table: str,
        rows: pa.Table,
        primary_key: Sequence[str],
        event_time: str | None,
        watermark: int | None = None,
    ) -> int:
        """Upsert ``rows`` keyed by ``primary_key``; return how many rows were applied.

        With ``event_time`` set, a row replaces the stored one only when its event time
        is greater than or equal to the stored row's (an older row never overwrites a
        newer one); within ``rows`` the newest per key wins. Without it, the last row
        wins. When ``watermark`` is given it is stored atomically with the rows.
        """
        ...

    def read(self, table: str, key: Key) -> list[Any] | None:
        """The stored row for one key (values in schema order), or None."""
        ...

    def read_many(self, table: str, keys: Sequence[Key]) -> list[list[Any] | None]:
        """The stored rows for many keys, in the order of ``keys`` (None where absent)."""
        ...

    def delete(self, table: str, keys: Sequence[Key], watermark: int | None = None) -> int:
        """Delete rows by key; return how many existed."""
        ...

    def scan(self, table: str, schema: pa.Schema) -> pa.Table:
        """Every stored row as an Arrow table of ``schema`` (for ``read(online=True)``)."""
        ...

    def count(self, table: str) -> int:
        """Number of stored rows."""
        ...

    def drop(self, table: str) -> None:
        """Remove the table, its rows and its watermark. Dropping a missing table is a no-op."""
        ...

    def get_watermark(self, table: str) -> int | None:
        """The last offline version applied to ``table`` (None if never written)."""
        ...

    def set_watermark(self, table: str, version: int) -> None:
        """Record that offline versions up to ``version`` are applied."""
        ...

    def close(self) -> None:
        """Release connections."""
        ...
