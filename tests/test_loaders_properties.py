"""Property tests: junk never crashes a loader, the own format round-trips, and its fast path
reads every line as the standard library path does."""

from __future__ import annotations

import json
import tempfile
from dataclasses import fields, is_dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from unittest import mock

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from graphsvc.errors import RecordError
from graphsvc.model import Account, FollowBatch, Mention
from loaders import FORMATS, LoadOptions, jsondocs
from loaders.fields import FieldError
from loaders.jsondocs import json_values
from loaders.own_csv import dump_csv, parse_csv
from loaders.own_jsonl import dump_jsonl, parse_jsonl, read_jsonl
from loaders.own_record import mention_from_dict

_SAMPLES = [
    '{"id": "1", "platform": "x", "author": {"id": "2"}, "text": "hi", "created_at": "2024-01-01T00:00:00Z"}',
    ",tweet_id,author_id,inbound,created_at,text,response_tweet_id,in_response_to_tweet_id",
    "0,1,acme,False,Tue Oct 31 22:10:47 +0000 2017,@1 hi,,2.0",
    '{"data": [{"id": "1", "text": "x", "author_id": "2", "created_at": "2024-01-01T00:00:00Z"}]}',
    '[{"id": "1", "url": "https://m.example/@a/1", "content": "<p>x</p>", "account": {"acct": "a"}}]',
    "follower,followee",
    "1,2",
    "3 4",
    '{"edges": [[1, 2]]}',
    "",
    "#",
    '"',
    "\r",
    "\x00",
    # lone surrogate escapes: text gets U+FFFD, an id or handle rejects the record
    '{"id": "1", "platform": "x", "author": {"id": "2\\udc00"}, "text": "a\\ud800", "created_at": "2024-01-01T00:00:00Z"}',
    '{"data": [{"id": "1", "text": "\\ud83d", "author_id": "2", "created_at": "2024-01-01T00:00:00Z"}]}',
    '[{"id": "1", "url": "https://m.example/@a/1", "content": "\\udfff", "account": {"acct": "a"}, '
    '"created_at": "2024-01-01T00:00:00Z"}]',
    '{"edges": [["\\ud800", 2]]}',
]
_lines = st.lists(st.one_of(st.sampled_from(_SAMPLES), st.text(max_size=40)), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lines, st.sampled_from(sorted(FORMATS)))
@example(
    ['{"id": "x:1", "author": {"id": "x:2"}, "text": "a\\ud800", "created_at": "2024-01-01T00:00:00Z"}'],
    "jsonl",
)
@example([_SAMPLES[-3]], "x-v2")
@example([_SAMPLES[-2]], "mastodon")
@example([_SAMPLES[-1]], "follows")
def test_loaders_properties_junk_lines_never_crash(lines: list[str], name: str) -> None:
    for record in FORMATS[name].parse("\n".join(lines), LoadOptions()):
        assert isinstance(record, Mention | FollowBatch | RecordError)
        if isinstance(record, RecordError):
            assert record.reason and record.line >= 1
        for value in _strings(record):
            value.encode("utf-8")  # the store writes UTF-8: a lone surrogate must never get through


def _strings(record: object) -> list[str]:
    if isinstance(record, FollowBatch):
        return record.ids.names
    if isinstance(record, str):
        return [record]
    if isinstance(record, tuple):
        return [s for item in record for s in _strings(item)]
    if is_dataclass(record):
        return [s for f in fields(record) for s in _strings(getattr(record, f.name))]
    return []


_text = st.text(st.characters(exclude_categories=["Cs"]), min_size=1, max_size=40).filter(str.strip)
_handle = st.from_regex(r"[A-Za-z0-9_]{1,15}", fullmatch=True)
_optional = st.none() | _text
_mentions = st.builds(
    Mention,
    id=st.from_regex(r"x:[0-9]{1,19}", fullmatch=True),
    author=st.builds(
        Account,
        id=st.from_regex(r"(x|twcs|mastodon):[A-Za-z0-9@._]{1,20}", fullmatch=True),
        handle=st.none() | _handle,
        name=_optional,
        followers=st.none() | st.integers(0, 10**9),
        brand=st.none() | st.from_regex(r"[a-z0-9_]{1,15}", fullmatch=True),
    ),
    text=_text,
    created_at=st.datetimes(datetime(2006, 1, 1), datetime(2030, 1, 1), timezones=st.just(UTC)),
    lang=st.none() | st.sampled_from(["en", "es", "pt-BR", "id"]),
    in_reply_to=st.none() | st.from_regex(r"x:[0-9]{1,19}", fullmatch=True),
    brand=st.none() | st.from_regex(r"[a-z0-9_]{1,15}", fullmatch=True),
    mentions=st.lists(_handle, max_size=3).map(tuple),
    author_is_brand=st.booleans(),
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_mentions, max_size=5))
def test_loaders_properties_own_jsonl_round_trips(mentions: list[Mention]) -> None:
    assert list(parse_jsonl(dump_jsonl(mentions))) == mentions


