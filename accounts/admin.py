"""Admin for setting the organisation up: departments, people, their roles and approval limits."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.lockout import cool_off
from accounts.models import AuditEntry, Department, SignInLock, User
from accounts.roles import ROLE_LABELS, Role
from accounts.selectors import department_subtree_ids
from accounts.services import audit_record
from accounts.two_factor import (
    authenticator_of,
    two_factor_enrolled,
    two_factor_required,
    two_factor_reset,
    user_two_factor_annotations,
)

ROLE_NAMES = {role.value for role in Role}


def role_label(group_name: str) -> str:
    return str(ROLE_LABELS[Role(group_name)]) if group_name in ROLE_NAMES else group_name


class DepartmentForm(forms.ModelForm):
    class Meta:
        model = Department
        fields = ("name", "name_en", "code", "kind", "parent", "head", "contact_email", "is_active")

    def clean_parent(self) -> Department | None:
        parent = self.cleaned_data.get("parent")
        # The parent chain is the escalation path: a loop would make escalation go round forever.
        if (
            parent is not None
            and self.instance.pk is not None
            and parent.pk in department_subtree_ids(department=self.instance)
        ):
            raise forms.ValidationError(
                _("A department cannot sit below itself or one of its sub-departments.")
            )
        return parent


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    form = DepartmentForm
    list_display = (
        "name",
        "name_en",
        "code",
        "kind",
        "head",
        "parent",
        "contact_email",
        "is_active",
        "member_count",
    )
    list_filter = ("kind", "is_active")
    list_select_related = ("head", "parent")
    search_fields = ("name", "name_en", "code", "contact_email")
    autocomplete_fields = ("head", "parent")
    fields = ("name", "name_en", "code", "kind", "parent", "head", "contact_email", "is_active")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Department]:
        return super().get_queryset(request).annotate(_member_count=Count("members"))

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, department: Department) -> int:
        return department._member_count


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (
            _("Personal info"),
            {"fields": ("first_name", "last_name", "email", "phone", "notification_delivery")},
        ),
        (
            _("Organisation"),
            {
                "fields": ("department", "approval_limit"),
                "description": _(
                    "The department decides which complaints a handler or head works on; the "
                    "approval limit is the largest decision amount the person may approve alone."
                ),
            },
        ),
        (
            _("Roles and permissions"),
            {
                "fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions"),
                "description": _(
                    "Roles are the groups agent, handler, dept_head, complaint_manager, "
                    "executive and auditor. Staff status only opens this admin site."
                ),
            },
        ),
        (
            _("Two-factor sign-in"),
            {
                "fields": ("two_factor_status",),
                "description": _(
                    "People turn it on themselves (account menu → Two-factor sign-in). If someone "
                    "lost their phone and their backup codes, select them in the list and choose "
                    "“Reset two-factor sign-in”."
                ),
            },
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        *BaseUserAdmin.add_fieldsets,
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
        (_("Organisation"), {"fields": ("department", "approval_limit", "groups")}),
    )
    list_display = (
        "username",
        "full_name",
        "email",
        "department",
        "roles",
        "approval_limit",
        "is_active",
        "is_staff",
        "two_factor",
    )
    list_filter = ("department", "groups", "is_active", "is_staff", "is_superuser")
    readonly_fields = ("two_factor_status",)
    actions = ["reset_two_factor"]
    list_select_related = ("department",)
    search_fields = ("username", "first_name", "last_name", "email", "phone", "department__name")
    autocomplete_fields = ("department",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related("groups")
            .annotate(**user_two_factor_annotations())
        )

    # People's accounts (names, contacts, roles) are for those who administer them: the view
    # permission alone, which read-only roles once had, opens nothing here.
    def has_view_permission(self, request: HttpRequest, obj: User | None = None) -> bool:
        return self.has_change_permission(request, obj)

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, user: User) -> str:
        # Reads the prefetched groups; .order_by() here would query once per row.
        return ", ".join(sorted(role_label(group.name) for group in user.groups.all()))

    @admin.display(description=_("two-factor"))
    def two_factor(self, user: User) -> str:
        # Reads the list's annotations (accounts.two_factor): no query per row.
        if two_factor_enrolled(user=user):
            return str(_("on"))
        if two_factor_required(user=user):
            return str(_("required, not set up"))
        return str(_("off"))

    @admin.display(description=_("status"))
    def two_factor_status(self, user: User) -> str:
        if user.pk is None:
            return "–"
        device = authenticator_of(user=user)
        required = two_factor_required(user=user)
        if device is not None:
            since = (
                timezone.localtime(device.created_at).strftime("%Y-%m-%d")
                if device.created_at
                else "–"
            )
            return str(_("On since %(date)s.") % {"date": since})
        if required:
            return str(
                _("Required for this person, not set up yet: their next sign-in leads to it.")
            )
        return str(_("Off."))

    @admin.action(description=_("Reset two-factor sign-in (lost phone)"), permissions=["change"])
    def reset_two_factor(self, request: HttpRequest, queryset: QuerySet[User]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        people = list(queryset)
        for person in people:
            two_factor_reset(user=person, actor=actor, request=request)
        self.message_user(
            request,
            ngettext(
                "Two-factor sign-in was reset for %(count)d person: they were signed out, "
                "and sign in next with their password (then set it up again if their role "
                "requires it).",
                "Two-factor sign-in was reset for %(count)d people: they were signed out, "
                "and sign in next with their password (then set it up again if their role "
                "requires it).",
                len(people),
            )
            % {"count": len(people)},
            messages.SUCCESS,
        )


admin.site.unregister(Group)
# django-otp's own screens would show the devices' secrets and delete them unaudited: two-factor
# sign-in is reset from the people's list (UserAdmin.reset_two_factor), through the service.
for _device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device_model):
        admin.site.unregister(_device_model)


@admin.register(Group)
class GroupAdmin(BaseGroupAdmin):
    """Role groups are read-only here: accounts.roles states their permissions and migrations
    re-apply it, so edits made in the admin would silently disappear. Other groups are editable."""

    list_display = ("name", "role", "member_count")
    # Bulk deletion would bypass the per-group guard below.
    actions = None

    def get_queryset(self, request: HttpRequest) -> QuerySet[Group]:
        return super().get_queryset(request).annotate(_member_count=Count("user"))

    @admin.display(description=_("role"))
    def role(self, group: Group) -> str:
        return role_label(group.name) if group.name in ROLE_NAMES else "–"

    @admin.display(description=_("members"), ordering="_member_count")
    def member_count(self, group: Group) -> int:
        return group._member_count

    @admin.display(description=_("permissions"))
    def permission_list(self, group: Group) -> str:
        permissions = group.permissions.select_related("content_type").order_by(
            "content_type__app_label", "codename"
        )
        return format_html_join(
            "",
            "<div>{}.{} – {}</div>",
            ((p.content_type.app_label, p.codename, p.name) for p in permissions),
        )

    def get_fields(self, request: HttpRequest, obj: Group | None = None):
        if obj is not None and obj.name in ROLE_NAMES:
            return ("name", "permission_list")
        return super().get_fields(request, obj)

    def get_readonly_fields(self, request: HttpRequest, obj: Group | None = None):
        if obj is not None and obj.name in ROLE_NAMES:
            return ("name", "permission_list")
        return super().get_readonly_fields(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        if obj is not None and obj.name in ROLE_NAMES:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Group | None = None) -> bool:
        if obj is not None and obj.name in ROLE_NAMES:
            return False
        return super().has_delete_permission(request, obj)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, for auditors and administrators: read-only, newest first."""

    list_display = ("at", "action", "actor_name", "target_label", "ip_address", "details")
    list_filter = ("action", "at")
    search_fields = ("=actor_name", "=target_label", "=ip_address")
    date_hierarchy = "at"
    list_per_page = 50
    # The log is long: no "show all", and no count of every row on each page.
    list_max_show_all = 50
    show_full_result_count = False
    fields = (
        "at",
        "action",
        "actor_name",
        "target_type",
        "target_id",
        "target_label",
        "ip_address",
        "details",
    )
    readonly_fields = fields
    actions = None

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: AuditEntry | None = None) -> bool:
        return False


