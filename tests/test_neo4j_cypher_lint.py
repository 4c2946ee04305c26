"""Every Cypher statement the Neo4j store can send, linted by Neo4j's own parser (Cypher 5).

Statements are collected, not hand-listed: every public upper-case string in
:mod:`graphsvc.stores.cypher` plus every statement of the schema files. The linter is npm
``@neo4j-cypher/language-support`` run by ``tests/cypher_lint/lint.mjs`` against
``tests/cypher_lint/schema.json``, which declares the labels, relationship types, property keys
and parameters the statements may use: a typo in any of them is a finding. Errors and warnings
both fail. Install with ``npm ci --prefix tests/cypher_lint``.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from graphsvc.stores import cypher, neo4j_schema

LINT_DIR = Path(__file__).resolve().parent / "cypher_lint"
INSTALL = "npm ci --prefix tests/cypher_lint"


def collected_statements() -> dict[str, str]:
    found = {
        name: value
        for name, value in vars(cypher).items()
        if name.isupper() and not name.startswith("_") and isinstance(value, str)
    }
    found.update({f"schema/neo4j/{name}": text for name, text in neo4j_schema.statements()})
    return found


def lint(statements: dict[str, str]) -> dict[str, list[dict[str, Any]]]:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed: the Cypher lint needs Node.js")
    if not (LINT_DIR / "node_modules" / "@neo4j-cypher" / "language-support").is_dir():
        pytest.fail(f"the Cypher linter is not installed; run: {INSTALL}")
    done = subprocess.run(
        [node, str(LINT_DIR / "lint.mjs")],
        input=json.dumps({"statements": statements}),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, f"lint.mjs failed: {done.stderr}"
    result: dict[str, list[dict[str, Any]]] = json.loads(done.stdout)
    return result


@cache
def _lint_everything() -> dict[str, list[dict[str, Any]]]:
    return lint(collected_statements())


def test_neo4j_cypher_lint_collects_every_statement() -> None:
    statements = collected_statements()
    assert len(statements) >= 80
    assert "UPSERT_FOLLOWS" in statements and "schema/neo4j/001_constraints.cypher:1" in statements
    assert all(text.strip() for text in statements.values())


def test_neo4j_cypher_lint_finds_nothing_in_any_statement() -> None:
    findings = {
        name: [f"{d['severity']} at {d['offset']}: {d['message']}" for d in diagnostics]
        for name, diagnostics in _lint_everything().items()
        if diagnostics
    }
    assert set(_lint_everything()) == set(collected_statements())
    assert findings == {}


def test_neo4j_cypher_lint_catches_broken_statements() -> None:
    broken = {
        "syntax": "MATCH (a:Account) RETRN a",
        "label": "MATCH (a:Acount) RETURN a.id",
        "property": "MATCH (a:Account) RETURN a.hande",
        "parameter": "MATCH (a:Account {id: $account_idd}) RETURN a.id",
        "relationship": "MATCH (a:Account)-[:FOLOWS]->(b:Account) RETURN b.id",
        "variable": "MATCH (a:Account) RETURN b.id",
        "deprecated": "MATCH (a:Account) CALL { WITH a RETURN a.id AS x } RETURN x",
    }
    found = lint(broken)
    assert {name for name, diagnostics in found.items() if diagnostics} == set(broken)
    assert any(d["severity"] == "error" for d in found["syntax"])


def test_neo4j_cypher_variants_chosen_by_code_exist() -> None:
    # Neo4jStore picks these by name (getattr); a missing one would only fail at run time.
    for source in ("", "BRAND_", "STATE_"):
        for order in ("ID", "METRIC"):
            assert isinstance(getattr(cypher, f"LIST_{source}CUSTOMERS_BY_{order}"), str)
    for source in ("", "BRAND_", "CUSTOMER_"):
        for order in ("NEWEST", "DUE"):
            assert isinstance(getattr(cypher, f"LIST_{source}INTERACTIONS_{order}"), str)
