"""Real parts for every test: a fresh Postgres database, Redis, an aiosmtpd server, the API over real HTTP,
and Dramatiq workers consuming from Redis.

The environment is set here, before any sendgraph module is imported, because settings are read
once and the Dramatiq broker binds at import time.
"""
from tests.support import environment  # noqa: F401  (must run before sendgraph imports)

pytest_plugins = ["tests.support.fixtures"]
