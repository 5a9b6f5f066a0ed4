"""The ``mvps`` command: thin wrappers that parse arguments and call one library function.

Each subcommand lives in its own module with two functions, ``configure(parser)`` and
``run(args) -> int``; this file only lists them, so ``mvps --help`` imports nothing heavy.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

# name -> (module, one-line help)
COMMANDS: dict[str, tuple[str, str]] = {
    "demo": ("mvps.demo.cli", "run the loan-approval MVPS end to end"),
    "init": ("mvps.template.cli", "create a new MVPS project skeleton (FTI pipelines)"),
    "info": ("mvps.commands", "show a project's location, backends and contents"),
    "sync": ("mvps.commands", "replay offline commits the online store has not applied"),
    "serve": ("mvps.serving.cli", "serve deployments, feature vectors and the web UI over HTTP"),
    "ui": ("mvps.ui.cli", "open the web UI of a project"),
    "jobs": ("mvps.jobs.cli", "create, run, schedule and inspect jobs (pipelines)"),
}


def add_project_options(p: argparse.ArgumentParser, default: object = None) -> None:
    """--project/--home/--config (``default=argparse.SUPPRESS`` on sub-subcommands, so
    that they may come after the action without hiding the ones given before it)."""
    p.add_argument(
        "--project", default=default, help="project name (default: $MVPS_PROJECT or 'default')"
    )
    p.add_argument(
        "--home",
        default=default,
        help="directory holding projects (default: $MVPS_HOME or ~/.mvps)",
    )
    p.add_argument(
        "--config",
        default=default,
        help="config file selecting backends (default: $MVPS_CONFIG or ./mvps.toml)",
    )


_common = add_project_options


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    from mvps import __version__

    parser = argparse.ArgumentParser(
        prog="mvps",
        description="mvps: feature store, model registry and model serving for minimal viable "
        "prediction services. Code written for Hopsworks runs with `import mvps as hopsworks`.",
    )
    parser.add_argument("--version", action="version", version=f"mvps {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, (module, help_) in COMMANDS.items():
        p = sub.add_parser(name, help=help_, description=help_)
        _common(p)
        if name == only:
            mod = importlib.import_module(module)
            getattr(mod, f"configure_{name}", getattr(mod, "configure", lambda _p: None))(p)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    command = next((a for a in args_list if a in COMMANDS), None)
    parser = build_parser(command)
    args = parser.parse_args(args_list)
    if not args.command:
        parser.print_help()
        return 0
    module = importlib.import_module(COMMANDS[args.command][0])
    run = getattr(module, f"run_{args.command}", getattr(module, "run", None))
    from mvps.errors import MvpsError

    try:
        return int(run(args) or 0)  # type: ignore[misc]
    except MvpsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


def open_project(args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The project named by the common --project/--home/--config options."""
    import mvps

    return mvps.login(project=args.project, home=args.home, config=args.config)


if __name__ == "__main__":
    raise SystemExit(main())
