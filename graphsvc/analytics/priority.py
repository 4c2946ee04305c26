"""Reach-aware priority for triage queues and alerts.

Urgency comes from the customer type's playbook; reach multiplies it on a log scale (ten times
the audience adds one step, so a celebrity does not drown out everyone else). Losing an advocate
(ADVOCATE -> USED_TO_BE) doubles the weight: an advocate with a large audience who turns
USED_TO_BE is the most urgent alert there is.

>>> alert_priority(CustomerType.ADVOCATE, CustomerType.USED_TO_BE, reach=10_000) > alert_priority(
...     CustomerType.PASSIVE, CustomerType.USED_TO_BE, reach=10_000)
True
>>> reach_weight(0), reach_weight(9), reach_weight(99)
(1.0, 2.0, 3.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping

from graphsvc.model import CustomerType

URGENCY: Mapping[CustomerType, float] = {
    CustomerType.USED_TO_BE: 1.0,  # respond within the hour
    CustomerType.FUTURE: 0.8,  # sales, within hours
    CustomerType.PASSIVE: 0.6,  # support, within the SLA
    CustomerType.COLLABORATIVE: 0.4,
    CustomerType.ADVOCATE: 0.2,
    CustomerType.VENTING: 0.1,  # watch only
    CustomerType.OTHER: 0.0,
}
LOST_ADVOCATE_FACTOR = 2.0


def reach_weight(reach: int) -> float:
    """``1 + log10(1 + reach)``: 1 for nobody, +1 for every tenfold audience."""
    return 1.0 + math.log10(1 + max(reach, 0))


def interaction_priority(kind: CustomerType, reach: int, overdue: float = 0.0) -> float:
    """Triage weight of an unanswered interaction; ``overdue`` is the fraction of its SLA already
    exceeded (0 while still within it), which raises the weight linearly."""
    return URGENCY[kind] * reach_weight(reach) * (1.0 + max(overdue, 0.0))


def alert_priority(from_type: CustomerType | None, to_type: CustomerType, reach: int) -> float:
    """Weight of a state change alert; the largest for an advocate with a big audience who
    turns USED_TO_BE."""
    weight = URGENCY[to_type] * reach_weight(reach)
    if from_type is CustomerType.ADVOCATE and to_type is CustomerType.USED_TO_BE:
        weight *= LOST_ADVOCATE_FACTOR
    return weight
