"""graphsvc's own mention record (``schema/mention.schema.json``) to and from a ``Mention``.

The JSON Lines and CSV variants of the format share this one mapping; CSV flattens ``author`` into
``author_id``, ``author_handle``, ... and writes ``mentions`` space-separated.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from graphsvc.model import Account, Mention, brand_key, platform_of

from .fields import FieldError, optional_int, required_text, utc_from_iso
from .ids import is_qualified, qualify
from .mentiontext import handles_in
from .surrogates import valid_mention

__all__ = ["FIELDS", "mention_from_dict", "mention_to_dict", "ordinary_mention"]

FIELDS = (
    "id",
    "platform",
    "author",
    "text",
    "created_at",
    "lang",
    "in_reply_to",
    "brand",
    "mentions",
    "author_is_brand",
)
AUTHOR_FIELDS = ("id", "handle", "name", "followers", "brand")


def _optional_str(obj: Mapping[str, Any], key: str, name: str) -> str | None:
    value = obj.get(key)
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise FieldError(f"{name} must be a string, got {type(value).__name__}")
    return value


def _unknown(obj: Mapping[str, Any], allowed: tuple[str, ...], where: str) -> None:
    extra = sorted(set(obj) - set(allowed))
    if extra:
        raise FieldError(f"unknown field(s) {', '.join(extra)} in {where}; allowed: {', '.join(allowed)}")


_FIELD_SET = frozenset(FIELDS)
_AUTHOR_SET = frozenset(AUTHOR_FIELDS)


class _Unusual(Exception):
    """Raised by the lean path for anything but an ordinary record: the careful path decides."""


def _plain_id(value: object, platform: str | None) -> str:
    if type(value) is not str:
        raise _Unusual
    raw = value.strip()
    if raw and is_qualified(raw):
        return raw
    if raw and platform:
        return f"{platform}:{raw}"
    raise _Unusual


def _plain_str(value: object) -> str | None:
    if value is None or value == "":
        return None
    if type(value) is not str:
        raise _Unusual
    return value


def _lean(obj: dict[str, Any], fallback: str | None) -> Mention:
    """The Mention of an ordinary record, as the careful path would build it, in fewer steps;
    raises _Unusual for anything else (the careful path then builds it or names the problem)."""
    author = obj.get("author")
    if not obj.keys() <= _FIELD_SET or type(author) is not dict or not author.keys() <= _AUTHOR_SET:
        raise _Unusual
    platform = _plain_str(obj.get("platform")) or fallback
    followers = author.get("followers")
    text = obj.get("text")
    created = obj.get("created_at")
    if (
        not (followers is None or (type(followers) is int and followers >= 0))
        or type(text) is not str
        or not text.strip()
        or type(created) is not str
    ):
        raise _Unusual
    try:
        moment = datetime.fromisoformat(created.strip())
    except ValueError:
        raise _Unusual from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise _Unusual
    author_brand = _plain_str(author.get("brand"))
    account = Account(
        id=_plain_id(author.get("id"), platform),
        handle=_plain_str(author.get("handle")),
        name=_plain_str(author.get("name")),
        followers=followers,
        brand=brand_key(author_brand) if author_brand else None,
    )
    mentions = obj.get("mentions")
    if mentions is None:
        handles = handles_in(text)
    elif type(mentions) is list and all(type(m) is str and m.strip("@ ") for m in mentions):
        handles = tuple(m.strip().lstrip("@") for m in mentions)
    else:
        raise _Unusual
    by_brand = obj.get("author_is_brand", account.brand is not None)
    if type(by_brand) is not bool:
        raise _Unusual
    reply = _plain_str(obj.get("in_reply_to"))
    brand = _plain_str(obj.get("brand"))
    return Mention(
        id=_plain_id(obj.get("id"), platform),
        author=account,
        text=text,
        created_at=moment.astimezone(UTC),
        lang=_plain_str(obj.get("lang")),
        in_reply_to=_plain_id(reply, platform) if reply else None,
        brand=brand_key(brand) if brand else None,
        mentions=handles,
        author_is_brand=by_brand,
    )


def ordinary_mention(obj: object, platform: str | None = None) -> Mention | None:
    """The Mention of an ordinary record, built in fewer steps; None for anything else.

    Ordinary values are exact ``str``, ``int``, ``bool`` and ``None`` only, so a JSON parser that
    differs from the standard library just in what it makes of other values (huge integers) cannot
    change what this returns."""
    if type(obj) is not dict:
        return None
    try:
        return _lean(obj, platform)
    except _Unusual:
        return None


def mention_from_dict(obj: object, platform: str | None = None) -> Mention:
    """Validate one own-format record and build the Mention; FieldError says what is wrong.

    ``platform`` is the fallback when the record has no ``platform`` field and its ids are bare."""
    ordinary = ordinary_mention(obj, platform)
    if ordinary is not None:
        # the standard library reads a bad \ud800 escape that orjson refuses: such lines come here
        return valid_mention(ordinary)
    if not isinstance(obj, dict):
        raise FieldError(f"a mention must be a JSON object, got {type(obj).__name__}")
    _unknown(obj, FIELDS, "the mention")
    platform = _optional_str(obj, "platform", "platform") or platform
    post_id = qualify(required_text(obj.get("id"), "id"), platform)
    author = obj.get("author")
    if author is None:
        raise FieldError("missing author")
    if not isinstance(author, dict):
        raise FieldError(f"author must be an object, got {type(author).__name__}")
    _unknown(author, AUTHOR_FIELDS, "author")
    author_brand = _optional_str(author, "brand", "author.brand")
    account = Account(
        id=qualify(required_text(author.get("id"), "author.id"), platform, "author.id"),
        handle=_optional_str(author, "handle", "author.handle"),
        name=_optional_str(author, "name", "author.name"),
        followers=optional_int(author.get("followers"), "author.followers"),
        brand=brand_key(author_brand) if author_brand else None,
    )
    text = required_text(obj.get("text"), "text")
    reply = _optional_str(obj, "in_reply_to", "in_reply_to")
    brand = _optional_str(obj, "brand", "brand")
    mentions = obj.get("mentions")
    if mentions is None:
        handles = handles_in(text)
    elif isinstance(mentions, list) and all(isinstance(m, str) and m.strip("@ ") for m in mentions):
        handles = tuple(m.strip().lstrip("@") for m in mentions)
    else:
        raise FieldError("mentions must be a list of non-empty handle strings")
    by_brand = obj.get("author_is_brand", account.brand is not None)
    if not isinstance(by_brand, bool):
        raise FieldError(f"author_is_brand must be true or false, got {by_brand!r}")
    return valid_mention(
        Mention(
            id=post_id,
            author=account,
            text=text,
            created_at=utc_from_iso(obj.get("created_at")),
            lang=_optional_str(obj, "lang", "lang"),
            in_reply_to=qualify(reply, platform, "in_reply_to") if reply else None,
            brand=brand_key(brand) if brand else None,
            mentions=handles,
            author_is_brand=by_brand,
        )
    )


def mention_to_dict(mention: Mention) -> dict[str, Any]:
    """The own-format record of ``mention``; ``mention_from_dict`` of it gives ``mention`` back."""
    author: dict[str, Any] = {"id": mention.author.id}
    for key in ("handle", "name", "followers", "brand"):
        value = getattr(mention.author, key)
        if value is not None:
            author[key] = value
    record: dict[str, Any] = {
        "id": mention.id,
        "platform": platform_of(mention.id),
        "author": author,
        "text": mention.text,
        "created_at": mention.created_at.isoformat().replace("+00:00", "Z"),
    }
    for key in ("lang", "in_reply_to", "brand"):
        value = getattr(mention, key)
        if value is not None:
            record[key] = value
    record["mentions"] = list(mention.mentions)
    record["author_is_brand"] = mention.author_is_brand
    return record
