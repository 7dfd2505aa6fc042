"""OpenAPI pieces shared by the views: the error body, documented error statuses, common parameters."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse
from rest_framework import serializers

from complaints.services import TRANSITIONS


class ErrorDetailSerializer(serializers.Serializer):
    """What went wrong: a stable `code` for programs, a `message` for people, and details where
    they apply."""

    code = serializers.CharField(help_text=_("Stable machine-readable code, e.g. `conflict`."))
    message = serializers.CharField(
        help_text=_("Explanation for people, in the request's language.")
    )
    # A declared field, taken out of the class by SerializerMetaclass: it never replaces
    # Serializer.fields at run time, which the stubs cannot know.
    fields = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text=_("Input field (dotted for nested fields) → its messages; with code `invalid`."),
    )
    allowed = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("Transitions the user may perform now; with `transition_not_allowed`."),
    )
    reasons = serializers.ListField(
        child=serializers.CharField(),
        required=False,
        help_text=_("Conditions not met yet; with `condition_not_met`."),
    )


class ErrorSerializer(serializers.Serializer):
    """Every error answer of the API has this one shape."""

    error = ErrorDetailSerializer(help_text=_("What went wrong."))


ERROR_DESCRIPTIONS: dict[int, Any] = {
    400: _("Invalid input (`invalid`, with `fields`) or a malformed body (`parse_error`)."),
    401: _("Not authenticated: send `Authorization: Token <token>` or sign in."),
    403: _("Your role does not allow this action (`permission_denied`)."),
    404: _("No such complaint or item, or it is outside your scope (`not_found`)."),
    409: _(
        "The complaint changed since you read it (`conflict`), the action is not possible in its "
        "state (`transition_not_allowed`, with `allowed`) or a condition is not met yet "
        "(`condition_not_met`, with `reasons`)."
    ),
    413: _("The request is over the size limit (`too_large`); nothing of it was kept."),
    415: _("Unsupported content type (`unsupported_media_type`)."),
    422: _("The Idempotency-Key was already used with another request (`idempotency_key_reused`)."),
    429: _("Too many requests (`throttled`); retry after the `Retry-After` seconds."),
}


def errors(*statuses: int, authenticated: bool = True) -> dict[int, OpenApiResponse]:
    """Documented error answers; every authenticated operation may also answer 401."""
    codes = {*statuses, 401} if authenticated else set(statuses)
    return {
        code: OpenApiResponse(ErrorSerializer, description=str(ERROR_DESCRIPTIONS[code]))
        for code in sorted(codes)
    }


REFERENCE = OpenApiParameter(
    "reference",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    description=_("The complaint's reference, e.g. CP-2026-000123."),
)
TRANSITION_NAME = OpenApiParameter(
    "name",
    OpenApiTypes.STR,
    OpenApiParameter.PATH,
    enum=list(TRANSITIONS),
    description=_("A transition name; see the complaint's `transitions/`."),
)
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        "The complaint `version` (or its ETag) the change is based on; a stale one is a 409 "
        "`conflict`. The body's `version` takes precedence."
    ),
)
IDEMPOTENCY_KEY = OpenApiParameter(
    "Idempotency-Key",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description=_(
        "Any unique string (e.g. a UUID), 1–255 printable ASCII characters. Retrying with the "
        "same key returns the first answer instead of creating a second complaint."
    ),
)


API_DESCRIPTION = """
Create complaints and move them through the workflow from other systems (call centre, e-commerce,
CRM). Every change goes through the same business rules as the staff pages.

