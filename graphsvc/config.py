"""Settings: one frozen object built from defaults, ``GRAPHSVC_*`` environment variables and flags.

>>> Settings.from_env({"GRAPHSVC_STORE": "sqlite:///tmp/x.db", "GRAPHSVC_DEBUG": "1"}).debug
True
"""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from graphsvc.errors import ConfigError

DEFAULT_STORE = "sqlite:///graphsvc.db"


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything the service and the commands can be configured with."""

    store: str = DEFAULT_STORE
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    debug: bool = False  # unmasks errors; never on by default
    graphiql: bool = False
    introspection: bool = False
    page_size_default: int = 20
    page_size_max: int = 100
    max_depth: int = 12
    max_aliases: int = 30
    max_tokens: int = 2000
    max_cost: int = 50_000
    max_body_bytes: int = 256 * 1024
    request_timeout: float = 10.0
    cors_origins: tuple[str, ...] = ()
    demo_key: str | None = None  # pre-authorises the explorer (demo only)
    key_cache_seconds: float = 5.0  # how long a checked API key is trusted before the store is asked again
    read_cache_seconds: float = 2.0  # identical reads within this time share one answer; 0: off
    watch_seconds: float = 1.0  # how often the server looks for other processes' writes; 0: never
    metrics_in_memory: int = 250_000  # stored metrics kept in memory up to this many accounts; 0: never
    playbook: str | None = None  # JSON file: per-type playbook overrides, globally and per brand

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, **overrides: Any) -> Settings:
        """Defaults, then ``GRAPHSVC_<FIELD>`` variables, then ``overrides`` that are not None."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            raw = env.get(f"GRAPHSVC_{f.name.upper()}")
            if raw is not None:
                values[f.name] = _parse(f.name, f.type, raw)
        values.update({k: v for k, v in overrides.items() if v is not None})
        return cls(**values)

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _parse(name: str, kind: object, raw: str) -> Any:
    kind = str(kind)
    try:
        if kind == "bool":
            lowered = raw.strip().lower()
            if lowered in {"1", "true", "yes", "on"}:
                return True
            if lowered in {"0", "false", "no", "off", ""}:
                return False
            raise ValueError(raw)
        if kind == "int":
            return int(raw)
        if kind == "float":
            return float(raw)
        if kind.startswith("tuple"):
            return tuple(part.strip() for part in raw.split(",") if part.strip())
    except ValueError as exc:
        raise ConfigError(
            f"GRAPHSVC_{name.upper()}={raw!r} is not a valid {kind}; fix or unset the variable"
        ) from exc
    return raw
