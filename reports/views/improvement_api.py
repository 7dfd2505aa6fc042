"""Improvement actions (整改措施, issue 18 §1) in the API (routes: reports.api_urls): the list (scoped as the pages are), one
action, starting one, its moves, linking a case, and the files showing what was done. Thin:
complaints.selectors.improvement decides who reads what, complaints.services.improvement and
reports.services.improvement check and write; an action out of reach is a 404."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import HttpResponseBase
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status as http_status
from rest_framework.exceptions import PermissionDenied as ApiForbidden
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.models import Department, User
from complaints.api.parsers import JSONParser
from complaints.api.schema import errors
from complaints.api.serializers.improvement import (
    ImprovementActionInputSerializer,
    ImprovementActionSerializer,
    ImprovementCompleteInputSerializer,
    ImprovementFilesInputSerializer,
    ImprovementLinkInputSerializer,
    ImprovementStartInputSerializer,
    ImprovementVerifyInputSerializer,
)
from complaints.api.views.common import ApiView, signed_in_user, validated
from complaints.api.views.evidence import JsonErrorsAnyAccept
from complaints.domain.improvement import moves_from
from complaints.domain.references import parse_reference
from complaints.downloads import SERVED_CONTENT_TYPES, served_content_type, stored_file_response
from complaints.errors import InvalidInput
from complaints.models import ActionStatus, Category, ImprovementAction
from complaints.request_limits import FORM_OVERHEAD_BYTES, body_too_large
from complaints.selectors.improvement import (
    improvement_action_case_references,
    improvement_action_cases,
    improvement_action_file_get,
    improvement_action_get_for_user,
    improvement_actions_list,
)
from complaints.services.improvement import (
    MAX_FILES,
    can_manage_actions,
    improvement_action_add_files,
    improvement_action_complete,
    improvement_action_link,
    improvement_action_record,
    improvement_action_start,
    may_add_files,
    may_make,
    may_move,
)
from config.api_errors import ApiError
from reports.services.improvement import improvement_action_check

STATUS = OpenApiParameter(
    "status",
    OpenApiTypes.STR,
    enum=["live", "overdue", *ActionStatus.values],
    description="Only actions of this status; `live`: open or in progress; `overdue`: live and "
    "past their due time.",
)
DEPARTMENT = OpenApiParameter(
    "department", OpenApiTypes.STR, description="Only actions of this owning department (code)."
)
OWNER = OpenApiParameter("owner", OpenApiTypes.STR, description="Only actions of this owner.")
OVERDUE = OpenApiParameter(
    "overdue", OpenApiTypes.BOOL, description="Only actions still to do and past their due time."
)
COMPLAINT = OpenApiParameter(
    "complaint",
    OpenApiTypes.STR,
    description="Only actions linked to this case (a reference of a case you may read).",
)
READ = "complaints.view_improvementaction"


def _may_read(user: User) -> None:
    if not user.has_perm(READ):
        raise ApiForbidden(_("Your role does not read improvement actions."))


def _decorate(action: ImprovementAction, user: User, now: Any) -> ImprovementAction:
    action.overdue = action.is_overdue(now)  # type: ignore[attr-defined]
    action.moves = [  # type: ignore[attr-defined]
        move for move in moves_from(action.status) if may_move(user=user, action=action, move=move)
    ]
    return action


def _action_response(request: Request, pk: int, status: int = 200) -> Response:
    user = signed_in_user(request)
    action = improvement_action_get_for_user(user=user, pk=pk)
    action.case_references = [  # type: ignore[attr-defined]
        case.reference for case in improvement_action_cases(action=action, user=user)
    ]
    _decorate(action, user, timezone.now())
    return Response(ImprovementActionSerializer(action).data, status=status)


def _loaded(request: Request, pk: int) -> tuple[User, ImprovementAction]:
    user = signed_in_user(request)
    _may_read(user)
    return user, improvement_action_get_for_user(user=user, pk=pk)


def _named(
    model: Any, value: str, lookup: str, message: str, field: str, errors: dict[str, list[str]]
) -> Any:
    if not value:
        return None
    found = model.objects.filter(**{lookup: value}).first()
    if found is None:
        errors[field] = [message]
    return found


class ImprovementActionListView(GenericAPIView):
    parser_classes = [JSONParser]
    serializer_class = ImprovementActionSerializer

    def get_queryset(self) -> QuerySet:
        if getattr(self, "swagger_fake_view", False):
            return ImprovementAction.objects.none()
        user = signed_in_user(self.request)
        params = self.request.query_params
        status = params.get("status", "")
        if params.get("overdue") in ("1", "true"):
            status = "overdue"
        # A NUL byte never reaches PostgreSQL: such a value names nothing.
        code, username = params.get("department", "")[:40], params.get("owner", "")[:150]
        department = (
            Department.objects.filter(code=code).first() if code and "\x00" not in code else None
        )
        owner = (
            User.objects.filter(username=username).first()
            if username and "\x00" not in username
            else None
        )
        written = params.get("complaint", "")
        reference = parse_reference(written)
        actions = improvement_actions_list(
            user=user,
            show="all",
            status=status if status in ("live", "overdue", *ActionStatus.values) else "",
            department_id=department.pk if department else None,
            owner_id=owner.pk if owner else None,
            complaint=reference,
        )
        # An unknown department, owner or case filters to nothing, not to everything.
        unknown = (
            (code and department is None)
            or (username and owner is None)
            or (written and not reference)
        )
        if unknown:
            actions = actions.none()
        return actions.select_related(
            "done_by", "verified_by", "created_by", "category"
        ).prefetch_related("files__uploaded_by")

    @extend_schema(
        operation_id="improvement_actions_list",
        summary="Improvement actions",
        description="The actions you may read, by due time: complaint managers, senior "
        "management and auditors every action; others those of their department (a head: and "
        "below), those they own and those they started. `complaints` lists the linked cases you "
        "may read.",
        parameters=[STATUS, DEPARTMENT, OWNER, OVERDUE, COMPLAINT],
        responses={200: ImprovementActionSerializer(many=True), **errors(403, 404)},
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        _may_read(user)
        page = self.paginate_queryset(self.get_queryset()) or []
        now = timezone.now()
        readable = improvement_action_case_references(
            user=user, action_ids=[action.pk for action in page]
        )
        for action in page:
            _decorate(action, user, now)
            action.case_references = readable.get(action.pk, [])  # type: ignore[attr-defined]
        return self.get_paginated_response(ImprovementActionSerializer(page, many=True).data)

    @extend_schema(
        operation_id="improvement_actions_create",
        summary="Start an improvement action",
        description="From a case (`complaint`), from a recurring problem of the reports "
        "(`category` and/or `product`, with `from_report`), or on its own. Heads start actions "
        "for their department, complaint managers for any. The owner is told; the due date is "
        "reminded and escalated like a stage clock.",
        request=ImprovementActionInputSerializer,
        responses={201: ImprovementActionSerializer, **errors(400, 403, 415)},
    )
    def post(self, request: Request) -> Response:
        user = signed_in_user(request)
        if not can_manage_actions(user):
            raise ApiForbidden(_("Your role does not start improvement actions."))
        data = validated(ImprovementActionInputSerializer, request)
        unknown: dict[str, list[str]] = {}
        no_user = _("No active user has this username.")
        data["department"] = _named(
            Department,
            data["department"],
            "code",
            _("No department has this code."),
            "department",
            unknown,
        )
        data["owner"] = _named(User, data["owner"], "username", no_user, "owner", unknown)
        data["category"] = _named(
            Category, data["category"], "code", _("No category has this code."), "category", unknown
        )
        if unknown:
            raise InvalidInput(unknown)
        action = improvement_action_record(actor=user, **data)
        return _action_response(request, action.pk, status=201)


class ImprovementActionDetailView(ApiView):
    @extend_schema(
        operation_id="improvement_actions_retrieve",
        summary="One improvement action",
        description="With the linked cases you may read, its files, and once verified the "
        "figures the verifier saw (`effect_before`, `effect_after`).",
        responses={200: ImprovementActionSerializer, **errors(403, 404)},
    )
    def get(self, request: Request, pk: int) -> Response:
        _loaded(request, pk)
        return _action_response(request, pk)


def _move(request: Request, pk: int, move: str) -> User:
    """Who may never make this move hears 403 before the body is read (out of reach: 404)."""
    user, action = _loaded(request, pk)
    if move == "link":
        if not can_manage_actions(user):
            raise ApiForbidden(_("Your role does not start improvement actions."))
    elif not may_make(user=user, action=action, move=move):
        raise ApiForbidden(
            _("Only the action's owner moves it on; a complaint manager verifies it.")
        )
    return user


class ImprovementStartView(ApiView):
    @extend_schema(
        operation_id="improvement_actions_start",
        summary="Start the work",
        description="The owner; open → in progress. The due date keeps running.",
        request=ImprovementStartInputSerializer,
        responses={200: ImprovementActionSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _move(request, pk, "start")
        data = validated(ImprovementStartInputSerializer, request)
        improvement_action_start(actor=user, action_id=pk, **data)
        return _action_response(request, pk)


class ImprovementCompleteView(ApiView):
    @extend_schema(
        operation_id="improvement_actions_complete",
        summary="Record the action done",
        description="The owner, with the evidence of what was done; its due date stops (late if "
        "past it) and the period after it for the effect check starts. Files showing it are "
        "attached with `files/`.",
        request=ImprovementCompleteInputSerializer,
        responses={200: ImprovementActionSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _move(request, pk, "complete")
        data = validated(ImprovementCompleteInputSerializer, request)
        improvement_action_complete(actor=user, action_id=pk, **data)
        return _action_response(request, pk)


class ImprovementVerifyView(ApiView):
    @extend_schema(
        operation_id="improvement_actions_verify",
        summary="Verify the action's effect",
        description="A complaint manager, once the period after the action is over (409 before): "
        "effective or not, with the complaints of its category/product counted before and "
        "after, as the periodic report counts them.",
        request=ImprovementVerifyInputSerializer,
        responses={200: ImprovementActionSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _move(request, pk, "verify")
        data = validated(ImprovementVerifyInputSerializer, request)
        improvement_action_check(actor=user, action_id=pk, **data)
        return _action_response(request, pk)


class ImprovementLinkView(ApiView):
    @extend_schema(
        operation_id="improvement_actions_link",
        summary="Link a case to the action",
        description="A case you may read, once (409 when linked already); on its timeline.",
        request=ImprovementLinkInputSerializer,
        responses={200: ImprovementActionSerializer, **errors(400, 403, 404, 409, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user = _move(request, pk, "link")
        data = validated(ImprovementLinkInputSerializer, request)
        improvement_action_link(actor=user, action_id=pk, **data)
        return _action_response(request, pk)


class ImprovementFilesView(ApiView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="improvement_actions_files",
        summary="Attach files showing what was done (multipart/form-data)",
        description="One or more `files` (photos, PDF, office documents), checked by content "
        f"like evidence files; at most {MAX_FILES} per action; all or none. The owner, or a "
        "head or complaint manager; until the effect is verified (409 after).",
        request={"multipart/form-data": ImprovementFilesInputSerializer},
        responses={200: ImprovementActionSerializer, **errors(400, 403, 404, 409, 413, 415)},
    )
    def post(self, request: Request, pk: int) -> Response:
        user, action = _loaded(request, pk)
        if not may_add_files(user=user, action=action):
            raise ApiForbidden(_("Only the action's owner or a manager of actions adds files."))
        # Refused on its announced size before the body is received.
        limit = settings.COMPLAINTS_EVIDENCE_MAX_BYTES * MAX_FILES + FORM_OVERHEAD_BYTES
        if body_too_large(request, limit=limit):
            raise ApiError(
                status_code=http_status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
                code="too_large",
                message=_("The request is over %(limit)s.") % {"limit": filesizeformat(limit)},
            )
        data = validated(ImprovementFilesInputSerializer, request)
        improvement_action_add_files(actor=user, action_id=pk, files=data["files"])
        return _action_response(request, pk)


class ImprovementFileDownloadView(ApiView):
    content_negotiation_class = JsonErrorsAnyAccept

    @extend_schema(
        operation_id="improvement_actions_file_download",
        summary="Download a file of an action",
        description="Streams the stored bytes with their checked content type, as an attachment.",
        responses={
            **{
                (200, content_type): OpenApiResponse(
                    OpenApiTypes.BINARY, description="The file; Content-Type is its checked type."
                )
                for content_type in sorted(SERVED_CONTENT_TYPES)
            },
            **errors(403, 404),
        },
    )
    def get(self, request: Request, pk: int, file_id: int) -> HttpResponseBase:
        user = signed_in_user(request)
        _may_read(user)
        stored = improvement_action_file_get(user=user, action_id=pk, file_id=file_id)
        return stored_file_response(
            stored.file,
            content_type=served_content_type(stored.content_type),
            filename=stored.original_name,
        )
