"""The API's DateTime: strawberry's, except that a time sent without an offset is read as UTC.

Every resolver then gets an aware datetime: a naive one could not be compared with the store's
times (``triage(at: "2026-11-25T00:00:00")`` failed so), and the mutations read it as UTC anyway.

>>> parse_datetime("2026-11-25T08:00:00").isoformat()
'2026-11-25T08:00:00+00:00'
>>> parse_datetime("2026-11-25T08:00:00+02:00").isoformat()
'2026-11-25T08:00:00+02:00'
"""

from __future__ import annotations

from datetime import UTC, datetime

from strawberry.schema.types.base_scalars import DateTimeDefinition, wrap_parser
from strawberry.types.scalar import ScalarDefinition


def parse_datetime(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)  # ISO 8601 as Python 3.11 reads it (a Z, a date alone...)
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=UTC)


UTC_DATETIME = ScalarDefinition(
    name="DateTime",
    description="Date and time, ISO 8601 (e.g. `2026-11-25T19:13:17+00:00`); a time without an offset "
    "is taken as UTC.",
    specified_by_url=None,
    serialize=DateTimeDefinition.serialize,
    parse_value=wrap_parser(parse_datetime, "DateTime"),
    parse_literal=None,
    origin=datetime,
)
