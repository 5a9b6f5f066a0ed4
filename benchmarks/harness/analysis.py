"""Hand-written analysis shown under a workload's section of ``RESULTS.md``.

Keep it to what a profile or an experiment showed, how to repeat it, and what it
suggests. Profiles were taken with py-spy (``pip install py-spy``), e.g.::

    py-spy record --native -f raw -o pit.raw -- python -m benchmarks.mvps_worker < spec.json

where ``spec.json`` is a worker spec as the harness writes it (see
``benchmarks/harness/workloads.py``), or with ``py-spy record --pid <server pid>`` while
the HTTP workloads run.
"""

from __future__ import annotations

ANALYSIS: dict[str, str] = {
    "ingest": """
**Profile** (py-spy, one mvps run at scale 1, statistics off): about 73% of `fg.insert`
is the SQLite online store's `executemany` upsert and 15% encoding the rows; the Delta
commit (offline) is about 2%. The benchmark's customer ids arrive in random order, so
each upsert lands on a random page of the online table's key index: writing the same
1,000,000 rows to `SqliteOnlineStore` sorted by key took 6.1 s instead of 14.2 s in a
separate measurement. Suggestion: sort rows by their encoded key before the online
upsert (the offline write already sorts its own copy by primary key and event time).
Feast's `materialize` (not profiled here) converts every value to a protobuf and its
SQLite online store keeps one row per entity and feature (8 rows per customer here).
""",
    "pit": """
**Profile** of one `fv.training_data()` call at scale 1 (py-spy with native frames): 84%
of the time is inside DuckDB executing the query, about 10% converting the Arrow result
to pandas, and under 1% in mvps' own Python (compiling the query, reading the Delta
logs, recording the training dataset). DuckDB's `EXPLAIN ANALYZE` puts nearly all of it
in the two ASOF JOIN operators, which sort both inputs by key and event time; each
Parquet scan of a 10M-row group takes about 0.3 s and the final `ORDER BY obs_id,
event_time` about 0.13 s. The wall time moves with the machine's load: the same query
took 2.2 s on an idle machine and up to 5 s while other test suites ran on the two
cores (the CPU column varies less).

**A backfill in several inserts.** With each 10M-row group written in 10 inserts of 1M
rows (consecutive event-time ranges), every insert is sorted by (key, event time) but
the table is 10 sorted runs instead of one, and the join is about 1.3-1.4x slower (the
table above); the result is identical. The 10 inserts themselves take longer than one
(1.8x in the run above, 3x on a busier machine; see the setup notes: each is a MERGE
against the growing table). DuckDB sorts
its inputs whatever their order, so it cannot exploit runs that are each sorted; a
compaction that rewrites a group's files in (primary key, event time) order after a
backfill would recover the difference.

**Feast.** Its DuckDB store joins each group to the spine on the key with
`event_time <=` (every earlier row of the key) and keeps the newest per spine row with a
window function: about 10 and 50 candidate rows per spine row here, hence the time and
memory. Its Dask store merges and de-duplicates with Dask DataFrames, drops the spine
rows that have no earlier row in a group (the check above), and needs more memory than
this machine has at scale 1.
""",
    "predict": """
**Profile** of `mvps serve` at 1,000 predictions/s (py-spy on the server): the server
is busy about 60% of the time; 86% of that is the batched prediction path: about 44%
in scikit-learn's `Pipeline.predict` (mostly its input validation of the pandas
DataFrame: `validate_data`, feature-name checks), about 20% building that DataFrame,
about 5% the online lookup and about 10% HTTP. One `predict` call on a one-row
DataFrame costs about 0.8 ms in this environment (0.3 ms on a NumPy array), whatever
the batch size up to 100 rows. The p50 target (2 ms at 1,000 req/s) is missed because
requests that arrive while a batch runs wait for it and form the next batch: p50 is
about 2.5 ms at 250 req/s and about 5 ms at 1,000 req/s, while the server sustains
3,000-4,000 req/s with p99 under 10 ms (it varies between runs). Suggestion (`src/mvps/serving/runtime.py`): when the
model's fitted feature names match the feature view's vector order, hand the model a
NumPy array and validate the columns once at load time (or predict under
`sklearn.config_context(assume_finite=True, skip_parameter_validation=True)`). MLflow
pays the same scikit-learn cost plus its own request parsing.
""",
}
