from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphsvc.cli import main


def test_cli_classify_one_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["classify", "--json", "@Delta lost my bag, can you help?"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["type"] == "PASSIVE" and out["needs_response"] is True


def test_cli_classify_jsonl(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text(
        '{"id": 1, "text": "love @Nubank ❤️"}\n{"id": "b", "text": "", "lang": "es"}\n', encoding="utf-8"
    )
    assert main(["classify", "--input", str(src)]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["id"] for r in rows] == [1, "b"]
    assert set(rows[0]) >= {"id", "type", "confidence", "lang", "cues", "needs_response"}


def test_cli_classify_bad_jsonl_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "in.jsonl"
    src.write_text("{not json\n", encoding="utf-8")
    assert main(["classify", "--input", str(src)]) == 2
    assert "in.jsonl:1" in capsys.readouterr().err


def test_cli_classify_evaluate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = tmp_path / "gold.jsonl"
    src.write_text('{"text": "@Delta can you help? my bag is lost", "label": "PASSIVE"}\n', encoding="utf-8")
    assert main(["classify", "--evaluate", str(src)]) == 0
    out = capsys.readouterr().out
    assert "macro-F1" in out and "baseline" in out and "confusion" in out
