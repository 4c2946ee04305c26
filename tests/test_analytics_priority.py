from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from graphsvc.analytics.priority import alert_priority, interaction_priority, reach_weight
from graphsvc.model import CustomerType

TYPES = st.sampled_from(list(CustomerType))
REACH = st.integers(0, 10**8)


@given(REACH, REACH)
def test_priority_reach_weight_grows_with_reach(a: int, b: int) -> None:
    lo, hi = sorted((a, b))
    assert 1.0 <= reach_weight(lo) <= reach_weight(hi)


@given(st.one_of(st.none(), TYPES), TYPES, REACH)
def test_priority_lost_advocate_outranks_every_alert_of_equal_reach(
    from_type: CustomerType | None, to_type: CustomerType, reach: int
) -> None:
    top = alert_priority(CustomerType.ADVOCATE, CustomerType.USED_TO_BE, reach)
    assert alert_priority(from_type, to_type, reach) <= top


def test_priority_overdue_interactions_rise() -> None:
    assert interaction_priority(CustomerType.PASSIVE, 100, overdue=1.0) > interaction_priority(
        CustomerType.PASSIVE, 100
    )
    assert interaction_priority(CustomerType.OTHER, 10**6) == 0.0
