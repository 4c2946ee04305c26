"""The loaders on the real datasets in ../shared/data, checked against counts computed independently
with the csv and json modules. The data is non-commercial or third-party and is not in the repo,
so these tests skip when ../shared is absent."""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from pathlib import Path

import pytest

from graphsvc.errors import RecordError
from graphsvc.model import FollowBatch, Mention
from loaders import detect, read

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"

pytestmark = [
    pytest.mark.shared_data,
    pytest.mark.skipif(not DATA.is_dir(), reason=f"real datasets not present at {DATA} (../shared/data)"),
]


def _split(records: list[Mention | FollowBatch | RecordError]) -> tuple[list[Mention], list[RecordError]]:
    return (
        [r for r in records if isinstance(r, Mention)],
        [r for r in records if isinstance(r, RecordError)],
    )


def test_loaders_shared_data_twcs_loads_every_row() -> None:
    path = DATA / "twcs" / "twcs_head.csv"
    assert detect(path) == "twcs"
    mentions, errors = _split(list(read(path)))
    assert errors == []
    # Independent count: the csv module splits a row at a bare CR, so blank those out first.
    with open(path, encoding="utf-8", newline="") as f:
        text = re.sub("\r(?!\n)", " ", f.read())
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == len(mentions) == 5000
    brands = {r["author_id"] for r in rows if r["inbound"] == "False"}
    customers = {r["author_id"] for r in rows if r["inbound"] == "True"}
    ids = {r["tweet_id"] for r in rows}
    in_file = sum(
        1
        for r in rows
        if r["in_response_to_tweet_id"] and r["in_response_to_tweet_id"].removesuffix(".0") in ids
    )
    assert (len(brands), len(customers), in_file) == (76, 1443, 3688)
    assert {m.author.id for m in mentions if m.author_is_brand} == {f"twcs:{b}" for b in brands}
    assert len({m.author.id for m in mentions if not m.author_is_brand}) == 1443
    loaded_ids = {m.id for m in mentions}
    assert sum(1 for m in mentions if m.in_reply_to in loaded_ids) == 3688
    assert {m.author.brand for m in mentions if m.author_is_brand} == {b.lower() for b in brands}


def test_loaders_shared_data_airline_matches_csv() -> None:
    path = DATA / "airline" / "Tweets.csv"
    assert detect(path) == "airline"
    mentions, errors = _split(list(read(path)))
    assert errors == []
    with open(path, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(mentions) == len(rows) == 14349
    assert len({m.id for m in mentions}) == len({r["tweet_id"] for r in rows}) == 14198
    handles = {
        "Virgin America": "virginamerica",
        "United": "united",
        "Southwest": "southwestair",
        "Delta": "delta",
        "US Airways": "usairways",
        "American": "americanair",
    }
    assert Counter(m.brand for m in mentions) == Counter(handles[r["airline"]] for r in rows)
    assert [m.author.handle for m in mentions] == [r["name"] for r in rows]


@pytest.mark.parametrize(
    ("name", "edges"), [("bofa_careers", 68328), ("hersheycareers", 23939), ("verizoncareers", 59576)]
)
def test_loaders_shared_data_brand_follower_graphs(name: str, edges: int) -> None:
    path = DATA / "graphs" / "brand_follower_graphs" / f"{name}.json"
    assert detect(path) == "follows"
    records = list(read(path))
    raw = json.loads(path.read_text())["edges"]
    self_loops = sum(1 for a, b in raw if a == b)
    loaded = [e for r in records if isinstance(r, FollowBatch) for e in r.edges]
    assert len(raw) == edges
    assert len(loaded) == edges - self_loops
    assert sum(isinstance(r, RecordError) for r in records) == self_loops
    assert loaded[0] == (f"x:{raw[0][0]}", f"x:{raw[0][1]}")


@pytest.mark.parametrize(("name", "edges"), [("facebook_combined.txt", 88234), ("email-Eu-core.txt", 25571)])
def test_loaders_shared_data_snap_graphs(name: str, edges: int) -> None:
    path = DATA / "graphs" / name
    assert detect(path) == "follows"
    with open(path, encoding="utf-8") as f:
        pairs = [line.replace(",", " ").split() for line in f if line.strip()]
    pairs = [p for p in pairs if p != ["u", "v"]]
    assert len(pairs) == edges
    self_loops = sum(1 for a, b in pairs if a == b)
    records = list(read(path))
    loaded = [e for r in records if isinstance(r, FollowBatch) for e in r.edges]
    assert loaded == [(f"x:{a}", f"x:{b}") for a, b in pairs if a != b]
    assert [r.reason for r in records if isinstance(r, RecordError)] == [
        f"self-follow: {a} follows itself" for a, b in pairs if a == b
    ]
    assert len(loaded) == edges - self_loops
