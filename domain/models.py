"""Every model, imported once so the metadata (and Alembic) sees all tables."""
from domain.brands.models import Brand, Channel, DkimKey, Sender
from domain.campaigns.models import Campaign, CampaignKind, CampaignRevision, CampaignStatus, CampaignStep, Enrollment, EnrollmentStatus
from domain.contacts.models import Contact, ContactList, ListMember, Segment, SubscriptionStatus, Suppression
from domain.events.models import Event, EventType, MessagingSchedule
from domain.identity.models import ApiCredential, CredentialKind, Membership, Role, User
from domain.messaging.models import (
    Message,
    MessageEvent,
    MessageEventType,
    MessageStatus,
    Process,
    ProcessStatus,
    SendCondition,
)
from domain.outbox.models import OutboxRecord
from domain.templates.models import Dictionary, EditorAsset, Template, TemplatePart
from domain.tenants.models import Tenant, TenantScoped
from domain.webhooks.models import WebhookDelivery, WebhookEndpoint
from domain.exports.models import Export, ExportChunk, ExportKind, ExportStatus

__all__ = [
    "ApiCredential", "Brand", "DkimKey", "Campaign", "CampaignKind", "CampaignRevision", "CampaignStatus", "CampaignStep", "Channel",
    "Contact", "ContactList", "CredentialKind", "Dictionary", "EditorAsset", "Enrollment", "EnrollmentStatus", "Event", "EventType", "ListMember",
    "Membership", "Message", "MessagingSchedule", "OutboxRecord", "MessageEvent", "MessageEventType", "MessageStatus", "Process",
    "ProcessStatus", "Role", "SendCondition", "Segment", "Sender", "SubscriptionStatus", "Suppression", "Template",
    "TemplatePart", "Tenant", "TenantScoped", "User", "WebhookDelivery", "WebhookEndpoint", "Export", "ExportChunk", "ExportKind", "ExportStatus",
]