**Authentication.** `POST /api/v1/auth/token/` with `username` and `password` returns a token;
send it as `Authorization: Token <token>`. A signed-in browser session works too (with the CSRF
token on writes). The token exchange is throttled per client address, and after 5 failed
attempts for one username (or 20 from one address) within 15 minutes it is locked for 15 minutes,
whether the account exists or not (`locked_out`). A token is valid for 30 days after it was
issued; a password change or a deactivated account revokes it. Ask for a new one with the same
request (these figures are the defaults of the deployment's settings).

**Two-factor sign-in.** An account with an authenticator app set up also sends `otp_token`: the
app's current six-digit code, or one of its backup codes. Without it the answer is 400
`otp_required`; a wrong one is 400 `otp_invalid` and counts as a failed attempt towards the
lockout. An account whose role requires two-factor sign-in but has not set it up (in the
workspace: account menu → Two-factor sign-in) gets 403 `two_factor_required`, and so does a
token issued to it before the requirement applied. Turning two-factor sign-in on, moving it to a
new phone or an administrator's reset revokes the account's token.

**Errors** always have one shape:
`{"error": {"code": "...", "message": "...", "fields": {...}, "allowed": [...], "reasons": [...]}}`
where `fields`, `allowed` and `reasons` appear only when relevant.

| status | code | when |
|---|---|---|
| 400 | `invalid` | input missing or wrong; `fields` maps each field (dotted when nested) to messages |
| 400 | `parse_error` | the body is not valid JSON |
| 401 | `not_authenticated`, `authentication_failed` | no or bad credentials |
| 403 | `permission_denied` | your role may not do this (e.g. an amount above your approval limit) |
| 404 | `not_found` | no such complaint or item, or it is outside your scope (the two look the same) |
| 404 | `unknown_transition` | no transition of that name |
| 409 | `conflict` | the complaint changed since you read it: reload and retry |
| 409 | `transition_not_allowed` | not possible in the current state; `allowed` lists what is |
| 409 | `condition_not_met` | the state is right but a condition is not met yet; see `reasons` |
| 409 | `payment_not_approved` | a payment no approved decision covers (none approved, or above the approved amount); see `reasons` |
| 415 | `unsupported_media_type` | send JSON (multipart for evidence uploads) |
| 422 | `idempotency_key_reused` | the Idempotency-Key was used for a different request |
| 429 | `throttled` | too many token requests; wait `Retry-After` seconds |
| 429 | `locked_out` | too many failed token requests for this username or address; wait `Retry-After` seconds |

**Concurrency.** Every complaint has a `version`. Send it back in the body (`version`) or as
`If-Match` with a triage PATCH, a transition or a handoff; if someone changed the complaint
meanwhile you get a 409 `conflict` and nothing is changed. Detail answers carry it as the `ETag`.

**Idempotent create.** Send `Idempotency-Key: <uuid>` with `POST /api/v1/complaints/`. A retry
with the same key (same user, same body) returns the first answer (201, same body, header
`Idempotent-Replayed: true`) instead of creating a second complaint, even when both arrive at
once. The same key with a different body is a 422. Keys are kept for 24 hours
(`COMPLAINTS_API_IDEMPOTENCY_HOURS`); a refused request (4xx) does not use up its key.

**Times** are ISO 8601 with the offset of the service's time zone (Asia/Shanghai by default).
Contact details of customers are masked for roles that may not see them.

**Webhooks.** Instead of polling, a system can be told of complaints: an administrator adds its
URL and the events it wants (admin → Webhook endpoints). Each event type and the JSON body it is
sent with are listed under *webhooks* in this document, with the Standard Webhooks signature
headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`) to check before trusting a body.
""".strip()


# --- OpenAPI links: how one answer's values feed the next request ------------------------------
#
# Clients (and schemathesis' stateful tests, tests/api/test_schemathesis_stateful.py) read them to
# chain calls: a complaint that was created or read → everything under its reference; an evidence
# file or a decision → its own operations; a customer → their details; the transitions a case
# offers → performing one. Links are added to the documented 2xx answer of the source operation.
# From a list they take its first item (plain JSON pointers: runtime expressions have no wildcard).

_CASE_PATH = "{reference}"
# Path parameters that identify a sub-item: those operations are reached from the item's list or
# creation (below), not from a complaint, whose answer cannot name the item.
_ITEM_PARAMETERS = (
    "{evidence_id}",
    "{decision_id}",
    "{step_id}",
    "{body_id}",
    "{order_id}",
    "{agreement_id}",
    "{referral_id}",
)
# Operations whose change is based on a version: a link from a single complaint sends its version.
_VERSIONED = (
    "complaints_triage",
    "complaints_transitions_perform",
    "complaints_handoffs_create",
    "complaints_merge",
)
_BODY_TARGETS = [
    "complaints_outside_bodies_documents_create",
    "complaints_outside_bodies_sign",
    "complaints_outside_bodies_close",
    "complaints_off_sale_orders_create",
]
_ITEM_LINKS: dict[str, tuple[list[str], str]] = {
    # source operation → (targets, JSON pointer to the id(s) in its answer)
    "complaints_evidence_create": (
        ["complaints_evidence_retrieve", "complaints_evidence_download"],
        "/id",
    ),
    "complaints_evidence_list": (
        ["complaints_evidence_retrieve", "complaints_evidence_download"],
        "/0/id",
    ),
    "complaints_evidence_retrieve": (["complaints_evidence_download"], "/id"),
    "complaints_decisions_create": (
        ["complaints_decisions_approve", "complaints_decisions_reject"],
        "/id",
    ),
    "complaints_decisions_list": (
        ["complaints_decisions_approve", "complaints_decisions_reject"],
        "/0/id",
    ),
    "complaints_outside_bodies_create": (_BODY_TARGETS, "/id"),
    "complaints_outside_bodies_list": (_BODY_TARGETS, "/0/id"),
    "complaints_off_sale_orders_create": (["complaints_off_sale_orders_done"], "/id"),
    "complaints_agreements_create": (
        ["complaints_agreements_hand_over", "complaints_agreements_payments_create"],
        "/id",
    ),
    "complaints_agreements_list": (
        ["complaints_agreements_hand_over", "complaints_agreements_payments_create"],
        "/0/id",
    ),
    "complaints_quality_referrals_create": (["complaints_quality_referrals_answers_create"], "/id"),
    "complaints_quality_referrals_list": (
        ["complaints_quality_referrals_answers_create"],
        "/0/id",
    ),
}
_ITEM_PARAMETER_OF = {
    "complaints_evidence_retrieve": "evidence_id",
    "complaints_evidence_download": "evidence_id",
    "complaints_decisions_approve": "decision_id",
    "complaints_decisions_reject": "decision_id",
    **dict.fromkeys(_BODY_TARGETS, "body_id"),
    "complaints_off_sale_orders_done": "order_id",
    "complaints_agreements_hand_over": "agreement_id",
    "complaints_agreements_payments_create": "agreement_id",
    "complaints_quality_referrals_answers_create": "referral_id",
}


def _success(operation: dict[str, Any]) -> dict[str, Any] | None:
    """The operation's documented 2xx answer (the first, by status)."""
    codes = sorted(code for code in operation.get("responses", {}) if str(code).startswith("2"))
    return operation["responses"][codes[0]] if codes else None


def _answer_ref(response: dict[str, Any]) -> str:
    """The component an answer's JSON body is ("Complaint"), or "" for anything else."""
    schema = response.get("content", {}).get("application/json", {}).get("schema", {})
    return str(schema.get("$ref", "")).rpartition("/")[2]


def case_links(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook (SPECTACULAR_SETTINGS["POSTPROCESSING_HOOKS"])."""
    operations: dict[str, tuple[str, dict[str, Any]]] = {
        operation["operationId"]: (path, operation)
        for path, item in result.get("paths", {}).items()
        for method, operation in item.items()
        if isinstance(operation, dict) and "operationId" in operation
    }

    def link(source: str, target: str, parameters: dict[str, str], body: Any = None) -> None:
        if source not in operations or target not in operations:
            return
        response = _success(operations[source][1])
        if response is None:
            return
        definition: dict[str, Any] = {"operationId": target}
        if parameters:
            definition["parameters"] = parameters
        if body is not None:
            definition["requestBody"] = body
        response.setdefault("links", {})[target] = definition

    case_targets = [
        operation_id
        for operation_id, (path, _operation) in operations.items()
        if _CASE_PATH in path and not any(item in path for item in _ITEM_PARAMETERS)
    ]
    for source, (_path, operation) in operations.items():
        response = _success(operation)
        answer = _answer_ref(response) if response else ""
        if answer == "Complaint":  # created, read, triaged, moved, paused or resumed
            for target in case_targets:
                parameters = {"path.reference": "$response.body#/reference"}
                if target in _VERSIONED:
                    parameters["header.If-Match"] = "$response.body#/version"
                link(source, target, parameters)
            link(source, "customers_retrieve", {"path.customer_id": "$response.body#/customer/id"})
        elif answer == "PaginatedComplaintList":
            for target in case_targets:
                link(source, target, {"path.reference": "$response.body#/results/0/reference"})
            link(
                source,
                "customers_retrieve",
                {"path.customer_id": "$response.body#/results/0/customer/id"},
            )
    for source, (targets, pointer) in _ITEM_LINKS.items():
        for target in targets:
            link(
                source,
                target,
                {
                    "path.reference": "$request.path.reference",
                    f"path.{_ITEM_PARAMETER_OF[target]}": f"$response.body#{pointer}",
                },
            )
    link(
        "complaints_transitions_list",
        "complaints_transitions_perform",
        {"path.reference": "$request.path.reference", "path.name": "$response.body#/0/name"},
    )
    link(
        "customers_list", "customers_retrieve", {"path.customer_id": "$response.body#/results/0/id"}
    )
    # Codes a new complaint may name.
    link("categories_list", "complaints_create", {}, {"category": "$response.body#/0/code"})
    link("departments_list", "complaints_create", {}, {"department": "$response.body#/0/code"})
    return result


# --- Response headers, and descriptions of the generated components --------------------------
#
# drf-spectacular cannot see what a view puts in a response's headers; they are declared here in
# one place, next to the views that send them (complaints.api.views.common.complaint_response,
# ComplaintListView.post, config.api_errors).

_ETAG = {
    "description": _("The complaint's `version`, quoted; send it back as `If-Match`."),
    "schema": {"type": "string"},
}
_LOCATION = {
    "description": _("The new complaint's address (`/api/v1/complaints/<reference>/`)."),
    "schema": {"type": "string"},
}
_REPLAYED = {
    "description": _(
        "`true` when this is the stored answer to an earlier request with the same "
        "Idempotency-Key; absent otherwise."
    ),
    "schema": {"type": "string", "enum": ["true"]},
}
_RETRY_AFTER = {
    "description": _("Seconds to wait before sending again."),
    "schema": {"type": "integer"},
}
_TOKEN_SCHEME = _(
    "Send the token from `POST /api/v1/auth/token/` as `Authorization: Token <token>` (the word "
    "`Token`, a space, then the token)."
)
_GENERATED_COMPONENTS = {
    "BlankEnum": _("The empty string: no value chosen."),
    "NullEnum": _("null: no value."),
}
_PAGE = _("One page of %(items)s, with the total count and the addresses of the pages around it.")
_PAGE_PROPERTIES = {
    "count": _("How many items there are on all pages."),
    "next": _("The next page's address; null on the last page."),
    "previous": _("The previous page's address; null on the first page."),
    "results": _("The items of this page."),
}


def _header(definition: dict[str, Any]) -> dict[str, Any]:
    return {**definition, "description": str(definition["description"])}


def response_headers(
    result: dict[str, Any], generator: Any, request: Any, public: bool
) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: the headers the views send, the token scheme's prefix,
    and descriptions for the components drf-spectacular generates itself."""
    for item in result.get("paths", {}).values():
        for operation in item.values():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            for code, response in operation["responses"].items():
                headers = response.setdefault("headers", {})
                if operation.get("operationId") == "complaints_create" and code == "201":
                    headers["Location"] = _header(_LOCATION)
                    headers["Idempotent-Replayed"] = _header(_REPLAYED)
                elif str(code).startswith("2") and _answer_ref(response) == "Complaint":
                    headers["ETag"] = _header(_ETAG)
                elif code == "429":
                    headers["Retry-After"] = _header(_RETRY_AFTER)
                if not headers:
                    del response["headers"]
    components = result.get("components", {})
    token = components.get("securitySchemes", {}).get("tokenAuth")
    if token is not None:
        token["description"] = str(_TOKEN_SCHEME)
    for name, schema in components.get("schemas", {}).items():
        if "description" in schema:
            continue
        if name in _GENERATED_COMPONENTS:
            schema["description"] = str(_GENERATED_COMPONENTS[name])
        elif name.startswith("Paginated") and name.endswith("List"):
            schema["description"] = str(_PAGE % {"items": name[len("Paginated") : -len("List")]})
            for key, prop in schema.get("properties", {}).items():
                if key in _PAGE_PROPERTIES:
                    prop.setdefault("description", str(_PAGE_PROPERTIES[key]))
    return result
