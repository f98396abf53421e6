"""The ``microsolidarity`` command: serve the workbook, write the demo, export a review, back up.

Every failure a facilitator can cause (a taken port, an unreadable ledger, a missing folder) ends
in one plain line on stderr and a non-zero exit, never a traceback.

What the command says is in the facilitator's language (``i18n.terminal_language``: ``--language``
for ``serve``, else ``$MICROSOLIDARITY_LANGUAGE``, else the terminal's own). The messages of the
server and the ledger that it passes on are not translated yet; argparse's own words ("usage:")
are Python's.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from . import __version__, i18n, storage
from .errors import LedgerError
from .server import ServeError, Settings



def _ledger_location(value: str | None) -> str | None:
    """An absolute path (kernels run in other folders) or a URL as given; None for the default."""
    if not value:
        return None
    return value if storage.is_url(value) else str(Path(value).expanduser().resolve())


def serve(args: argparse.Namespace) -> int:
    from . import server

    location = _ledger_location(args.ledger)
    name = server.check_ledger(location)
    if location:
        # Kernels (preheated ones included) inherit the server's environment.
        os.environ[storage.ENV_VAR] = location
    # The facilitator's language, and the phones' when their browsers ask for none of the workbook's;
    # kernels inherit it too.
    os.environ[i18n.ENV_VAR] = i18n.terminal_language(args.language)
    server.say(_("Ledger: %(ledger)s", ledger=name))
    return server.run(serve_settings(args))


def serve_settings(args: argparse.Namespace) -> Settings:
    from . import server

    return Settings(port=args.port, share=args.share, pool_size=args.pool_size, verbose=args.verbose,
                    language=args.language,
                    preheat=None if args.preheat is None else tuple(args.preheat.split(",")),
                    max_open=args.max_open, max_open_per_page=args.max_open_per_page,
                    notebooks=Path(args.notebooks).resolve() if args.notebooks else server.workbooks_dir())


def demo(args: argparse.Namespace) -> int:
    from . import demo as demo_module

    path = demo_module.write(args.path, force=args.force)
    print(_("Demo ledger written to %(path)s. Try it with: microsolidarity serve --ledger %(path)s", path=path))
    return 0


def export(args: argparse.Namespace) -> int:
    from .export import export_group
    from .ledger import Ledger

    with Ledger.open(_ledger_location(args.ledger), read_only=True) as ledger:
        written = export_group(ledger, args.group, Path(args.out), include_private=args.include_private)
    print(_("The review of %(group)s is in %(folder)s", group=args.group, folder=args.out) if args.include_private
          else _("The review of %(group)s is in %(folder)s (private texts left out)", group=args.group, folder=args.out))
    for path in written or ():
        print(f"    {path}")
    return 0


def backup(args: argparse.Namespace) -> int:
    from .ledger import Ledger

    with Ledger.open(_ledger_location(args.ledger), read_only=True) as ledger:
        path = ledger.backup(args.out)
        print(_("Backed up %(ledger)s to %(copy)s", ledger=ledger.location, copy=path))
    return 0


def copy(args: argparse.Namespace) -> int:
    from .migrate import copy as copy_ledger

    print(copy_ledger(_ledger_location(args.src), _ledger_location(args.dst)))
    return 0


def _(message: str, **values) -> str:
    """``message`` in the facilitator's language (read again each time: ``serve --language`` sets it)."""
    return i18n.words(i18n.terminal_language())._(message, **values)


