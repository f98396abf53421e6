"""A throw-away PostgreSQL server for the test session.

``PgServer.start()`` runs Debian's ``initdb`` into a temporary folder and ``pg_ctl start`` on a free
loopback port; ``new_database()`` hands each test its own database, cloned from a template that
already holds the ledger schema (a clone takes milliseconds, an ``initdb`` seconds). As root the
server runs as the unprivileged ``postgres`` user, because PostgreSQL refuses to run as root.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

import sqlalchemy as sa

TEMPLATE = "ledger_template"

# What schema 5 added (the events' one-time keys): run on a database of today's schema, it leaves the
# tables as a schema-4 workbook made them (the column's unique index goes with it).
SCHEMA_4_COLUMNS = ("ALTER TABLE events DROP COLUMN once_key",)

# What schema 3 kept where schema 4 has named fields: run on a database of today's schema, it leaves the
# tables as a schema-3 workbook made them, for the upgrade's tests.
SCHEMA_3_COLUMNS = SCHEMA_4_COLUMNS + (
    "ALTER TABLE events DROP COLUMN data, DROP COLUMN texts, ADD COLUMN title VARCHAR(200), "
    "ADD COLUMN detail VARCHAR(200), ADD COLUMN note TEXT",
    "ALTER TABLE participants DROP COLUMN data, DROP COLUMN texts, ADD COLUMN detail VARCHAR(200), "
    "ADD COLUMN note TEXT",
)


class PgUnavailable(RuntimeError):
    """PostgreSQL is not installed or would not start; the message says which and why."""


def find_bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), key=lambda p: int(Path(p).parts[-3]))
    if os.environ.get("PG_BIN"):
        candidates.append(os.path.join(os.environ["PG_BIN"], "postgres"))
    if not candidates:
        raise PgUnavailable("no PostgreSQL server under /usr/lib/postgresql/*/bin: run `make postgres` "
                            "(apt-get install postgresql) or set PG_BIN")
    return Path(candidates[-1]).parent


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgServer:
    def __init__(self, bin_dir: Path, root: Path, port: int, user: str | None):
        self.bin_dir, self.root, self.port, self.user = bin_dir, root, port, user
        self.data = root / "data"
        self._names = itertools.count()
        self._admin = None

    @classmethod
    def start(cls) -> "PgServer":
        bin_dir = find_bin_dir()
        user = "postgres" if os.geteuid() == 0 else None
        if user:
            try:
                pwd.getpwnam(user)
            except KeyError:
                raise PgUnavailable("running as root but there is no 'postgres' user to run the server as") from None
        root = Path(tempfile.mkdtemp(prefix="ledger-pg-"))
        if user:
            shutil.chown(root, user)
        server = cls(bin_dir, root, 0, user)
        try:
            server._run("initdb", "-D", str(server.data), "-U", "postgres", "--auth=trust", "--encoding=UTF8",
                        "--locale=C.UTF-8", "--no-sync")
            server._launch()
            server._make_template()
        except BaseException:
            server.stop()
            raise
        return server

    def _run(self, tool: str, *args: str) -> subprocess.CompletedProcess:
        result = subprocess.run([str(self.bin_dir / tool), *args], cwd=self.root, user=self.user,
                                capture_output=True, text=True, timeout=120)
        if result.returncode:
            raise PgUnavailable(f"{tool} failed ({result.returncode}):\n{result.stdout[-2000:]}{result.stderr[-2000:]}")
        return result

    def _launch(self) -> None:
        # A port picked here may be taken by a parallel run before the server binds it: try a few.
        for attempt in range(5):
            self.port = _free_port()
            # fsync off: this server's files are thrown away; it only makes CREATE DATABASE quick.
            opts = f"-p {self.port} -h 127.0.0.1 -k {self.root} -c fsync=off -c max_connections=200"
            try:
                self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", opts,
                          "-w", "-t", "60", "start")
                return
            except PgUnavailable:
                if attempt == 4:
                    log = self.root / "server.log"
                    raise PgUnavailable(f"pg_ctl could not start the server:\n{log.read_text()[-3000:] if log.exists() else ''}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def admin(self) -> sa.Engine:
        if self._admin is None:
            self._admin = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
        return self._admin

    def _make_template(self) -> None:
        from microsolidarity_widgets import storage

        with self.admin().connect() as con:
            con.exec_driver_sql(f"CREATE DATABASE {TEMPLATE}")
        store = storage.Store(self.url(TEMPLATE))  # creates the ledger schema once
        store.dispose()

    def new_database(self, with_schema: bool = True) -> str:
        """A fresh database's URL: an empty ledger, or (``with_schema=False``) an empty database."""
        name = f"t{os.getpid()}_{next(self._names)}"
        template = TEMPLATE if with_schema else "template0"
        with self.admin().connect() as con:
            con.exec_driver_sql(f"CREATE DATABASE {name} TEMPLATE {template} STRATEGY FILE_COPY")
        return self.url(name)

    def drop_database(self, url: str) -> None:
        name = sa.engine.make_url(url).database
        with self.admin().connect() as con:
            con.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        if self._admin is not None:
            self._admin.dispose()
        if (self.data / "postmaster.pid").exists():
            subprocess.run([str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                           cwd=self.root, user=self.user, capture_output=True, timeout=60)
        shutil.rmtree(self.root, ignore_errors=True)

