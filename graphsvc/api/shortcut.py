"""Query texts answered before run their plan at once, without strawberry's per-request pipeline.

For every request strawberry builds an execution context, and runs its extensions' hooks (async
context managers) around parsing, validation and execution: about a third of a millisecond,
more than a simple query's plan takes. For a query text that has already been parsed, validated
and answered by its plan (:meth:`Plans.accepted`), none of that can come out differently, except
what depends on the variables: the depth, alias and cost limits (a page size can be a variable),
the variables' coercion and the fields ``@skip``/``@include`` leave in. :class:`Shortcut` checks
those for every request, then runs the plan; whatever it does not answer (a limit exceeded, a
variable that does not coerce, an error anywhere, a field the caller's role may not read) goes
through the whole pipeline, which answers it exactly as it answers any request.

``tests/test_api_shortcut.py`` asks each query twice over HTTP (the second time through here)
and compares answers, errors and statuses.
"""

from __future__ import annotations

from typing import Any

import strawberry

from graphsvc.api.limits import MeasureCache, refusal
from graphsvc.api.plan import Plans
from graphsvc.config import Settings


class Shortcut:
    """The fast path of one schema's queries; ``answered`` counts the requests it answered."""

    def __init__(self, schema: strawberry.Schema, plans: Plans, measured: MeasureCache, settings: Settings):
        self.schema = schema
        self.plans = plans
        self.measured = measured
        self.settings = settings
        self.answered = 0

    async def execute(
        self,
        query: str,
        *,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: Any,
        extensions: dict[str, Any] | None,
    ) -> dict[str, Any] | None:
        """The ``data`` of a query the plans answered before; None when the pipeline must run it.
        Sets ``context.operation`` (the metrics label) as the pipeline does."""
        document = self.plans.accepted(query, operation_name)
        if document is None:
            return None
        settings = self.settings
        found = self.measured.measure(
            self.schema._schema, document, operation_name, variables or {}, settings.page_size_default
        )
        if refusal(found, settings) is not None:
            return None
        context.operation = found.operation
        data = await self.plans.run(
            self.schema,
            document,
            variables=variables,
            operation_name=operation_name,
            context=context,
            extensions=extensions,
        )
        if data is not None:
            self.answered += 1
        return data
