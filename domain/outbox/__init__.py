"""Background work requested by business rules, stored in the same transaction (transactional outbox)."""
from domain.outbox.service import defer

__all__ = ["defer"]
