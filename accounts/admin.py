"""Admin for setting the organisation up: departments, people, their roles and approval limits."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, User
from accounts.roles import ROLE_LABELS, Role
from accounts.selectors import department_subtree_ids

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
        (_("Personal info"), {"fields": ("first_name", "last_name", "email", "phone")}),
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
    )
    list_filter = ("department", "groups", "is_active", "is_staff", "is_superuser")
    list_select_related = ("department",)
    search_fields = ("username", "first_name", "last_name", "email", "phone", "department__name")
    autocomplete_fields = ("department",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[User]:
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("name"), ordering="last_name")
    def full_name(self, user: User) -> str:
        return user.get_full_name()

    @admin.display(description=_("roles"))
    def roles(self, user: User) -> str:
        # Reads the prefetched groups; .order_by() here would query once per row.
        return ", ".join(sorted(role_label(group.name) for group in user.groups.all()))


admin.site.unregister(Group)


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
