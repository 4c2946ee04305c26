"""Ranking unanswered interactions by urgency: a pure function of posts, reach and the clock.

The weight is :func:`graphsvc.analytics.interaction_priority` (one formula for every reach-aware
ranking): ``URGENCY[type] x (1 + log10(1 + reach)) x (1 + overdue)``, where ``overdue`` is how many
SLAs past its due time the post is (0 until then). So a USED_TO_BE customer comes before a patient
one, a customer many peers hear comes before one few do, and anything overdue keeps rising. Ties go
to the earlier due time, then the id.

>>> from datetime import UTC, datetime, timedelta
>>> from graphsvc.model import Classification, CustomerType, Post
>>> t0 = datetime(2024, 1, 1, tzinfo=UTC)
>>> label = Classification(type=CustomerType.PASSIVE, confidence=0.9, lang="en",
...                        needs_response=True, sla=timedelta(hours=24))
>>> post = Post(id="x:1", text="help", created_at=t0, author_id="x:9", classification=label)
>>> [round(e.urgency, 2) for e in rank([post], {"x:9": 9}, t0 + timedelta(hours=48))]
[2.4]
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from graphsvc.analytics import interaction_priority
from graphsvc.model import CustomerType, Post


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
    """The triage weight of a post of type ``kind`` that has waited ``waiting`` of ``sla`` seconds."""
    overdue = max(waiting - sla, 0.0) / max(sla, 1.0)
    return interaction_priority(kind, reach, overdue)


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
