from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.scalars import JSON

from domain import models
from schema.relay import Node


@strawberry.type(description="An address sendgraph POSTs signed event notifications to.")
class WebhookEndpoint(Node):
    model: strawberry.Private[models.WebhookEndpoint]
    url: str
    events: JSON
    active: bool
    description: str | None
    basic_auth_username: str | None
    created_at: datetime
