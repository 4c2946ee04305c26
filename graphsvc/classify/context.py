"""What is known about an interaction besides its text.

>>> Context.from_mapping({"recent_unanswered_complaints": 1}).recent_unanswered_complaints
1
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any

from graphsvc.errors import ClassifierError
from graphsvc.model import CustomerType, brand_key


@dataclass(frozen=True, slots=True, kw_only=True)
class Context:
    """Thread and customer facts that change what a text means.

    ``addresses_brand`` left as ``None`` is inferred from the text (an @handle at the start);
    ``recent_unanswered_complaints`` counts the author's complaints to this brand in the last 24 h
    that got no answer, the signal that escalates PASSIVE toward USED_TO_BE.
    """

    brand: str | None = None  # brand key: selects the brand's playbook
    brand_handles: tuple[str, ...] = ()  # the brand's handles, without '@'
    addresses_brand: bool | None = None
    reply_to_brand: bool = False
    thread_answered: bool = False
    # Accepted (labelled data carries it), but no rule or feature of this classifier reads it, so
    # graphsvc's own loads leave it unset rather than look up every author's state per batch.
    previous_state: CustomerType | None = None
    recent_unanswered_complaints: int = 0
    competitor_handles: tuple[str, ...] = ()

    @classmethod
    def from_mapping(cls, raw: Mapping[str, Any]) -> Context:
        """A context from JSON-like data; unknown keys are an error so typos do not pass silently."""
        known = {f.name for f in fields(cls)}
        unknown = set(raw) - known
        if unknown:
            raise ClassifierError(
                f"unknown context fields {sorted(unknown)}; expected some of {sorted(known)}"
            )
        try:
            prev = raw.get("previous_state")
            return cls(
                brand=brand_key(str(raw["brand"])) if raw.get("brand") else None,
                brand_handles=tuple(brand_key(str(h)) for h in raw.get("brand_handles", ())),
                addresses_brand=None if raw.get("addresses_brand") is None else bool(raw["addresses_brand"]),
                reply_to_brand=bool(raw.get("reply_to_brand", False)),
                thread_answered=bool(raw.get("thread_answered", False)),
                previous_state=CustomerType(str(prev).upper()) if prev else None,
                recent_unanswered_complaints=int(raw.get("recent_unanswered_complaints", 0)),
                competitor_handles=tuple(brand_key(str(h)) for h in raw.get("competitor_handles", ())),
            )
        except (TypeError, ValueError) as exc:
            raise ClassifierError(f"bad context {dict(raw)!r}: {exc}") from exc
