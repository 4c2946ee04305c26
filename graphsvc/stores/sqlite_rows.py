"""Rows of the embedded store: column lists, statement helpers and conversion to the domain model.

No ``sqlite3.Row`` leaves the store: every row becomes a :mod:`graphsvc.model` object here.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from datetime import timedelta
from typing import Any

import orjson

from graphsvc.errors import ConfigError
from graphsvc.model import Account, ApiKey, Classification, CustomerType, Metrics, Post, Response, StateChange
from graphsvc.stores.base import CustomerOrder
from graphsvc.stores.times import dt

# SQLite caps bound parameters per statement; chunk IN (...) lists well below it.
CHUNK = 900

POST_COLUMNS = (
    "p.id, p.text, p.lang, p.created_at, p.author, p.in_reply_to, p.by_brand, p.type, p.confidence,"
    " p.cues, p.label_lang, p.needs_response, p.sla, p.version, p.responded_at, p.response_post,"
    " (SELECT group_concat(brand, char(31)) FROM post_brands WHERE post = p.id)"
)
ACCOUNT_COLUMNS = "a.id, a.handle, a.name, a.followers, a.brand"
METRICS_COLUMNS = "account, reach1, reach2, influence"
METRIC_COLUMN = {
    CustomerOrder.REACH1: "reach1",
    CustomerOrder.REACH2: "reach2",
    CustomerOrder.INFLUENCE: "influence",
}


def path_from_url(url: str) -> str:
    """``sqlite:///rel.db`` is relative, ``sqlite:////abs.db`` absolute, ``sqlite://:memory:``."""
    if not url.startswith("sqlite://"):
        raise ConfigError(f"{url!r} is not a sqlite URL; use sqlite:///path/to/graphsvc.db")
    rest = url[len("sqlite://") :]
    if rest in {":memory:", "/:memory:"}:
        raise ConfigError("an in-memory SQLite store cannot be shared between threads; use a file path")
    path = rest[1:] if rest.startswith("/") else rest
    if not path:
        raise ConfigError(f"{url!r} names no file; use sqlite:///path/to/graphsvc.db")
    return path


def chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def marks(n: int) -> str:
    return ",".join("?" * n)


def json_rows(rows: Sequence[Any]) -> str:
    """``rows`` as one JSON array, for statements that read their rows from ``json_each(?)``."""
    try:
        # ~10x faster than json.dumps; the rows hold strings, integers and finite times only
        return orjson.dumps(rows).decode()
    except orjson.JSONEncodeError:  # an integer beyond 64 bits: json writes it, SQLite reads a REAL
        return json.dumps(rows, ensure_ascii=False, separators=(",", ":"))


def top_per_group(
    select: str, order: str, group: str, owners: list[str] | None, first: int, params: list[Any]
) -> tuple[str, list[Any]]:
    """The first ``first + 1`` rows of ``select`` in ``order``, per owner when there are several.

    One owner (or none) is a plain ``LIMIT``; several use a window so one query serves them all."""
    if owners is None or len(owners) <= 1:
        return f"{select} ORDER BY {order} LIMIT ?", [*params, first + 1]
    ranked = select.replace(
        "SELECT ", f"SELECT row_number() OVER (PARTITION BY {group} ORDER BY {order}) AS rn, ", 1
    )
    return f"SELECT * FROM ({ranked}) WHERE rn <= ? ORDER BY rn", [*params, first + 1]


def without_rank(rows: list[Any], owners: list[str] | None) -> list[Any]:
    """Rows of :func:`top_per_group` without the window's row number, when it added one."""
    return [row[1:] for row in rows] if owners is not None and len(owners) > 1 else rows


def account_from(row: Sequence[Any]) -> Account:
    return Account(id=row[0], handle=row[1], name=row[2], followers=row[3], brand=row[4])


def metrics_from(row: Sequence[Any]) -> Metrics:
    """Metrics from ``account, reach1, reach2, influence``."""
    return Metrics(account_id=row[0], reach1=row[1], reach2=row[2], influence=row[3])


def post_from(row: Sequence[Any]) -> Post:
    (
        pid,
        text,
        lang,
        created,
        author,
        reply_to,
        by_brand,
        ptype,
        conf,
        cues,
        llang,
        needs,
        sla,
        version,
        responded,
        response_post,
        brands,
    ) = row[:17]
    classification = None
    if ptype is not None:
        classification = Classification(
            type=CustomerType(ptype),
            confidence=conf,
            lang=llang or "",
            cues=tuple(orjson.loads(cues)) if cues else (),
            needs_response=bool(needs),
            sla=timedelta(seconds=sla) if sla is not None else None,
            version=version or "",
        )
    response = None
    if responded is not None:
        response = Response(
            at=dt(responded), delay=timedelta(seconds=responded - created), post_id=response_post
        )
    return Post(
        id=pid,
        text=text,
        lang=lang,
        created_at=dt(created),
        author_id=author,
        in_reply_to=reply_to,
        by_brand=bool(by_brand),
        brands=tuple(sorted(brands.split("\x1f"))) if brands else (),
        classification=classification,
        response=response,
    )


def state_change_from(row: Sequence[Any]) -> StateChange:
    """A state change from a row of (customer, brand, from_type, to_type, at, post, ...)."""
    return StateChange(
        customer_id=row[0],
        brand=row[1],
        from_type=CustomerType(row[2]) if row[2] else None,
        to_type=CustomerType(row[3]),
        at=dt(row[4]),
        post_id=row[5],
    )


def api_key_from(row: Sequence[Any]) -> ApiKey:
    return ApiKey(
        id=row[0],
        role=row[1],
        key_hash=row[2],
        created_at=dt(row[3]),
        revoked_at=dt(row[4]) if row[4] is not None else None,
    )
