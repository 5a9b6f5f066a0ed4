"""Small project commands: ``mvps info`` and ``mvps sync``."""

from __future__ import annotations

import argparse
import json


def configure_info(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print JSON instead of text")


def run_info(args: argparse.Namespace) -> int:
    from mvps.cli import open_project

    project = open_project(args)
    cat = project.catalog
    cfg = project.config
    info = {
        "project": project.name,
        "path": str(project.path),
        "catalog": cfg.catalog_url,
        "offline": cfg.offline_uri,
        "online": cfg.online_url,
        "config_file": str(cfg.config_file) if cfg.config_file else None,
        "feature_groups": [f"{o.name} v{o.version}" for o in cat.list("feature_group")],
        "feature_views": [f"{o.name} v{o.version}" for o in cat.list("feature_view")],
        "models": [f"{o.name} v{o.version}" for o in cat.list("model")],
        "deployments": [o.name for o in cat.list("deployment")],
        "jobs": [o.name for o in cat.list("job")],
    }
    if args.json:
        print(json.dumps(info, indent=2))
    else:
        for k, v in info.items():
            print(f"{k:15} {', '.join(v) if isinstance(v, list) else v}")
    return 0


def configure_sync(p: argparse.ArgumentParser) -> None:
    p.add_argument("--feature-group", help="only this feature group (all versions)")


def run_sync(args: argparse.Namespace) -> int:
    """Replay offline commits the online store missed (e.g. after a crash)."""
    from mvps.cli import open_project

    project = open_project(args)
    fs = project.get_feature_store()
    total = 0
    for fg in fs.get_feature_groups(args.feature_group):
        if fg.online_enabled:
            n = fg.sync_online()
            total += n
            print(
                f"{fg.name} v{fg.version}: {'replayed ' + str(n) + ' commit(s)' if n else 'up to date'}"
            )
    print(f"done: {total} commit(s) replayed")
    return 0
