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
**Online writes in key order.** A profile of one mvps run (cProfile, scale 1, statistics
off) showed 61% of `fg.insert` in the SQLite online store's `executemany` upsert: the
benchmark's customer ids arrive in random order, so every upsert landed on a random
page of the online table's key index. The store now writes a batch in key order (a
stable sort of the encoded keys, so the rows of one key keep their order and the newest
still wins): the same insert went from 21.8 s to 11.4 s on this machine, the upsert
from 13.2 s to 3.0 s. What is left: encoding the rows to JSON (`orjson`, about 4 µs a
row, 45%), the upsert (25%), keeping the newest row per key (7%) and the Delta commit
(8%). Feast's `materialize` (not profiled here) converts every value to a protobuf and
its SQLite online store keeps one row per entity and feature (8 rows per customer here).
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
**What made predictions fast.** A profile of `mvps serve` at 1,000 predictions/s
(py-spy) showed 44% of the server's time in scikit-learn validating the one-row pandas
DataFrame the default predictor built (`validate_data`, feature-name checks through
narwhals) and 20% building it: `Pipeline.predict` cost 0.88 ms on a one-row DataFrame
and 0.33 ms on the same row as a NumPy array. The default predictor now gives a model
fitted on a DataFrame a float64 array of the same columns once its first batch showed
the same answer for the array as for the DataFrame, and only while every value is a
number (`src/mvps/serving/model_input.py`; a model that selects columns by name keeps
getting DataFrames). Two more changes: the server freezes what it has loaded out of the
garbage collector's full passes (`gc.freeze` after each load): a full collection of its
~180,000 long-lived objects took 128 ms and stalled every request in flight (p99.9 at
1,000 req/s went from 120 ms to 16 ms); and the load generator now sends on time
(asyncio's sleep overshoots by up to 1 ms, which added about 0.5 ms to every latency
"from schedule", for every system).

**Platform overhead.** The no-op row serves the same requests with a model whose
`predict` takes microseconds: what remains is HTTP, JSON, the online lookup and building
the model's input.

**Lower rates are slower here.** On this virtual machine an idle core loses its caches:
a loop calling `Pipeline.predict` with 5 ms pauses runs about 3x slower per call than
back to back (1.15 ms against 0.34 ms; a busy loop instead of the pause gives 0.7 ms).
So p50 at 100-250 req/s is higher than at 1,000 req/s, for every system. MLflow pays the
same scikit-learn cost on a DataFrame plus its own request parsing.
""",
}
