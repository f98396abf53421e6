"""Where the ledger lives: schema, connections, file checks and safe writes.

SQLite is the embedded default; any SQLAlchemy URL (``postgresql://…``) works the same way.
Everything database-specific lives here so the ledger and the scoring never see it.
"""

from __future__ import annotations

import contextvars
import json
import os
import random
import shutil
import sqlite3
import struct
import time
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa
from sqlalchemy import event as sa_event
from sqlalchemy.exc import DBAPIError

from .errors import LedgerBusy, LedgerError, LedgerFileError, LedgerFull, LedgerReadOnly

# 2: index events(kind, ref_id), so the "not voided" check every validation runs is a lookup, not a scan.
# 3: congregations (a group kind) and their events (pool, invitations, answers, gatherings, formations);
#    no table changes, but a workbook older than this would list a congregation as a crew and show crews
#    undone with their formation round, so it must refuse such a ledger rather than misread it.
# 4: an event's and each participant's meanings by name: facts in ``data`` and free texts in ``texts``
#    (each kind's rule names them), where the generic ``title``, ``detail`` and ``note`` held them by position.
# 5: each event's one-time key (``once_key``, unique when given): a phone's form, sent twice, records once.
SCHEMA_VERSION = 5
ENV_VAR = "MICROSOLIDARITY_LEDGER"
APP_FOLDER = "microsolidarity"  # the user's data folder of an installed workbook: ~/.local/share/microsolidarity
APP_ID = "microsolidarity-ledger"

metadata = sa.MetaData()

meta = sa.Table(
    "meta",
    metadata,
    sa.Column("key", sa.String(64), primary_key=True),
    sa.Column("value", sa.String(255), nullable=False),
)


def _found_by_name(table: str, *columns: sa.Column) -> sa.Table:
    """Groups and members: each is found by its name whatever the case and spacing (``name_key``, see
    ``values.name_key``, is unique) and shown as it was first typed (``name``)."""
    return sa.Table(
        table,
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("name", sa.String(80), nullable=False),
        sa.Column("name_key", sa.String(80), nullable=False, unique=True),
        *columns,
    )


groups = _found_by_name("groups", sa.Column("kind", sa.String(16), nullable=False))
members = _found_by_name("members")

