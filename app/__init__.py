"""The edge: the Starlette app, settings, auth schemes, CLI and the REST compatibility adapters."""
