"""Turning loader records into store writes: brands resolved, posts linked, interactions labelled.

The loop is the same for a file (``graphsvc load``), the demo and the API's ingest mutation:
records are grouped into batches; each batch is one atomic store unit that also advances the
source's checkpoint, so a killed load leaves a consistent store and a re-run resumes after the
last committed batch (and changes nothing when the file was loaded completely).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from graphsvc.errors import RecordError
from graphsvc.model import Account, Brand, FollowBatch, Mention, Post, StateChange, brand_key, handle_in_id
from graphsvc.stores.base import Store
from graphsvc.writebehind import WriteBehind

Record = Mention | FollowBatch | RecordError

# Larger batches rewrite hot index pages fewer times per mention: a batch dirties most leaf pages of
# the indexes keyed by author, so past 800k posts a commit of 100k mentions took 2.4x as long as one
# of 20k, for 5x the mentions. A batch of 100k mentions and their posts holds ~200 MB.
MENTION_BATCH = 100_000
# Follow edges written per transaction: each table's B-tree is then walked once per few million
# edges. About 100 bytes an edge while written (codes, numbers, sorted keys, their JSON).
FOLLOW_BATCH = 4_000_000
_REMEMBERED = 100_000  # names whose brand lookup a BrandBook keeps
# A batch smaller than this is committed in this thread: handing it to the writer costs a thread
# switch (up to the interpreter's 5 ms switch interval), more than committing a few rows.
BEHIND_FROM = 1_000


class Labeler(Protocol):
    """Classifies a batch of freshly stored posts and records the labels (see :mod:`graphsvc.labeling`)."""

    def __call__(self, store: Store, posts: Sequence[Post]) -> tuple[StateChange, ...]: ...


@dataclass(slots=True)
class IngestReport:
    """What a load did; ``errors`` keeps every rejected record with its file, line and reason."""

    read: int = 0
    mentions: int = 0
    follows: int = 0
    new_follows: int = 0
    rejected: int = 0
    skipped: int = 0  # records already committed by an earlier, interrupted run
    seconds: float = 0.0
    errors: list[RecordError] = field(default_factory=list)
    state_changes: list[StateChange] = field(default_factory=list)

    @property
    def loaded(self) -> int:
        return self.mentions + self.follows

    def rate(self) -> float:
        return self.loaded / self.seconds if self.seconds > 0 else 0.0

    def merge(self, other: IngestReport) -> None:
        for name in ("read", "mentions", "follows", "new_follows", "rejected", "skipped", "seconds"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        self.errors += other.errors
        self.state_changes += other.state_changes


class BrandBook:
    """Every name that points at a brand: keys, handles, aliases; grows as brands are discovered."""

    def __init__(self, brands: Iterable[Brand] = ()) -> None:
        self._by_name: dict[str, str] = {}
        self._by_handle: dict[str, str] = {}
        # Answers by the name as written, so a handle seen again costs one dict lookup instead of
        # a brand_key; emptied whenever a brand is added (a None answer may then change).
        self._named: dict[str, str | None] = {}
        self._owned: dict[str, str | None] = {}
        # Brands as their accounts reveal them by posting, already added: a brand account posts
        # often, and adding the same brand again changes nothing.
        self._posted: dict[tuple[str, str, str, str | None], Brand] = {}
        self.brands: dict[str, Brand] = {}
        for brand in brands:
            self.add(brand)

    def add(self, brand: Brand) -> bool:
        """Remember ``brand``; True when it (or a new handle of it) was not known before."""
        known = self.brands.get(brand.key)
        if (
            known is not None
            and set(brand.handles) <= set(known.handles)
            and set(brand.aliases) <= set(known.aliases)
        ):
            return False
        if known is not None:
            brand = Brand(
                key=brand.key,
                name=known.name,
                handles=tuple(sorted({*known.handles, *brand.handles})),
                aliases=tuple(sorted({*known.aliases, *brand.aliases})),
            )
        self.brands[brand.key] = brand
        self._named.clear()
        self._owned.clear()
        # a numeric account id (x:12345) is nobody's name for the brand: Brand.names leaves it out
        for name in brand.names:
            self._by_name[name] = brand.key
        spelled = (handle_in_id(h) for h in brand.handles)
        for name in {brand.key, *(brand_key(h) for h in spelled if h)}:
            self._by_handle[name] = brand.key
        return True

    def lookup(self, name: str) -> str | None:
        try:
            return self._named[name]
        except KeyError:
            return _remember(self._named, name, self._by_name.get(brand_key(name)))

    def owner_of(self, handle: str) -> str | None:
        """The brand an account handle belongs to (aliases are names people use, not accounts)."""
        try:
            return self._owned[handle]
        except KeyError:
            return _remember(self._owned, handle, self._by_handle.get(brand_key(handle)))

    def posted_by(self, key: str, account: Account) -> Brand:
        """Brand ``key`` as ``account`` reveals it by posting, added: named as it is already known
        (a configured name is never replaced by an account's display name), else after the account;
        the account's handle becomes a name for it (``x:1234`` posting as @AcmeHelp for ``acme``)."""
        known = self.brands.get(key)
        name = (
            known.name if known is not None else account.name or account.handle or account.id.split(":", 1)[1]
        )
        handle = account.handle
        seen = (key, name, account.id, handle)
        try:
            return self._posted[seen]
        except KeyError:
            aliases = (handle,) if handle and brand_key(handle) != key else ()
            brand = Brand(key=key, name=name, handles=(account.id,), aliases=aliases)
            self.add(brand)
            if len(self._posted) >= _REMEMBERED:
                self._posted.clear()
            self._posted[seen] = brand
            return brand


def _remember(answers: dict[str, str | None], name: str, answer: str | None) -> str | None:
    if len(answers) >= _REMEMBERED:  # every customer handle of a large load would pile up
        answers.clear()
    answers[name] = answer
    return answer


def brands_from_handles(handles: Iterable[str]) -> list[Brand]:
    """Brands named on the command line: ``AcmeHelp`` (any platform) or ``x:AcmeHelp`` (that account).

    >>> brands_from_handles(["x:AcmeHelp"])[0].handles
    ('x:AcmeHelp',)
    """
    brands = []
    for handle in handles:
        bare = handle.split(":", 1)[1] if ":" in handle and not handle.startswith("@") else handle
        qualified = (handle,) if bare != handle else ()
        brands.append(Brand(key=brand_key(handle), name=bare.lstrip("@"), handles=qualified))
    return brands


def to_post(mention: Mention, book: BrandBook) -> tuple[Post, list[Brand]]:
    """The post a mention becomes, and any brand its author reveals (a brand posting)."""
    discovered: list[Brand] = []
    author = mention.author
    brand_of_author = (
        author.brand
        or (book.owner_of(author.handle) if author.handle else None)
        or (brand_key(author.handle or author.id) if mention.author_is_brand else None)
    )
    keys: list[str] = []
    if brand_of_author is not None:
        discovered.append(book.posted_by(brand_of_author, author))
        keys.append(brand_of_author)
    if mention.brand:
        known = book.lookup(mention.brand)
        keys.append(known or brand_key(mention.brand))
        if known is None:
            discovered.append(Brand(key=brand_key(mention.brand), name=mention.brand))
            book.add(discovered[-1])
    # after the brands above are added: a post may name the brand it reveals
    lookup = book.lookup
    keys += [key for key in map(lookup, mention.mentions) if key is not None]
    post = Post(
        id=mention.id,
        text=mention.text,
        created_at=mention.created_at,
        author_id=author.id,
        lang=mention.lang,
        in_reply_to=mention.in_reply_to,
        brands=tuple(sorted(set(keys))) if len(keys) > 1 else tuple(keys),
        by_brand=brand_of_author is not None,
    )
    return post, discovered


class Ingestor:
    """Writes records into a store in atomic batches. One per load; reusable across files."""

    def __init__(
        self,
        store: Store,
        *,
        labeler: Labeler | None = None,
        brands: Iterable[Brand] = (),
        batch_size: int = MENTION_BATCH,
        follow_batch: int = FOLLOW_BATCH,
    ) -> None:
        self.store = store
        self.labeler = labeler
        self.batch_size = batch_size
        self.follow_batch = follow_batch
        self.book = BrandBook(store.list_brands())
        extra = [b for b in brands if self.book.add(b)]
        if extra:
            store.upsert_brands(extra)

    def ingest(
        self,
        records: Iterable[Record],
        *,
        source: str | None = None,
        on_error: Callable[[RecordError], None] | None = None,
        on_progress: Callable[[IngestReport], None] | None = None,
    ) -> IngestReport:
        """Write ``records``; with a ``source`` key, skip what an earlier run committed and checkpoint.

        Each full batch (``BEHIND_FROM`` records or more) is committed in a background thread while
        the next is read and prepared; smaller ones are committed in this thread. ``on_error`` and
        ``on_progress`` are called in this thread (the latter once it learns a batch is in)."""
        with WriteBehind() as writer:
            return self._ingest(records, writer, source, on_error, on_progress)

    def _ingest(
        self,
        records: Iterable[Record],
        writer: WriteBehind,
        source: str | None,
        on_error: Callable[[RecordError], None] | None,
        on_progress: Callable[[IngestReport], None] | None,
    ) -> IngestReport:
        report = IngestReport()
        started = time.perf_counter()
        done = self.store.get_checkpoint(source) if source else 0
        position = 0
        pending = _Batch()

        def progress() -> None:
            report.seconds = time.perf_counter() - started
            if on_progress:
                on_progress(report)

        def flush() -> None:
            nonlocal pending
            batch, at = pending, position
            pending = _Batch()

            def commit() -> None:
                with self.store.batch():
                    self._write(batch, report)
                    if source:
                        self.store.set_checkpoint(source, at)

            if batch.size >= BEHIND_FROM:
                writer.submit(commit, then=progress)
            else:  # not worth a thread switch
                writer.wait()
                commit()
                progress()

        for record in records:
            position += 1
            if position <= done:
                report.skipped += 1
                continue
            report.read += 1
            if isinstance(record, RecordError):
                report.rejected += 1
                report.errors.append(record)
                if on_error:
                    on_error(record)
            elif isinstance(record, FollowBatch):
                pending.follow(record)
                if pending.edges >= self.follow_batch:
                    flush()
            else:
                pending.add(record, self.book)
                if len(pending.posts) >= self.batch_size:
                    flush()
        flush()
        writer.wait()
        return report

    def _write(self, batch: _Batch, report: IngestReport) -> None:
        if batch.posts:
            if batch.brands:
                self.store.upsert_brands(batch.brands.values())
            self.store.upsert_accounts(batch.accounts.values())
            self.store.upsert_posts(batch.posts)
            report.mentions += len(batch.posts)
            if self.labeler is not None:
                report.state_changes += self.labeler(self.store, batch.posts)
        if batch.follows:
            report.new_follows += self.store.upsert_follow_batches(batch.follows)
            report.follows += batch.edges


class _Batch:
    """One transaction's worth of records, made ready to write as they are read (so that each
    Mention dies young): posts, their authors (the last record of each), the brands they reveal
    (the last of each brand and account: two accounts of one brand are both kept), and follow
    edges."""

    __slots__ = ("accounts", "brands", "edges", "follows", "posts")

    def __init__(self) -> None:
        self.posts: list[Post] = []
        self.accounts: dict[str, Account] = {}
        self.brands: dict[tuple[str, tuple[str, ...]], Brand] = {}  # by key and accounts
        self.follows: list[FollowBatch] = []
        self.edges = 0  # in ``follows``

    def add(self, mention: Mention, book: BrandBook) -> None:
        post, found = to_post(mention, book)
        self.posts.append(post)
        # a brand's own account gets its brand from upsert_brands (the discovered brand's handles)
        self.accounts[mention.author.id] = mention.author
        if found:
            self.brands.update(((b.key, b.handles), b) for b in found)

    def follow(self, batch: FollowBatch) -> None:
        self.follows.append(batch)
        self.edges += len(batch)

    @property
    def size(self) -> int:
        return len(self.posts) + self.edges


def source_key(path: Path) -> str:
    """Identifies one version of a file: a changed file is a new source and loads again."""
    info = path.stat()
    return f"{path.resolve()}|{info.st_size}|{info.st_mtime_ns}"


class RejectsFile:
    """Writes each rejected record as one JSON line ``{"file", "line", "reason"}``; opened lazily."""

    def __init__(self, path: Path, *, append: bool = False) -> None:
        self.path = path
        self._mode = "a" if append else "w"
        self._handle: IO[str] | None = None
        self.count = 0

    def write(self, error: RecordError) -> None:
        if self._handle is None:
            self._handle = self.path.open(self._mode, encoding="utf-8")
        self._handle.write(
            json.dumps({"file": error.file, "line": error.line, "reason": error.reason}) + "\n"
        )
        self.count += 1

    def close(self) -> None:
        if self._handle is not None:
            self._handle.close()
