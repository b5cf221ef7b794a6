"""DKIM keys of a brand (Especial `/brands/default/dkim`), and the keys the workers sign with.

- Creating a key generates a 2048-bit RSA key pair. The private key is stored encrypted (Fernet, with a key
  derived from SECRET_KEY) and never leaves sendgraph; what is shown is the public key as the DNS TXT record
  `{selector}._domainkey.{domain}` must hold: `v=DKIM1; k=rsa; p=<base64 DER>`.
- The workers sign every email whose From address is at the key's domain, or at a subdomain of it, with the
  tenant's newest key for the most specific such domain (`signing_keys`); that key is the domain's default.
- A domain is a DNS name (lower-cased, no trailing dot); a selector is one DNS label, `sg<hex>` when not given.
- Changing SECRET_KEY makes stored private keys unreadable: such a key is skipped (mail goes out unsigned,
  with a warning logged); create a new key and publish its record.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import re
import secrets
from dataclasses import dataclass, field
from email.utils import getaddresses

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.brands.models import DkimKey
from domain.brands.service import brand_by_slug
from domain.common import get_or_raise
from domain.errors import Conflict, Invalid
from domain.tenants.models import Tenant

log = logging.getLogger(__name__)

KEY_BITS = 2048
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")


def check_domain(value: str | None, *, field: str = "domain") -> str:
    """A DNS name of two or more labels, lower-cased, without a trailing dot."""
    domain = (value or "").strip().lower().rstrip(".")
    labels = domain.split(".")
    if len(domain) > 253 or len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or labels[-1].isdigit():
        raise Invalid(f"{value!r} is not a domain name", code="INVALID_DOMAIN", field=field)
    return domain


def _check_selector(value: str | None) -> str:
    selector = (value or "").strip().lower()
    if not _LABEL.fullmatch(selector):
        raise Invalid("A selector is one DNS label: letters, digits and '-', at most 63", code="INVALID_SELECTOR", field="selector")
    return selector


def dns_name(key: DkimKey) -> str:
    return f"{key.selector}._domainkey.{key.domain}"


def dns_record(key: DkimKey) -> str:
    return f"v=DKIM1; k=rsa; p={key.public_key}"


def _fernet(secret_key: str) -> Fernet:
    derived = hmac.new(secret_key.encode(), b"sendgraph/dkim-keys/v1", hashlib.sha256).digest()
    return Fernet(base64.urlsafe_b64encode(derived))


def _generate(secret_key: str) -> tuple[str, str]:
    """(public key as base64 DER, private key PEM encrypted)."""
    private = rsa.generate_private_key(public_exponent=65537, key_size=KEY_BITS)
    # PKCS#1 PEM: the form dkimpy reads.
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.TraditionalOpenSSL, serialization.NoEncryption())
    der = private.public_key().public_bytes(serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo)
    return base64.b64encode(der).decode(), _fernet(secret_key).encrypt(pem).decode()


async def create_key(session: AsyncSession, *, tenant_id: int, domain: str, selector: str | None, secret_key: str, brand: str = "default") -> DkimKey:
    await get_or_raise(session, Tenant, tenant_id, what="Tenant", field="tenantId")
    domain = check_domain(domain)
    selector = _check_selector(selector) if selector is not None else f"sg{secrets.token_hex(4)}"
    taken = (await session.execute(select(DkimKey.id).where(
        DkimKey.tenant_id == tenant_id, DkimKey.domain == domain, DkimKey.selector == selector))).first()
    if taken:
        raise Conflict(f"A key with selector {selector} already exists for {domain}", code="DKIM_SELECTOR_TAKEN", field="selector")
    brand_row = await brand_by_slug(session, tenant_id=tenant_id, slug=brand, create=True)
    public_key, private_encrypted = _generate(secret_key)
    key = DkimKey(tenant_id=tenant_id, brand_id=brand_row.id, domain=domain, selector=selector, public_key=public_key,
                  private_key_encrypted=private_encrypted)
    session.add(key)
    await session.flush()
    return key


async def delete_key(session: AsyncSession, *, key_id: int) -> DkimKey:
    """Mail is no longer signed with it (an older key of the domain, if any, signs again)."""
    key = await get_or_raise(session, DkimKey, key_id, what="DKIM key", field="id")
    await session.delete(key)
    await session.flush()
    return key


def default_key_ids(keys: list[DkimKey]) -> set[int]:
    """The key that signs for each domain: the newest of that domain."""
    newest: dict[str, DkimKey] = {}
    for key in keys:
        if key.domain not in newest or key.id > newest[key.domain].id:
            newest[key.domain] = key
    return {key.id for key in newest.values()}


# --- signing (workers) ----------------------------------------------------------------------------

@dataclass(frozen=True)
class SigningKey:
    domain: str
    selector: str
    private_key: bytes = field(repr=False)  # PEM; never logged


def sender_domain(sender: str | None) -> str | None:
    found = [address for _, address in getaddresses([sender or ""]) if "@" in address]
    return found[0].rpartition("@")[2].lower().rstrip(".") if found else None


async def signing_keys(session: AsyncSession, messages: list, *, secret_key: str) -> dict[int, SigningKey]:
    """Message id -> the key its email is signed with, for a batch of messages (one query)."""
    wanted = {m.id: (m.tenant_id, sender_domain(m.sender)) for m in messages}
    tenant_ids = {tenant_id for tenant_id, domain in wanted.values() if domain}
    if not tenant_ids:
        return {}
    rows = (await session.execute(select(DkimKey).where(DkimKey.tenant_id.in_(tenant_ids)))).scalars().all()
    defaults = default_key_ids(list(rows))
    by_domain = {(k.tenant_id, k.domain): k for k in rows if k.id in defaults}
    decrypted: dict[int, SigningKey | None] = {}
    found = {}
    for message_id, (tenant_id, domain) in wanted.items():
        key = _most_specific(by_domain, tenant_id, domain)
        if key is None:
            continue
        if key.id not in decrypted:
            decrypted[key.id] = _unseal(key, secret_key)
        if decrypted[key.id] is not None:
            found[message_id] = decrypted[key.id]
    return found


def _most_specific(by_domain: dict, tenant_id: int, domain: str | None) -> DkimKey | None:
    labels = (domain or "").split(".")
    for start in range(len(labels) - 1):  # example.com may sign for news.example.com (relaxed alignment)
        key = by_domain.get((tenant_id, ".".join(labels[start:])))
        if key is not None:
            return key
    return None


def _unseal(key: DkimKey, secret_key: str) -> SigningKey | None:
    try:
        pem = _fernet(secret_key).decrypt(key.private_key_encrypted.encode())
    except InvalidToken:
        log.warning("DKIM key %s (%s) cannot be decrypted with this SECRET_KEY; mail from it goes out unsigned", key.id, dns_name(key))
        return None
    return SigningKey(domain=key.domain, selector=key.selector, private_key=pem)
