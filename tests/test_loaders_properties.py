"""Property tests: junk never crashes a loader, and the own format round-trips."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graphsvc.errors import RecordError
from graphsvc.model import Account, FollowBatch, Mention
from loaders import FORMATS, LoadOptions
from loaders.own_csv import dump_csv, parse_csv
from loaders.own_jsonl import dump_jsonl, parse_jsonl

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
]
_lines = st.lists(st.one_of(st.sampled_from(_SAMPLES), st.text(max_size=40)), max_size=12)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_lines, st.sampled_from(sorted(FORMATS)))
def test_loaders_properties_junk_lines_never_crash(lines: list[str], name: str) -> None:
    for record in FORMATS[name].parse("\n".join(lines), LoadOptions()):
        assert isinstance(record, Mention | FollowBatch | RecordError)
        if isinstance(record, RecordError):
            assert record.reason and record.line >= 1


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


@settings(max_examples=100, deadline=None)
@given(st.lists(_mentions, max_size=5))
def test_loaders_properties_own_csv_round_trips(mentions: list[Mention]) -> None:
    assert list(parse_csv(dump_csv(mentions))) == mentions
