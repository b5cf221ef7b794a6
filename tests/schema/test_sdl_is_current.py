"""schema.graphql at the root is the exported SDL; it must match the code."""
from pathlib import Path

from schema.graph import schema

SDL = Path(__file__).resolve().parents[2] / "schema.graphql"


def test_committed_sdl_matches_the_schema():
    assert SDL.read_text() == schema.as_str() + "\n", "schema.graphql is stale: run `sendgraph schema export` and commit it"


def test_node_lookups_are_nullable_as_relay_requires():
    sdl = SDL.read_text()
    assert "node(id: ID!): Node\n" in sdl
    assert "nodes(ids: [ID!]!): [Node]!" in sdl
