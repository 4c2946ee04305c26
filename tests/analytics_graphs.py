"""Graphs shared by the analytics tests: hypothesis strategies, networkx references, real data."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
from hypothesis import strategies as st

from graphsvc.analytics.projection import Projection, build_projection
from tests.conftest import shared_file

Edge = tuple[str, str]

# small graphs with repeats and self-follows; names of mixed length exercise the inline/arena paths
NAMES = st.sampled_from(["x:1", "x:2", "x:3", "x:4", "x:5", "x:6", "x:7", "m:@a-long-name@example.org"])
EDGE_LISTS = st.lists(st.tuples(NAMES, NAMES), max_size=40)


def digraph(edges: list[Edge]) -> nx.DiGraph:
    g = nx.DiGraph()
    g.add_nodes_from(n for edge in edges for n in edge)  # self-follows still make a node
    g.add_edges_from((a, b) for a, b in edges if a != b)
    return g


def nx_audience(g: nx.DiGraph, node: str, hops: int) -> set[str]:
    """Reference: accounts within ``hops`` follower links (reverse edges) of ``node``, minus it."""
    if node not in g:
        return set()
    near = nx.single_source_shortest_path_length(g.reverse(copy=False), node, cutoff=hops)
    return set(near) - {node}


def real_graph(name: str) -> list[Edge]:
    """One of the real graphs of ../shared/data/graphs as qualified (follower, followee) pairs."""
    if name.endswith(".json"):
        data = json.loads(shared_file("graphs", "brand_follower_graphs", name).read_text())
        return [(f"x:{a}", f"x:{b}") for a, b in data["edges"]]
    path: Path = shared_file("graphs", name)
    edges: list[Edge] = []
    for line in path.read_text().splitlines():
        parts = line.replace(",", " ").split()
        if len(parts) != 2 or not parts[0].isdigit():
            continue
        edges.append((f"snap:{parts[0]}", f"snap:{parts[1]}"))
        if name.startswith("facebook"):  # undirected friendship: both follow each other
            edges.append((f"snap:{parts[1]}", f"snap:{parts[0]}"))
    return edges


REAL_GRAPHS = [
    "bofa_careers.json",
    "hersheycareers.json",
    "verizoncareers.json",
    "facebook_combined.txt",
    "email-Eu-core.txt",
]


def projection_of(edges: list[Edge], batch: int = 7) -> Projection:
    return build_projection(edges[i : i + batch] for i in range(0, len(edges), batch))
