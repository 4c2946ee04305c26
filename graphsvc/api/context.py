"""What every resolver can reach: the app's services (settings, store calls, event hub,
follower graph, classifier) and the request's caller and DataLoaders. Nothing here is global: one
:class:`Services` per app, one :class:`Context` per request or websocket."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import strawberry

from graphsvc.api.cache import ReadCache
from graphsvc.api.events import StateChangeHub
from graphsvc.api.graph import FollowerGraph
from graphsvc.api.loaders import Loaders, per_request
from graphsvc.api.store_calls import StoreCalls
from graphsvc.api.watch import StoreWatch
from graphsvc.config import Settings
from graphsvc.keys import Principal

if TYPE_CHECKING:
    from graphsvc.classify import Classifier


class Services:
    """The long-lived parts of one app."""

    def __init__(self, settings: Settings, calls: StoreCalls) -> None:
        self.settings = settings
        self.calls = calls
        self.hub = StateChangeHub()
        # metrics in memory only while a watch tells when other processes write them
        in_memory = settings.metrics_in_memory if settings.watch_seconds > 0 else 0
        self.graph = FollowerGraph(calls.store, metrics_in_memory=in_memory)
        self.cache = ReadCache(ttl=settings.read_cache_seconds)
        self.watch = StoreWatch(calls, self.hub, self.graph, self.cache, settings.watch_seconds)
        self._classifier: Classifier | None = None
        self._lock = threading.Lock()

    @property
    def classifier(self) -> Classifier:
        """The classifier with the configured playbooks, built on first use (it loads its lexicons then)."""
        with self._lock:
            if self._classifier is None:
                from graphsvc.labeling import configured_classifier

                self._classifier = configured_classifier(self.settings)
            return self._classifier


@dataclass(slots=False)
class Context:
    """One request's (or one websocket's) context."""

    services: Services
    principal: Principal | None = None
    connection_params: dict[str, Any] | None = field(default=None)
    handshake_authorization: str | None = None  # a websocket handshake's Authorization header
    operation: str = "invalid"  # metrics label, set once the query is parsed

    @property
    def settings(self) -> Settings:
        return self.services.settings

    @property
    def calls(self) -> StoreCalls:
        return self.services.calls

    @per_request
    def loaders(self) -> Loaders:
        return Loaders(self.services.calls, self.services.graph, self.services.cache)


Info = strawberry.Info[Context, None]
