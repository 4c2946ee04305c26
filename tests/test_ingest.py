"""Ingest: records to store writes, brands resolved, batches atomic, loads resumable."""

from __future__ import annotations

import threading
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from graphsvc import ingest
from graphsvc.errors import RecordError
from graphsvc.ingest import BrandBook, Ingestor, RejectsFile, brands_from_handles, to_post
from graphsvc.model import Account, Brand, FollowBatch, Mention, Post, StateChange
from graphsvc.stores import open_store
from graphsvc.stores.base import Store

T0 = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)
ANA = Account(id="x:1", handle="ana", followers=4)
ACME = Account(id="x:99", handle="AcmeHelp", brand="acmehelp")


def mention(pid: str, minutes: int, **kw: object) -> Mention:
    fields: dict[str, object] = {
        "author": ANA,
        "text": f"post {pid}",
        "created_at": T0 + timedelta(minutes=minutes),
    }
    fields.update(kw)
    return Mention(id=pid, **fields)  # type: ignore[arg-type]


def records() -> Iterator[Mention | FollowBatch | RecordError]:
    yield mention("x:1", 0, text="@AcmeHelp my router died", mentions=("AcmeHelp",))
    yield RecordError("missing id", file="in.jsonl", line=2)
    yield mention("x:2", 5, author=ACME, author_is_brand=True, in_reply_to="x:1", text="@ana sorry!")
    yield mention("x:3", 9, in_reply_to="x:2", text="thanks")
    yield FollowBatch.of([("x:5", "x:1"), ("x:6", "x:1"), ("x:1", "x:99")])


def test_brand_book_finds_brands_by_any_name() -> None:
    book = BrandBook([Brand(key="acme", name="Acme", handles=("x:AcmeHelp",), aliases=("Acme Corp",))])
    assert [book.lookup(n) for n in ("@acmehelp", "x:AcmeHelp", "ACME CORP", "acme", "other")] == [
        "acme",
        "acme",
        "acme",
        "acme",
        None,
    ]


def test_brands_from_handles_qualified_and_bare() -> None:
    bare, qualified = brands_from_handles(["@Delta", "twcs:AppleSupport"])
    assert (bare.key, bare.name, bare.handles) == ("delta", "Delta", ())
    assert (qualified.key, qualified.handles) == ("applesupport", ("twcs:AppleSupport",))


def test_to_post_links_brand_by_handle_field_and_author() -> None:
    book = BrandBook([Brand(key="acme", name="Acme", handles=("x:AcmeHelp",))])
    post, found = to_post(mention("x:1", 0, mentions=("acmehelp", "someone")), book)
    assert (post.brands, post.by_brand, found) == (("acme",), False, [])
    post, found = to_post(mention("x:2", 0, brand="United"), book)
    assert post.brands == ("united",) and [b.key for b in found] == ["united"]
    post, found = to_post(mention("x:3", 0, author=ACME, author_is_brand=True), book)
    assert post.by_brand and post.brands == ("acmehelp",) and found[0].handles == ("x:99",)


def test_to_post_reveals_a_brand_by_each_of_its_accounts_and_keeps_its_known_name() -> None:
    book = BrandBook([Brand(key="acmehelp", name="Acme", handles=("x:99",), aliases=("Acme Corp",))])
    other = Account(id="x:98", handle="AcmeCares", brand="acmehelp")
    for author in (ACME, ACME, other):
        post, found = to_post(mention("x:5", 0, author=author), book)
        assert [(b.key, b.name, b.handles) for b in found] == [("acmehelp", "Acme", (author.id,))]
        assert post.by_brand and post.brands == ("acmehelp",)
    assert book.brands["acmehelp"].handles == ("x:98", "x:99")
    assert book.brands["acmehelp"].name == "Acme"


