"""``mvps demo``: run the loan-approval MVPS end to end (see :mod:`mvps.demo`)."""

from __future__ import annotations

import argparse


def configure(p: argparse.ArgumentParser) -> None:
    from mvps.demo import DEFAULT_DIR

    p.add_argument(
        "--dir",
        default=DEFAULT_DIR,
        help=f"working directory for the demo project (default: ./{DEFAULT_DIR}; "
        "a previous demo there is replaced)",
    )
    p.add_argument(
        "--scale",
        type=float,
        default=1.0,
        help="data size: 1.0 = about 396,000 loans (default), 0.05 = about 20,000",
    )
    p.add_argument("--seed", type=int, default=42, help="random seed of the synthetic data")
    p.add_argument(
        "--no-ui",
        action="store_true",
        help="stop after the test prediction instead of serving the stakeholder app "
        "(for scripts and CI); the deployment is stopped",
    )
    p.add_argument("--host", default="127.0.0.1", help="interface of the stakeholder app")
    p.add_argument(
        "--port", type=int, help="port of the stakeholder app (default: 7860 or a free port)"
    )


def run(args: argparse.Namespace) -> int:
    from mvps.demo import run_demo

    result = run_demo(
        args.dir,
        scale=args.scale,
        seed=args.seed,
        ui=not args.no_ui,
        host=args.host,
        port=args.port,
        home=args.home,
        project=args.project,
        config=args.config,
    )
    if args.no_ui:
        print(f"mvps demo finished in {result.total_seconds:.0f}s")
    return 0
