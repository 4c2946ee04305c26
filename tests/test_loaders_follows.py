"""Follower edge lists: separators, headers, comments, platform prefixes, batching, fast == careful."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from graphsvc.errors import RecordError
from graphsvc.model import FollowBatch
from loaders import LoadOptions, Record
from loaders.follows import parse_follows, read_follows

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


def _edges(records: list[Record]) -> list[tuple[str, str]]:
    return [edge for r in records if isinstance(r, FollowBatch) for edge in r.edges]


def test_loaders_follows_snap_tabs_and_comments() -> None:
    records = list(read_follows(FIXTURES / "follows_snap.txt"))
    assert _edges(records) == [("x:0", "x:1"), ("x:0", "x:2"), ("x:1", "x:2"), ("x:2", "x:0"), ("x:3", "x:2")]
    assert isinstance(records[0], FollowBatch) and records[0].first_line == 4


def test_loaders_follows_platform_option_prefixes_bare_ids_only() -> None:
    records = list(parse_follows("a,b\nx:1,c\n", LoadOptions(platform="twcs")))
    assert _edges(records) == [("twcs:a", "twcs:b"), ("x:1", "twcs:c")]


def test_loaders_follows_batches_hold_at_most_batch_edges() -> None:
    text = "".join(f"{i} {i + 1}\n" for i in range(10))
    records = list(parse_follows(text, LoadOptions(batch_edges=4)))
    assert [len(r.edges) for r in records if isinstance(r, FollowBatch)] == [4, 4, 2]
    assert [r.first_line for r in records if isinstance(r, FollowBatch)] == [1, 5, 9]


def test_loaders_follows_json_layout_batches() -> None:
    records = list(read_follows(FIXTURES / "follows_graph.json", LoadOptions(batch_edges=2)))
    batches = [r for r in records if isinstance(r, FollowBatch)]
    assert [len(b.edges) for b in batches] == [2, 1]


def test_loaders_follows_bad_line_in_a_large_clean_file_costs_only_that_line() -> None:
    lines = [f"{i},{i + 1}" for i in range(20_000)]
    lines[12_345] = "7,7"
    records = list(parse_follows("\n".join(lines) + "\n"))
    errors = [r for r in records if isinstance(r, RecordError)]
    assert [(e.line, e.reason) for e in errors] == [(12_346, "self-follow: 7 follows itself")]
    assert len(_edges(records)) == 19_999


_ids = st.text(alphabet="abc01:@ \t#,", min_size=0, max_size=4)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(_ids, _ids), min_size=1, max_size=300), st.sampled_from([",", "\t", " "]))
def test_loaders_follows_fast_path_agrees_with_careful_path(pairs: list[tuple[str, str]], sep: str) -> None:
    # The separator is chosen once per file, from its first data line; fix it with a known edge.
    first = f"s{sep}t\n"
    body = [f"{a}{sep}{b}\n" for a, b in pairs]
    whole = list(parse_follows(first + "".join(body)))
    single: list[Record] = []
    single_edges: list[tuple[str, str]] = []
    for number, line in enumerate(body, start=2):
        records = list(parse_follows(first + "#\n" * (number - 2) + line))  # comments keep the numbering
        single += records
        single_edges += _edges(records)[1:]
    assert _edges(whole) == [("x:s", "x:t"), *single_edges]
    errors = [(r.line, r.reason) for r in whole if isinstance(r, RecordError)]
    assert errors == [(r.line, r.reason) for r in single if isinstance(r, RecordError)]


def _reference(text: str, sep: str) -> list[tuple[str, str]]:
    pairs = [line.split(sep) for line in text.splitlines()]
    return [tuple(t if ":" in t else f"x:{t}" for t in pair) for pair in pairs]  # type: ignore[misc]


def test_loaders_follows_decimal_ids_keep_their_text() -> None:
    # 100 plain lines first, so the special ones reach the fast path, not the careful first lines.
    lines = [f"{i}\t{i + 1}" for i in range(100)]
    lines += ["7\t007", "007\t0", "123456789012345678\t1234567890123456789", "x:7\t7", "8\t5"]
    text = "\n".join(lines) + "\n"
    records = list(parse_follows(text))
    assert not [r for r in records if isinstance(r, RecordError)]
    assert _edges(records) == _reference(text, "\t")
    (batch,) = [r for r in records if isinstance(r, FollowBatch)]
    assert len(set(batch.ids.names)) == len(batch.ids.names)  # "x:7" from either path is one id
    assert {"x:007", "x:7", "x:1234567890123456789"} <= set(batch.ids.names)


def test_loaders_follows_batches_of_one_file_share_their_ids() -> None:
    text = "".join(f"{i % 50}\t{(i * 7) % 50 + 50}\n" for i in range(1_000))
    batches = [r for r in parse_follows(text, LoadOptions(batch_edges=300)) if isinstance(r, FollowBatch)]
    assert [len(b) for b in batches] == [300, 300, 300, 100]
    assert all(b.ids is batches[0].ids for b in batches)
    names = batches[0].ids.names
    assert len(names) == len(set(names)) == 100
    assert [e for b in batches for e in b.edges] == _reference(text, "\t")
