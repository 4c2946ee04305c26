"""Ranking unanswered interactions by urgency: a pure function of posts, reach and the clock.

``urgency = TYPE_WEIGHT[type] x (waiting / SLA) x (1 + log10(1 + reach))``

so a post that has used up more of its type's SLA comes first, a USED_TO_BE customer outranks a
patient one waiting as long, and a customer many peers hear outranks one few do. Ties go to the
earlier due time, then the id.

>>> from datetime import UTC, datetime, timedelta
>>> from graphsvc.model import Classification, CustomerType, Post
>>> t0 = datetime(2024, 1, 1, tzinfo=UTC)
>>> label = Classification(type=CustomerType.PASSIVE, confidence=0.9, lang="en",
...                        needs_response=True, sla=timedelta(hours=24))
>>> post = Post(id="x:1", text="help", created_at=t0, author_id="x:9", classification=label)
>>> [round(e.urgency, 2) for e in rank([post], {"x:9": 9}, t0 + timedelta(hours=48))]
[8.0]
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from graphsvc.model import CustomerType, Post

TYPE_WEIGHT: Mapping[CustomerType, float] = {
    CustomerType.USED_TO_BE: 4.0,
    CustomerType.FUTURE: 3.0,
    CustomerType.PASSIVE: 2.0,
    CustomerType.COLLABORATIVE: 1.5,
    CustomerType.ADVOCATE: 1.0,
    CustomerType.VENTING: 0.5,
    CustomerType.OTHER: 0.5,
}


@dataclass(frozen=True, slots=True)
class TriageEntry:
    post: Post
    type: CustomerType
    due_at: datetime
    waiting: float  # seconds since the post
    reach: int
    urgency: float

    def overdue(self, now: datetime) -> bool:
        return now > self.due_at


def urgency(kind: CustomerType, waiting: float, sla: float, reach: int) -> float:
    return TYPE_WEIGHT[kind] * max(waiting, 0.0) / max(sla, 1.0) * (1.0 + math.log10(1 + max(reach, 0)))


def rank(posts: Iterable[Post], reach: Mapping[str, int], now: datetime) -> list[TriageEntry]:
    """Unanswered posts that need a response, most urgent first; others are left out."""
    entries = []
    for post in posts:
        label = post.classification
        if post.response is not None or label is None or not label.needs_response or label.sla is None:
            continue
        waiting = (now - post.created_at).total_seconds()
        author_reach = reach.get(post.author_id, 0)
        entries.append(
            TriageEntry(
                post=post,
                type=label.type,
                due_at=post.created_at + label.sla,
                waiting=waiting,
                reach=author_reach,
                urgency=urgency(label.type, waiting, label.sla.total_seconds(), author_reach),
            )
        )
    entries.sort(key=lambda e: (-e.urgency, e.due_at, e.post.id))
    return entries
