"""The GraphQL graph: Strawberry types, queries, mutations and per-request dataloaders."""
