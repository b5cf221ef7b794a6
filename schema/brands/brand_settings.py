"""A brand's domains and system emails, and sender confirmation by mail, in the graph.

Rules in domain.brands.domains, domain.brands.system_emails and domain.brands.confirmation.
"""
from __future__ import annotations

import enum
from typing import Any

import strawberry
from strawberry.types import Info

from domain import models
from domain.brands import confirmation, domains, system_emails
from domain.tenancy import unscoped
from schema.brands.types import Sender
from schema.errors import UserError, returns_user_errors
from schema.ids import decode_id, given
from schema.permissions import IsAuthenticated
from schema.templates.types import Template


@strawberry.type(description="A brand's tracking and bounce domains, and the domain its mail is DKIM-signed for.")
class BrandDomains:
    tracking: str | None = strawberry.field(description="An http(s) URL.")
    bounce: str | None = strawberry.field(description="A domain name.")
    forward: str | None = strawberry.field(description="An http(s) URL.")
    auth: str = strawberry.field(description="The domain of the tenant's signing DKIM key; empty without one.")
    dkim: str = strawberry.field(description="That key's record name (`{selector}._domainkey.{domain}`); empty without one.")

    @classmethod
    def of(cls, d: domains.Domains) -> "BrandDomains":
        return cls(tracking=d.tracking, bounce=d.bounce, forward=d.forward, auth=d.auth, dkim=d.dkim)


@strawberry.type(description="A DNS record a domain needs, and whether DNS has it.")
class DnsCheck:
    entry: str = strawberry.field(description="The record, as a zone file line.")
    valid: bool


@strawberry.enum(description="The system emails a brand configures.")
class SystemEmailKind(enum.Enum):
    ACCOUNT_CONFIRM = "account_confirm"
    USER_CONFIRM = "user_confirm"
    SENDER_CONFIRM = "sender_confirm"
    PASSWORD_RESET = "password_reset"
    CONTACT_DOUBLE_OPT_IN = "contact_double_opt_in"


@strawberry.type(description="The template and sender a kind of system email uses in one language. sendgraph sends SENDER_CONFIRM itself.")
class SystemEmail:
    kind: SystemEmailKind
    language: str
    template_id: strawberry.Private[int | None]
    sender_id: strawberry.Private[int | None]

    @strawberry.field(description="Null when none is set (or it was deleted).")
    async def template(self, info: Info) -> Template | None:
        row = await info.context.loaders.load(models.Template, self.template_id)
        return row and Template.from_model(row)

    @strawberry.field(description="Null when none is set (or it was deleted).")
    async def sender(self, info: Info) -> Sender | None:
        row = await info.context.loaders.load(models.Sender, self.sender_id)
        return row and Sender.from_model(row)

    @classmethod
    def of(cls, e: system_emails.SystemEmail) -> "SystemEmail":
        return cls(kind=SystemEmailKind(e.kind), language=e.language, template_id=e.template_id, sender_id=e.sender_id)


async def tenant_brand_domains(root: Any, info: Info, brand: str = "default") -> BrandDomains:
    return BrandDomains.of(await domains.get_domains(info.context.session, tenant_id=root.model.id, brand=brand))


async def tenant_system_emails(root: Any, info: Info, brand: str = "default") -> list[SystemEmail]:
    return [SystemEmail.of(e) for e in await system_emails.system_emails(info.context.session, tenant_id=root.model.id, brand=brand)]


@strawberry.input
class UpdateBrandDomainsInput:
    tenant_id: strawberry.ID
    brand: str = "default"
    tracking: str | None = strawberry.field(default=strawberry.UNSET, description="An http(s) URL; null clears it.")
    bounce: str | None = strawberry.field(default=strawberry.UNSET, description="A domain name; null clears it.")
    forward: str | None = strawberry.field(default=strawberry.UNSET, description="An http(s) URL; null clears it.")


@strawberry.input
class ValidateBrandDomainsInput:
    tenant_id: strawberry.ID
    brand: str = "default"


@strawberry.type
class BrandDomainsPayload:
    domains: BrandDomains | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type(description="The records the bounce and tracking domains need. DNS_UNREACHABLE when no resolver answers: never valid unchecked.")
