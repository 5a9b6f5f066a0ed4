"""``mvps.login()``: where projects live, config files, and sharing a project between
processes."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

import mvps
from mvps.errors import InvalidInput

from .helpers import frame, rows, run_python, run_together, write_config


def test_login_without_arguments_opens_the_default_project_under_home(home):
    project = mvps.login()
    assert project.name == "default"
    assert project.path == (Path(home) / "default").resolve()
    assert project.path.is_dir()
    assert project.get_url() == f"file://{project.path}"
    assert mvps.get_current_project() is project
    assert mvps.login() is project  # the same configuration returns the open project


def test_login_without_anything_set_uses_dot_mvps_in_the_user_home(tmp_path):
    """No argument, no MVPS_* variable, no config file: ``~/.mvps/default``, persisting
    across processes."""
    user_home = tmp_path / "user"
    user_home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith("MVPS_")}
    env["HOME"] = str(user_home)
    writer = """
        import mvps, pandas as pd
        project = mvps.login()
        fg = project.get_feature_store().create_feature_group("clicks", version=1, primary_key=["id"])
        fg.insert(pd.DataFrame({"id": [1, 2], "n": [10, 20]}))
        print(project.path)
    """
    proc = run_python(writer, cwd=user_home, base_env=env)
    assert Path(proc.stdout.strip()) == (user_home / ".mvps" / "default").resolve()
    # this process finds the data where the other one left it
    fg = mvps.login(home=user_home / ".mvps").get_feature_store().get_feature_group("clicks", 1)
    assert fg.read().sort_values("id").to_dict("list") == {"id": [1, 2], "n": [10, 20]}


def test_project_name_and_feature_store(home):
    project = mvps.login(project="Loans")
    assert project.name == "loans"  # names are lower-cased like every other name
    assert project.path == (Path(home) / "loans").resolve()
    fs = project.get_feature_store()
    assert fs is project.get_feature_store("anything")
    assert fs.name == "loans_featurestore"
    assert fs.project_name == "loans"
    other = mvps.login(project="other")
    assert other.path != project.path
    assert mvps.get_current_project() is other


def test_project_name_from_environment(home, monkeypatch):
    monkeypatch.setenv("MVPS_PROJECT", "fraud")
    assert mvps.login().name == "fraud"
    assert mvps.login(project="aml").name == "aml"  # the argument wins


def test_invalid_project_name_is_rejected(home):
    with pytest.raises(InvalidInput, match="project name"):
        mvps.login(project="my project!")


def test_home_argument_wins_over_environment(home, tmp_path):
    explicit = tmp_path / "elsewhere"
    project = mvps.login(home=explicit)
    assert project.path == (explicit / "default").resolve()
    assert not (Path(home) / "default").exists()


def test_projects_are_isolated(home):
    a = mvps.login(project="a")
    a.get_feature_store().create_feature_group("g", version=1, primary_key=["id"]).insert(
        frame([1], [1], [1.0])
    )
    b = mvps.login(project="b")
    assert b.get_feature_store().get_feature_groups() == []
    a = mvps.login(project="a")
    assert [g.name for g in a.get_feature_store().get_feature_groups()] == ["g"]


# ---------------------------------------------------------------- config files


def test_config_argument_selects_name_home_and_offline_location(home, tmp_path):
    cfg_dir = tmp_path / "conf"
    cfg_dir.mkdir()
    cfg = cfg_dir / "mvps.toml"
    cfg.write_text('[project]\nname = "Scoring"\nhome = "projects"\n\n[offline]\nuri = "tables"\n')
    project = mvps.login(config=cfg, home=None)
    # MVPS_HOME (set by the fixture) wins over [project] home; the name comes from the file
    assert project.name == "scoring"
    assert project.path == (Path(home) / "scoring").resolve()
    assert project.config.config_file == cfg
    # relative paths are relative to the config file
    assert project.config.offline_uri == str((cfg_dir / "tables").resolve())
    fg = project.get_feature_store().create_feature_group("g", version=1, primary_key=["id"])
    fg.insert(frame([1], [1], [1.0]))
    assert (cfg_dir / "tables" / "g_1").is_dir()


def test_config_home_is_relative_to_the_file(tmp_path, monkeypatch):
    monkeypatch.delenv("MVPS_HOME", raising=False)
    monkeypatch.delenv("MVPS_PROJECT", raising=False)
    cfg = tmp_path / "team.toml"
    cfg.write_text('[project]\nhome = "shared"\n')
    project = mvps.login(config=cfg)
    assert project.path == (tmp_path / "shared" / "default").resolve()


def test_config_from_environment(home, tmp_path, monkeypatch):
    cfg = tmp_path / "env.toml"
    cfg.write_text('[project]\nname = "fromenv"\n')
    monkeypatch.setenv("MVPS_CONFIG", str(cfg))
    assert mvps.login().name == "fromenv"


def test_config_from_working_directory(home, tmp_path, monkeypatch):
    (tmp_path / "mvps.toml").write_text('[project]\nname = "cwd"\n')
    monkeypatch.chdir(tmp_path)
    assert mvps.login().name == "cwd"


def test_config_inside_the_project_directory(home):
    project_dir = Path(home) / "tuned"
    project_dir.mkdir(parents=True)
    (project_dir / "mvps.toml").write_text('[offline]\nuri = "delta"\n')
    project = mvps.login(project="tuned")
    assert project.config.offline_uri == str((project_dir / "delta").resolve())


def test_missing_or_invalid_config_file(home, tmp_path, monkeypatch):
    with pytest.raises(InvalidInput, match="does not exist"):
        mvps.login(config=tmp_path / "nope.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[online\nurl = ")
    with pytest.raises(InvalidInput, match="not valid TOML"):
        mvps.login(config=bad)
    monkeypatch.setenv("MVPS_CONFIG", str(tmp_path / "missing.toml"))
    with pytest.raises(InvalidInput, match="MVPS_CONFIG"):
        mvps.login()


def test_host_argument_warns_and_opens_the_embedded_project(home):
    with pytest.warns(UserWarning, match="embedded"):
        project = mvps.login(host="c.app.hopsworks.ai", api_key_value="secret")
    assert project.name == "default"


@pytest.mark.redis
def test_config_selects_redis_online_store(home, tmp_path, redis_url):
    from mvps.online.redis import RedisOnlineStore

    cfg = write_config(tmp_path / "mvps.toml", online_url=redis_url)
    project = mvps.login(config=cfg)
    assert isinstance(project.online, RedisOnlineStore)
    assert not (project.path / "online.db").exists()


@pytest.mark.postgres
def test_config_selects_postgres_catalog(home, tmp_path, postgres_url):
    cfg = write_config(tmp_path / "mvps.toml", catalog_url=postgres_url)
    project = mvps.login(config=cfg)
    assert project.catalog.engine.dialect.name == "postgresql"
    assert not (project.path / "catalog.db").exists()


# ---------------------------------------------------------------- processes


def test_two_processes_see_each_others_writes(project, tmp_path):
    """A subprocess and this process share one project (whatever its backends)."""
    fs = project.get_feature_store()
    fg = fs.create_feature_group(
        "shared", version=1, primary_key=["id"], event_time="ts", online_enabled=True
    )
    fg.insert(frame([1, 2], [1, 1], [1.0, 2.0]))

    run_python(
        """
        import mvps, pandas as pd
        fs = mvps.login().get_feature_store()
        fg = fs.get_feature_group("shared", 1)
        assert sorted(fg.read()["id"]) == [1, 2], fg.read()
        fg.insert(pd.DataFrame({"id": [3], "ts": [pd.Timestamp("2024-01-02", tz="UTC")],
                                "amount": [3.0], "name": ["n3"]}))
        fs.create_feature_group("made_elsewhere", version=1, primary_key=["k"]).insert(
            pd.DataFrame({"k": ["a"]}))
        """,
        cwd=tmp_path,
    )
    assert sorted(fg.read()["id"]) == [1, 2, 3]
    assert sorted(fg.read(online=True)["id"]) == [1, 2, 3]
    assert fs.get_feature_group("made_elsewhere", 1).read()["k"].tolist() == ["a"]

    fg.insert(frame([4], [3], [4.0]))
    assert rows(fg.read()) == rows(fs.get_feature_group("shared", 1).read())
    assert sorted(fg.read(online=True)["id"]) == [1, 2, 3, 4]


WRITER = """
    import sys, mvps, pandas as pd
    fg = mvps.login().get_feature_store().get_feature_group("busy", 1)
    print("ready", flush=True)
    sys.stdin.readline()
    for i in range({base}, {base} + 5):
        fg.insert(pd.DataFrame({{"id": [i], "ts": [pd.Timestamp("2024-01-01", tz="UTC")],
                                "amount": [float(i)], "name": ["w"]}}))
"""


def test_two_processes_writing_at_once(embedded):
    """Writers of one group take turns: no commit is lost, online follows offline."""
    fg = embedded.get_feature_store().create_feature_group(
        "busy",
        version=1,
        primary_key=["id"],
        event_time="ts",
        online_enabled=True,
        statistics_config=False,
    )
    fg.insert(frame([0], [1], [0.0]))
    run_together([WRITER.format(base=base) for base in (100, 200)])
    expected = [0, *range(100, 105), *range(200, 205)]
    assert sorted(fg.read()["id"]) == expected
    assert len(fg.commit_details()) == 11
    assert embedded.online.get_watermark("busy_1") == embedded.offline.version("busy_1") == 10
    assert sorted(embedded.online.scan("busy_1", fg.arrow_schema).column("id").to_pylist()) == (
        expected
    )


def test_project_persists_after_logout(home):
    project = mvps.login()
    project.get_feature_store().create_feature_group("kept", version=1, primary_key=["id"]).insert(
        pd.DataFrame({"id": [1]})
    )
    mvps.logout()
    again = mvps.login()
    assert again is not project
    assert again.get_feature_store().get_feature_group("kept", 1).read()["id"].tolist() == [1]
