"""Prometheus metrics of one app: requests, latencies and errors by operation, and store calls.

Operations are labelled ``<type>:<first root field>`` (``query:topAdvocates``), never by the
client's operation name, so label values stay few. Each worker process counts its own requests.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.registry import Collector
from starlette.requests import Request
from starlette.responses import Response

from graphsvc.api.store_calls import StoreCalls
from graphsvc.api.watch import StoreWatch

BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class _LiveCollector(Collector):
    def __init__(self, calls: StoreCalls, watch: StoreWatch) -> None:
        self.calls = calls
        self.watch = watch

    def collect(self) -> Iterator[CounterMetricFamily | GaugeMetricFamily]:
        store_calls = CounterMetricFamily(
            "graphsvc_store_calls", "Store calls made by the API, by store method", labels=["method"]
        )
        for method, count in sorted(self.calls.counts.items()):
            store_calls.add_metric([method], count)
        yield store_calls
        hub, graph = self.watch.hub, self.watch.graph
        yield GaugeMetricFamily(
            "graphsvc_subscribers", "Open stateChanged subscriptions", value=hub.subscribers
        )
        yield CounterMetricFamily(
            "graphsvc_state_changes_dropped",
            "State changes a slow subscriber's full queue dropped",
            value=hub.dropped,
        )
        yield GaugeMetricFamily(
            "graphsvc_feed_position",
            "The store's change feed position this server has passed on to subscribers",
            value=self.watch.seq or 0,
        )
        yield CounterMetricFamily(
            "graphsvc_projection_builds",
            "Follower projections built from the store (first use, and rebuilds after other processes' edges)",
            value=graph.builds,
        )


class ApiMetrics:
    def __init__(self, calls: StoreCalls, watch: StoreWatch) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.requests = Counter(
            "graphsvc_requests",
            "GraphQL requests by operation and HTTP status",
            ["operation", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "graphsvc_request_seconds",
            "GraphQL request latency by operation",
            ["operation"],
            buckets=BUCKETS,
            registry=self.registry,
        )
        self.errors = Counter(
            "graphsvc_errors",
            "GraphQL errors by operation and code",
            ["operation", "code"],
            registry=self.registry,
        )
        self.registry.register(_LiveCollector(calls, watch))
        self._children: dict[tuple[str, int], tuple[Counter, Histogram]] = {}

    def observe(self, operation: str, status: int, seconds: float, codes: Iterable[str]) -> None:
        # labels() validates and locks on every call; the few (operation, status) pairs are kept
        found = self._children.get((operation, status))
        if found is None:
            found = self._children[(operation, status)] = (
                self.requests.labels(operation, str(status)),
                self.latency.labels(operation),
            )
        found[0].inc()
        found[1].observe(seconds)
        for code in codes:
            self.errors.labels(operation, code).inc()

    async def endpoint(self, request: Request) -> Response:
        return Response(generate_latest(self.registry), media_type=CONTENT_TYPE_LATEST)