def test_ingest_writes_records_and_is_idempotent(store: Store) -> None:
    report = Ingestor(store).ingest(records())
    assert (report.read, report.mentions, report.follows, report.rejected) == (5, 3, 3, 1)
    assert report.errors[0].line == 2
    first = store.stats()
    assert (first.brands, first.posts, first.follows) == (1, 3, 3)
    assert first.customers == 3  # ana and the two followers; the brand's account is not a customer
    p1 = store.get_posts(["x:1"])["x:1"]
    assert p1.brands == ("acmehelp",) and p1.response is not None
    assert p1.response.delay == timedelta(minutes=5)
    assert store.get_posts(["x:3"])["x:3"].brands == ("acmehelp",)
    again = Ingestor(store).ingest(records())
    assert again.new_follows == 0
    assert store.stats() == first


def test_ingest_checkpoint_resumes_after_committed_batches(store: Store) -> None:
    items = [mention(f"x:{i}", i) for i in range(10)]
    ingestor = Ingestor(store, batch_size=3)

    def dying() -> Iterator[Mention]:
        for i, item in enumerate(items):
            if i == 7:
                raise KeyboardInterrupt  # the process dies mid-batch
            yield item

    with pytest.raises(KeyboardInterrupt):
        ingestor.ingest(dying(), source="file-1")
    assert store.get_checkpoint("file-1") == 6  # two batches of three committed, the third lost
    assert store.stats().posts == 6
    resumed = ingestor.ingest(items, source="file-1")
    assert (resumed.skipped, resumed.mentions) == (6, 4)
    assert store.stats().posts == 10
    assert ingestor.ingest(items, source="file-1").mentions == 0


def test_rejects_file_writes_json_lines(tmp_path: Path) -> None:
    rejects = RejectsFile(tmp_path / "r.jsonl")
    rejects.write(RecordError("bad date 'yesterday'", file="a.csv", line=7))
    rejects.close()
    assert (
        tmp_path / "r.jsonl"
    ).read_text() == '{"file": "a.csv", "line": 7, "reason": "bad date \'yesterday\'"}\n'


def test_to_post_knows_a_brand_account_by_its_handle() -> None:
    book = BrandBook([Brand(key="acme", name="Acme", handles=("x:AcmeHelp",), aliases=("Ana",))])
    post, _ = to_post(mention("x:1", 0, author=Account(id="x:900", handle="AcmeHelp")), book)
    assert post.by_brand and post.brands == ("acme",)
    post, _ = to_post(mention("x:2", 0), book)  # @ana is a customer even though "Ana" is an alias
    assert not post.by_brand


def test_brand_account_belongs_to_its_own_brand_even_when_mentioning_another(store: Store) -> None:
    Ingestor(store, brands=[Brand(key="aaa", name="Aaa", handles=("x:AaaHelp",))]).ingest(
        [
            mention(
                "x:7",
                0,
                author=Account(id="x:98", handle="BbbHelp"),
                author_is_brand=True,
                text="@AaaHelp thanks!",
                mentions=("AaaHelp",),
            )
        ]
    )
    assert store.get_accounts(["x:98"])["x:98"].brand == "bbbhelp"
    assert store.get_posts(["x:7"])["x:7"].brands == ("aaa", "bbbhelp")


def test_brand_book_takes_no_numeric_account_id_for_a_name() -> None:
    book = BrandBook(
        [Brand(key="acme", name="Acme", handles=("x:12345", "twcs:AcmeHelp"), aliases=("Acme Co",))]
    )
    assert [book.lookup(n) for n in ("12345", "@AcmeHelp", "acme co", "acme")] == [
        None,
        "acme",
        "acme",
        "acme",
    ]
    assert [book.owner_of(h) for h in ("12345", "AcmeHelp", "Acme Co")] == [None, "acme", None]


def test_a_configured_brand_keeps_its_name_when_its_accounts_post(store: Store) -> None:
    brand = Brand(key="acme", name="Acme Corporation", handles=("x:AcmeHelp",))
    desk = Account(id="x:AcmeHelp", handle="AcmeHelp", name="Acme Help desk")
    other = Account(id="x:51", handle="AcmeHelp", name="Acme on weekends")
    Ingestor(store, brands=[brand]).ingest(
        [
            mention("x:7", 0, author=desk, author_is_brand=True),
            mention("x:8", 1, author=other, author_is_brand=True),
        ]
    )
    assert store.get_brands(["acme"])["acme"].name == "Acme Corporation"
    assert {a.brand for a in store.get_accounts(["x:AcmeHelp", "x:51"]).values()} == {"acme"}


