"""Field conversions shared by the loaders. Each raises ``FieldError`` with a reason a person can act on.

>>> utc_from_iso("2024-05-01T10:00:00+02:00").isoformat()
'2024-05-01T08:00:00+00:00'
>>> utc_from_twitter("Tue Oct 31 22:10:47 +0000 2017").isoformat()
'2017-10-31T22:10:47+00:00'
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

__all__ = [
    "FieldError",
    "optional_int",
    "required_text",
    "unescape_twitter",
    "utc_from_iso",
    "utc_from_offset_time",
    "utc_from_twitter",
]


# ASCII digits only: str.isdigit() also passes "²" and "--5", which int() then refuses.
_INTEGER = re.compile(r"-?[0-9]{1,4000}")


class FieldError(ValueError):
    """One field is missing or malformed; the message is the RecordError reason."""


_MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}


def required_text(value: object, name: str) -> str:
    """A non-blank string field: FieldError("missing <name>") when absent, "empty <name>" when blank."""
    if value is None:
        raise FieldError(f"missing {name}")
    if isinstance(value, str) and not value.strip():
        raise FieldError(f"empty {name}" if value else f"missing {name}")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise FieldError(f"{name} must be a string, got {type(value).__name__}")
    return str(value)


def optional_int(value: object, name: str) -> int | None:
    """An integer count, given as a JSON number or a decimal string; None when absent."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise FieldError(f"{name} must be an integer, got {value!r}")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _INTEGER.fullmatch(value.strip()):
        number = int(value)
    else:
        raise FieldError(f"{name} must be an integer, got {value!r}")
    if number < 0:
        raise FieldError(f"{name} must not be negative, got {number}")
    return number


def _aware_utc(moment: datetime, name: str, raw: str) -> datetime:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise FieldError(f"{name} {raw!r} has no UTC offset; add one, e.g. 'Z' or '+00:00'")
    return moment.astimezone(UTC)


def utc_from_iso(value: object, name: str = "created_at") -> datetime:
    """An ISO 8601 / RFC 3339 timestamp with an offset, as an aware UTC datetime."""
    raw = required_text(value, name)
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise FieldError(f"{name} {raw!r} is not an ISO 8601 timestamp") from None
    return _aware_utc(moment, name, raw)


def utc_from_offset_time(value: object, name: str) -> datetime:
    """``2015-02-24 11:35:52 -0800`` (the airline dataset) as an aware UTC datetime."""
    raw = required_text(value, name)
    try:
        moment = datetime.strptime(raw.strip(), "%Y-%m-%d %H:%M:%S %z")
    except ValueError:
        raise FieldError(f"{name} {raw!r} is not a 'YYYY-MM-DD HH:MM:SS +hhmm' timestamp") from None
    return _aware_utc(moment, name, raw)


def utc_from_twitter(value: object, name: str = "created_at") -> datetime:
    """Twitter's v1.1 ``Tue Oct 31 22:10:47 +0000 2017``, parsed without the locale ``%a``/``%b`` need."""
    raw = required_text(value, name)
    parts = raw.split()
    try:
        if len(parts) != 6 or parts[1] not in _MONTHS:
            raise ValueError(raw)
        clock = datetime.strptime(
            f"{parts[5]}-{_MONTHS[parts[1]]}-{parts[2]} {parts[3]} {parts[4]}", "%Y-%m-%d %H:%M:%S %z"
        )
    except ValueError:
        raise FieldError(f"{name} {raw!r} is not a 'Tue Oct 31 22:10:47 +0000 2017' timestamp") from None
    return _aware_utc(clock, name, raw)


def unescape_twitter(text: str) -> str:
    """Undo the three entities Twitter writes into tweet text; ``&amp;`` last so '&amp;lt;' stays '&lt;'."""
    if "&" not in text:
        return text
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
