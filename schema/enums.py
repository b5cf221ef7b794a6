"""The domain's enums, exposed to GraphQL under their own names."""
import strawberry

from domain import models

Channel = strawberry.enum(models.Channel, name="Channel")
Role = strawberry.enum(models.Role, name="Role")
SubscriptionStatus = strawberry.enum(models.SubscriptionStatus, name="SubscriptionStatus")
EventType = strawberry.enum(models.EventType, name="EventType")
CampaignKind = strawberry.enum(models.CampaignKind, name="CampaignKind")
CampaignStatus = strawberry.enum(models.CampaignStatus, name="CampaignStatus")
EnrollmentStatus = strawberry.enum(models.EnrollmentStatus, name="EnrollmentStatus")
ProcessStatus = strawberry.enum(models.ProcessStatus, name="ProcessStatus")
MessageStatus = strawberry.enum(models.MessageStatus, name="MessageStatus")
MessageEventType = strawberry.enum(models.MessageEventType, name="MessageEventType")
SendCondition = strawberry.enum(models.SendCondition, name="SendCondition", description="What must still hold when a scheduled message is due, or it is cancelled.")
