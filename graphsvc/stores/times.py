"""How stores keep time: UTC epoch seconds, converted to aware datetimes at the boundary.

>>> dt(ts(datetime(2026, 1, 1, tzinfo=UTC))).isoformat()
'2026-01-01T00:00:00+00:00'
"""

from __future__ import annotations

from datetime import UTC, datetime


def ts(at: datetime) -> float:
    """Epoch seconds of an aware datetime; naive datetimes are taken as UTC."""
    if at.tzinfo is None:
        at = at.replace(tzinfo=UTC)
    return at.timestamp()


def dt(seconds: float) -> datetime:
    return datetime.fromtimestamp(seconds, tz=UTC)
