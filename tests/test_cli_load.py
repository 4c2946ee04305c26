"""``graphsvc load`` / ``stats`` / ``reclassify`` over the real CLI, checked against independent counts."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import shared_file

SQLITE_TIMEOUT = 300


def graphsvc(*args: str, store: Path, check: bool = True) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "GRAPHSVC_STORE": f"sqlite:///{store}"}
    done = subprocess.run(
        [sys.executable, "-m", "graphsvc", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=SQLITE_TIMEOUT,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def stats(store: Path) -> dict[str, Any]:
    result: dict[str, Any] = json.loads(graphsvc("stats", "--json", store=store).stdout)
    return result


def twcs_rows(path: Path) -> list[dict[str, str]]:
    """The twcs sample read independently: a bare CR inside a text is not a row break."""
    text = path.read_bytes().decode("utf-8").replace("\r\n", "\n").replace("\r", " ")
    return list(csv.DictReader(io.StringIO(text)))


@pytest.mark.shared_data
def test_load_twcs_matches_an_independent_count(tmp_path: Path) -> None:
    sample = shared_file("twcs", "twcs_head.csv")
    copy = tmp_path / "twcs_head.csv"  # the rejects file goes beside the input
    copy.write_bytes(sample.read_bytes())
    store = tmp_path / "g.db"
    out = graphsvc("load", str(copy), store=store).stdout
    assert "loaded 5,000 mentions" in out and "rejected 0" in out
    assert not (tmp_path / "twcs_head.csv.rejects.jsonl").exists()

    rows = twcs_rows(sample)
    ids = {r["tweet_id"] for r in rows}
    brands = {r["author_id"] for r in rows if r["inbound"] == "False"}
    customers = {r["author_id"] for r in rows if r["inbound"] == "True"}
    by_id = {r["tweet_id"]: r for r in rows}
    linked = [
        r
        for r in rows
        if r["in_response_to_tweet_id"] and str(int(float(r["in_response_to_tweet_id"]))) in ids
    ]
    answered: dict[str, float] = {}
    for r in linked:
        parent = by_id[str(int(float(r["in_response_to_tweet_id"])))]
        if r["inbound"] == "False" and parent["inbound"] == "True":
            delay = (_when(r["created_at"]) - _when(parent["created_at"])).total_seconds()
            answered[parent["tweet_id"]] = min(delay, answered.get(parent["tweet_id"], delay))
    assert (len(rows), len(brands), len(customers), len(linked)) == (5000, 76, 1443, 3688)

    counted = stats(store)
    assert {k: counted[k] for k in ("customers", "brands", "posts")} == {
        "customers": len(customers),
        "brands": len(brands),
        "posts": len(rows),
    }
    assert set(counted["by_brand"]) == {b.lower() for b in brands}
    assert sum(counted["by_type"].values()) == sum(
        r["inbound"] == "True" for r in rows
    )  # every interaction labelled

    with closing(sqlite3.connect(store)) as db:
        got = dict(
            db.execute(
                "SELECT substr(id, 6), responded_at - created_at FROM posts WHERE responded_at IS NOT NULL"
            )
        )
    assert got.keys() == answered.keys()
    assert all(abs(got[k] - answered[k]) < 1e-6 for k in answered)

    graphsvc("load", str(copy), store=store)  # again: nothing changes
    assert stats(store) == counted


def _when(raw: str) -> datetime:
    return datetime.strptime(raw, "%a %b %d %H:%M:%S %z %Y")


def test_stats_json_has_the_documented_shape(tmp_path: Path) -> None:
    result = stats(tmp_path / "empty.db")
    assert {
        k: result[k] for k in ("customers", "brands", "posts", "follows", "state_changes")
    } == dict.fromkeys(("customers", "brands", "posts", "follows", "state_changes"), 0)
    assert set(result["by_type"]) == {
        "VENTING",
        "PASSIVE",
        "USED_TO_BE",
        "COLLABORATIVE",
        "ADVOCATE",
        "FUTURE",
        "OTHER",
    }
    assert result["by_brand"] == {}


def test_stats_into_a_closed_pipe_stops_without_a_traceback(tmp_path: Path) -> None:
    # what ``graphsvc stats | head -1`` does once head has read its line
    env = {**os.environ, "GRAPHSVC_STORE": f"sqlite:///{tmp_path / 'empty.db'}"}
    reader, writer = os.pipe()
    os.close(reader)  # before the command writes: its first print meets a broken pipe
    with closing(os.fdopen(writer, "w")) as out:
        done = subprocess.run(
            [sys.executable, "-m", "graphsvc", "stats"],
            stdout=out,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            timeout=SQLITE_TIMEOUT,
        )
    assert done.returncode == 141
    assert done.stderr == ""


def test_load_reply_before_parent_resolves_later(tmp_path: Path) -> None:
    reply = {
        "id": "2",
        "platform": "x",
        "author": {"id": "900", "handle": "AcmeHelp"},
        "brand": "AcmeHelp",
        "text": "@ana we're sorry, DM us",
        "created_at": "2026-05-01T12:30:00Z",
        "in_reply_to": "1",
    }
    parent = {
        "id": "1",
        "platform": "x",
        "author": {"id": "7", "handle": "ana"},
        "text": "@AcmeHelp my order never arrived, can you check?",
        "created_at": "2026-05-01T12:00:00Z",
    }
    first, second = tmp_path / "reply.jsonl", tmp_path / "parent.jsonl"
    first.write_text(json.dumps(reply) + "\n")
    second.write_text(json.dumps(parent) + "\n")
    store = tmp_path / "g.db"
    graphsvc("load", str(first), "--brand", "x:AcmeHelp", store=store)
    graphsvc("load", str(second), store=store)
    with closing(sqlite3.connect(store)) as db:
        row = db.execute(
            "SELECT responded_at - created_at, response_post FROM posts WHERE id = 'x:1'"
        ).fetchone()
    assert row == (1800.0, "x:2")
    assert stats(store)["by_brand"]["acmehelp"]["customers"] == 1


def test_load_unknown_format_names_the_formats(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"\x00\x01 nothing anyone would recognise \x02")
    done = graphsvc("load", str(junk), store=tmp_path / "g.db", check=False)
    assert done.returncode == 2
    for name in ("twcs", "airline", "x-v2", "mastodon", "follows", "jsonl"):
        assert name in done.stderr


@pytest.mark.shared_data
def test_load_killed_midway_is_consistent_and_resumes(tmp_path: Path) -> None:
    airline = shared_file("airline", "Tweets.csv")
    copy = tmp_path / "Tweets.csv"
    copy.write_bytes(airline.read_bytes())
    store = tmp_path / "g.db"
    env = {**os.environ, "GRAPHSVC_STORE": f"sqlite:///{store}"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "graphsvc", "load", str(copy)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:  # wait until at least one batch has committed
        time.sleep(0.05)
        try:
            with closing(sqlite3.connect(store)) as db:
                if db.execute("SELECT count(*) FROM checkpoints WHERE done > 0").fetchone()[0]:
                    break
        except sqlite3.OperationalError:
            continue
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    with closing(sqlite3.connect(store)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        done = db.execute("SELECT done FROM checkpoints").fetchone()[0]
        posts = db.execute("SELECT count(*) FROM posts").fetchone()[0]
        unlabelled = db.execute("SELECT count(*) FROM posts WHERE type IS NULL AND by_brand = 0").fetchone()[
            0
        ]
    assert 0 < posts <= done and unlabelled == 0  # batches are all-or-nothing, labels included
    out = graphsvc("load", str(copy), store=store).stdout
    assert "committed by an earlier run" in out
    final = stats(store)
    with airline.open(encoding="utf-8", newline="") as raw:
        expected = len({r["tweet_id"] for r in csv.DictReader(raw)})
    assert final["posts"] == expected


@pytest.mark.shared_data
def test_load_follower_graph_lists_accounts_and_stores_reach(tmp_path: Path) -> None:
    graph = shared_file("graphs", "brand_follower_graphs", "hersheycareers.json")
    store = tmp_path / "g.db"
    out = graphsvc("load", str(graph), "--platform", "hs", store=store).stdout
    assert "analyzed reach and influence of 3,726 accounts" in out
    counted = stats(store)
    assert (counted["customers"], counted["follows"], counted["posts"]) == (3726, 23_939, 0)
    edges = json.loads(graph.read_text())["edges"]
    followers: dict[int, set[int]] = {}
    for src, dst in edges:
        followers.setdefault(dst, set()).add(src)
    busiest = max(followers, key=lambda n: len(followers[n]))
    with closing(sqlite3.connect(store)) as db:
        reach1 = db.execute("SELECT reach1 FROM metrics WHERE account = ?", (f"hs:{busiest}",)).fetchone()[0]
    assert reach1 == len(followers[busiest])