_PRIVATE_USE = Mention(
    id="x:1", author=Account(id="x:2"), text="\ue000", created_at=datetime(2024, 1, 1, tzinfo=UTC)
)


@settings(max_examples=100, deadline=None)
@given(st.lists(_mentions, max_size=5))
# U+E000 was the stand-in for a bare CR while csv parsed a line, so it came back as "\r"
@example([_PRIVATE_USE, replace(_PRIVATE_USE, id="x:3", text="a\ue000b\rc\r\n")])
def test_loaders_properties_own_csv_round_trips(mentions: list[Mention]) -> None:
    assert list(parse_csv(dump_csv(mentions))) == mentions


# Values of every JSON type, including those orjson reads differently from json (huge integers
# become floats) or not at all (NaN, lone surrogates).
_json_scalar = (
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.sampled_from([0, -1, 2**64, -(2**63) - 1, 1.0, 1e400, float("nan"), "", " ", "\ud800"])
    | st.floats()
    | st.text(max_size=8)
    | st.from_regex(r"(x:)?[0-9]{1,20}", fullmatch=True)
)
_json_value = _json_scalar | st.lists(_json_scalar | _handle, max_size=2)
_RECORD = {"id": "1", "platform": "x", "text": "hi @acme", "created_at": "2024-05-01T10:00:00Z"}
_counts = st.integers(0, 2**65) | st.sampled_from([2**64 + 1, 10**20 + 1]) | _json_scalar
_OPTIONAL = ["lang", "in_reply_to", "brand", "mentions", "author_is_brand", "platform", "extra"]


@st.composite
def _own_lines(draw: st.DrawFn) -> str:
    """An ordinary own-format line, or one a field or two away from it, or a broken one."""
    author: dict[str, object] = {"id": "2"}
    record: dict[str, object] = {**_RECORD, "author": author}
    for key in draw(st.sets(st.sampled_from(["handle", "name", "followers", "brand"]))):
        author[key] = draw(_counts if key == "followers" else _json_scalar)
    for key in draw(st.sets(st.sampled_from(_OPTIONAL))):
        record[key] = draw(_json_value)
    for key in draw(st.sets(st.sampled_from([*_RECORD, "id2"]), max_size=2)):
        (author if key == "id2" else record)[key.rstrip("2")] = draw(_json_value)
    line = json.dumps(record, ensure_ascii=draw(st.booleans()))
    return draw(st.sampled_from([line, line, line + "\r", " " + line, "\ufeff" + line, line[:-1], "", "x"]))


@settings(max_examples=300, deadline=None)
@given(st.lists(_own_lines(), min_size=1, max_size=6))
def test_loaders_properties_own_jsonl_fast_path_agrees_with_standard_library(lines: list[str]) -> None:
    # an ordinary first line makes the file JSON Lines, as the first non-blank line decides
    text = '{"id": "0", "platform": "x", "author": {"id": "1"}, "text": "t", "created_at": "2024-05-01T00:00:00Z"}'
    data = "\n".join([text, *lines]).encode("utf-8", errors="surrogatepass")  # lone surrogates: bad UTF-8
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mentions.jsonl"
        path.write_bytes(data)
        fast = [(r.line, r.reason) if isinstance(r, RecordError) else r for r in read_jsonl(path)]
    # repr, not ==: 2**64 == float(2**64), but a huge count must stay an int
    assert repr(fast) == repr([_careful(item) for item in json_values(data, str(path))])


def _careful(item: tuple[int, object] | RecordError) -> Mention | tuple[int, str]:
    """What the own format makes of one JSON line read by the standard library alone."""
    if isinstance(item, RecordError):
        return item.line, item.reason
    try:
        return mention_from_dict(item[1])
    except FieldError as exc:
        return item[0], str(exc)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=40).map(lambda b: bytes(b"ab\r\n "[x % 5] for x in b)), st.integers(0, 8))
def test_loaders_properties_json_lines_are_split_a_chunk_at_a_time_into_the_same_lines(
    data: bytes, chunk: int
) -> None:
    with mock.patch.object(jsondocs, "_CHUNK", chunk):
        assert list(jsondocs.json_lines(b"{}\n" + data) or ()) == (b"{}\n" + data).splitlines(keepends=True)
