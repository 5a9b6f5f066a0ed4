"""Two processes saving versions of the same model at the same time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

SAVER = r"""
import json, sys
import mvps

home, src, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
project = mvps.login(home=home)
mr = project.get_model_registry()
mr.get_models("shared")          # warm up imports and the catalog connection
print("ready", flush=True)
sys.stdin.readline()             # wait until the parent says go
versions = [mr.python.create_model("shared").save(src).version for _ in range(n)]
print(json.dumps(versions), flush=True)
"""


def test_two_processes_get_distinct_complete_versions(
    home: str, project: Any, model_dir: Path
) -> None:
    per_process = 6
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", SAVER, home, str(model_dir), str(per_process)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    try:
        for p in procs:  # both are ready before either starts saving
            assert p.stdout is not None
            line = p.stdout.readline()
            assert line.strip() == "ready", (line, p.stderr.read() if p.stderr else "")
        for p in procs:
            assert p.stdin is not None
            p.stdin.write("go\n")
            p.stdin.flush()
        results = []
        for p in procs:
            out, err = p.communicate(timeout=120)
            assert p.returncode == 0, err
            results.append(json.loads(out.strip().splitlines()[-1]))
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
                p.wait()
    a, b = results
    assert not set(a) & set(b)
    assert sorted(a + b) == list(range(1, 2 * per_process + 1))
    mr = project.get_model_registry()
    assert [m.version for m in mr.get_models("shared")] == sorted(a + b)
    base = project.config.artifacts_dir / "models" / "shared"
    assert sorted(p.name for p in base.iterdir()) == sorted(
        str(v) for v in a + b
    )  # no staging left
    expected = sorted(str(p.relative_to(model_dir)) for p in model_dir.rglob("*") if p.is_file())
    for m in mr.get_models("shared"):
        files = Path(m.model_files_path)
        got = sorted(str(p.relative_to(files)) for p in files.rglob("*") if p.is_file())
        assert got == expected
        assert (files / "model.pkl").read_bytes() == (model_dir / "model.pkl").read_bytes()
