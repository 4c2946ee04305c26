"""The Neo4j schema: constraints and indexes in ``*.cypher`` files, applied in file-name order.

The files ship inside the package (``pip install`` carries them; ``schema/neo4j`` in the repository
is a link to this folder). Every statement says ``IF NOT EXISTS``, so applying them again changes
nothing: the store applies them on first use and ``graphsvc migrate`` applies them on demand.

>>> name, text = statements()[0]
>>> name, text.split(" IF ")[0]
('001_constraints.cypher:1', 'CREATE CONSTRAINT account_id')
"""

from __future__ import annotations

from importlib.resources import files

# Bumped when the graph's shape changes in a way older graphsvc versions cannot read.
SCHEMA_VERSION = 1


def split_statements(text: str) -> list[str]:
    """The ``;``-terminated statements of a file, without ``//`` comment lines."""
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("//")]
    return [part.strip() for part in "\n".join(lines).split(";") if part.strip()]


def statements() -> list[tuple[str, str]]:
    """Every schema statement as (``file:number``, text), in the order they are applied."""
    found: list[tuple[str, str]] = []
    folder = files(__name__)
    for entry in sorted((e for e in folder.iterdir() if e.name.endswith(".cypher")), key=lambda e: e.name):
        for number, text in enumerate(split_statements(entry.read_text(encoding="utf-8")), start=1):
            found.append((f"{entry.name}:{number}", text))
    return found
