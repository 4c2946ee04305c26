from __future__ import annotations

from pathlib import Path

from graphsvc.classify.corpus import DATA_DIR, load
from graphsvc.classify.linear import LinearModel
from graphsvc.classify.train import train


def test_train_is_deterministic_and_round_trips(tmp_path: Path) -> None:
    examples = load(DATA_DIR / "train.jsonl")[::8]
    a, b = train(examples), train(examples)
    assert a.version == b.version
    a.save(tmp_path / "a.npz")
    b.save(tmp_path / "b.npz")
    assert (tmp_path / "a.npz").read_bytes() == (tmp_path / "b.npz").read_bytes()
    assert LinearModel.load(tmp_path / "a.npz").version == a.version
