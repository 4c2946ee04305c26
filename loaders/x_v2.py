"""``x-v2``: saved X API v2 response pages (``GET /2/tweets/search/recent``, mentions timeline, lookup).

A file holds one page (a JSON object, perhaps pretty-printed) or JSON Lines with one page per line.
Tweets come from ``data[]`` (or a single ``data`` object), authors from ``includes.users[]``.

Ids: posts ``x:<tweet id>``, accounts ``x:<user id>``; ``in_reply_to`` is the ``replied_to``
entry of ``referenced_tweets``. A RecordError for a tweet carries the line its page starts on and
names the tweet as ``data[i]``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from graphsvc.errors import RecordError
from graphsvc.model import Account, Mention

from .fields import FieldError, optional_int, required_text, unescape_twitter, utc_from_iso
from .jsondocs import json_values
from .mentiontext import handles_in
from .options import DEFAULT_OPTIONS, LoadOptions, Record
from .surrogates import valid_mention

__all__ = ["parse_x_v2", "read_x_v2"]


def _author(user_id: str, users: dict[str, Any]) -> Account:
    user = users.get(user_id)
    if not isinstance(user, dict):
        # The page did not expand this author (no expansions=author_id): keep what the tweet says.
        return Account(id=f"x:{user_id}")
    metrics = user.get("public_metrics") or {}
    if not isinstance(metrics, dict):
        raise FieldError(f"includes.users entry for author {user_id}: public_metrics must be an object")
    try:
        followers = optional_int(metrics.get("followers_count"), "public_metrics.followers_count")
    except FieldError as exc:
        raise FieldError(f"includes.users entry for author {user_id}: {exc}") from None
    handle = user.get("username")
    name = user.get("name")
    return Account(
        id=f"x:{user_id}",
        handle=handle if isinstance(handle, str) else None,
        name=name if isinstance(name, str) else None,
        followers=followers,
    )


def _mention(tweet: object, users: dict[str, Any]) -> Mention:
    if not isinstance(tweet, dict):
        raise FieldError(f"a tweet must be a JSON object, got {type(tweet).__name__}")
    tweet_id = required_text(tweet.get("id"), "id")
    if tweet.get("author_id") in (None, ""):
        raise FieldError("missing author (author_id; request tweet.fields=author_id)")
    author_id = required_text(tweet.get("author_id"), "author_id")
    text = unescape_twitter(required_text(tweet.get("text"), "text"))
    references = tweet.get("referenced_tweets") or []
    if not isinstance(references, list):
        raise FieldError(f"referenced_tweets must be a list, got {type(references).__name__}")
    parent = next(
        (ref.get("id") for ref in references if isinstance(ref, dict) and ref.get("type") == "replied_to"),
        None,
    )
    if parent is not None:
        parent = required_text(parent, "referenced_tweets id")
    entities = tweet.get("entities") or {}
    mentioned = entities.get("mentions") if isinstance(entities, dict) else None
    if isinstance(mentioned, list):
        handles = tuple(
            dict.fromkeys(
                m["username"] for m in mentioned if isinstance(m, dict) and isinstance(m.get("username"), str)
            )
        )
    else:
        handles = handles_in(text)
    lang = tweet.get("lang")
    return Mention(
        id=f"x:{tweet_id}",
        author=_author(author_id, users),
        text=text,
        created_at=utc_from_iso(tweet.get("created_at")),
        lang=lang if isinstance(lang, str) and lang != "und" else None,
        in_reply_to=f"x:{parent}" if parent else None,
        mentions=handles,
    )


def _page(page: object, line: int, file: str) -> Iterator[Record]:
    if not isinstance(page, dict):
        yield RecordError(
            f"an X API page must be a JSON object, got {type(page).__name__}", file=file, line=line
        )
        return
    includes = page.get("includes") or {}
    found = includes.get("users") if isinstance(includes, dict) else None
    if not isinstance(includes, dict) or not isinstance(found, list | None):
        # every tweet would lose its author's handle and name: the page is rejected, not half-read
        yield RecordError("includes must be an object with a users list", file=file, line=line)
        return
    users = {str(u.get("id")): u for u in found or [] if isinstance(u, dict)}
    data = page.get("data")
    tweets = [data] if isinstance(data, dict) else data or []
    if not isinstance(tweets, list):
        yield RecordError(f"data must be a list of tweets, got {type(data).__name__}", file=file, line=line)
        return
    for index, tweet in enumerate(tweets):
        try:
            yield valid_mention(_mention(tweet, users))
        except FieldError as exc:
            yield RecordError(f"data[{index}]: {exc}", file=file, line=line)


def _records(data: bytes, file: str) -> Iterator[Record]:
    for item in json_values(data, file):
        if isinstance(item, RecordError):
            yield item
        else:
            yield from _page(item[1], item[0], file)


def read_x_v2(path: str | Path, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    return _records(Path(path).read_bytes(), str(path))


def parse_x_v2(text: str, options: LoadOptions = DEFAULT_OPTIONS) -> Iterator[Record]:
    return _records(text.encode("utf-8"), "<text>")
