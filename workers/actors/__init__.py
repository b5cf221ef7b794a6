"""Every actor, registered with the broker, and the bridge from the domain's outbox to Dramatiq."""
from __future__ import annotations

import dramatiq

from domain.outbox import service as outbox
from workers.actors.advance_enrollment import advance_enrollment
from workers.actors.build_export import build_export
from workers.actors.deliver import deliver_messages
from workers.actors.deliver_webhook import deliver_webhook, emit_webhooks
from workers.actors.launch_campaign import launch_campaign

ACTORS: dict[str, dramatiq.Actor] = {actor.actor_name: actor for actor in (deliver_messages, launch_campaign, emit_webhooks, deliver_webhook, build_export, advance_enrollment)}


def publish(job: str, kwargs: dict) -> None:
    ACTORS[job].send(**kwargs)


outbox.set_publisher(publish)
