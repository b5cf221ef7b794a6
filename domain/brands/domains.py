"""A brand's tracking and bounce domains (Especial `/brands/default/domains/default`), and checking their DNS.

- Kept in the brand's `settings["domains"]`: `tracking` and `forward` are http(s) URLs, `bounce` a domain name;
  null clears one.
- What is shown besides: `auth`, the domain the tenant's mail is DKIM-signed for, and `dkim`, the DNS name of
  that key's record (`domain.brands.dkim`); empty strings when the tenant has no key.
- Checking needs DNS. Each configured domain should be a CNAME to the host of SENDGRAPH_PUBLIC_URL (where
  the tracking links and the inbound endpoints are served). With no resolver configured
  (SENDGRAPH_DNS_RESOLVER), or when it does not answer, the check fails with DNS_UNREACHABLE: sendgraph
  never reports a domain valid without having looked it up.
- sendgraph's tracking links still use SENDGRAPH_PUBLIC_URL, and the envelope sender is the From address:
  the configured domains are what the DNS check verifies, not yet what outgoing mail uses.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands import dkim
from domain.brands.models import DkimKey
from domain.brands.service import brand_by_slug
from domain.errors import Invalid, Unavailable

FIELDS = ("tracking", "bounce", "forward")
LIFETIME = 5.0  # seconds a DNS lookup may take


@dataclass(frozen=True)
class Domains:
    tracking: str | None
    bounce: str | None
    forward: str | None
    auth: str  # the DKIM signing domain ("" without a key)
    dkim: str  # that key's record name ("" without a key)


@dataclass(frozen=True)
class DnsCheck:
    entry: str  # the record the domain needs, as a zone file line
    valid: bool


async def _signing_key(session: AsyncSession, tenant_id: int) -> DkimKey | None:
    keys = list((await session.execute(select(DkimKey).where(DkimKey.tenant_id == tenant_id).order_by(DkimKey.domain, DkimKey.id))).scalars())
    defaults = dkim.default_key_ids(keys)
    return next((k for k in keys if k.id in defaults), None)


async def get_domains(session: AsyncSession, *, tenant_id: int, brand: str = "default") -> Domains:
    row = await brand_by_slug(session, tenant_id=tenant_id, slug=brand)
    stored = ((row.settings or {}) if row else {}).get("domains") or {}
    key = await _signing_key(session, tenant_id)
    return Domains(tracking=stored.get("tracking"), bounce=stored.get("bounce"), forward=stored.get("forward"),
                   auth=key.domain if key else "", dkim=dkim.dns_name(key) if key else "")


def _url(value: str, field: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    if len(value) > 2083 or parts.scheme not in ("http", "https") or not parts.hostname:
        raise Invalid(f"{field} must be an http(s) URL", code="INVALID_URL", field=field)
    dkim.check_domain(parts.hostname, field=field)
    return value


async def update_domains(session: AsyncSession, *, tenant_id: int, changes: dict, brand: str = "default") -> Domains:
    """`changes`: any of tracking, bounce, forward; a null value clears it."""
    unknown = set(changes) - set(FIELDS)
    if unknown:
        raise Invalid(f"Unknown domain fields: {', '.join(sorted(unknown))}", field=sorted(unknown)[0])
    cleaned = {}
    for name, value in changes.items():
        if value is None or value == "":
            cleaned[name] = None
        elif not isinstance(value, str):
            raise Invalid(f"{name} must be a string", field=name)
        else:
            cleaned[name] = dkim.check_domain(value, field=name) if name == "bounce" else _url(value, name)
    row = await brand_by_slug(session, tenant_id=tenant_id, slug=brand, create=True)
    stored = {**((row.settings or {}).get("domains") or {}), **cleaned}
    row.settings = {**(row.settings or {}), "domains": {k: v for k, v in stored.items() if v is not None}}
    await session.flush()
    return await get_domains(session, tenant_id=tenant_id, brand=brand)


def _resolver(nameserver: str | None):
    import dns.resolver

    if not nameserver:
        raise Unavailable("DNS is unreachable from this server: no resolver is configured (SENDGRAPH_DNS_RESOLVER), "
                          "so the domains cannot be validated", code="DNS_UNREACHABLE")
    if nameserver == "system":
        resolver = dns.resolver.Resolver()
    else:  # an IP address, or IPv4:port
        resolver = dns.resolver.Resolver(configure=False)
        host, _, port = nameserver.partition(":") if nameserver.count(":") == 1 else (nameserver, "", "")
        resolver.nameservers = [host]
        if port:
            resolver.port = int(port)
    resolver.lifetime = LIFETIME
    return resolver


async def _cname_points_to(resolver, name: str, target: str) -> bool:
    import dns.exception
    import dns.resolver

    try:
        answer = await _resolve(resolver, name)
    except (dns.resolver.NXDOMAIN, dns.resolver.NoAnswer):
        return False
    except (dns.exception.Timeout, dns.resolver.NoNameservers, OSError) as error:
        raise Unavailable(f"DNS is unreachable from this server ({error.__class__.__name__}): the domains cannot be validated",
                          code="DNS_UNREACHABLE") from error
    return any(str(record.target).rstrip(".").lower() == target for record in answer)


async def _resolve(resolver, name: str):
    import asyncio

    return await asyncio.to_thread(resolver.resolve, name, "CNAME")


async def validate_domains(session: AsyncSession, *, tenant_id: int, public_url: str, nameserver: str | None,
                           brand: str = "default") -> dict[str, list[DnsCheck]]:
    """For the bounce and the tracking domain: the CNAME each needs, and whether DNS has it."""
    resolver = _resolver(nameserver)
    domains = await get_domains(session, tenant_id=tenant_id, brand=brand)
    target = (urlsplit(public_url).hostname or "").lower()
    checks: dict[str, list[DnsCheck]] = {"bounce": [], "tracking": []}
    for kind, host in (("bounce", domains.bounce), ("tracking", urlsplit(domains.tracking or "").hostname)):
        if host:
            checks[kind].append(DnsCheck(entry=f"{host}. CNAME {target}.", valid=await _cname_points_to(resolver, host, target)))
    return checks
