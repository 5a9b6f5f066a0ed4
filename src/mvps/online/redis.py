"""The Redis online store, for serving from several machines.

Configured by URL: ``redis://[user:password@]host:6379/0?prefix=myproj:`` (also
``rediss://`` for TLS). The ``prefix`` query parameter (default ``mvps:``) starts every
key, so several projects can share one database. Per table ``<table>``::

    <prefix><table>       hash: encoded key -> row (orjson, see codec.py)
    <prefix><table>:ts    hash: encoded key -> event time (20-digit sortable string)
    <prefix><table>:wm    string: the watermark
    <prefix>@schemas      hash: schema fingerprint -> Arrow IPC schema (shared)

Table names cannot contain ``:`` or ``@``, so these keys never collide. A write runs Lua
scripts (registered once) inside one ``MULTI``/``EXEC``: each script applies the
newest-wins rule row by row, and the last one advances the watermark, so rows and
watermark change together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import pyarrow as pa

from mvps._deps import require
from mvps.errors import InvalidInput, MvpsError
from mvps.online.codec import CodecRegistry, check_table_name, encode_batch, normalize_key

DEFAULT_PREFIX = "mvps:"
_WRITE_CHUNK = 1000  # rows per script call
_READ_CHUNK = 5000  # fields per HMGET
_TIME_OFFSET = 2**63  # event times are stored as zero-padded (t + 2**63)

# KEYS: rows, times, watermark.  ARGV: mode ("1" newest wins, "0" last wins),
# watermark ("" for none), then (key, time, value) triples (mode 1) or (key, value) pairs.
_UPSERT = """
local rows, times = KEYS[1], KEYS[2]
local function older(a, b)
  local ah, bh = tonumber(string.sub(a, 1, 10)), tonumber(string.sub(b, 1, 10))
  if ah ~= bh then return ah < bh end
  return tonumber(string.sub(a, 11)) < tonumber(string.sub(b, 11))
end
local applied = 0
if ARGV[1] == '1' then
  for i = 3, #ARGV, 3 do
    local k, t = ARGV[i], ARGV[i + 1]
    local cur = redis.call('HGET', times, k)
    if (not cur) or (not older(t, cur)) then
      redis.call('HSET', rows, k, ARGV[i + 2])
      redis.call('HSET', times, k, t)
      applied = applied + 1
    end
  end
else
  for i = 3, #ARGV, 2 do
    redis.call('HSET', rows, ARGV[i], ARGV[i + 1])
    redis.call('HDEL', times, ARGV[i])
    applied = applied + 1
  end
end
if ARGV[2] ~= '' then
  local cur = redis.call('GET', KEYS[3])
  if (not cur) or tonumber(cur) < tonumber(ARGV[2]) then
    redis.call('SET', KEYS[3], ARGV[2])
  end
end
return applied
"""

# KEYS: rows, times, watermark.  ARGV: watermark ("" for none), then keys.
_DELETE = """
local deleted = 0
for i = 2, #ARGV do
  deleted = deleted + redis.call('HDEL', KEYS[1], ARGV[i])
  redis.call('HDEL', KEYS[2], ARGV[i])
end
if ARGV[1] ~= '' then
  local cur = redis.call('GET', KEYS[3])
  if (not cur) or tonumber(cur) < tonumber(ARGV[1]) then
    redis.call('SET', KEYS[3], ARGV[1])
  end
