"""The blueprint library in the graph (`domain.blueprints.service`): read-only copies every credential may read.

Blueprints are no Relay nodes: `node(id:)` reads the caller's tenants only, and the library is none of them.
"""
from __future__ import annotations

import enum
from datetime import datetime

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.blueprints import service
from domain.errors import NotFound
from schema.permissions import IsAuthenticated
from schema.templates.queries import RenderedContent
from schema.templates.types import TemplatePart


@strawberry.enum(description="What campaign blueprints are sorted by (then by id).")
class CampaignBlueprintOrder(enum.Enum):
    ID = "id"
    CREATED_AT = "created_on"
    UPDATED_AT = "updated_on"
    NAME = "name"


@strawberry.enum(description="What workflow blueprints are sorted by (then by id).")
class WorkflowBlueprintOrder(enum.Enum):
    ID = "id"
    NAME = "name"
    DESCRIPTION = "description"
    GOAL = "goal"
    CREATED_AT = "created_on"
    UPDATED_AT = "updated_on"


@strawberry.type(description="A shared email design of the platform's library (an Especial campaign blueprint); copy it to use it.")
class CampaignBlueprint:
    model: strawberry.Private[service.CampaignBlueprint]

    @strawberry.field
    def database_id(self) -> int:
        return self.model.id

    @strawberry.field
    def name(self) -> str:
        return self.model.name

    @strawberry.field
    def description(self) -> str | None:
        return self.model.description

    @strawberry.field
    def tags(self) -> list[str]:
        return self.model.tags

    @strawberry.field
    def default_language(self) -> str:
        return self.model.default_language

    @strawberry.field(description="description, tags, thumbnail_url and the editor's `content` ({type, json}).")
    def settings(self) -> JSON:
        return self.model.settings

    @strawberry.field
    def parts(self) -> list[TemplatePart]:
        return [TemplatePart(language=p.language, subject=p.subject, preheader=p.preheader, html=p.html, text=p.text, headers={})
                for p in self.model.parts]

    @strawberry.field(description="Its default part rendered with `data` (a preview: nothing is sent or stored).")
    def rendered(self, data: JSON | None = None) -> RenderedContent:
        rendered = service.render(self.model, data=data)
        return RenderedContent(subject=rendered.subject, html=rendered.html, text=rendered.text)

    @strawberry.field
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.model.updated_at


@strawberry.type(description="One step of a workflow blueprint (an Especial action blueprint) and the content it sends.")
class ActionBlueprint:
    model: strawberry.Private[service.ActionBlueprint]

    @strawberry.field(description="Its key, unique in its workflow blueprint.")
    def external_id(self) -> str:
        return self.model.id

    @strawberry.field
    def position(self) -> int:
        return self.model.position

    @strawberry.field
    def type(self) -> str:
        return self.model.type

    @strawberry.field
    def name(self) -> str | None:
        return self.model.name

    @strawberry.field
    def delay_seconds(self) -> int:
        return self.model.delay_seconds

    @strawberry.field
    def condition(self) -> str | None:
        return self.model.condition

    @strawberry.field(description="parent_id (its parent action's key) and the content's meta.")
    def settings(self) -> JSON:
        return self.model.settings

    @strawberry.field
    def content(self) -> CampaignBlueprint | None:
        return self.model.content and CampaignBlueprint(model=self.model.content)


@strawberry.type(description="A shared workflow design of the platform's library (an Especial workflow blueprint).")
class WorkflowBlueprint:
    model: strawberry.Private[service.WorkflowBlueprint]

    @strawberry.field(description="Its key, the Especial blueprint id.")
    def external_id(self) -> str:
        return self.model.id

    @strawberry.field
    def name(self) -> str:
        return self.model.name

    @strawberry.field(description="description, goal and trigger (subscribed, unsubscribed or manual).")
    def options(self) -> JSON:
        return self.model.options

    @strawberry.field
    def actions(self) -> list[ActionBlueprint]:
        return [ActionBlueprint(model=a) for a in self.model.actions]

    @strawberry.field
    def created_at(self) -> datetime:
        return self.model.created_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.model.updated_at


@strawberry.type(description="A page of campaign blueprints; totalCount counts every match.")
class CampaignBlueprintPage:
    total_count: int
    nodes: list[CampaignBlueprint]


@strawberry.type(description="A page of workflow blueprints; totalCount counts them all.")
class WorkflowBlueprintPage:
    total_count: int
    nodes: list[WorkflowBlueprint]


@strawberry.type
class BlueprintQueries:
    @strawberry.field(permission_classes=[IsAuthenticated],
                      description="The library's campaign blueprints: exact `name`, one of their `tags`; `first` (at most 100) from `offset`.")
    async def campaign_blueprints(self, info: Info, first: int = 50, offset: int = 0, name: str | None = None, tag: str | None = None,
                                  order_by: CampaignBlueprintOrder = CampaignBlueprintOrder.ID, descending: bool = False) -> CampaignBlueprintPage:
        page = await service.campaign_blueprints(info.context.session, first=first, offset=offset, name=name, tag=tag,
                                                 order_by=order_by.value, descending=descending)
        return CampaignBlueprintPage(total_count=page.total_count, nodes=[CampaignBlueprint(model=b) for b in page.nodes])

    @strawberry.field(permission_classes=[IsAuthenticated], description="One campaign blueprint; null when the library has no such one.")
    async def campaign_blueprint(self, info: Info, database_id: int) -> CampaignBlueprint | None:
        try:
            return CampaignBlueprint(model=await service.campaign_blueprint(info.context.session, blueprint_id=database_id))
        except NotFound:
            return None

    @strawberry.field(permission_classes=[IsAuthenticated], description="The library's workflow blueprints; `first` (at most 100) from `offset`.")
    async def workflow_blueprints(self, info: Info, first: int = 50, offset: int = 0,
                                  order_by: WorkflowBlueprintOrder = WorkflowBlueprintOrder.ID, descending: bool = False) -> WorkflowBlueprintPage:
        page = await service.workflow_blueprints(info.context.session, first=first, offset=offset, order_by=order_by.value, descending=descending)
        return WorkflowBlueprintPage(total_count=page.total_count, nodes=[WorkflowBlueprint(model=b) for b in page.nodes])

    @strawberry.field(permission_classes=[IsAuthenticated], description="One workflow blueprint by its key; null when the library has no such one.")
    async def workflow_blueprint(self, info: Info, external_id: str) -> WorkflowBlueprint | None:
        try:
            return WorkflowBlueprint(model=await service.workflow_blueprint(info.context.session, blueprint_id=external_id))
        except NotFound:
            return None
