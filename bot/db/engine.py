"""Engine creation, with SQLite tuned for a small server: WAL, foreign keys and a busy timeout.

On SQLite every transaction starts with BEGIN IMMEDIATE, issued by us rather than the driver. A deferred
transaction that reads and then writes fails at once with "database is locked" when another connection wrote
in between (the busy timeout can't help it); taking the write lock up front turns that into a short wait.
It also makes savepoints work: the driver's own transaction handling commits on RELEASE SAVEPOINT.

SQLite has one writer at a time. Within this process its transactions queue on the event loop
(bot.db.gate.WriteGate) before they ask SQLite, so none sits in SQLite's busy handler; the busy timeout is left
for other processes (a migration, a backup).
"""

from __future__ import annotations

import weakref
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.util import await_

from bot.db.gate import WriteGate

SQLITE_BUSY_TIMEOUT_MS = 5000
SQLITE_POOL_SIZE = 16


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def ensure_sqlite_dir(url: str) -> None:
    u = make_url(url)
    if u.get_backend_name() == "sqlite" and u.database and u.database != ":memory:":
        Path(u.database).expanduser().parent.mkdir(parents=True, exist_ok=True)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
    dbapi_conn.isolation_level = None  # the driver emits no BEGIN of its own; _sqlite_begin does


_GATES: weakref.WeakKeyDictionary[Any, WriteGate] = weakref.WeakKeyDictionary()


def write_gate(engine: AsyncEngine) -> WriteGate | None:
    """The SQLite engine's gate (None on PostgreSQL): its `waiting` count is a metric."""
    return _GATES.get(engine.sync_engine)


def _raw(conn: Any) -> Any:
    """The driver's connection, whether SQLAlchemy hands over its pool proxy or the connection itself."""
    return getattr(conn, "dbapi_connection", None) or conn


def _gate_sqlite(engine: AsyncEngine) -> WriteGate:
    """Wrap the dialect's begin/commit/rollback/close so every transaction passes the gate."""
    dialect = engine.sync_engine.dialect
    gate = WriteGate(dialect.loaded_dbapi.OperationalError)
    commit, rollback, close, terminate = dialect.do_commit, dialect.do_rollback, dialect.do_close, dialect.do_terminate

    def do_begin(conn: Any) -> None:
        raw = _raw(conn)
        await_(gate.acquire(raw))
        try:
            cur = raw.cursor()
            cur.execute("BEGIN IMMEDIATE")
            cur.close()
        except BaseException:
            gate.release(raw)
            raise

    def finishing(step: Any) -> Any:
        def run(conn: Any) -> None:
            try:
                step(conn)
            finally:
                gate.release(_raw(conn))

        return run

    dialect.do_begin = do_begin  # type: ignore[method-assign,assignment]
    dialect.do_commit = finishing(commit)  # type: ignore[method-assign]
    dialect.do_rollback = finishing(rollback)  # type: ignore[method-assign]
    dialect.do_close = finishing(close)  # type: ignore[method-assign]
    dialect.do_terminate = finishing(terminate)  # type: ignore[method-assign]
    return gate


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    ensure_sqlite_dir(url)
    if is_sqlite(url):
        if "poolclass" not in kwargs and make_url(url).database not in (None, "", ":memory:"):
            # Transactions wait at the gate holding a connection: keep enough open that a busy spell doesn't
            # open and close connections (each one a new thread and its pragmas) over and over.
            kwargs.setdefault("pool_size", SQLITE_POOL_SIZE)
            kwargs.setdefault("max_overflow", SQLITE_POOL_SIZE * 2)
        engine = create_async_engine(url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}, **kwargs)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        _GATES[engine.sync_engine] = _gate_sqlite(engine)
        return engine
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


def session_factory(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    return async_sessionmaker(engine, expire_on_commit=False)
