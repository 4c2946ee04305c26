"""The embedded store's tables, and the migrations that bring an older file up to date.

Times are stored as UTC epoch seconds (REAL) so they sort and compare cheaply. Follow edges are
stored between account numbers (the accounts table's integer key), not strings: at ten million
edges that halves the file and speeds up both inserts and projection builds. Each edge is stored
twice, in ``follows`` keyed (src, dst) and in ``followers`` keyed (dst, src), rather than once with
an index on (dst, src): a load then writes each of the two B-trees in key order (its own sort),
where an index would be written in the table's order, which is random for it. Since version 4 the
two tables are ``following_chunks`` and ``follower_chunks``, which keep the same keys in sorted
runs, a row per run of up to a thousand edges (see :mod:`graphsvc.stores.sqlite_follows`).

What a server polls to notice other processes' writes is cheap to read: ``counters`` keeps the
number of follow edges (a count of ``follows`` reads the whole table) and the last position given
in the change feed; each state change carries ``seq``, the position it was given when written
(never reused, even when the change with the largest is deleted).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable

from graphsvc.errors import SchemaVersionError

SCHEMA_VERSION = 5
FOLLOWING, FOLLOWERS = "following_chunks", "follower_chunks"  # each account's followees, followers
# An edge between account numbers is one int64 key, ``owner << 32 | member``
# (see :mod:`graphsvc.stores.sqlite_follows`).
ACCOUNT_LIMIT = 1 << 31  # account numbers below it pack an edge into one non-negative int64 key
MEMBER = (1 << 32) - 1  # a key's member half


def _chunk_follows(conn: sqlite3.Connection) -> None:
    """Version 4: the edges of ``follows`` and ``followers`` move to sorted chunks."""
    for table in (FOLLOWING, FOLLOWERS):
        conn.execute(f"CREATE TABLE {table} (first INTEGER PRIMARY KEY, keys BLOB NOT NULL)")
    if conn.execute("SELECT 1 FROM follows LIMIT 1").fetchone():
        import numpy as np

        from graphsvc.stores.sqlite_follows import add_keys  # loads numba

        for table, key in (
            (FOLLOWING, "src << 32 | dst FROM follows ORDER BY src, dst"),
            (FOLLOWERS, "dst << 32 | src FROM followers ORDER BY dst, src"),
        ):
            rows = conn.execute(f"SELECT {key}")
            while batch := rows.fetchmany(1_000_000):
                add_keys(conn, table, np.array([k for (k,) in batch], dtype=np.int64))
    conn.execute("DROP TABLE follows")
    conn.execute("DROP TABLE followers")


# Each entry migrates from version i to i + 1; index 0 creates the schema from nothing.
MIGRATIONS: tuple[str | Callable[[sqlite3.Connection], None], ...] = (
    """
    CREATE TABLE brands (
        key      TEXT PRIMARY KEY,
        name     TEXT NOT NULL,
        aliases  TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE brand_aliases (
        alias  TEXT PRIMARY KEY,
        brand  TEXT NOT NULL
    ) WITHOUT ROWID;
    CREATE TABLE accounts (
        n          INTEGER PRIMARY KEY,
        id         TEXT NOT NULL UNIQUE,
        handle     TEXT,
        name       TEXT,
        followers  INTEGER,
        brand      TEXT
    );
    CREATE INDEX accounts_handle ON accounts (lower(handle));
    CREATE INDEX accounts_brand ON accounts (brand) WHERE brand IS NOT NULL;
    CREATE TABLE posts (
        id              TEXT PRIMARY KEY,
        text            TEXT NOT NULL,
        lang            TEXT,
        created_at      REAL NOT NULL,
        author          TEXT NOT NULL,
        in_reply_to     TEXT,
        by_brand        INTEGER NOT NULL DEFAULT 0,
        type            TEXT,
        confidence      REAL,
        cues            TEXT,
        label_lang      TEXT,
        needs_response  INTEGER,
        sla             REAL,
        version         TEXT,
        due_at          REAL,
        responded_at    REAL,
        response_post   TEXT
    ) WITHOUT ROWID;
    CREATE INDEX posts_reply ON posts (in_reply_to) WHERE in_reply_to IS NOT NULL;
    CREATE INDEX posts_author ON posts (author, created_at);
    CREATE INDEX posts_type ON posts (type, created_at) WHERE type IS NOT NULL;
    CREATE TABLE post_brands (
        brand       TEXT NOT NULL,
        post        TEXT NOT NULL,
        author      TEXT NOT NULL,
        created_at  REAL NOT NULL,
        by_brand    INTEGER NOT NULL,
        PRIMARY KEY (post, brand)
    ) WITHOUT ROWID;
    CREATE INDEX post_brands_brand ON post_brands (brand, by_brand, created_at);
    CREATE INDEX post_brands_author ON post_brands (author, brand);
    CREATE TABLE follows (
        src  INTEGER NOT NULL,
        dst  INTEGER NOT NULL,
        PRIMARY KEY (src, dst)
    ) WITHOUT ROWID;
    CREATE INDEX follows_dst ON follows (dst, src);
    CREATE TABLE states (
        customer  TEXT NOT NULL,
        brand     TEXT NOT NULL,
        type      TEXT NOT NULL,
        since     REAL NOT NULL,
        post      TEXT NOT NULL,
        PRIMARY KEY (customer, brand)
    ) WITHOUT ROWID;
    CREATE INDEX states_brand_type ON states (brand, type);
    CREATE TABLE state_changes (
        customer   TEXT NOT NULL,
        brand      TEXT NOT NULL,
        post       TEXT NOT NULL,
        from_type  TEXT,
        to_type    TEXT NOT NULL,
        at         REAL NOT NULL,
        PRIMARY KEY (customer, brand, post)
    ) WITHOUT ROWID;
    CREATE INDEX state_changes_at ON state_changes (at, customer, brand, post);
    CREATE INDEX state_changes_brand_at ON state_changes (brand, at);
    CREATE TABLE metrics (
        account    TEXT PRIMARY KEY,
        reach1     INTEGER NOT NULL,
        reach2     INTEGER NOT NULL,
        influence  REAL NOT NULL
    ) WITHOUT ROWID;
    CREATE INDEX metrics_reach1 ON metrics (reach1, account);
    CREATE INDEX metrics_reach2 ON metrics (reach2, account);
    CREATE INDEX metrics_influence ON metrics (influence, account);
    CREATE TABLE checkpoints (
        source  TEXT PRIMARY KEY,
        done    INTEGER NOT NULL
    );
    CREATE TABLE api_keys (
        id          TEXT PRIMARY KEY,
        role        TEXT NOT NULL,
        key_hash    TEXT NOT NULL UNIQUE,
        created_at  REAL NOT NULL,
        revoked_at  REAL
    );
    """,
    """
    CREATE TABLE followers (
        dst  INTEGER NOT NULL,
        src  INTEGER NOT NULL,
        PRIMARY KEY (dst, src)
    ) WITHOUT ROWID;
    INSERT INTO followers (dst, src) SELECT dst, src FROM follows ORDER BY dst, src;
    DROP INDEX follows_dst;
    """,
    """
    ALTER TABLE state_changes ADD COLUMN seq INTEGER;
    UPDATE state_changes SET seq = r.n
    FROM (SELECT customer, brand, post, row_number() OVER (ORDER BY at, customer, brand, post) AS n
          FROM state_changes) AS r
    WHERE (state_changes.customer, state_changes.brand, state_changes.post) = (r.customer, r.brand, r.post);
    CREATE UNIQUE INDEX state_changes_seq ON state_changes (seq);
    CREATE TABLE counters (
        name   TEXT PRIMARY KEY,
        value  INTEGER NOT NULL
    ) WITHOUT ROWID;
    INSERT INTO counters (name, value) SELECT 'follows', count(*) FROM follows;
    INSERT INTO counters (name, value) SELECT 'state_changes', count(*) FROM state_changes;
    """,
    _chunk_follows,
    # Version 5: a customer's interactions (by_brand = 0) are an index range even for an account
    # that also posts as a brand (whose every post the old index made the query step over).
    """
    DROP INDEX posts_author;
    CREATE INDEX posts_author ON posts (author, by_brand, created_at);
    """,
)


def migrate(conn: sqlite3.Connection) -> int:
    """Bring the schema to :data:`SCHEMA_VERSION`; returns the version found before."""
    conn.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
    row = conn.execute("SELECT max(version) FROM schema_version").fetchone()
    found = int(row[0]) if row and row[0] is not None else 0
    if found > SCHEMA_VERSION:
        raise SchemaVersionError(
            f"this store has schema version {found}, newer than this graphsvc understands "
            f"({SCHEMA_VERSION}); upgrade graphsvc or use another store"
        )
    for version in range(found, SCHEMA_VERSION):
        step = MIGRATIONS[version]
        done = f"INSERT INTO schema_version (version) VALUES ({version + 1})"
        if isinstance(step, str):
            # executescript commits first, so wrap each step itself to keep it atomic
            conn.executescript(f"BEGIN;\n{step}\n{done};\nCOMMIT;")
            continue
        conn.execute("BEGIN IMMEDIATE")
        try:
            step(conn)
            conn.execute(done)
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")
    return found
