"""Hand-written analysis shown under a workload's section of ``RESULTS.md``.

Keep it to what a profile or an experiment showed, with the command to repeat it.
"""

from __future__ import annotations

ANALYSIS: dict[str, str] = {}
