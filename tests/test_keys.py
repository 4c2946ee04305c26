"""API keys: the library and ``graphsvc keys create|list|revoke`` as a subprocess."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from graphsvc.errors import BadUserInput, NotFound, Unauthenticated
from graphsvc.keys import Permission, Role, authenticate, create_key, hash_key, revoke_key
from graphsvc.stores import open_store
from tests.api_fixtures import run_cli

KEY_RE = re.compile(r"[A-Za-z0-9_-]{32,}")


def test_keys_are_stored_only_as_hashes(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'k.db'}")
    record, key = create_key(store, "analyst")
    assert KEY_RE.fullmatch(key) and record.key_hash == hash_key(key) and key not in record.key_hash
    assert (tmp_path / "k.db").read_bytes().find(key.encode()) == -1
    principal = authenticate(store, key)
    assert (
        principal.role is Role.ANALYST
        and principal.can(Permission.SENSITIVE)
        and not principal.can(Permission.WRITE)
    )
    with pytest.raises(Unauthenticated):
        authenticate(store, "x" * 43)
    with pytest.raises(BadUserInput):
        create_key(store, "root")
    revoke_key(store, record.id)
    with pytest.raises(Unauthenticated, match="revoked"):
        authenticate(store, key)
    with pytest.raises(NotFound):
        revoke_key(store, "key_nope")
    store.close()


def test_keys_cli_create_list_revoke(tmp_path: Path) -> None:
    store = f"sqlite:///{tmp_path / 'k.db'}"
    created = run_cli("keys", "create", "--role", "writer", "--store", store)
    assert created.returncode == 0, created.stderr
    key = created.stdout.strip().splitlines()[-1]
    assert KEY_RE.fullmatch(key)
    as_json = json.loads(run_cli("keys", "create", "--role", "reader", "--json", "--store", store).stdout)
    assert (
        set(as_json) == {"id", "role", "key"}
        and as_json["role"] == "reader"
        and KEY_RE.fullmatch(as_json["key"])
    )
    listed = run_cli("keys", "list", "--store", store).stdout
    assert as_json["id"] in listed and key not in listed and as_json["key"] not in listed
    listed_json = json.loads(run_cli("keys", "list", "--json", "--store", store).stdout)
    assert [k["role"] for k in listed_json] == ["writer", "reader"] and all(
        "key" not in k for k in listed_json
    )
    assert run_cli("keys", "revoke", as_json["id"], "--store", store).returncode == 0
    assert "revoked" in run_cli("keys", "list", "--store", store).stdout
    missing = run_cli("keys", "revoke", "key_nope", "--store", store)
    assert missing.returncode == 2 and "keys list" in missing.stderr
    bad_role = run_cli("keys", "create", "--role", "root", "--store", store)
    assert bad_role.returncode == 2
