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
    database_id: int
    name: str
    description: str | None
    tags: list[str]
    default_language: str
    settings: JSON = strawberry.field(description="description, tags, thumbnail_url and the editor's `content` ({type, json}).")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, blueprint: service.CampaignBlueprint) -> CampaignBlueprint:
        return cls(model=blueprint, database_id=blueprint.id, name=blueprint.name, description=blueprint.description, tags=blueprint.tags,
                   default_language=blueprint.default_language, settings=blueprint.settings, created_at=blueprint.created_at,
                   updated_at=blueprint.updated_at)

    @strawberry.field
    def parts(self) -> list[TemplatePart]:
        return [TemplatePart(language=p.language, subject=p.subject, preheader=p.preheader, html=p.html, text=p.text, headers={})
                for p in self.model.parts]

    @strawberry.field(description="Its default part rendered with `data` (a preview: nothing is sent or stored).")
    def rendered(self, data: JSON | None = None) -> RenderedContent:
        rendered = service.render(self.model, data=data)
        return RenderedContent(subject=rendered.subject, html=rendered.html, text=rendered.text)


@strawberry.type(description="One step of a workflow blueprint (an Especial action blueprint) and the content it sends.")
class ActionBlueprint:
    external_id: str = strawberry.field(description="Its key, unique in its workflow blueprint.")
    position: int
    type: str
    name: str | None
    delay_seconds: int
    condition: str | None
    settings: JSON = strawberry.field(description="parent_id (its parent action's key) and the content's meta.")
    content: CampaignBlueprint | None

    @classmethod
    def of(cls, action: service.ActionBlueprint) -> ActionBlueprint:
        return cls(external_id=action.id, position=action.position, type=action.type, name=action.name, delay_seconds=action.delay_seconds,
                   condition=action.condition, settings=action.settings, content=action.content and CampaignBlueprint.of(action.content))


@strawberry.type(description="A shared workflow design of the platform's library (an Especial workflow blueprint).")
class WorkflowBlueprint:
    external_id: str = strawberry.field(description="Its key, the Especial blueprint id.")
    name: str
    options: JSON = strawberry.field(description="description, goal and trigger (subscribed, unsubscribed or manual).")
    actions: list[ActionBlueprint]
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, workflow: service.WorkflowBlueprint) -> WorkflowBlueprint:
        return cls(external_id=workflow.id, name=workflow.name, options=workflow.options, actions=[ActionBlueprint.of(a) for a in workflow.actions],
                   created_at=workflow.created_at, updated_at=workflow.updated_at)


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
        return CampaignBlueprintPage(total_count=page.total_count, nodes=[CampaignBlueprint.of(b) for b in page.nodes])

    @strawberry.field(permission_classes=[IsAuthenticated], description="One campaign blueprint; null when the library has no such one.")
    async def campaign_blueprint(self, info: Info, database_id: int) -> CampaignBlueprint | None:
        try:
            return CampaignBlueprint.of(await service.campaign_blueprint(info.context.session, blueprint_id=database_id))
        except NotFound:
            return None

    @strawberry.field(permission_classes=[IsAuthenticated], description="The library's workflow blueprints; `first` (at most 100) from `offset`.")
    async def workflow_blueprints(self, info: Info, first: int = 50, offset: int = 0,
                                  order_by: WorkflowBlueprintOrder = WorkflowBlueprintOrder.ID, descending: bool = False) -> WorkflowBlueprintPage:
        page = await service.workflow_blueprints(info.context.session, first=first, offset=offset, order_by=order_by.value, descending=descending)
        return WorkflowBlueprintPage(total_count=page.total_count, nodes=[WorkflowBlueprint.of(b) for b in page.nodes])

    @strawberry.field(permission_classes=[IsAuthenticated], description="One workflow blueprint by its key; null when the library has no such one.")
    async def workflow_blueprint(self, info: Info, external_id: str) -> WorkflowBlueprint | None:
        try:
            return WorkflowBlueprint.of(await service.workflow_blueprint(info.context.session, blueprint_id=external_id))
        except NotFound:
            return None