@admin.register(SignInLock)
class SignInLockAdmin(admin.ModelAdmin):
    """Failed sign-ins counted by django-axes. Deleting a row lifts the lockout it causes (the
    deletion is audited); rows also expire on their own after ACCOUNTS_LOCKOUT_MINUTES."""

    list_display = (
        "attempt_time",
        "username",
        "ip_address",
        "failures_since_start",
        "counts_until",
        "path_info",
        "user_agent",
    )
    list_filter = ("attempt_time",)
    search_fields = ("=username", "=ip_address")
    date_hierarchy = "attempt_time"
    fields = (
        "username",
        "ip_address",
        "failures_since_start",
        "attempt_time",
        "path_info",
        "user_agent",
    )
    readonly_fields = fields
    actions = ["lift"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: SignInLock | None = None) -> bool:
        return False

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # "lift" says what deleting means here
        return actions

    @admin.display(description=_("counts until"))
    def counts_until(self, attempt: SignInLock) -> str:
        until = attempt.attempt_time + cool_off()
        return (
            timezone.localtime(until).strftime("%Y-%m-%d %H:%M") if until > timezone.now() else "–"
        )

    @admin.action(description=_("Lift the lockout (forget these failures)"), permissions=["delete"])
    def lift(self, request: HttpRequest, queryset: QuerySet[SignInLock]) -> None:
        self.delete_queryset(request, queryset)

    def delete_model(self, request: HttpRequest, obj: SignInLock) -> None:
        self._audit_lift(request, [obj])
        super().delete_model(request, obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[SignInLock]) -> None:
        self._audit_lift(request, list(queryset))
        super().delete_queryset(request, queryset)

    def _audit_lift(self, request: HttpRequest, attempts: list[SignInLock]) -> None:
        actor = request.user if isinstance(request.user, User) else None
        for attempt in attempts:
            audit_record(
                actor,
                AuditEntry.Action.LOCKOUT_LIFTED,
                attempt.username or "",
                {"address": attempt.ip_address, "failures": attempt.failures_since_start},
                request=request,
            )
