"""``mastodon``: saved Mastodon REST API status lists (timelines, ``/api/v1/accounts/:id/statuses``).

A file holds one JSON array of statuses, JSON Lines of statuses, or JSON Lines of arrays.

Ids. Accounts are ``mastodon:@user@instance`` (the host of the account's profile URL), the same for
an account wherever it was seen. A status ``id`` (and ``in_reply_to_id``) is only unique on the
server that answered the API call, so posts are ``mastodon:<server>/<id>``. The server is inferred
once per file: the host of the first status whose ``url`` ends in its own ``id`` (a status local to
that server), else the host of the first status's ``url``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from graphsvc.errors import RecordError
from graphsvc.model import Account, Mention

from .fields import FieldError, optional_int, required_text, utc_from_iso
from .jsondocs import json_values
from .mentiontext import html_to_text
from .options import DEFAULT_OPTIONS, LoadOptions, Record
from .surrogates import valid_mention

__all__ = ["parse_mastodon", "read_mastodon"]


def _host(url: object) -> str | None:
    if not isinstance(url, str):
        return None
    try:
        return urlsplit(url).hostname or None
    except ValueError:  # "http://[bad": an unreadable URL names no host
        return None


def _server(statuses: list[object]) -> str | None:
    fallback = None
    for status in statuses:
        if not isinstance(status, dict):
            continue
        url = status.get("url")
        fallback = fallback or _host(url)
        if isinstance(url, str) and url.rstrip("/").rsplit("/", 1)[-1] == str(status.get("id")):
            return _host(url)
    return fallback


def _qualified_acct(username: str, acct: str, url: object, server: str | None) -> str:
    host = _host(url)
    if host:
        return f"{username}@{host}"
    if "@" in acct:
        return acct
    if server is None:
        raise FieldError(f"cannot tell the instance of account {acct!r}: no url")
    return f"{acct}@{server}"


def _account(account: object, server: str | None) -> Account:
    if not isinstance(account, dict):
        raise FieldError("missing account" if account is None else "account must be an object")
    acct = required_text(account.get("acct"), "account.acct")
    username = str(account.get("username") or acct.split("@", 1)[0])
    handle = _qualified_acct(username, acct, account.get("url"), server)
    name = account.get("display_name")
    return Account(
        id=f"mastodon:@{handle}",
        handle=handle,
        name=name if isinstance(name, str) and name else None,
        followers=optional_int(account.get("followers_count"), "account.followers_count"),
    )


def _mention(item: object, server: str | None) -> Mention:
    if not isinstance(item, dict):
        raise FieldError(f"a status must be a JSON object, got {type(item).__name__}")
    status: dict[str, Any] = item
    if isinstance(status.get("reblog"), dict):
        status = status["reblog"]  # a boost carries no text of its own; the boosted status is the post
    status_id = required_text(status.get("id"), "id")
    if server is None:
        raise FieldError("cannot tell which server issued the status ids: no status has a url")
    author = _account(status.get("account"), server)
    content = status.get("content")
    text = html_to_text(content) if isinstance(content, str) else ""
    if not text:
        raise FieldError("empty text (content)" if content is not None else "missing text (content)")
    mentions: list[Any] = status.get("mentions") or []
    if not isinstance(mentions, list):
        raise FieldError(f"mentions must be a list, got {type(mentions).__name__}")
    handles = tuple(
        _qualified_acct(str(m.get("username") or ""), str(m["acct"]), m.get("url"), server)
        for m in mentions
        if isinstance(m, dict) and m.get("acct")
    )
    parent = status.get("in_reply_to_id")
    lang = status.get("language")
    return Mention(
        id=f"mastodon:{server}/{status_id}",
        author=author,
        text=text,
        created_at=utc_from_iso(status.get("created_at")),
        lang=lang if isinstance(lang, str) else None,
        in_reply_to=f"mastodon:{server}/{parent}" if parent else None,
        mentions=handles,
    )


def _records(data: bytes, file: str) -> Iterator[Record]:
    # (line, where, status): ``where`` names a status inside an array, whose items share its line.
    statuses: list[tuple[int, str, object]] = []
    for item in json_values(data, file):
        if isinstance(item, RecordError):
            yield item
            continue
        line, value = item
        if isinstance(value, list):
            statuses.extend((line, f"[{i}]: ", s) for i, s in enumerate(value))
        else:
            statuses.append((line, "", value))
    server = _server([s for _, _, s in statuses])
    for line, where, status in statuses:
        try:
            yield valid_mention(_mention(status, server))
        except FieldError as exc:
            yield RecordError(f"{where}{exc}", file=file, line=line)


def read_mastodon(path: str | Path, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    return _records(Path(path).read_bytes(), str(path))


def parse_mastodon(text: str, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    return _records(text.encode("utf-8"), "<text>")
