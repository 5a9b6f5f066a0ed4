"""``import mvps`` is cheap: heavy dependencies load on first use, not on import."""

from __future__ import annotations

import json

from .helpers import run_python

HEAVY = ["duckdb", "deltalake", "pyarrow", "pandas", "sqlalchemy", "redis", "sklearn", "fastapi"]


def test_import_mvps_loads_no_heavy_dependency(tmp_path):
    proc = run_python(
        f"""
        import json, sys
        import mvps
        assert mvps.__version__
        heavy = {HEAVY!r}
        print(json.dumps([m for m in heavy if m in sys.modules]))
        """,
        cwd=tmp_path,
    )
    assert json.loads(proc.stdout) == []


def test_public_names_load_on_first_use(tmp_path):
    proc = run_python(
        """
        import json, sys
        import mvps
        before = "sqlalchemy" in sys.modules
        login = mvps.login
        print(json.dumps([before, callable(login), "mvps.project" in sys.modules]))
        """,
        cwd=tmp_path,
    )
    assert json.loads(proc.stdout) == [False, True, True]
