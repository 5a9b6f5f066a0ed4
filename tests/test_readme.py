"""The README's Python examples run as written (in a fresh project)."""

from __future__ import annotations

import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    text = README.read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_examples_run(home, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    blocks = python_blocks()
    assert len(blocks) >= 3
    namespace: dict[str, object] = {}
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    out = capsys.readouterr().out
    assert "loan_status" in out
    fv = namespace["fv"]
    # applicant 123's loan was issued in April 2022: the January report applies
    batch = fv.get_batch_data(primary_key=True)  # type: ignore[attr-defined]
    assert "rent" in set(batch["home_ownership"])
    import mvps

    mvps.logout()
