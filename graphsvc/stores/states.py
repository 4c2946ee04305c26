"""Deriving a customer's state toward a brand from their classified interactions.

Pure and shared by every backend, so both derive exactly the same changes.

>>> from datetime import datetime, UTC
>>> t = datetime(2026, 1, 1, tzinfo=UTC)
>>> [c.to_type.value for c in derive_changes("x:1", "acme", [
...     ("p1", t, CustomerType.ADVOCATE), ("p2", t, CustomerType.OTHER),
...     ("p3", t, CustomerType.ADVOCATE), ("p4", t, CustomerType.USED_TO_BE)])]
['ADVOCATE', 'USED_TO_BE']
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from graphsvc.model import CustomerType, StateChange


def derive_changes(
    customer_id: str, brand: str, history: Iterable[tuple[str, datetime, CustomerType]]
) -> list[StateChange]:
    """State changes along ``history`` (post id, time, type), which must be in time order.

    The state is the type of the latest interaction that is not OTHER; the first such
    interaction is a change from no state (``from_type`` None)."""
    changes: list[StateChange] = []
    state: CustomerType | None = None
    for post_id, at, kind in history:
        if kind is CustomerType.OTHER or kind is state:
            continue
        changes.append(
            StateChange(
                customer_id=customer_id, brand=brand, from_type=state, to_type=kind, at=at, post_id=post_id
            )
        )
        state = kind
    return changes
