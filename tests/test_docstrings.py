"""Every example in a docstring of the package and the loaders runs and shows what it says."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import graphsvc
import loaders


def _modules() -> list[str]:
    names: list[str] = []
    for package in (graphsvc, loaders):
        names.append(package.__name__)
        found = pkgutil.walk_packages(package.__path__, package.__name__ + ".")
        names += [m.name for m in found if not m.name.endswith(".__main__")]  # runs the CLI on import
    return sorted(names)


MODULES = _modules()


def test_docstrings_every_module_is_found() -> None:
    assert {"graphsvc.model", "graphsvc.analytics.projection", "loaders.follows"} <= set(MODULES)


@pytest.mark.parametrize("name", MODULES)
def test_docstrings_examples_hold(name: str) -> None:
    module = importlib.import_module(name)
    failures, _ = doctest.testmod(module, optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    assert failures == 0, f"{failures} docstring example(s) in {name} fail: run python -m doctest on it"