def parser() -> argparse.ArgumentParser:
    ledger_help = _("ledger file or database URL (default: $%(variable)s, else data/ledger.sqlite in a checkout, "
                    "else ledger.sqlite in your data folder)", variable=storage.ENV_VAR)
    top = argparse.ArgumentParser(
        prog="microsolidarity",
        description=_("The Reciprocity Workbook: serve the pages, write a demo ledger, export a review, back up."))
    top.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = top.add_subparsers(dest="command", required=True, metavar=_("COMMAND"))

    p = sub.add_parser(
        "serve", help=_("serve the workbook pages"),
        description=_("Serve the workbook with Voilà. By default only this machine can open it; with --share, "
                      "members on the same network join with the printed address, which carries a token."))
    p.add_argument("--ledger", metavar="PATH|URL", help=ledger_help)
    # argparse fills in %(default)s itself, in the translated help text too.
    p.add_argument("--port", type=int, default=8866, help=_("port to listen on (default: %(default)s)"))
    p.add_argument("--share", action="store_true",
                   help=_("let members join from their own devices on this network (a token is required)"))
    p.add_argument("--language", metavar="LANG", choices=list(i18n.LANGUAGES),
                   help=_("the facilitator's language, and the phones' when their browsers ask for none of "
                          "these: %(languages)s (default: your terminal's, else English)",
                          languages=", ".join(i18n.LANGUAGES)))
    p.add_argument("--pool-size", type=int, default=1, metavar="N",
                   help=_("kernels kept ready per page so it opens quickly; 0 starts one on demand "
                          "(default: %(default)s)"))
    p.add_argument("--preheat", metavar="PAGE,PAGE",
                   help=_("keep kernels ready for these pages only, named as their notebooks without .ipynb "
                          "(e.g. 02_listening,03_money); the others start a kernel when opened (default: every page)"))
    p.add_argument("--notebooks", metavar="DIR", help=_("serve this folder of notebooks instead of the workbook's own"))
    p.add_argument("--max-open", type=int, default=Settings.max_open, metavar="N",
                   help=_("pages open at once in all (each holds a Python kernel of about 150 MB; "
                          "default: %(default)s)"))
    p.add_argument("--max-open-per-page", type=int, default=Settings.max_open_per_page, metavar="N",
                   help=_("times one page may be open at once (default: %(default)s)"))
    p.add_argument("--verbose", action="store_true",
                   help=_("also log what the server does (kernels started, pages opened); warnings are always shown"))
    p.set_defaults(func=serve)

    p = sub.add_parser("demo", help=_("write the fictional demo ledger"),
                       description=_("Write a fictional, deterministic congregation to learn the workbook with."))
    p.add_argument("path", nargs="?", default="data/demo.sqlite", help=_("where to write it (default: %(default)s)"))
    p.add_argument("--force", action="store_true", help=_("replace the file if it exists"))
    p.set_defaults(func=demo)

    p = sub.add_parser("export", help=_("export a group's review: CSV tables, chart images and an HTML report"),
                       description=_("Write a group's trust review to a folder. Private texts (money and conflict "
                                     "notes) are left out unless --include-private is given."))
    p.add_argument("--group", required=True, help=_("the crew or partnership to review"))
    p.add_argument("--out", required=True, metavar="DIR", help=_("folder to write into"))
    p.add_argument("--include-private", action="store_true", help=_("include private texts (share with care)"))
    p.add_argument("--ledger", metavar="PATH|URL", help=ledger_help)
    p.set_defaults(func=export)

    p = sub.add_parser("backup", help=_("copy the ledger safely, even while pages are writing to it"),
                       description=_("Write a consistent copy of a SQLite ledger. Safe while the workbook is serving."))
    p.add_argument("--out", metavar="FILE", help=_("where to write the copy (default: next to the ledger, dated)"))
    p.add_argument("--ledger", metavar="PATH|URL", help=ledger_help)
    p.set_defaults(func=backup)

    p = sub.add_parser("copy", help=_("copy one ledger into another (a crew's file into the congregation's "
                                      "database, or back)"),
                       description=_("Add every event of SRC that DST lacks. Groups and members are matched by "
                                     "name; running it again adds nothing new. DST is created if it does not exist."))
    p.add_argument("src", metavar="SRC", help=_("ledger file or database URL to copy from"))
    p.add_argument("dst", metavar="DST", help=_("ledger file or database URL to copy into"))
    p.set_defaults(func=copy)
    return top


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    # `serve --language` speaks that language from its first line (``parse_known_args`` reads it
    # before the parser with its help texts is built).
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--language")
    asked = i18n.known(early.parse_known_args(argv)[0].language)
    if asked:
        os.environ[i18n.ENV_VAR] = asked
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except (LedgerError, ServeError) as exc:
        return _fail(str(exc))
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}: {exc.filename}" if exc.filename else str(exc))
    except KeyboardInterrupt:
        return 130


def _fail(message: str) -> int:
    print(f"microsolidarity: {message}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
