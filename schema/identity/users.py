"""Mutations on a tenant's users (rules in `domain.identity.users`): update, suspend, remove; password reset and
email confirmation. The reset and confirmation mutations need no credential: the mailed token is the credential."""
from __future__ import annotations

import strawberry
from strawberry.scalars import JSON
from strawberry.types import Info

from domain.identity import users
from schema.errors import UserError, returns_user_errors
from schema.identity.types import User
from schema.ids import decode_id
from schema.permissions import IsAuthenticated


@strawberry.input(description="A user of a tenant, by its database id (an Especial user_id).")
class TenantUserInput:
    tenant_id: strawberry.ID
    user_id: int


@strawberry.input(description="Profile fields given are set (null clears one). A user changes its own password with its current one; nobody sets another's.")
class UpdateUserInput:
    tenant_id: strawberry.ID
    user_id: int
    profile: JSON | None = None
    current_password: str | None = None
    new_password: str | None = None


@strawberry.input(description="Mail a reset token to the user (its own, or an admin's for a member). `invalidateCurrentPassword` ends its password at once.")
class ResetUserPasswordInput:
    tenant_id: strawberry.ID
    user_id: int
    invalidate_current_password: bool = False


@strawberry.input(description="Forgot my password: a reset token is mailed when the address is an active user's; the answer is the same either way.")
class RequestPasswordResetInput:
    email: str


@strawberry.input(description="The token from the reset mail, and the new password (8 characters or more).")
class ConfirmPasswordResetInput:
    token: str
    password: str


@strawberry.input(description="An invited user confirms its email with the code from its confirmation mail, and sets its password.")
class ConfirmUserInput:
    user_id: int
    confirmation: str
    password: str


@strawberry.type
class UserPayload:
    user: User | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RemoveTenantMemberPayload:
    removed_user_id: int | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


@strawberry.type
class RequestPasswordResetPayload:
    email: str | None = None
    user_errors: list[UserError] = strawberry.field(default_factory=list)


def _target(info: Info, input) -> dict:
    principal = info.context.principal
    return {"tenant_id": decode_id(input.tenant_id, "Tenant", field="tenantId"), "user_id": input.user_id,
            "actor_id": principal.user_id if principal else None}


async def _done(info: Info, user) -> UserPayload:
    await info.context.session.commit()
    return UserPayload(user=User(model=user))


@strawberry.type
class UserMutations:
    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(UserPayload)
    async def update_user(self, info: Info, input: UpdateUserInput) -> UserPayload:
        return await _done(info, await users.update(info.context.session, **_target(info, input), profile=input.profile,
                                                    current_password=input.current_password, new_password=input.new_password))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="It can no longer log in nor use its tokens. Needs ADMIN; not oneself.")
    @returns_user_errors(UserPayload)
    async def suspend_user(self, info: Info, input: TenantUserInput) -> UserPayload:
        return await _done(info, await users.suspend(info.context.session, **_target(info, input)))

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(UserPayload)
    async def unsuspend_user(self, info: Info, input: TenantUserInput) -> UserPayload:
        return await _done(info, await users.unsuspend(info.context.session, **_target(info, input)))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Ends the user's membership (a user left on no tenant is deleted). Needs ADMIN; not oneself.")
    @returns_user_errors(RemoveTenantMemberPayload)
    async def remove_tenant_member(self, info: Info, input: TenantUserInput) -> RemoveTenantMemberPayload:
        removed = await users.remove(info.context.session, **_target(info, input))
        await info.context.session.commit()
        return RemoveTenantMemberPayload(removed_user_id=removed)

    @strawberry.mutation(permission_classes=[IsAuthenticated])
    @returns_user_errors(UserPayload)
    async def reset_user_password(self, info: Info, input: ResetUserPasswordInput) -> UserPayload:
        return await _done(info, await users.reset_password(info.context.session, **_target(info, input), secret_key=info.context.settings.secret_key,
                                                            invalidate=input.invalidate_current_password))

    @strawberry.mutation(permission_classes=[IsAuthenticated], description="Mail an UNCONFIRMED member its confirmation code again. Needs ADMIN.")
    @returns_user_errors(UserPayload)
    async def resend_user_verification(self, info: Info, input: TenantUserInput) -> UserPayload:
        return await _done(info, await users.resend_confirmation(info.context.session, **_target(info, input), secret_key=info.context.settings.secret_key))

    @strawberry.mutation
    @returns_user_errors(RequestPasswordResetPayload)
    async def request_password_reset(self, info: Info, input: RequestPasswordResetInput) -> RequestPasswordResetPayload:
        email = await users.request_reset(info.context.session, email=input.email, secret_key=info.context.settings.secret_key)
        await info.context.session.commit()
        return RequestPasswordResetPayload(email=email)

    @strawberry.mutation
    @returns_user_errors(UserPayload)
    async def confirm_password_reset(self, info: Info, input: ConfirmPasswordResetInput) -> UserPayload:
        return await _done(info, await users.confirm_reset(info.context.session, token=input.token, password=input.password,
                                                           secret_key=info.context.settings.secret_key))

    @strawberry.mutation
    @returns_user_errors(UserPayload)
    async def confirm_user(self, info: Info, input: ConfirmUserInput) -> UserPayload:
        return await _done(info, await users.confirm(info.context.session, user_id=input.user_id, confirmation=input.confirmation,
                                                     password=input.password, secret_key=info.context.settings.secret_key))
