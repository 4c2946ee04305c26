"""What a brand's accounts are called after each loader's files are loaded: the handle is the
account's own, and a brand is found by its accounts' handles, never by a numeric platform id."""

from __future__ import annotations

from pathlib import Path

from graphsvc.ingest import Ingestor, brands_from_handles
from graphsvc.stores.base import Store
from loaders import read

FIXTURES = Path(__file__).parent / "fixtures" / "loaders"


def test_loaders_brands_accounts_get_their_own_handles_from_every_loader(store: Store) -> None:
    ingestor = Ingestor(store, brands=brands_from_handles(["AcmeAir", "mastodon:@acmeair@acme.example"]))
    for name in ("twcs_bad.csv", "x_v2_page.json", "mastodon_statuses.json"):
        ingestor.ingest(read(FIXTURES / name))
    ingestor.ingest(read(FIXTURES / "x_v2_page.json"))  # reloading changes nothing

    ids = ["twcs:AcmeAirHelp", "x:77", "mastodon:@acmeair@acme.example"]
    assert {i: (a.handle, a.brand) for i, a in store.get_accounts(ids).items()} == {
        "twcs:AcmeAirHelp": ("AcmeAirHelp", "acmeairhelp"),  # a twcs brand's author_id is its handle
        "x:77": ("AcmeAir", "acmeair"),  # the username of includes.users, not the id
        "mastodon:@acmeair@acme.example": ("acmeair@acme.example", "acmeair@acme.example"),
    }
    for name, key in (("@AcmeAirHelp", "acmeairhelp"), ("@AcmeAir", "acmeair"), ("x:77", None), ("77", None)):
        found = store.get_brands([name]).get(name)
        assert (found.key if found else None) == key, name
