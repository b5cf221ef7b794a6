"""The schema: root query and every aggregate's mutations."""
from __future__ import annotations

import strawberry
from strawberry.extensions import ParserCache, ValidationCache
from strawberry.tools import merge_types

from schema.blueprints.queries import BlueprintQueries
from schema.brands.brand_settings import BrandSettingMutations
from schema.brands.dkim_mutations import DkimMutations
from schema.brands.mutations import BrandMutations, SenderMutations
from schema.campaigns.custom import CustomJourneyMutations
from schema.campaigns.enrollment_mutations import EnrollmentMutations
from schema.campaigns.mutations import CampaignMutations
from schema.campaigns.transactional import TransactionalMutations
from schema.contacts.consents import ConsentMutations
from schema.contacts.membership import MembershipMutations
from schema.contacts.mutations import ContactMutations
from schema.contacts.segments import SegmentMutations
from schema.contacts.attribute_definitions import AttributeDefinitionMutations, AttributeDefinitionQueries
from schema.contacts.interests import InterestMutations, InterestQueries
from schema.contacts.tags import TagMutations, TagQueries
from schema.events.mutations import EventMutations
from schema.exports.mutations import ExportMutations, ExportQueries
from schema.identity.mutations import IdentityMutations
from schema.identity.users import UserMutations
from schema.messaging.mutations import MessagingMutations
from schema.queries import NODE_TYPES, Query as RootQuery
from schema.templates.dictionaries import DictionaryMutations
from schema.templates.forms import FormMutations
from schema.templates.mutations import TemplateMutations
from schema.templates.pages import PageMutations
from schema.templates.queries import TemplateQueries
from schema.tenants.mutations import TenantMutations
from schema.tenants.settings import TenantSettingMutations
from schema.webhooks.mutations import WebhookMutations

Query = merge_types("Query", (RootQuery, TemplateQueries, TagQueries, InterestQueries, AttributeDefinitionQueries, ExportQueries, BlueprintQueries))
Mutation = merge_types(
    "Mutation",
    (TenantMutations, ContactMutations, TemplateMutations, EventMutations, CampaignMutations, MessagingMutations, WebhookMutations,
     SenderMutations, MembershipMutations, ConsentMutations, EnrollmentMutations, IdentityMutations,
     BrandMutations, TransactionalMutations, DictionaryMutations, TenantSettingMutations, SegmentMutations, TagMutations, InterestMutations,
     AttributeDefinitionMutations, CustomJourneyMutations, PageMutations, UserMutations, ExportMutations, FormMutations, DkimMutations, BrandSettingMutations),
)

schema = strawberry.Schema(
    query=Query, mutation=Mutation, types=[cls for cls, _ in NODE_TYPES.values()],
    # Clients (and every compat route) send the same few documents again and again; parsing and
    # validating them was a quarter of a sendMessage's CPU. Bounded, as any client may send any text.
    extensions=[lambda: ParserCache(maxsize=512), lambda: ValidationCache(maxsize=512)],
)