# One row per thing that happened. Rows are only ever added: a correction is a "void" event
# whose ref_id names the event it cancels. What the event says is named by its kind's rule:
# ``data`` holds its facts ({"name": …, "form": …} for a venture), always shown; ``texts`` its free
# texts ({"description": …} for a conflict), hidden when ``private``; forgetting a member erases those of
# the private events they took part in (and of what closed them).
events = sa.Table(
    "events",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("uid", sa.String(32), nullable=False, unique=True),
    sa.Column("kind", sa.String(24), nullable=False),
    sa.Column("group_id", sa.Integer, sa.ForeignKey("groups.id"), nullable=True),
    sa.Column("on_date", sa.String(10), nullable=False),
    sa.Column("recorded_at", sa.String(32), nullable=False),
    sa.Column("ref_id", sa.Integer, sa.ForeignKey("events.id"), nullable=True),
    sa.Column("outcome", sa.String(24), nullable=True),
    sa.Column("private", sa.Boolean, nullable=False, default=False),
    # Last, where an upgraded ledger's ALTER TABLE puts them: old and new files keep one schema.
    sa.Column("data", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("texts", sa.JSON(none_as_null=True), nullable=True),
    # The one-time key of the request that recorded the event (a phone's form, a page's button), if it
    # carried one. Unique: the same request sent again finds its event here and records nothing
    # (``Ledger.record``). Unlike ``uid``, which the ledger makes for each write, it comes from outside.
    sa.Column("once_key", sa.String(64), nullable=True),
    sa.Index("ix_events_group_kind", "group_id", "kind"),
    sa.Index("ix_events_ref", "ref_id"),
    sa.Index("ix_events_kind_ref", "kind", "ref_id"),
    sa.Index("ux_events_once_key", "once_key", unique=True),  # NULLs repeat freely, in SQLite and PostgreSQL
)

# Who took part in an event and how (present, speaker, offer, ask, attended, party, owner, …). What a
# part says is named by the rule that builds it, as an event's is: ``data`` its facts ({"offer_kind": …}
# for an offer, {"crew": …} for a person placed by a formation), always shown; ``texts`` its free texts
# ({"text": …} for an ask), shown only when private texts are asked for and erased by forgetting.
participants = sa.Table(
    "participants",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("event_id", sa.Integer, sa.ForeignKey("events.id"), nullable=False),
    sa.Column("member_id", sa.Integer, sa.ForeignKey("members.id"), nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("data", sa.JSON(none_as_null=True), nullable=True),
    sa.Column("texts", sa.JSON(none_as_null=True), nullable=True),
    sa.Index("ix_participants_event", "event_id"),
    sa.Index("ix_participants_member", "member_id"),
)


def default_location() -> str:
    """``$MICROSOLIDARITY_LEDGER``, else ``data/ledger.sqlite`` of the checkout the package runs from,
    else ``ledger.sqlite`` in the user's data folder: an installed workbook keeps one ledger wherever
    it is started from, never a new one in each folder."""
    if os.environ.get(ENV_VAR):
        return os.environ[ENV_VAR]
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "pyproject.toml").exists():
        return str(checkout / "data" / "ledger.sqlite")
    import platformdirs

    return str(platformdirs.user_data_path(APP_FOLDER, appauthor=False) / "ledger.sqlite")


def is_url(location: str) -> bool:
    return "://" in location


def describe(location: str) -> str:
    """The location without any password, cut to a length a message can quote."""
    if is_url(location):
        try:
            location = sa.engine.make_url(location).render_as_string(hide_password=True)
        except sa.exc.ArgumentError:
            location = location.split("://", 1)[0] + "://…"  # unreadable, so it may hide a password
    return location if len(location) <= 200 else location[:199] + "…"


def check_location(location: object) -> str:
    """The location as text, or a ``LedgerFileError`` saying why it can be no ledger's."""
    if isinstance(location, os.PathLike):
        location = os.fspath(location)
    if not isinstance(location, str):
        raise LedgerFileError(f"A ledger is opened with a file path or a database URL, not {type(location).__name__}.")
    if not location.strip():
        raise LedgerFileError("The ledger location is empty: give a file path or a database URL.")
    if "\x00" in location:
        raise LedgerFileError(f"The ledger location “{describe(location.replace(chr(0), '�'))}” contains a NUL "
                              "character, which no file name can hold.")
    if not is_url(location):
        return location
    try:
        url = sa.engine.make_url(location)
    except sa.exc.ArgumentError:
        raise LedgerFileError(f"“{describe(location)}” is not a database URL the workbook can read: give a file "
                              "path, or a URL such as postgresql://user@host/database.") from None
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise LedgerFileError(f"“{describe(location)}” names no file: a ledger must outlive the page, so give "
                                  "a path such as data/ledger.sqlite (or sqlite:///data/ledger.sqlite).")
    elif url.get_backend_name() != "postgresql":
        raise LedgerFileError(f"The workbook keeps its ledger in a SQLite file or a PostgreSQL database, not in "
                              f"“{url.get_backend_name()}” (from {describe(location)}). Give a file path or a "
                              "postgresql:// URL.")
    return location


# --- SQLite file checks -------------------------------------------------------------------

_MAGIC = b"SQLite format 3\x00"


def check_sqlite_file(path: Path) -> int | None:
    """Read-only look at an existing file: the schema version it holds, or None if it is empty.

    Never writes: a foreign, truncated or newer file must come out of this untouched.
    """
    size = path.stat().st_size
    if size == 0:
        return None
    with open(path, "rb") as fh:
        header = fh.read(100)
    if not header.startswith(_MAGIC):
        raise LedgerFileError(f"{path} is not a Reciprocity ledger (it is not a SQLite database). It was left untouched.")
    damaged = LedgerFileError(f"{path} looks truncated or damaged (its size does not match its header). "
                              "It was left untouched; restore it from a backup.")
    if len(header) < 100:
        raise damaged
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    change_counter, page_count = struct.unpack(">II", header[24:32])
    valid_for = struct.unpack(">I", header[92:96])[0]
    if page_size < 512 or page_size & (page_size - 1):
        raise damaged
    wal = path.with_name(path.name + "-wal")
    # Committed pages may still sit in the write-ahead log rather than in the file itself: a disk
    # that filled up before the log was copied back leaves a short file whose header promises more.
    # Then the file and its log are only judged together, by SQLite itself (below).
    in_wal = wal.exists() and wal.stat().st_size > 0
    short = size % page_size or (valid_for == change_counter and size < page_count * page_size)
    if short and not in_wal:
        raise damaged
    user_version, _, _, app_id = struct.unpack(">IIII", header[60:76])
    # Without a -wal or -journal beside it nothing is pending, so read it as immutable: SQLite then
    # leaves no -shm/-wal files behind next to a file that may not even be ours.
    pending = wal.exists() or path.with_name(path.name + "-journal").exists()
    mode = "mode=ro" if pending else "immutable=1"
    shm = path.with_name(path.name + "-shm")
    shm_before = shm.exists()
    try:
        rows = _read_meta(path, mode, short, damaged, user_version or app_id)
        return None if rows is None else _version_from(rows, str(path))
    except LedgerFileError:
        # Reading beside a log makes SQLite create its -shm index: a refused file gets none left behind.
        if not shm_before:
            shm.unlink(missing_ok=True)
        raise


def _read_meta(path: Path, mode: str, short: bool, damaged: LedgerFileError, foreign_marks: int) -> dict | None:
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?{mode}", uri=True)
        try:
            if short and not _judged_whole(con):
                raise damaged
            tables = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='table'")}
            if not tables and foreign_marks:
                raise LedgerFileError(f"{path} is an empty database of another program, not a Reciprocity ledger. "
                                      "It was left untouched.")
            if not tables:
                return None
            if "meta" not in tables:
                raise LedgerFileError(f"{path} is a SQLite database but not a Reciprocity ledger. It was left untouched.")
            return dict(con.execute("SELECT key, value FROM meta"))
        finally:
            con.close()
    except sqlite3.DatabaseError as exc:
        raise LedgerFileError(f"{path} cannot be read as a ledger ({exc}). It was left untouched.") from None


def _judged_whole(con: sqlite3.Connection) -> bool:
    """SQLite's own verdict on a file read together with its write-ahead log."""
    try:
        return con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
    except sqlite3.DatabaseError:
        return False


def _version_from(rows: dict, where: str) -> int:
    if rows.get("application") != APP_ID:
        raise LedgerFileError(f"{where} is not a Reciprocity ledger. It was left untouched.")
    try:
        version = int(rows["schema_version"])
    except (KeyError, ValueError):
        raise LedgerFileError(f"{where} has no readable schema version. It was left untouched.") from None
    if version > SCHEMA_VERSION:
        raise LedgerFileError(
            f"{where} was written by a newer version of the workbook (schema {version}; this one reads up to "
            f"{SCHEMA_VERSION}). Upgrade microsolidarity-widgets to open it. It was left untouched."
        )
    return version


# --- Engines --------------------------------------------------------------------------------


BUSY_TIMEOUT_MS = 30000  # how long a connection waits for another's lock before the retries step in


def _reading_uri(path: Path) -> str:
    """How to open a ledger file only to read it.

    mode=ro reads beside other pages' writes. A ledger in a folder nobody may write to (a read-only
    disk), with no -wal beside it, has nothing pending and nobody writing: it opens as immutable,
    since SQLite could not even make its -shm there.
    """
    pending = path.with_name(path.name + "-wal").exists()
    mode = "mode=ro" if pending or os.access(path.parent, os.W_OK) else "immutable=1"
    return f"{path.resolve().as_uri()}?{mode}"


def _sqlite_engine(path: Path, read_only: bool = False) -> sa.Engine:
    if read_only:
        uri = _reading_uri(path)
        engine = sa.create_engine("sqlite://", poolclass=sa.pool.QueuePool,
                                  creator=lambda: sqlite3.connect(uri, uri=True, timeout=30, check_same_thread=False))

        @sa_event.listens_for(engine, "connect")
        def _on_connect_to_read(dbapi_con, _record):
            dbapi_con.isolation_level = None
            dbapi_con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

        @sa_event.listens_for(engine, "begin")
        def _on_begin_to_read(conn):
            conn.exec_driver_sql("BEGIN")

        return engine
    engine = sa.create_engine(f"sqlite:///{path}", connect_args={"timeout": 30})

    @sa_event.listens_for(engine, "connect")
    def _on_connect(dbapi_con, _record):
        # Let SQLAlchemy's "begin" hook below issue BEGIN itself, so writers can take the lock early.
        dbapi_con.isolation_level = None
        dbapi_con.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        dbapi_con.execute("PRAGMA foreign_keys = ON")
        # FULL: a record acknowledged to the page survives a power cut, not only a killed process.
        dbapi_con.execute("PRAGMA synchronous = FULL")
        # WAL lets pages read while another page writes. Only reached after check_sqlite_file
        # accepted the file, so a foreign file is never switched.
        dbapi_con.execute("PRAGMA journal_mode = WAL")

    @sa_event.listens_for(engine, "begin")
    def _on_begin(conn):
        # IMMEDIATE takes the write lock before validation reads, so two pages cannot both
        # decide that the same conflict is still open.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get("write") else "BEGIN")

    return engine


class Store:
    """A connected ledger database with the schema checked, created or migrated."""

    migrated_from: tuple[int, Path | None] | None = None  # (old schema, its backup) when opening upgraded it

    def __init__(self, location: str | os.PathLike | None = None, read_only: bool = False):
        """``read_only``: for commands that only read (export, backup, a copy's source). Such a
        store never creates, migrates or writes anything, and opens a ledger nobody may write to."""
        location = check_location(location) if location is not None else default_location()
        self.location = location
        self.name = describe(location)
        self.read_only = read_only
        if is_url(location) and not location.startswith("sqlite:"):
            self.path = None
            try:
                self.engine = sa.create_engine(location, pool_pre_ping=True)
            except ImportError:
                raise LedgerFileError(
                    f"{self.name} is a PostgreSQL database, but its driver (psycopg) is not installed. Install it "
                    "with: pip install \"microsolidarity-widgets[postgres]\" (or: pip install \"psycopg[binary]\").") from None
            except (sa.exc.ArgumentError, sa.exc.NoSuchModuleError) as exc:
                raise LedgerFileError(f"Cannot use {self.name} as a ledger: {describe(str(exc))}") from None
            self._open_server()
        else:
            path = Path(sa.engine.make_url(location).database) if is_url(location) else Path(location)
            self.path = path.expanduser()
            self._open_file()
        self.writer = self.engine.execution_options(write=True)
        # A read sees one snapshot, as a SQLite read transaction does; PostgreSQL's default would
        # show each statement of one read the writes committed since the previous statement.
        self.reader = (self.engine.execution_options(isolation_level="REPEATABLE READ")
                       if self.dialect == "postgresql" else self.engine)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _open_file(self) -> None:
        path = self.path
        if path.is_dir():
            raise LedgerFileError(f"{path} is a folder; give the path of a ledger file.")
        version = check_sqlite_file(path) if path.exists() else None
        if self.read_only:
            self._open_file_to_read(version)
            return
        if version is None:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise LedgerFileError(f"Cannot create the folder for {path}: {exc.strerror}.") from None
        # SQLite keeps its -wal and -shm files beside the ledger, so the folder must be writable too.
        # os.access also answers for a read-only disk, where even root cannot write.
        blocked = [p for p in ((path,) if path.exists() else ()) + (path.parent,) if not os.access(p, os.W_OK)]
        if blocked:
            raise LedgerFileError(
                f"The ledger {path} is read-only ({'the file' if blocked[0] == path else 'its folder'} cannot be "
                "written), so nothing can be recorded. It was left untouched. Ask whoever set up the workbook to "
                "make it writable, or open a copy of it.")
        self.engine = _sqlite_engine(path)
        if version is None:
            self._create()
        elif version < SCHEMA_VERSION:
            self._migrate(version)

    def _open_file_to_read(self, version: int | None) -> None:
        path = self.path
        if version is None:
            raise LedgerFileError(f"There is no ledger at {path}" + (" (the file is empty)." if path.exists() else
                                  ": check the path. Nothing was created."))
        if version < SCHEMA_VERSION:
            raise LedgerFileError(f"{path} was written by an older version of the workbook; open it once with "
                                  "`microsolidarity serve --ledger` (which upgrades it, after a backup) and try again.")
        # SQLite makes a -wal and a -shm beside a ledger even to read it, and a reader cannot remove
        # them; those it makes here go again in ``dispose`` (see ``_tidy``).
        self._made = [p for p in _sidecars(path) if not p.exists()]
        self.engine = _sqlite_engine(path, read_only=True)

    def _open_server(self) -> None:
        try:
            with self.engine.connect() as con:
                has_meta = sa.inspect(con).has_table("meta")
                rows = dict(con.execute(sa.select(meta.c.key, meta.c.value)).all()) if has_meta else None
                other = sa.inspect(con).get_table_names()
        except DBAPIError as exc:
            raise LedgerFileError(f"Cannot reach the ledger at {self.name}: {exc.orig}".strip()) from None
        if rows is None:
            if set(other) & {"events", "participants", "members", "groups"}:
                raise LedgerFileError(f"{self.name} holds tables that are not a Reciprocity ledger. It was left untouched.")
            if self.read_only:
                raise LedgerFileError(f"{self.name} holds no ledger yet: check the database's name. Nothing was created.")
            self._create()
            return
        version = _version_from(rows, self.name)
        if version < SCHEMA_VERSION and self.read_only:
            raise LedgerFileError(f"{self.name} was written by an older version of the workbook; open it once to "
                                  "record (which upgrades it) and try again.")
        if version < SCHEMA_VERSION:
            self._migrate(version)

    def _create(self) -> None:
        with self.write() as con:
            if sa.inspect(con).has_table("meta"):
                return  # another process created it while we waited for the lock
            metadata.create_all(con)
            con.execute(sa.insert(meta), [
                {"key": "application", "value": APP_ID},
                {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            ])

    def _migrate(self, version: int) -> None:
        # A server database migrates in one transaction that rolls back whole on failure; its
        # backups are the host's (pg_dump), so only a file gets copied first.
        steps = MIGRATIONS
        with self.write() as con:
            # Read the version again under the write lock: pages opening the same old file at once
            # must migrate (and back it up) once, not once each.
            version = int(con.execute(sa.select(meta.c.value).where(meta.c.key == "schema_version")).scalar_one())
            if version >= SCHEMA_VERSION:
                return
            backup = self.backup(suffix=f"schema{version}") if self.path is not None else None
            for v in range(version, SCHEMA_VERSION):
                steps[v](con)
            con.execute(sa.update(meta).where(meta.c.key == "schema_version").values(value=str(SCHEMA_VERSION)))
        self.migrated_from = (version, backup)

    @contextmanager
    def write(self):
        """A write transaction holding the ledger's write lock; committed on exit or rolled back.

        Inside ``patience(...)`` it waits for the lock only until that deadline, then raises
        ``LedgerBusy`` having written nothing."""
        if getattr(self, "read_only", False):
            raise LedgerFileError(f"{self.name} was opened only to read, so nothing was recorded.")
        engine = getattr(self, "writer", None) or self.engine.execution_options(write=True)
        left = _patience_left()
        with translate_errors(self.name):
            with engine.connect() as con:
                if left is not None and self.dialect == "sqlite":
                    # Before BEGIN IMMEDIATE, which is where SQLite waits for another writer's lock.
                    con.connection.driver_connection.execute(f"PRAGMA busy_timeout = {int(left * 1000)}")
                try:
                    with con.begin():
                        if self.dialect == "postgresql":
                            if left is not None:
                                con.exec_driver_sql(f"SET LOCAL lock_timeout = {max(1, int(left * 1000))}")
                            # One writer at a time, as SQLite's IMMEDIATE gives us: validation then insert is atomic.
                            con.exec_driver_sql("SELECT pg_advisory_xact_lock(727274)")
                        yield con
                finally:
                    if left is not None and self.dialect == "sqlite":
                        con.connection.driver_connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")

    @contextmanager
    def read(self):
        with translate_errors(self.name):
            with self.reader.connect() as con:
                yield con

    def backup(self, out: str | os.PathLike | None = None, suffix: str = "backup") -> Path:
        """A consistent copy of a SQLite ledger, safe while pages are writing."""
        if self.path is None:
            raise LedgerError("Back up a server ledger with the database's own tools (pg_dump).")
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = Path(out) if out else self.path.with_name(f"{self.path.stem}.{suffix}-{stamp}{self.path.suffix}")
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.exists():
            raise LedgerError(f"{target} already exists; choose another name.")
        tmp = target.with_name(target.name + ".part")
        try:
            src = sqlite3.connect(_reading_uri(self.path), uri=True)
            try:
                dst = sqlite3.connect(tmp)
                with dst:
                    src.backup(dst)
                dst.execute("PRAGMA journal_mode = DELETE")
                dst.close()
            finally:
                src.close()
        except sqlite3.Error as exc:
            tmp.unlink(missing_ok=True)
            raise LedgerFileError(f"Could not back up {self.name} to {target}: {exc}.") from None
        shutil.move(tmp, target)
        return target

    def scrub(self) -> None:
        """Rewrite the database so erased text leaves the disk files, not only the tables.

        Updated rows leave their old bytes in free pages and in the write-ahead log; VACUUM rebuilds
        the file from live rows and a TRUNCATE checkpoint empties the log.
        """
        with translate_errors(self.name):
            if self.dialect == "sqlite":
                raw = self.engine.raw_connection()  # VACUUM cannot run inside SQLAlchemy's transaction
                try:
                    raw.driver_connection.execute("VACUUM")
                    busy = raw.driver_connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                finally:
                    raw.close()
                if busy:
                    raise LedgerBusy("Another page kept the ledger busy, so old copies of erased words may remain "
                                     "in the ledger's files.")
            elif self.dialect == "postgresql":
                with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as con:
                    con.exec_driver_sql("VACUUM FULL events, participants, members")

    def dispose(self) -> None:
        self.engine.dispose()
        if self.read_only and self.path is not None and any(p.exists() for p in getattr(self, "_made", ())):
            _tidy(self.path)


def _sidecars(path: Path) -> tuple[Path, Path]:
    return path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")


def _tidy(path: Path) -> None:
    """Let SQLite remove the -wal and -shm a read made beside ``path``: the last connection to close
    removes them, once it has read the (empty) log. Nothing was pending when the read began (they did
    not exist), so nothing is checkpointed into the ledger; if a server has the ledger open meanwhile,
    they are its own and stay."""
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=rw", uri=True, timeout=1)  # never makes a file
        try:
            con.execute("SELECT count(*) FROM sqlite_master").fetchone()
        finally:
            con.close()
    except sqlite3.Error:
        pass  # e.g. a file nobody may write to: the two small files stay, harmless


def _index(name: str) -> sa.Index:
    return next(ix for table in metadata.tables.values() for ix in table.indexes if ix.name == name)


# "Voided": an event that a void event names in its ref_id. Both readings of it are here, side by
# side: in SQL for the rules inside a write, and over a frame of events for scoring.
VOID = "void"


def voided_ids() -> sa.Select:
    """The ids of voided events, as a subquery."""
    return sa.select(events.c.ref_id).where(events.c.kind == VOID, events.c.ref_id.is_not(None))


def voided_in(frame: pd.DataFrame) -> pd.Series:
    """The ids of voided events among a frame of events (columns kind, ref_id)."""
    return frame["ref_id"].where(frame["kind"] == VOID).dropna()


# What schema 3 kept in its generic columns: (column, where it goes now, its name) for each kind of
# event, and for each (kind, role) of participant. Fixed history, not today's rules: it says how ledgers
# of that schema were written. A kind or role not listed here (a level a crew added in its own notebook)
# keeps its words under the old columns' names.
SCHEMA_3_FIELDS = {
    "group_created": (("title", "data", "group_kind"),),
    "money": (("note", "texts", "note"),),
    "meeting": (("detail", "data", "process"), ("note", "texts", "note")),
    "conflict_opened": (("note", "texts", "description"),),
    "conflict_closed": (("note", "texts", "note"),),
    "venture": (("title", "data", "name"), ("detail", "data", "form")),
    "proposal": (("title", "data", "what"), ("detail", "data", "offer_kind"), ("note", "texts", "text")),
    "proposal_settled": (("detail", "data", "round_id"),),
    "agreements": (("note", "texts", "text"),),
    "void": (("note", "texts", "reason"),),
    "renamed": (("title", "data", "what"),),
    "forgotten": (("title", "data", "what"),),
    "congregation_created": (("title", "data", "region"), ("note", "texts", "purpose")),
    "gathering": (("title", "data", "name"),),
    "formation": (("title", "data", "name"), ("note", "texts", "crews")),
    "pool_answers": (("note", "texts", "answers"),),
}
SCHEMA_3_PART_FIELDS = {
    ("money", "offer"): (("detail", "data", "offer_kind"), ("note", "texts", "note")),
    # an ask and the "asked" rows of its addressees shared the detail "ask 2": the link stays as written
    ("money", "ask"): (("detail", "data", "ask"), ("note", "texts", "text")),
    ("money", "asked"): (("detail", "data", "ask"),),
    ("formation", "placed"): (("detail", "data", "crew"),),
}
_UNLISTED = (("title", "data", "title"), ("detail", "data", "detail"), ("note", "texts", "note"))
_UNLISTED_PART = _UNLISTED[1:]  # a participant had no title
# Values schema 3 wrote as text that are numbers or JSON by nature.
_SCHEMA_3_DECODE = {("proposal_settled", "round_id"): int, ("formation", "crews"): json.loads,
                    ("pool_answers", "answers"): json.loads}


def _named_fields(con: sa.Connection) -> None:
    """Schema 3 to 4: every event's title, detail and note, and every participant's detail and note,
    moved under their names, then dropped."""
    if con.dialect.name == "sqlite" and sqlite3.sqlite_version_info < (3, 35, 0):
        # Dropping a column came with SQLite 3.35 (2021); the backup is made, nothing is changed.
        raise LedgerError(f"This ledger needs an upgrade that the system's SQLite {sqlite3.sqlite_version} cannot do "
                          "(3.35 or newer can): update SQLite, or open the ledger on a newer machine.")
    old_events = sa.table("events", *(sa.column(c) for c in ("id", "kind", "title", "detail", "note")))
    old_parts = sa.table("participants", *(sa.column(c) for c in ("id", "event_id", "role", "detail", "note")))
    for table in (events, participants):
        for column in (table.c.data, table.c.texts):
            con.exec_driver_sql(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {column.type.compile(con.dialect)}")
    said = sa.or_(old_events.c.title.is_not(None), old_events.c.detail.is_not(None), old_events.c.note.is_not(None))
    _move(con, events, [_moved(row, SCHEMA_3_FIELDS.get(row.kind, _UNLISTED), row.kind)
                        for row in con.execute(sa.select(old_events).where(said))])
    said = sa.or_(old_parts.c.detail.is_not(None), old_parts.c.note.is_not(None))
    rows = con.execute(sa.select(old_parts.c.id, old_parts.c.role, old_parts.c.detail, old_parts.c.note, old_events.c.kind)
                       .join(old_events, old_events.c.id == old_parts.c.event_id).where(said))
    _move(con, participants, [_moved(row, SCHEMA_3_PART_FIELDS.get((row.kind, row.role), _UNLISTED_PART),
                                     unlisted=_UNLISTED_PART)
                              for row in rows])
    for table, columns in ((events, ("title", "detail", "note")), (participants, ("detail", "note"))):
        for column in columns:
            con.exec_driver_sql(f"ALTER TABLE {table.name} DROP COLUMN {column}")


def _moved(row: sa.Row, fields: tuple, kind: str | None = None, unlisted: tuple = _UNLISTED) -> dict:
    """One schema-3 row's words under their names (an event's ``kind`` says which to decode). A
    column its kind did not use but that holds words anyway (written by hand, or by a crew's own
    code) keeps them under its old name: an upgrade loses nothing."""
    named = {column for column, _, _ in fields}
    moved = {"data": {}, "texts": {}}
    for column, where, name in [*fields, *(u for u in unlisted if u[0] not in named)]:
        value = getattr(row, column)
        if value is not None:
            moved[where][name] = _SCHEMA_3_DECODE.get((kind, name), str)(value)
    return {"row_id": row.id, "data": moved["data"] or None, "texts": moved["texts"] or None}


def _move(con: sa.Connection, table: sa.Table, named: list[dict]) -> None:
    if named:
        con.execute(sa.update(table).where(table.c.id == sa.bindparam("row_id"))
                    .values(data=sa.bindparam("data"), texts=sa.bindparam("texts")), named)


def _once_keys(con: sa.Connection) -> None:
    """Schema 4 to 5: the events' one-time keys, empty for every event recorded before."""
    column = events.c.once_key
    con.exec_driver_sql(f"ALTER TABLE events ADD COLUMN {column.name} {column.type.compile(con.dialect)}")
    _index("ux_events_once_key").create(con)


# Each entry upgrades the schema from version N to N+1 inside one transaction.
MIGRATIONS: dict[int, callable] = {
    1: lambda con: _index("ix_events_kind_ref").create(con, checkfirst=True),
    2: lambda con: None,  # see SCHEMA_VERSION: only the version changes
    3: _named_fields,
    4: _once_keys,
}


_BUSY_WORDS = ("database is locked", "database table is locked", "could not serialize", "deadlock detected",
               "lock timeout")  # PostgreSQL's lock_timeout, set by ``patience``


def is_busy(exc: BaseException) -> bool:
    return any(w in str(exc).lower() for w in _BUSY_WORDS)


@contextmanager
def translate_errors(where: str):
    """Turn driver errors into messages a facilitator can act on."""
    try:
        yield
    except LedgerError:
        raise
    except Exception as raised:
        # Not only OperationalError: SQLite reports a damaged file ("malformed", "not a database")
        # as a plain DatabaseError, and pandas.read_sql wraps driver errors in its own class.
        exc = raised if isinstance(raised, DBAPIError) else raised.__cause__
        if not isinstance(exc, DBAPIError):
            raise
        text = str(exc.orig).lower()
        if is_busy(exc):
            raise LedgerBusy("The ledger is busy: another page is saving. Nothing was recorded; try again.") from exc
        if "readonly" in text or "read-only" in text or (
                ("disk i/o error" in text or "unable to open" in text) and _refuses_writes(where)):
            raise LedgerReadOnly(f"The ledger {where} is read-only, so nothing was recorded. Ask whoever set up the workbook to make it writable.") from exc
        if "disk is full" in text or "no space" in text:
            raise LedgerFull(f"The disk holding {where} is full, so nothing was recorded. Free some space and try again.") from exc
        if "malformed" in text or "not a database" in text:
            raise LedgerFileError(f"The ledger {where} is damaged ({exc.orig}). Restore it from a backup.") from exc
        if "unable to open" in text:
            raise LedgerFileError(f"Cannot open the ledger {where}: check that its folder exists and is writable.") from exc
        raise LedgerFileError(f"The ledger {where} could not be used: {exc.orig}") from exc


def _refuses_writes(where: str) -> bool:
    """Whether the disk or folder of a ledger file refuses writes: SQLite then reports a disk I/O error
    or a file it cannot open (its write-ahead log cannot be written), which is this, said plainly."""
    path = Path(where)
    try:
        if os.statvfs(path.parent).f_flag & os.ST_RDONLY:  # a disk mounted read-only
            return True
    except OSError:
        return False  # not a file's path (a server database), or a folder gone: not this
    return not os.access(path.parent, os.W_OK) or (path.exists() and not os.access(path, os.W_OK))


def with_retries(action, attempts: int = 8):
    """Run ``action`` again when the database reports contention; other errors pass through."""
    for attempt in range(attempts):
        try:
            return action()
        except LedgerBusy:
            pause = min(2.0, 0.05 * 2**attempt) * (0.5 + random.random())
            left = _patience_left()
            if attempt == attempts - 1 or (left is not None and left <= pause):
                raise
            time.sleep(pause)


# The moment (time.monotonic) by which writes in this thread must have their lock, or None to wait as
# long as BUSY_TIMEOUT_MS per attempt. A context variable, so one thread's deadline is nobody else's.
_deadline: contextvars.ContextVar[float | None] = contextvars.ContextVar("ledger_write_deadline", default=None)


@contextmanager
def patience(deadline: float):
    """Writes inside wait for the ledger's lock until ``deadline`` (``time.monotonic()``) at most.

    A write that cannot get the lock by then raises ``LedgerBusy`` and has written nothing; one that
    got it runs to its commit. So whoever waits for the write can be told "not recorded" and it stays
    true: nothing is abandoned half-way to complete later behind their back."""
    token = _deadline.set(deadline)
    try:
        yield
    finally:
        _deadline.reset(token)


def _patience_left() -> float | None:
    deadline = _deadline.get()
    if deadline is None:
        return None
    left = deadline - time.monotonic()
    if left <= 0:
        raise LedgerBusy("The ledger is busy: another page is saving. Nothing was recorded; try again.")
    return left


# --- reading the tables into compact pandas frames, column by column ------------------------------
#
# A congregation's whole history is read whenever it is scored, so this is the one place where a
# million events cost seconds or minutes and hundreds of MB or gigabytes (benchmarks/scale.py).
# The rows come from the driver's own cursor, a chunk at a time, and each chunk is turned into
# numpy columns at once: only one chunk of Python objects ever waits, and the frame holds numbers.
# Words that repeat (kinds, roles, outcomes) become categoricals and ISO dates are parsed once per
# distinct day, not once per row.

CHUNK_ROWS = 200_000

# How each column is held:
#   id    integer, never empty                  -> int64
#   ref   integer or empty (a group, a voided event) -> float64 with NaN
#   word  one of a few texts (kind, role, outcome)   -> category
#   day   ISO date text "YYYY-MM-DD"              -> datetime64
#   text  free text                              -> str
#   flag  yes/no                                 -> bool
#   named JSON of named fields (an event's data, texts) -> dict, or None
ID, REF, WORD, DAY, TEXT, FLAG, NAMED = "id", "ref", "word", "day", "text", "flag", "named"


class _Column:
    """One column's chunks, converted as they arrive."""

    def __init__(self, how: str):
        self.how = how
        self.chunks: list[np.ndarray] = []
        self.words: dict[object, int] = {}  # each distinct value (word or day) and its code

    def add(self, values: np.ndarray) -> None:
        """Add one chunk of this column's values (an object array)."""
        if self.how == ID:
            self.chunks.append(values.astype(np.int64))
        elif self.how == REF:
            self.chunks.append(np.where(values == None, np.nan, values).astype(np.float64))  # noqa: E711 (elementwise)
        elif self.how == FLAG:
            self.chunks.append(values.astype(bool))
        elif self.how == NAMED:
            if any(v is not None and not isinstance(v, str) for v in values[:1000]):
                self.chunks.append(values)  # PostgreSQL's driver decoded the JSON already
                return
            # SQLite's gives the text. The same few facts repeat (an offer's kind, a crew's name) over
            # millions of rows: each distinct text is decoded once and its rows share the value (which
            # readers only read), instead of a dict per row.
            codes, uniques = pd.factorize(values)
            decoded = np.empty(len(uniques) + 1, dtype=object)  # the last slot: no fields (code -1)
            decoded[:-1] = [json.loads(u) for u in uniques]
            self.chunks.append(decoded[codes])
        elif self.how in (WORD, DAY):
            codes, uniques = pd.factorize(values)
            # this chunk's codes into the whole column's; the last slot keeps -1 (empty) as -1
            to_column = np.array([self.words.setdefault(u, len(self.words)) for u in uniques] + [-1], dtype=np.int32)
            self.chunks.append(to_column[codes])
        else:
            self.chunks.append(values)

    def finish(self) -> pd.api.extensions.ExtensionArray | np.ndarray:
        empty = {ID: np.int64, REF: np.float64, FLAG: bool, WORD: np.int32, DAY: np.int32, TEXT: object,
                 NAMED: object}[self.how]
        data = np.concatenate(self.chunks) if self.chunks else np.array([], dtype=empty)
        if self.how == WORD:
            return pd.Categorical.from_codes(data, categories=pd.Index(list(self.words), dtype=object))
        if self.how == DAY:
            days = pd.to_datetime(pd.Index([str(d) for d in self.words], dtype=object), format="%Y-%m-%d")
            return days.take(data, allow_fill=True, fill_value=pd.NaT).to_numpy()
        if self.how == TEXT:
            return pd.array(data, dtype="str")
        return data


def read_table(con: sa.Connection, table: sa.Table, columns: dict[str, str]) -> pd.DataFrame:
    """Every row of ``table`` in id order, the given columns held as ``columns`` says (see above).

    The query reads plain columns (no bound values, no type conversion), so the driver's own
    values are the right ones: SQLAlchemy's result rows would cost about twice the time.
    """
    query = sa.select(*(table.c[name] for name in columns)).order_by(table.c.id)
    compiled = str(query.compile(dialect=con.dialect))
    kept = [_Column(how) for how in columns.values()]
    cursor = con.connection.cursor()
    try:
        cursor.execute(compiled)
        while rows := cursor.fetchmany(CHUNK_ROWS):
            table_chunk = np.empty((len(rows), len(kept)), dtype=object)
            table_chunk[:] = rows  # one C loop, where zip(*rows) builds a tuple per column value
            for i, column in enumerate(kept):
                column.add(table_chunk[:, i])
    except con.dialect.loaded_dbapi.Error as exc:
        # Past SQLAlchemy here, so wrap the driver's error as SQLAlchemy would: storage then
        # words it for the page (a damaged file, a busy or unreachable database).
        raise sa.exc.DBAPIError.instance(compiled, None, exc, con.dialect.loaded_dbapi.Error) from exc
    finally:
        cursor.close()
    return pd.DataFrame({name: column.finish() for name, column in zip(columns, kept)})


def names_per_event(event_ids: np.ndarray, member_ids: np.ndarray, names: dict[int, str]) -> pd.Series:
    """Each event's members, in the order they took part, each once: "Ama, Bo" (indexed by event id).

    Built a rank at a time (every event's first member, then every second one, ...): a handful of
    vectorised passes instead of one Python join per event, which took seconds at a million events.
    """
    # Repeats (a speaker who also asked) found on one integer per (event, member): cheap to hash.
    event_ids, member_ids = np.asarray(event_ids, dtype=np.int64), np.asarray(member_ids, dtype=np.int64)
    first = ~pd.Series(event_ids * (int(member_ids.max(initial=0)) + 1) + member_ids).duplicated().to_numpy()
    ids, members = event_ids[first], member_ids[first]
    if len(ids) > 1 and not (ids[1:] >= ids[:-1]).all():  # rows come in event order unless built by hand
        order = np.argsort(ids, kind="stable")
        ids, members = ids[order], members[order]
    who = pd.Series(names, dtype=object).reindex(members).to_numpy(dtype=object)
    starts = np.flatnonzero(np.r_[True, ids[1:] != ids[:-1]]) if len(ids) else np.array([], dtype=np.int64)
    event_of = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(ids)]))
    rank = np.arange(len(ids)) - starts[event_of]
    joined = who[starts].copy()
    for k in range(1, int(rank.max(initial=0)) + 1):
        at = rank == k
        joined[event_of[at]] = joined[event_of[at]] + ", " + who[at]
    return pd.Series(joined, index=ids[starts], dtype=object)
