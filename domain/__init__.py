"""The domain: SQLAlchemy models and business rules. Knows nothing of HTTP or GraphQL."""
