"""``mvps init``: create a new MVPS project from a template."""

from __future__ import annotations

import argparse


def configure(p: argparse.ArgumentParser) -> None:
    from mvps.template import EXAMPLES

    p.add_argument("directory", help="where to create the project (created if missing)")
    p.add_argument(
        "--example",
        choices=EXAMPLES,
        help="start from a worked example instead of the empty skeleton",
    )
    p.add_argument(
        "--name", help="project name in mvps.toml (default: --project, else the directory name)"
    )
    p.add_argument(
        "--force", action="store_true", help="write into a non-empty directory (overwrites files)"
    )


def run(args: argparse.Namespace) -> int:
    from mvps.template import create

    name = args.name or getattr(args, "project", None)
    path = create(args.directory, example=args.example, force=args.force, name=name)
    kind = f"the {args.example} example" if args.example else "an empty MVPS"
    print(f"created {kind} in {path}")
    print("next steps:")
    print(f"  cd {path}")
    if args.example == "loan-approval":
        print("  python -m pipelines.feature_pipeline --generate --scale 0.1 --backfill")
    else:
        print("  python -m pipelines.feature_pipeline")
    print("  python -m pipelines.training_pipeline")
    print("  python -m pipelines.batch_inference")
    print("  python app.py")
    print("  python -m pytest")
    print("README.md walks through the five steps.")
    return 0
