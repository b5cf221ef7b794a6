"""Especial list moves onto the graph's `archiveList`, `unarchiveList` and `acceptListPolicy` (the rule is in
domain/contacts/lists.py): an archived list takes no new contact (POST /lists/{id}/contacts, an import to
`active`: 400 `list_archived`) and no campaign or workflow launch; its contacts, reports and logs stay. Archiving or
unarchiving twice changes nothing. The list's `status` reads `archived` / `active`, `policy_accepted` true once accepted.
"""
from __future__ import annotations

from starlette.responses import JSONResponse

from app.compat.especial import auth
from app.compat.especial.messaging_common import owned, path_id
from app.compat.framework import Call, CompatRoute
from domain.identity.models import Role
from schema.relay import to_global_id

LIST_OWNER = """query EspecialListOwner($id: ID!) { node(id: $id) { ... on ContactList { databaseId tenant { id } } } }"""
MOVE = """mutation Especial{name}($input: {name}Input!) {{
  {field}(input: $input) {{ list {{ databaseId archived policyAccepted }} userErrors {{ field message code }} }} }}"""
MOVES = {"archive": ("ArchiveList", "archiveList"), "unarchive": ("UnarchiveList", "unarchiveList"),
         "accept-policy": ("AcceptListPolicy", "acceptListPolicy")}


def _move(action: str):
    name, field = MOVES[action]
    document = MOVE.format(name=name, field=field)

    async def handler(call: Call) -> JSONResponse:
        list_id = path_id(call, "list_id")
        account = await auth.account(call)
        node = (await call.graphql(LIST_OWNER, {"id": to_global_id("ContactList", list_id)}))["node"]
        owned(node, account, "List", list_id, "list_id")
        moved = (await call.graphql(document, {"input": {"id": to_global_id("ContactList", list_id)}}))[field]["list"]
        if action == "accept-policy":
            return JSONResponse({"id": moved["databaseId"], "object": "list", "policy_accepted": moved["policyAccepted"]})
        return JSONResponse({"id": moved["databaseId"], "object": "list", "archived": moved["archived"]})

    return handler


ROUTES: list[CompatRoute] = [
    CompatRoute("POST", "/lists/{list_id}/accept-policy", _move("accept-policy"), Role.WRITE, "Accept policy for a list"),
    CompatRoute("POST", "/lists/{list_id}/archive", _move("archive"), Role.WRITE, "Archive a list"),
    CompatRoute("POST", "/lists/{list_id}/unarchive", _move("unarchive"), Role.WRITE, "Unarchive a list"),
]