def test_a_brand_is_found_by_the_handle_its_account_posts_as(store: Store) -> None:
    desk = Account(id="x:4242", handle="AcmeHelp", brand="acme")  # numeric id, brand named apart
    Ingestor(store).ingest(
        [
            mention("x:7", 0, author=desk, author_is_brand=True, text="we are here to help"),
            mention("x:8", 1, text="@AcmeHelp my order is late", mentions=("AcmeHelp",)),
        ]
    )
    assert list(store.get_brands(["AcmeHelp", "@acmehelp", "acme"])) == ["AcmeHelp", "@acmehelp", "acme"]
    assert {b.key for b in store.get_brands(["AcmeHelp", "acme"]).values()} == {"acme"}
    assert store.get_posts(["x:8"])["x:8"].brands == ("acme",)


def test_two_accounts_of_one_brand_in_one_batch_both_belong_to_it(store: Store) -> None:
    Ingestor(store).ingest(
        [
            mention("x:7", 0, author=Account(id="x:50", handle="AcmeHelp"), author_is_brand=True, text="hi"),
            mention("twcs:8", 1, author=Account(id="twcs:AcmeHelp", handle="AcmeHelp"), author_is_brand=True),
        ]
    )
    accounts = store.get_accounts(["x:50", "twcs:AcmeHelp"])
    assert {a.brand for a in accounts.values()} == {"acmehelp"} and len(accounts) == 2
    assert store.stats().customers == 0


def test_ingest_in_batches_written_behind_writes_what_one_batch_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Batches of one: every mention, and the follow edges, committed in the background while the
    # next is read; the store ends as after one batch.
    monkeypatch.setattr(ingest, "BEHIND_FROM", 1)
    one, many = (open_store(f"sqlite:///{tmp_path / name}.db") for name in ("one", "many"))
    try:
        Ingestor(one).ingest(records(), source="s")
        progress: list[tuple[int, bool]] = []
        Ingestor(many, batch_size=1, follow_batch=1).ingest(
            records(),
            source="s",
            on_progress=lambda r: progress.append(
                (r.mentions, threading.current_thread() is threading.main_thread())
            ),
        )
        assert many.stats() == one.stats() and many.get_checkpoint("s") == one.get_checkpoint("s") == 5
        ids = [f"x:{n}" for n in (1, 2, 3, 5, 6, 99)]
        assert many.get_posts(ids) == one.get_posts(ids)
        assert many.get_accounts(ids) == one.get_accounts(ids)
        # once a batch, in this thread: three mentions, the follow edges, the end of the records
        assert progress == [(1, True), (2, True), (3, True), (3, True), (3, True)]
        assert many.stats().follows == 3
    finally:
        one.close()
        many.close()


@pytest.mark.parametrize("behind_from", [1, 1_000])
def test_ingest_a_batch_that_fails_stops_the_load_with_the_batches_before_it_kept(
    store: Store, behind_from: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ingest, "BEHIND_FROM", behind_from)  # written behind, or in this thread
    calls: list[int] = []

    def labeler(store: Store, posts: Sequence[Post]) -> tuple[StateChange, ...]:
        calls.append(len(posts))
        if len(calls) == 2:
            raise RuntimeError("classifier crashed")
        return ()

    items = [mention(f"x:{i}", i) for i in range(10)]
    with pytest.raises(RuntimeError, match="classifier crashed"):
        Ingestor(store, labeler=labeler, batch_size=3).ingest(items, source="file-1")
    assert store.get_checkpoint("file-1") == 3 and store.stats().posts == 3
    assert calls == [3, 3]  # the load stopped at the failed batch: no third batch was written
