"""``graphsvc keys create|list|revoke``: manage API keys. The key itself is shown only at creation."""

from __future__ import annotations

import argparse
import json

from graphsvc.cli.options import add_store_option, store_from_args
from graphsvc.keys import Role, create_key, list_keys, revoke_key


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    keys = subparsers.add_parser("keys", help="create, list and revoke API keys")
    actions = keys.add_subparsers(dest="keys_command", required=True, metavar="ACTION")

    create = actions.add_parser("create", help="create a key and print it (the only time it is shown)")
    create.add_argument("--role", required=True, choices=[r.value for r in Role], help="what the key may do")
    create.add_argument("--json", action="store_true", help='print {"id", "role", "key"} as JSON')
    add_store_option(create)
    create.set_defaults(handler=run_create)

    listing = actions.add_parser("list", help="list keys (ids, roles, dates; never the keys)")
    listing.add_argument("--json", action="store_true", help="print a JSON array")
    add_store_option(listing)
    listing.set_defaults(handler=run_list)

    revoke = actions.add_parser("revoke", help="revoke a key by id")
    revoke.add_argument("id", metavar="ID", help="the key id `graphsvc keys list` shows")
    add_store_option(revoke)
    revoke.set_defaults(handler=run_revoke)


def run_create(args: argparse.Namespace) -> int:
    store = store_from_args(args)
    try:
        record, key = create_key(store, args.role)
    finally:
        store.close()
    if args.json:
        print(json.dumps({"id": record.id, "role": record.role, "key": key}))
    else:
        print(f"created {record.role} key {record.id}; it is shown only once:")
        print(key)
    return 0


def run_list(args: argparse.Namespace) -> int:
    store = store_from_args(args)
    try:
        keys = list_keys(store)
    finally:
        store.close()
    rows = [
        {
            "id": k.id,
            "role": k.role,
            "created_at": k.created_at.isoformat(),
            "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
        }
        for k in keys
    ]
    if args.json:
        print(json.dumps(rows))
        return 0
    for row in rows:
        state = f"revoked {row['revoked_at']}" if row["revoked_at"] else "active"
        print(f"{row['id']}\t{row['role']}\t{row['created_at']}\t{state}")
    if not rows:
        print("no keys; create one with `graphsvc keys create --role ROLE`")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    store = store_from_args(args)
    try:
        revoke_key(store, args.id)
    finally:
        store.close()
    print(f"revoked {args.id}")
    return 0
