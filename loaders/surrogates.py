"""Lone surrogates: code points that JSON's ``\\ud800``-style escapes can make but UTF-8 cannot hold.

Files are decoded strictly, so the only way one gets into a record is a bad escape in a JSON string
(the standard library reads it; orjson refuses the line, which is then read the standard way). The
store cannot encode one, so free text gets U+FFFD in its place (as the classifier's ``clean``
does), and an id or handle, which would be a different id with the replacement, rejects the record.

``has_lone_surrogate`` and ``valid_text`` live in :mod:`graphsvc.surrogates`, where the stores find them too.

>>> valid_text("bad \\ud800 here")
'bad \\ufffd here'
"""

from __future__ import annotations

import re
from dataclasses import replace

from graphsvc.model import Mention
from graphsvc.surrogates import has_lone_surrogate, valid_text

from .fields import FieldError

__all__ = ["escapes_surrogates", "has_lone_surrogate", "surrogate_reason", "valid_mention", "valid_text"]

_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")


def escapes_surrogates(data: bytes) -> bool:
    """True when JSON ``data`` may decode to a lone surrogate (it has an escape of a surrogate)."""
    return _ESCAPE.search(data) is not None


def surrogate_reason(value: str, name: str) -> str:
    """Why a record whose ``name`` field is ``value`` (holding a lone surrogate) is rejected."""
    return (
        f"{name} {value!r} contains a lone surrogate (a bad \\u escape), which is not a character;"
        " fix the escape where the data was written"
    )


def _checked(value: str | None, name: str) -> None:
    if value is not None and has_lone_surrogate(value):
        raise FieldError(surrogate_reason(value, name))


def valid_mention(mention: Mention) -> Mention:
    """``mention`` with lone surrogates in its text and author name replaced; FieldError naming the
    field when an id, handle, brand or language code has one."""
    author = mention.author
    for value, name in (
        (mention.id, "id"),
        (author.id, "author.id"),
        (author.handle, "author.handle"),
        (author.brand, "author.brand"),
        (mention.in_reply_to, "in_reply_to"),
        (mention.brand, "brand"),
        (mention.lang, "lang"),
        *((handle, "mentions handle") for handle in mention.mentions),
    ):
        _checked(value, name)
    text, author_name = valid_text(mention.text), author.name and valid_text(author.name)
    if text is mention.text and author_name is author.name:
        return mention
    return replace(mention, text=text, author=replace(author, name=author_name))
