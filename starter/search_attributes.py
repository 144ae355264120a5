"""Registering the case search attributes (workflows/visibility.py) with a Temporal namespace.

`complaints dev` passes them as `--search-attribute` flags and compose runs a one-shot
`temporal operator search-attribute create`; servers started any other way (the time-skipping test
server of the simulator, a fresh cluster) get them through the operator service here.
"""

from temporalio.api.enums.v1 import IndexedValueType
from temporalio.api.operatorservice.v1 import AddSearchAttributesRequest
from temporalio.client import Client
from temporalio.service import RPCError, RPCStatusCode

from workflows.hazard_visibility import HAZARD_KEYS
from workflows.visibility import KEYS

ALL_KEYS = (*KEYS, *HAZARD_KEYS)
"""The complaints' keys and the hazards' (Awaab's Law: every open emergency hazard)."""

SEARCH_ATTRIBUTES = {key.name: key.indexed_value_type.name.capitalize() for key in ALL_KEYS}
"""Name to type as the CLI spells it, e.g. {"NextDeadline": "Datetime"}."""


async def register_search_attributes(client: Client) -> None:
    """Add each case search attribute, keeping those already there (safe to repeat).

    One at a time: a server refuses a whole batch when one of it exists, and the time-skipping test
    server cannot list what it has."""
    for key in ALL_KEYS:
        request = AddSearchAttributesRequest(
            namespace=client.namespace, search_attributes={key.name: IndexedValueType.ValueType(key.indexed_value_type)}
        )
        try:
            await client.operator_service.add_search_attributes(request)
        except RPCError as error:
            if error.status != RPCStatusCode.ALREADY_EXISTS:
                raise
