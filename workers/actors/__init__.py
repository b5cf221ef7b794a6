"""Every actor, registered with the broker, and the bridge from `domain.jobs` to Dramatiq."""
from __future__ import annotations

import dramatiq

from domain import jobs
from workers.actors.deliver import deliver_messages
from workers.actors.launch_campaign import launch_campaign

ACTORS: dict[str, dramatiq.Actor] = {actor.actor_name: actor for actor in (deliver_messages, launch_campaign)}


def publish(job: str, kwargs: dict, delay_ms: int | None) -> None:
    ACTORS[job].send_with_options(kwargs=kwargs, delay=delay_ms)


jobs.set_publisher(publish)
