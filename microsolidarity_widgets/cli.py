"""The ``microsolidarity`` command."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

from . import storage
from .errors import LedgerError


def workbooks_dir() -> Path:
    return Path(__file__).resolve().parent.parent / "workbooks"


TEMPLATES = Path(__file__).resolve().parent / "share" / "jupyter"


def voila_argv(port: int, ip: str = "127.0.0.1") -> list[str]:
    return [
        sys.executable, "-m", "voila", str(workbooks_dir()),
        "--no-browser", f"--port={port}", f"--Voila.ip={ip}",
        "--template=microsolidarity", "--show_tracebacks=False",
    ]


def serve(args: argparse.Namespace) -> int:
    env = dict(os.environ)
    # Voilà finds templates on the Jupyter path; ours ships inside the package.
    env["JUPYTER_PATH"] = os.pathsep.join(filter(None, [str(TEMPLATES), env.get("JUPYTER_PATH")]))
    if args.ledger:
        env[storage.ENV_VAR] = args.ledger if storage.is_url(args.ledger) else str(Path(args.ledger).resolve())
    try:
        return subprocess.call(voila_argv(args.port), env=env)
    except KeyboardInterrupt:
        return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="microsolidarity", description="Run the Reciprocity Workbook.")
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("serve", help="serve the workbooks with Voilà on this machine")
    p.add_argument("--ledger", help="ledger file or database URL (default: $MICROSOLIDARITY_LEDGER or data/ledger.sqlite)")
    p.add_argument("--port", type=int, default=8866)
    p.set_defaults(func=serve)
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except LedgerError as exc:
        print(f"microsolidarity: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
