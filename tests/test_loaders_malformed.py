"""Every kind of malformed input, one fixture per format: each bad row is reported at its line with
a reason, and every good row around it is still yielded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphsvc.errors import RecordError
from graphsvc.ingest import Ingestor, RejectsFile
from graphsvc.model import FollowBatch, Mention
from graphsvc.stores.base import Store
from loaders import read

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"

# file -> (format, expected errors as (line, reason fragment), ids of the records that must survive)
CASES: dict[str, tuple[str, list[tuple[int, str]], list[str]]] = {
    "mentions_bad.jsonl": (
        "jsonl",
        [
            (2, "invalid JSON"),
            (3, "missing id"),
            (5, "missing created_at"),
            (6, "is not an ISO 8601 timestamp"),
            (7, "missing author"),
            (8, "author.followers must be an integer"),
            (9, "empty text"),
            (10, "has no UTC offset"),
            (11, "unknown field(s) create_at"),
            (13, "not valid UTF-8"),
            (15, "not platform-qualified"),
            (16, "must be a JSON object"),
        ],
        ["x:1790000000000000001", "x:1790000000000000002", "mastodon:mastodon.social/112233"],
    ),
    "mentions_bad.csv": (
        "csv",
        [
            (3, "expected 13 columns, found 9"),
            (4, "header repeated mid-file"),
            (7, "author.followers must be an integer"),
            (8, "author_is_brand must be true or false"),
            (9, "missing author"),
            (10, "not valid UTF-8"),
        ],
        ["x:1801", "x:1803", "x:1808"],
    ),
    "twcs_bad.csv": (
        "twcs",
        [
            (5, "inbound must be True or False"),
            (6, "is not a 'Tue Oct 31 22:10:47 +0000 2017' timestamp"),
            (7, "tweet_id '106x' is not a tweet id"),
            (8, "expected 8 columns, found 9"),
            (9, "missing text"),
            (12, "tweet_id '\uff11\uff11\uff11' is not a tweet id"),  # fullwidth: str.isdigit() passes them
        ],
        ["twcs:101", "twcs:102", "twcs:103", "twcs:109", "twcs:110"],
    ),
    "airline_bad.csv": (
        "airline",
        [
            (4, "unknown airline 'Lufthansa'"),
            (5, "tweet_created 'Feb 20 2015' is not"),
            (6, "missing name"),
            (9, "expected 15 columns, found 12"),
        ],
        ["airline:569000000000000001", "airline:569000000000000002", "airline:569000000000000006"],
    ),
    "x_v2_pages.jsonl": (
        "x-v2",
        [
            (2, "invalid JSON"),
            (3, "data[0]: missing author (author_id"),
            (3, "data[1]: created_at '3 May' is not an ISO 8601 timestamp"),
            (
                3,
                "data[2]: includes.users entry for author 2004: public_metrics.followers_count must be an integer",
            ),
        ],
        ["x:1790000000000001001", "x:1790000000000001002", "x:1790000000000001006"],
    ),
    "mastodon_statuses.json": (
        "mastodon",
        [
            (1, "[2]: missing account"),
            (1, "[3]: empty text"),
            (1, "[4]: account.followers_count must be an integer"),
            (1, "[5]: missing created_at"),
        ],
        ["mastodon:mastodon.social/111", "mastodon:mastodon.social/112", "mastodon:mastodon.social/117"],
    ),
    "follows_bad.csv": (
        "follows",
        [
            (3, "self-follow: bob follows itself"),
            (4, "blank follower"),
            (5, "expected 2 columns (follower, followee), found 3"),
            (7, "header repeated mid-file"),
            (8, "not valid UTF-8"),
            (11, "blank followee"),
        ],
        ["x:alice>x:acmeair", "mastodon:@ana@mastodon.social>x:77", "x:frank>x:alice"],
    ),
    "follows_graph.json": (
        "follows",
        [
            (16, "edges[2]: self-follow"),
            (24, "edges[4] must be a [follower, followee] pair"),
            (27, "edges[5]: blank follower"),
        ],
        ["x:0>x:1", "x:2>x:1", "x:2>x:0"],
    ),
    # JSON that crashed a loader instead of costing its row
    "crashers.jsonl": (
        "jsonl",
        [
            (2, "author.followers must be an integer, got '--5'"),
            (3, "author.followers must be an integer, got '\u00b2'"),
            (4, "invalid JSON: Exceeds the limit (4300 digits) for integer string conversion"),
            (5, "invalid JSON: nested too deeply to read"),
        ],
        ["x:1", "x:6"],
    ),
    "crashers_x_v2.jsonl": (
        "x-v2",
        [
            (2, "data[0]: referenced_tweets must be a list, got int"),
            (3, "includes must be an object with a users list"),
            (5, "data[0]: author_id must be a string, got dict"),
            (5, "data[1]: referenced_tweets id must be a string, got list"),
        ],
        ["x:21", "x:23", "x:25", "x:28"],
    ),
    "crashers_mastodon.jsonl": (
        "mastodon",
        [(2, "mentions must be a list, got int")],
        ["mastodon:mastodon.social/301", "mastodon:mastodon.social/303", "mastodon:mastodon.social/304"],
    ),
    "crashers_follows.json": ("follows", [(1, "invalid JSON: nested too deeply to read (the document)")], []),
    # lone surrogates (bad \ud800 escapes): replaced by U+FFFD in text and names, rejected in ids
    "surrogates.jsonl": (
        "jsonl",
        [
            (3, "author.id 'x:7\\udc00' contains a lone surrogate"),
            (5, "mentions handle 'b\\ud800d' contains"),
        ],
        ["x:1", "x:2", "x:4", "x:6", "x:7"],
    ),
    "surrogates_x_v2.json": (
        "x-v2",
        [
            (1, "data[1]: author.handle 'bad\\udfffname' contains a lone surrogate"),
            (1, "data[2]: in_reply_to 'x:1\\udc00' contains a lone surrogate"),
        ],
        ["x:11", "x:14"],
    ),
    "surrogates_mastodon.json": (
        "mastodon",
        [(1, "[1]: author.id 'mastodon:@b\\ud800b@mastodon.social' contains a lone surrogate")],
        ["mastodon:mastodon.social/201", "mastodon:mastodon.social/203"],
    ),
    "surrogates_follows.json": (
        "follows",
        [(4, "edges[1]: follower 'x:3\\ud800' contains a lone surrogate")],
        ["x:1>x:2", "x:5>x:6"],
    ),
}


def _survivors(records: list[Mention | FollowBatch | RecordError]) -> list[str]:
    ids: list[str] = []
    for record in records:
        if isinstance(record, Mention):
            ids.append(record.id)
        elif isinstance(record, FollowBatch):
            ids.extend(f"{a}>{b}" for a, b in record.edges)
    return ids


@pytest.mark.parametrize("name", sorted(CASES))
def test_loaders_malformed_rows_are_reported_and_good_rows_kept(name: str) -> None:
    fmt, expected_errors, expected_ids = CASES[name]
    path = FIXTURES / name
    records = list(read(path, fmt))
    errors = [r for r in records if isinstance(r, RecordError)]
    assert [(e.line, e.file) for e in errors] == [(line, str(path)) for line, _ in expected_errors]
    for error, (_, fragment) in zip(errors, expected_errors, strict=True):
        assert fragment in error.reason
    assert _survivors(records) == expected_ids


def test_loaders_malformed_fixtures_cover_at_least_twelve_kinds() -> None:
    kinds = {
        "invalid JSON",
        "missing id",
        "missing created_at",
        "is not an ISO 8601 timestamp",
        "missing author",
        "must be an integer",
        "empty text",
        "has no UTC offset",
        "unknown field",
        "not valid UTF-8",
        "not platform-qualified",
        "columns, found",
        "header repeated mid-file",
        "self-follow",
        "blank follower",
        "blank followee",
        "must be True or False",
        "unknown airline",
        "is not a tweet id",
    }
    reasons = [fragment for _, errors, _ in CASES.values() for _, fragment in errors]
    covered = {kind for kind in kinds if any(kind in reason for reason in reasons)}
    assert covered == kinds
    assert len(covered) >= 12


def test_loaders_malformed_detect_agrees_with_fixture_format() -> None:
    from loaders import detect

    for name, (fmt, _, _) in CASES.items():
        assert detect(FIXTURES / name) == fmt, name


def test_loaders_malformed_lone_surrogates_load_as_replacement_characters_or_reject(
    store: Store, tmp_path: Path
) -> None:
    rejects = RejectsFile(tmp_path / "rejects.jsonl")
    ingestor = Ingestor(store)
    for name in (
        "surrogates.jsonl",
        "surrogates_x_v2.json",
        "surrogates_mastodon.json",
        "surrogates_follows.json",
    ):
        ingestor.ingest(read(FIXTURES / name), on_error=rejects.write)
    rejects.close()

    posts = store.get_posts(["x:2", "x:6", "x:11", "mastodon:mastodon.social/201", "x:3", "x:12"])
    assert {pid: p.text for pid, p in posts.items()} == {
        "x:2": "bad \ufffd here",
        "x:6": "a real pair \U0001f600",
        "x:11": "hi \ufffd there",
        "mastodon:mastodon.social/201": "caf\u00e9 \ufffd closed",
    }
    assert store.get_accounts(["x:8"])["x:8"].name == "Bo \ufffd"
    assert (store.stats().posts, store.stats().follows) == (9, 2)
    lines = [json.loads(line) for line in (tmp_path / "rejects.jsonl").read_text().splitlines()]
    assert [(Path(r["file"]).name, r["line"], r["reason"].split(" contains")[0]) for r in lines] == [
        ("surrogates.jsonl", 3, "author.id 'x:7\\udc00'"),
        ("surrogates.jsonl", 5, "mentions handle 'b\\ud800d'"),
        ("surrogates_x_v2.json", 1, "data[1]: author.handle 'bad\\udfffname'"),
        ("surrogates_x_v2.json", 1, "data[2]: in_reply_to 'x:1\\udc00'"),
        ("surrogates_mastodon.json", 1, "[1]: author.id 'mastodon:@b\\ud800b@mastodon.social'"),
        ("surrogates_follows.json", 4, "edges[1]: follower 'x:3\\ud800'"),
    ]