end
return deleted
"""


def split_prefix(url: str) -> tuple[str, str]:
    """Split ``url`` into (URL for redis-py without ``prefix``, key prefix)."""
    parts = urlsplit(url)
    if parts.scheme not in ("redis", "rediss", "unix"):
        raise InvalidInput(
            f"not a Redis URL: {url!r}; use redis://host:6379/0?prefix=myproj: "
            "(or rediss:// for TLS)"
        )
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefixes = [v for k, v in query if k == "prefix"]
    rest = [(k, v) for k, v in query if k != "prefix"]
    prefix = prefixes[-1] if prefixes else DEFAULT_PREFIX
    return urlunsplit(parts._replace(query=urlencode(rest))), prefix


class RedisOnlineStore:
    """Online store in Redis at ``url`` (see the module docstring for the layout)."""

    def __init__(self, url: str) -> None:
        redis = require("redis")
        self._errors = redis.exceptions
        clean, self.prefix = split_prefix(url)
        try:
            parts = urlsplit(clean)
            # Never echo a password in messages.
            self._where = (
                f"{parts.scheme}://{parts.hostname or ''}:{parts.port or 6379}{parts.path}"
            )
            self._client = redis.Redis.from_url(clean)
        except ValueError as exc:
            raise InvalidInput(f"invalid Redis URL for the online store: {exc}") from exc
        self._upsert = self._client.register_script(_UPSERT)
        self._delete = self._client.register_script(_DELETE)
        self._schemas_key = f"{self.prefix}@schemas"
        self._rows: dict[str, str] = {}
        self._codecs = CodecRegistry(self._load_schema)

    def __repr__(self) -> str:
        return f"RedisOnlineStore({self._where!r}, prefix={self.prefix!r})"

    def _fail(self, action: str, exc: Exception) -> MvpsError:
        if isinstance(exc, self._errors.ConnectionError | self._errors.TimeoutError):
            return MvpsError(
                f"cannot {action}: Redis at {self._where} is not reachable ({exc}); start it "
                "or fix the online store URL"
            )
        return MvpsError(f"cannot {action} in Redis at {self._where}: {exc}")

    def _key(self, table: str) -> str:
        key = self._rows.get(table)
        if key is None:
            key = self._rows[table] = self.prefix + check_table_name(table)
        return key

    def _keys(self, table: str) -> list[str]:
        rows = self._key(table)
        return [rows, rows + ":ts", rows + ":wm"]

    def _load_schema(self, fingerprint: str) -> bytes | None:
        try:
            data = self._client.hget(self._schemas_key, fingerprint)
        except self._errors.RedisError as exc:
            raise self._fail("load an online schema", exc) from exc
        return None if data is None else bytes(data)

    # ------------------------------------------------------------------ writes

    def write(
        self,
        table: str,
        rows: pa.Table,
        primary_key: Sequence[str],
        event_time: str | None,
        watermark: int | None = None,
    ) -> int:
        """Upsert ``rows`` (newest event time wins; see ``OnlineStore.write``).

        Returns the number of rows applied. Everything happens in one ``MULTI``/``EXEC``;
        ``watermark`` only ever moves the stored watermark forward.
        """
        keys = self._keys(table)
        batch = encode_batch(self._codecs, rows, primary_key, event_time)
        wm = "" if watermark is None else str(int(watermark))
        n = len(batch.keys)
        try:
            pipe = self._client.pipeline(transaction=True)
            pipe.hsetnx(self._schemas_key, batch.codec.fingerprint, batch.codec.schema_bytes)
            starts = list(range(0, n, _WRITE_CHUNK)) or [0]
            for start in starts:
                end = start + _WRITE_CHUNK
                args: list[Any]
                if batch.times is None:
                    args = ["0", wm if end >= n else ""]
                    for k, v in zip(batch.keys[start:end], batch.values[start:end], strict=True):
                        args += (k, v)
                else:
                    args = ["1", wm if end >= n else ""]
                    times = [f"{t + _TIME_OFFSET:020d}" for t in batch.times[start:end]]
                    for k, t, v in zip(
                        batch.keys[start:end], times, batch.values[start:end], strict=True
                    ):
                        args += (k, t, v)
                self._upsert(keys=keys, args=args, client=pipe)
            results = pipe.execute()
        except self._errors.RedisError as exc:
            raise self._fail(f"write online table {table!r}", exc) from exc
        return sum(int(r) for r in results[1:])

    def delete(self, table: str, keys: Sequence[Any], watermark: int | None = None) -> int:
        """Delete rows by key; return how many existed. Advances ``watermark`` like write."""
        names = self._keys(table)
        encoded = list(dict.fromkeys(normalize_key(k) for k in keys))
        wm = "" if watermark is None else str(int(watermark))
        try:
            pipe = self._client.pipeline(transaction=True)
            starts = list(range(0, len(encoded), _WRITE_CHUNK)) or [0]
            for start in starts:
                end = start + _WRITE_CHUNK
                args = [wm if end >= len(encoded) else "", *encoded[start:end]]
                self._delete(keys=names, args=args, client=pipe)
            results = pipe.execute()
        except self._errors.RedisError as exc:
            raise self._fail(f"delete from online table {table!r}", exc) from exc
        return sum(int(r) for r in results)

    def drop(self, table: str) -> None:
        """Remove the table, its event times and its watermark (no-op when missing)."""
        try:
            self._client.delete(*self._keys(table))
        except self._errors.RedisError as exc:
            raise self._fail(f"drop online table {table!r}", exc) from exc

    def set_watermark(self, table: str, version: int) -> None:
        """Set the watermark of ``table`` to exactly ``version``."""
        try:
            self._client.set(self._keys(table)[2], str(int(version)))
        except self._errors.RedisError as exc:
            raise self._fail(f"set the watermark of {table!r}", exc) from exc

    # ------------------------------------------------------------------- reads

    def read(self, table: str, key: Any) -> list[Any] | None:
        """The row stored for ``key`` as Python values in schema order, or None (HGET)."""
        name = self._rows.get(table) or self._key(table)
        try:
            blob = self._client.hget(name, normalize_key(key))
        except self._errors.RedisError as exc:
            raise self._fail(f"read online table {table!r}", exc) from exc
        if blob is None:
            return None
        return self._codecs.decode(blob)

    def read_many(self, table: str, keys: Sequence[Any]) -> list[list[Any] | None]:
        """Rows for ``keys`` in order (None where absent), with HMGET."""
        name = self._rows.get(table) or self._key(table)
        encoded = [normalize_key(k) for k in keys]
        if not encoded:
            return []
        try:
            if len(encoded) <= _READ_CHUNK:
                blobs = self._client.hmget(name, encoded)
            else:
                pipe = self._client.pipeline(transaction=False)
                for start in range(0, len(encoded), _READ_CHUNK):
                    pipe.hmget(name, encoded[start : start + _READ_CHUNK])
                blobs = [b for part in pipe.execute() for b in part]
        except self._errors.RedisError as exc:
            raise self._fail(f"read online table {table!r}", exc) from exc
        decode = self._codecs.decode
        return [None if b is None else decode(b) for b in blobs]

    def scan(self, table: str, schema: pa.Schema) -> pa.Table:
        """Every stored row as a table of ``schema`` (HSCAN; empty when missing)."""
        name = self._key(table)
        try:
            rows = dict(self._client.hscan_iter(name, count=1000))
        except self._errors.RedisError as exc:
            raise self._fail(f"scan online table {table!r}", exc) from exc
        return self._codecs.decode_table(rows.values(), schema)

    def count(self, table: str) -> int:
        """Number of stored rows (HLEN; 0 when missing)."""
        try:
            return int(self._client.hlen(self._key(table)))
        except self._errors.RedisError as exc:
            raise self._fail(f"count online table {table!r}", exc) from exc

    def get_watermark(self, table: str) -> int | None:
        """The stored watermark of ``table`` or None."""
        try:
            value = self._client.get(self._keys(table)[2])
        except self._errors.RedisError as exc:
            raise self._fail(f"read the watermark of {table!r}", exc) from exc
        return None if value is None else int(value)

    def close(self) -> None:
        """Close the connection pool."""
        self._client.close()

    def __enter__(self) -> RedisOnlineStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