class ValidateBrandDomainsPayload:
    bounce: list[DnsCheck] | None = None
    tracking: list[DnsCheck] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SystemEmailInput:
    kind: SystemEmailKind
    language: str = strawberry.field(description="en, en_US...")
    template_id: strawberry.ID | None = None
    sender_id: strawberry.ID | None = None


@strawberry.input
class SetSystemEmailsInput:
    tenant_id: strawberry.ID
    emails: list[SystemEmailInput]
    kinds: list[SystemEmailKind] | None = strawberry.field(default=None, description="The kinds replaced by `emails`; null: every kind.")
    brand: str = "default"


@strawberry.type
class SystemEmailsPayload:
    system_emails: list[SystemEmail] | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.input
class SendSenderConfirmationInput:
    id: strawberry.ID


@strawberry.input
class ConfirmSenderInput:
    confirmation_id: str = strawberry.field(description="From the confirmation mail.")


@strawberry.type
class SenderConfirmationPayload:
    sender: Sender | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _email(index: int, e: SystemEmailInput) -> system_emails.SystemEmail:
    return system_emails.SystemEmail(kind=e.kind.value, language=e.language,
                                     template_id=decode_id(e.template_id, "Template", field=f"emails.{index}.templateId"),
                                     sender_id=decode_id(e.sender_id, "Sender", field=f"emails.{index}.senderId"))


@strawberry.type
class BrandSettingMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(BrandDomainsPayload)
    async def update_brand_domains(self, info: Info, input: UpdateBrandDomainsInput) -> BrandDomainsPayload:
        found = await domains.update_domains(info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
                                             changes=given(input, exclude=("tenant_id", "brand")), brand=input.brand)
        await info.context.session.commit()
        return BrandDomainsPayload(domains=BrandDomains.of(found))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Looks the domains' records up in DNS (SENDGRAPH_DNS_RESOLVER).")
    @returns_user_errors(ValidateBrandDomainsPayload)
    async def validate_brand_domains(self, info: Info, input: ValidateBrandDomainsInput) -> ValidateBrandDomainsPayload:
        checks = await domains.validate_domains(info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
                                                public_url=info.context.settings.public_url, nameserver=info.context.settings.dns_resolver, brand=input.brand)
        shown = {kind: [DnsCheck(entry=c.entry, valid=c.valid) for c in found] for kind, found in checks.items()}
        return ValidateBrandDomainsPayload(**shown)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(SystemEmailsPayload)
    async def set_system_emails(self, info: Info, input: SetSystemEmailsInput) -> SystemEmailsPayload:
        found = await system_emails.set_system_emails(
            info.context.session, tenant_id=decode_id(input.tenant_id, "Tenant", field="tenantId"),
            emails=[_email(i, e) for i, e in enumerate(input.emails)], kinds=None if input.kinds is None else [k.value for k in input.kinds],
            brand=input.brand)
        await info.context.session.commit()
        return SystemEmailsPayload(system_emails=[SystemEmail.of(e) for e in found])

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Mails the sender's address a confirmation id (see `confirmSender`).")
    @returns_user_errors(SenderConfirmationPayload)
    async def send_sender_confirmation(self, info: Info, input: SendSenderConfirmationInput) -> SenderConfirmationPayload:
        sender, _ = await confirmation.send_confirmation(info.context.session, sender_id=decode_id(input.id, "Sender", field="id"),
                                                         secret_key=info.context.settings.secret_key)
        await info.context.session.commit()
        return SenderConfirmationPayload(sender=Sender.from_model(sender))

    @strawberry.mutation(description="Needs no credential: the confirmation id from the mail is the proof. The payload's sender shows its own fields only.")
    @returns_user_errors(SenderConfirmationPayload)
    async def confirm_sender(self, info: Info, input: ConfirmSenderInput) -> SenderConfirmationPayload:
        session = info.context.session
        with unscoped(session):  # the signed id, not the caller's scope, says which sender may be changed
            sender = await confirmation.confirm(session, token=input.confirmation_id, secret_key=info.context.settings.secret_key)
            await session.commit()
        return SenderConfirmationPayload(sender=Sender.from_model(sender))
