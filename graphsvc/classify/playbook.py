"""Who acts on each customer type, how urgently, and whether a response is needed.

Defaults follow the design brief; a brand overrides any part with a mapping:

>>> pb = Playbook.default().with_overrides({"PASSIVE": {"sla_hours": 12}})
>>> pb.entry(CustomerType.PASSIVE).sla
datetime.timedelta(seconds=43200)
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

from graphsvc.errors import ClassifierError
from graphsvc.model import CustomerType


@dataclass(frozen=True, slots=True, kw_only=True)
class PlaybookEntry:
    owner: str
    urgency: str
    needs_response: bool
    sla: timedelta | None


_T = CustomerType
_DEFAULTS: dict[CustomerType, PlaybookEntry] = {
    _T.VENTING: PlaybookEntry(owner="nobody (watch)", urgency="none", needs_response=False, sla=None),
    _T.PASSIVE: PlaybookEntry(
        owner="support", urgency="within SLA", needs_response=True, sla=timedelta(hours=24)
    ),
    _T.USED_TO_BE: PlaybookEntry(
        owner="support (make-good)", urgency="immediate", needs_response=True, sla=timedelta(hours=1)
    ),
    _T.COLLABORATIVE: PlaybookEntry(
        owner="community / marketing", urgency="soon", needs_response=True, sla=timedelta(hours=24)
    ),
    _T.ADVOCATE: PlaybookEntry(
        owner="marketing / PR", urgency="not urgent", needs_response=True, sla=timedelta(hours=72)
    ),
    _T.FUTURE: PlaybookEntry(
        owner="sales / account manager", urgency="fast", needs_response=True, sla=timedelta(hours=4)
    ),
    _T.OTHER: PlaybookEntry(owner="nobody", urgency="none", needs_response=False, sla=None),
}


@dataclass(frozen=True, slots=True)
class Playbook:
    entries: Mapping[CustomerType, PlaybookEntry]

    @classmethod
    def default(cls) -> Playbook:
        return cls(dict(_DEFAULTS))

    def entry(self, type_: CustomerType) -> PlaybookEntry:
        return self.entries[type_]

    def with_overrides(self, overrides: Mapping[str, Mapping[str, Any]]) -> Playbook:
        """A copy with per-type changes: ``owner``, ``urgency``, ``needs_response``, ``sla_hours`` (null: none)."""
        entries = dict(self.entries)
        allowed = {"owner", "urgency", "needs_response", "sla_hours"}
        for name, changes in overrides.items():
            try:
                type_ = CustomerType(name.upper())
            except ValueError as exc:
                raise ClassifierError(
                    f"playbook names unknown type {name!r}; use one of {[t.value for t in CustomerType]}"
                ) from exc
            bad = set(changes) - allowed
            if bad:
                raise ClassifierError(
                    f"playbook entry for {type_.value} has unknown keys {sorted(bad)}; allowed: {sorted(allowed)}"
                )
            entry = entries[type_]
            if "owner" in changes:
                entry = replace(entry, owner=str(changes["owner"]))
            if "urgency" in changes:
                entry = replace(entry, urgency=str(changes["urgency"]))
            if "needs_response" in changes:
                entry = replace(entry, needs_response=bool(changes["needs_response"]))
            if "sla_hours" in changes:
                hours = changes["sla_hours"]
                if hours is not None and (not isinstance(hours, int | float) or hours <= 0):
                    raise ClassifierError(
                        f"sla_hours for {type_.value} must be a positive number or null, got {hours!r}"
                    )
                entry = replace(entry, sla=None if hours is None else timedelta(hours=float(hours)))
            entries[type_] = entry
        return Playbook(entries)
