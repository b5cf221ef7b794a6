"""Dramatiq broker, actors and delivery transports: where every send is executed."""
