"""The API's enums, converted from the domain's; each value says what it means."""

from __future__ import annotations

from enum import Enum

import strawberry

from graphsvc.model import CustomerType as DomainType
from graphsvc.stores.base import CustomerOrder as DomainOrder


@strawberry.enum(
    name="CustomerType",
    description="What kind of social customer an interaction shows; a customer's state toward a brand "
    "is the type of their latest classified interaction with it (OTHER never changes state).",
)
class CustomerType(Enum):
    VENTING = strawberry.enum_value(
        "VENTING", description="Complaining to their own audience; watch, no reply needed."
    )
    PASSIVE = strawberry.enum_value(
        "PASSIVE", description="Asks the brand for help, calmly; support, within the SLA (24 h)."
    )
    USED_TO_BE = strawberry.enum_value(
        "USED_TO_BE",
        description="Angry, threatens or announces leaving; support at once (1 h), with a make-good.",
    )
    COLLABORATIVE = strawberry.enum_value(
        "COLLABORATIVE", description="Happy, suggests a product or improvement; community/marketing (24 h)."
    )
    ADVOCATE = strawberry.enum_value(
        "ADVOCATE", description="Praises or recommends the brand; marketing/PR (72 h)."
    )
    FUTURE = strawberry.enum_value(
        "FUTURE", description="Considering a purchase or upgrade; sales, fast (4 h)."
    )
    OTHER = strawberry.enum_value("OTHER", description="None of the above: news, spam, chatter.")

    @staticmethod
    def of(value: DomainType) -> CustomerType:
        return CustomerType[value._value_]  # _value_: .value is a Python-level property, 3x slower

    def domain(self) -> DomainType:
        return DomainType(self.name)


@strawberry.enum(name="CustomerOrder", description="How `customers` sorts its results.")
class CustomerOrder(Enum):
    ID = strawberry.enum_value("ID", description="By id, ascending.")
    REACH1 = strawberry.enum_value("REACH1", description="By followers (peer reach at 1 hop), largest first.")
    REACH2 = strawberry.enum_value("REACH2", description="By peer reach at 2 hops, largest first.")
    INFLUENCE = strawberry.enum_value(
        "INFLUENCE", description="By the stored influence score, largest first."
    )

    def domain(self) -> DomainOrder:
        return DomainOrder(self.name)
