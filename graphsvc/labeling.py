"""Classifying stored interactions with their context, and recording the labels.

The classifier is a pure library; this module is where it meets the store: it gathers the
context an interaction has (does it address the brand, did the brand already answer the thread,
what was the customer's state, how many complaints are still waiting) and records the labels,
which makes the store derive states and state changes.
"""

from __future__ import annotations

import dataclasses
import json
from collections import defaultdict
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from graphsvc.classify import Classifier, Context, Playbook, default_classifier
from graphsvc.config import Settings
from graphsvc.errors import ConfigError
from graphsvc.model import Brand, Classification, CustomerType, Post, StateChange, brand_key
from graphsvc.stores.base import InteractionFilter, Store

ESCALATION_WINDOW = timedelta(hours=24)
COMPLAINTS = (CustomerType.PASSIVE, CustomerType.USED_TO_BE)


def configured_classifier(settings: Settings) -> Classifier:
    """The shipped classifier with the playbook file ``settings.playbook`` names, if any.

    The file is JSON: ``{"default": {TYPE: changes}, "brands": {brand: {TYPE: changes}}}`` where
    changes are ``owner``, ``urgency``, ``needs_response`` and ``sla_hours`` (null: no SLA); a
    brand's entries apply on top of the default ones."""
    base = default_classifier()
    if not settings.playbook:
        return base
    try:
        raw: dict[str, Any] = json.loads(Path(settings.playbook).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read the playbook file {settings.playbook}: {exc}") from exc
    unknown = set(raw) - {"default", "brands"}
    if unknown:
        raise ConfigError(
            f"playbook file {settings.playbook} has unknown keys {sorted(unknown)}; use default, brands"
        )
    playbook = Playbook.default().with_overrides(raw.get("default", {}))
    brands = {brand_key(k): playbook.with_overrides(v) for k, v in raw.get("brands", {}).items()}
    return dataclasses.replace(base, playbook=playbook, brand_playbooks=brands)


class ClassifierLabeler:
    """Labels posts in batches; usable as :class:`graphsvc.ingest.Labeler`."""

    def __init__(self, classifier: Classifier | None = None) -> None:
        self.classifier = classifier or default_classifier()
        self._brands: dict[str, Brand] = {}

    def __call__(self, store: Store, posts: Sequence[Post]) -> tuple[StateChange, ...]:
        labels = self.label(store, posts)
        return store.record_classifications(labels.items())

    def label(self, store: Store, posts: Sequence[Post]) -> dict[str, Classification]:
        interactions = sorted((p for p in posts if not p.by_brand), key=lambda p: (p.created_at, p.id))
        if not interactions:
            return {}
        parents = self._parents(store, posts, interactions)
        contexts = [self._context(p, parents.get(p.in_reply_to or ""), store, 0) for p in interactions]
        labels = self._classify(interactions, contexts)
        # A second complaint within a day, while the first still waits, escalates: look back once
        # (in this batch and in the store) and classify those posts again with that count.
        waiting = self._waiting_complaints(store, interactions, labels)
        again = [i for i, p in enumerate(interactions) if waiting.get(p.id)]
        if again:
            recontexts = [
                self._context(
                    interactions[i],
                    parents.get(interactions[i].in_reply_to or ""),
                    store,
                    waiting[interactions[i].id],
                )
                for i in again
            ]
            labels.update(self._classify([interactions[i] for i in again], recontexts))
        return labels

    def _classify(self, posts: Sequence[Post], contexts: Sequence[Context]) -> dict[str, Classification]:
        results = self.classifier.classify_batch(
            [(p.text, c, p.lang) for p, c in zip(posts, contexts, strict=True)]
        )
        return {p.id: r for p, r in zip(posts, results, strict=True)}

    @staticmethod
    def _parents(store: Store, batch: Sequence[Post], interactions: Sequence[Post]) -> dict[str, Post]:
        in_batch = {p.id: p for p in batch}
        wanted = {p.in_reply_to for p in interactions if p.in_reply_to}
        missing = [pid for pid in wanted if pid not in in_batch]
        found = store.get_posts(missing) if missing else {}
        return {pid: in_batch.get(pid) or found[pid] for pid in wanted if pid in in_batch or pid in found}

    def _handles(self, store: Store, keys: Sequence[str]) -> Iterator[str]:
        unknown = [k for k in keys if k not in self._brands]
        if unknown:
            self._brands.update(store.get_brands(unknown))
        for key in keys:
            brand = self._brands.get(key)
            yield from sorted(brand.names) if brand is not None else (key,)

    def _context(
        self,
        post: Post,
        parent: Post | None,
        store: Store,
        waiting: int,
    ) -> Context:
        names = set(self._handles(store, post.brands))
        first_word = post.text.lstrip().split(maxsplit=1)[0] if post.text.strip() else ""
        starts_with_brand = first_word.startswith("@") and brand_key(first_word.rstrip(":,.!?")) in names
        reply_to_brand = parent is not None and parent.by_brand
        return Context(
            brand=post.brands[0] if post.brands else None,
            addresses_brand=starts_with_brand or reply_to_brand,
            reply_to_brand=reply_to_brand,
            thread_answered=parent is not None and (parent.by_brand or parent.response is not None),
            recent_unanswered_complaints=waiting,
            brand_handles=tuple(sorted(names)),
        )

    @staticmethod
    def _waiting_complaints(
        store: Store, posts: Sequence[Post], labels: dict[str, Classification]
    ) -> dict[str, int]:
        """For each complaint, how many earlier complaints by the same author to the same brand
        are unanswered and less than a day older."""
        by_pair: dict[tuple[str, str], list[tuple[datetime, str]]] = defaultdict(list)
        for post in posts:
            if labels[post.id].type in COMPLAINTS and post.response is None:
                for brand in post.brands:
                    by_pair[(post.author_id, brand)].append((post.created_at, post.id))
        counts: dict[str, int] = {}
        for (author, brand), items in by_pair.items():
            start = items[0][0] - ESCALATION_WINDOW
            earlier = [
                (p.created_at, p.id)
                for kind in COMPLAINTS
                for p in store.list_interactions(
                    InteractionFilter(
                        customer_id=author, brand=brand, type=kind, since=start, answered=False
                    ),
                    first=50,
                ).items
            ]
            history = sorted(set(earlier) | set(items))
            for at, pid in items:
                n = sum(
                    1
                    for t, other in history
                    if other != pid and at - ESCALATION_WINDOW <= t <= at and (t, other) < (at, pid)
                )
                if n:
                    counts[pid] = n
        return counts


@dataclass(frozen=True, slots=True)
class ReclassifyReport:
    seen: int
    relabelled: int
    changed_type: int
    state_changes: tuple[StateChange, ...]


def reclassify(
    store: Store,
    labeler: ClassifierLabeler,
    *,
    brand: str | None = None,
    force: bool = False,
    batch_size: int = 2_000,
) -> ReclassifyReport:
    """Label every stored interaction again with ``labeler``'s classifier.

    Posts already labelled by this classifier version are left alone unless ``force``; the store
    re-derives states and reports only the state changes that did not exist before."""
    version = labeler.classifier.version
    seen = relabelled = changed = 0
    changes: list[StateChange] = []
    after = None
    while True:
        page = store.list_interactions(InteractionFilter(brand=brand), first=batch_size, after=after)
        seen += len(page.items)
        todo = [
            p for p in page.items if force or p.classification is None or p.classification.version != version
        ]
        if todo:
            labels = labeler.label(store, todo)
            changed += sum(
                1 for p in todo if p.classification is None or p.classification.type is not labels[p.id].type
            )
            relabelled += len(labels)
            changes += store.record_classifications(labels.items())
        if not page.has_next:
            break
        after = page.end_cursor
    return ReclassifyReport(
        seen=seen, relabelled=relabelled, changed_type=changed, state_changes=tuple(changes)
    )
