"""Platform-qualified ids: ``platform:rest``. A bare id gets the platform the caller knows.

>>> qualify("123", "x"), qualify("twcs:9", "x"), qualify("@ana@mastodon.social", "mastodon")
('x:123', 'twcs:9', 'mastodon:@ana@mastodon.social')
"""

from __future__ import annotations

from .fields import FieldError

__all__ = ["is_qualified", "qualify"]


def is_qualified(raw: str) -> bool:
    """True when ``raw`` already starts with ``platform:`` (a non-empty prefix without '@' or '/')."""
    prefix, sep, rest = raw.partition(":")
    return bool(sep and prefix and rest) and "@" not in prefix and "/" not in prefix


def qualify(raw: str, platform: str | None, name: str = "id") -> str:
    """``raw`` unchanged when qualified, else ``platform:raw``; FieldError when there is no platform."""
    raw = raw.strip()
    if is_qualified(raw):
        return raw
    if not platform:
        raise FieldError(
            f"{name} {raw!r} is not platform-qualified; add a 'platform' field or pass a platform"
        )
    return f"{platform}:{raw}"
