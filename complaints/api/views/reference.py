"""Customers, departments, categories, the signed-in user, and the token exchange."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema
from rest_framework.authtoken.serializers import AuthTokenSerializer
from rest_framework.exceptions import ValidationError
from rest_framework.generics import GenericAPIView
from rest_framework.parsers import FormParser
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response

from accounts.lockout import is_locked_out, lockout_minutes
from accounts.models import Department, User
from accounts.services import api_token_issue
from accounts.two_factor import Outcome, code_check, two_factor_enrolled, two_factor_required
from complaints.api.parsers import JSONParser
from complaints.api.schema import errors
from complaints.api.selectors import customer_search, customers_visible_to
from complaints.api.serializers.reference import (
    CategorySerializer,
    CustomerDetailSerializer,
    CustomerSerializer,
    DepartmentSerializer,
    MeSerializer,
    TokenInputSerializer,
    TokenSerializer,
)
from complaints.api.throttling import ClientAddressScopedThrottle
from complaints.api.views.common import ApiView, signed_in_user
from complaints.models import Category, Complaint, Customer
from complaints.selectors import customer_complaints, customer_get_for_user
from config.api_errors import ApiError


class TokenView(ApiView):
    """Username and password for a token. It is a door for password guessing: throttled per
    client address, and locked per account and per address like the sign-in page
    (accounts.lockout), with the same answer whether the account exists or not."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    # A form post too, so `curl -d username=… -d password=…` works; the schema declares JSON
    # only (a body offered in two types makes generated clients fail to import).
    parser_classes = [JSONParser, FormParser]
    throttle_classes = [ClientAddressScopedThrottle]
    throttle_scope = "token"

    @extend_schema(
        operation_id="auth_token_create",
        summary="Exchange a username and password for an API token",
        auth=[],
        request={"application/json": TokenInputSerializer},
        responses={200: TokenSerializer, **errors(400, 403, 415, 429, authenticated=False)},
    )
    def post(self, request: Request) -> Response:
        serializer = AuthTokenSerializer(data=request.data, context={"request": request})
        if not serializer.is_valid():
            # axes marks the request it refused, or whose failure reached the limit.
            if is_locked_out(request):
                raise ApiError(
                    status_code=429,
                    code="locked_out",
                    message=_(
                        "Too many failed sign-ins: signing in from here is paused for "
                        "%(minutes)d minutes."
                    )
                    % {"minutes": lockout_minutes()},
                    retry_after=lockout_minutes() * 60,
                )
            raise ValidationError(serializer.errors)
        user = serializer.validated_data["user"]
        second_factor = self._second_factor(request, user)
        token = api_token_issue(user=user, request=request, second_factor=second_factor)
        return Response({"token": token.key})

    def _second_factor(self, request: Request, user: User) -> str | None:
        """The exchange's second step for an account with an authenticator (accounts.two_factor):
        the same check, lockout and audit as the sign-in page's code."""
        if not two_factor_enrolled(user=user):
            if two_factor_required(user=user):
                raise ApiError(
                    status_code=403,
                    code="two_factor_required",
                    message=gettext(
                        "Your role requires two-factor sign-in. Set it up in the workspace "
                        "(your account menu), then ask for a token with a code."
                    ),
                )
            return None
        code = request.data.get("otp_token") if hasattr(request.data, "get") else None
        if not code or not isinstance(code, str):
            raise ApiError(
                status_code=400,
                code="otp_required",
                message=gettext(
                    "This account uses two-factor sign-in: send the authenticator app's current "
                    "code (or a backup code) as otp_token."
                ),
            )
        result = code_check(request=request, user=user, code=code, purpose="sign_in")
        if result.outcome == Outcome.LOCKED:
            raise ApiError(
                status_code=429,
                code="locked_out",
                message=gettext(
                    "Too many failed sign-ins: signing in from here is paused for "
                    "%(minutes)d minutes."
                )
                % {"minutes": lockout_minutes()},
                retry_after=lockout_minutes() * 60,
            )
        if result.outcome == Outcome.WAIT:
            raise ApiError(
                status_code=429,
                code="otp_wait",
                message=gettext("Too many wrong codes in a row: wait, then send the current code."),
                retry_after=result.wait_seconds,
            )
        if not result.ok:
            raise ApiError(
                status_code=400,
                code="otp_invalid",
                message=gettext("The two-factor code is not right."),
            )
        return str(result.outcome)


class CustomerFilter(django_filters.FilterSet):
    search = django_filters.CharFilter(
        method="filter_search",
        label=_("Phone number or e-mail address (exact), or part of the name"),
    )

    class Meta:
        model = Customer
        fields: list[str] = []

    def filter_search(
        self, queryset: QuerySet[Customer], name: str, value: str
    ) -> QuerySet[Customer]:
        return customer_search(queryset, text=value)


class CustomerListView(GenericAPIView):
    parser_classes = [JSONParser]
    serializer_class = CustomerSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = CustomerFilter

    def get_queryset(self) -> QuerySet[Customer]:
        return customers_visible_to(user=self.request.user).order_by("name", "id")

    @extend_schema(
        operation_id="customers_list",
        summary="Customers of the complaints you can see",
        responses={200: CustomerSerializer(many=True), **errors(400, 404)},
    )
    def get(self, request: Request) -> Response:
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        serializer = CustomerSerializer(page, many=True, context={"request": request})
        return self.get_paginated_response(serializer.data)


class CustomerDetailView(ApiView):
    @extend_schema(
        operation_id="customers_retrieve",
        summary="A customer with their complaints you can see",
        responses={200: CustomerDetailSerializer, **errors(404)},
    )
    def get(self, request: Request, customer_id: int) -> Response:
        # The same access rule and query as the customer page (客户档案).
        user = signed_in_user(request)
        customer = customer_get_for_user(user=user, pk=customer_id)
        complaints = customer_complaints(user=user, customer=customer)
        context = {"request": request, "complaints": complaints}
        return Response(CustomerDetailSerializer(customer, context=context).data)


class DepartmentListView(ApiView):
    @extend_schema(
        operation_id="departments_list",
        summary="Departments",
        responses={200: DepartmentSerializer(many=True), **errors()},
    )
    def get(self, request: Request) -> Response:
        departments = Department.objects.select_related("parent", "head").order_by("code")
        return Response(DepartmentSerializer(departments, many=True).data)


class CategoryListView(ApiView):
    @extend_schema(
        operation_id="categories_list",
        summary="The complaint category tree, as a list with parent codes",
        responses={200: CategorySerializer(many=True), **errors()},
    )
    def get(self, request: Request) -> Response:
        categories = Category.objects.select_related("parent", "default_department").order_by(
            "sort_order", "code"
        )
        return Response(CategorySerializer(categories, many=True).data)


class MeView(ApiView):
    @extend_schema(
        operation_id="users_me",
        summary="The signed-in user: roles, limit, permissions",
        responses={200: MeSerializer, **errors()},
    )
    def get(self, request: Request) -> Response:
        user = signed_in_user(request)
        permissions = [
            codename
            for codename, _label in Complaint._meta.permissions
            if user.has_perm(f"complaints.{codename}")
        ]
        data = {
            "username": user.username,
            "name": user.get_full_name() or user.username,
            "email": user.email,
            "department": user.department.code if user.department is not None else None,
            "roles": sorted(user.groups.values_list("name", flat=True)),
            "approval_limit": user.approval_limit,
            "permissions": permissions,
        }
        return Response(MeSerializer(data).data)
