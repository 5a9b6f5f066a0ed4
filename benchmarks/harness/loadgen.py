"""Open-loop HTTP load generator process (``python -m benchmarks.harness.loadgen``).

Reads a spec on stdin (host, port, requests as raw HTTP/1.1 strings, rate, duration,
warm-up, connections, CPUs), runs the asyncio load generator of
``benchmarks/serving_bench.py`` (requests are sent on schedule whether or not earlier
ones were answered, over keep-alive connections) and prints ``RESULT <json>``: latencies
in seconds measured from the send ("service") and from the scheduled time
("scheduled", which includes waiting for a free connection), the achieved rate and
errors.
"""

from __future__ import annotations

import asyncio
import os

from benchmarks.harness import common


def main() -> None:
    from benchmarks.serving_bench import _load

    spec = common.read_spec()
    if spec.get("cpus") and hasattr(os, "sched_setaffinity"):
        os.sched_setaffinity(0, set(spec["cpus"]))
    requests = [r.encode("latin-1") for r in spec["requests"]]
    result = asyncio.run(
        _load(
            spec["host"],
            int(spec["port"]),
            requests,
            float(spec["rate"]),
            float(spec["duration"]),
            float(spec["warmup"]),
            int(spec["connections"]),
        )
    )
    common.emit(result)


if __name__ == "__main__":
    main()
