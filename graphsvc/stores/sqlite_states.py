"""Recording labels on the embedded store, and re-deriving the states they change.

The state rules themselves are the pure :func:`graphsvc.stores.states.derive_changes`, shared with
Neo4j; this module reads each affected (customer, brand) history and writes only the difference.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Sequence

from graphsvc.model import Classification, CustomerType, StateChange
from graphsvc.stores.sqlite_rows import chunks, marks
from graphsvc.stores.states import derive_changes
from graphsvc.stores.times import dt, ts


def record_labels(
    conn: sqlite3.Connection, rows: Sequence[tuple[str, Classification]]
) -> tuple[StateChange, ...]:
    """Label posts and re-derive the states of every (customer, brand) pair they concern;
    returns only the state changes that did not exist before. Run inside a transaction."""
    conn.executemany(
        "UPDATE posts SET type = ?, confidence = ?, cues = ?, label_lang = ?, needs_response = ?,"
        " sla = ?, version = ?, due_at = CASE WHEN ? THEN created_at + ? END WHERE id = ?",
        [
            (
                c.type.value,
                c.confidence,
                json.dumps(list(c.cues), ensure_ascii=False),
                c.lang,
                int(c.needs_response),
                c.sla.total_seconds() if c.sla is not None else None,
                c.version,
                int(c.needs_response and c.sla is not None),
                c.sla.total_seconds() if c.sla is not None else None,
                post_id,
            )
            for post_id, c in rows
        ],
    )
    pairs: set[tuple[str, str]] = set()
    for chunk in chunks([post_id for post_id, _ in rows]):
        pairs.update(
            conn.execute(
                f"SELECT author, brand FROM post_brands WHERE by_brand = 0 AND post IN ({marks(len(chunk))})",
                chunk,
            )
        )
    return rederive_states(conn, sorted(pairs))


def rederive_states(conn: sqlite3.Connection, pairs: Sequence[tuple[str, str]]) -> tuple[StateChange, ...]:
    created: list[StateChange] = []
    for customer, brand in pairs:
        history = [
            (row[0], dt(row[1]), CustomerType(row[2]))
            for row in conn.execute(
                "SELECT p.id, p.created_at, p.type FROM post_brands pb JOIN posts p ON p.id = pb.post"
                " WHERE pb.author = ? AND pb.brand = ? AND p.type IS NOT NULL"
                " ORDER BY p.created_at, p.id",
                (customer, brand),
            )
        ]
        wanted = derive_changes(customer, brand, history)
        existing = {
            row[0]: row
            for row in conn.execute(
                "SELECT post, from_type, to_type, at FROM state_changes WHERE customer = ? AND brand = ?",
                (customer, brand),
            )
        }
        keep = {c.post_id for c in wanted}
        conn.executemany(
            "DELETE FROM state_changes WHERE customer = ? AND brand = ? AND post = ?",
            [(customer, brand, post) for post in existing if post not in keep],
        )
        for change in wanted:
            old = existing.get(change.post_id)
            row = (
                change.from_type.value if change.from_type else None,
                change.to_type.value,
                ts(change.at),
            )
            if old is not None and tuple(old[1:]) == row:
                continue
            (seq,) = conn.execute(
                "UPDATE counters SET value = value + 1 WHERE name = 'state_changes' RETURNING value"
            ).fetchone()
            conn.execute(
                "INSERT OR REPLACE INTO state_changes (customer, brand, post, from_type, to_type, at, seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (customer, brand, change.post_id, *row, seq),
            )
            created.append(change)
        if wanted:
            last = wanted[-1]
            conn.execute(
                "INSERT OR REPLACE INTO states (customer, brand, type, since, post) VALUES (?, ?, ?, ?, ?)",
                (customer, brand, last.to_type.value, ts(last.at), last.post_id),
            )
        else:
            conn.execute("DELETE FROM states WHERE customer = ? AND brand = ?", (customer, brand))
    return tuple(created)
