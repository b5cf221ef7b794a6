"""Asynchronous exports: a tenant asks for a CSV (a list's contacts, a campaign's log); a worker builds it in chunks."""
