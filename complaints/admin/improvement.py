"""Improvement actions (整改措施, issue 18 §1) in the admin: listed, filtered, searched and read;
never added, changed or deleted here, because only complaints.services.improvement writes them
(its due date, reminders and the cases' timelines move with each change)."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest

from complaints.admin.registers import RegisterAdmin
from complaints.models import ImprovementAction, ImprovementActionCase, ImprovementActionFile
from complaints.selectors.improvement import improvement_actions_visible_to


class ActionCaseInline(admin.TabularInline):
    model = ImprovementActionCase
    fields = ("complaint", "linked_by", "linked_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


class ActionFileInline(admin.TabularInline):
    model = ImprovementActionFile
    fields = ("original_name", "content_type", "size", "sha256", "uploaded_by", "uploaded_at")
    readonly_fields = fields
    extra = 0
    max_num = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False


@admin.register(ImprovementAction)
class ImprovementActionAdmin(RegisterAdmin):
    list_display = (
        "id",
        "title",
        "status",
        "root_cause",
        "origin",
        "department",
        "owner",
        "due_at",
        "escalated_level",
        "done_at",
    )
    list_filter = ("status", "root_cause", "origin", "department")
    search_fields = ("title", "description", "product", "evidence")
    date_hierarchy = "due_at"
    list_select_related = ("department", "owner")
    inlines = [ActionCaseInline, ActionFileInline]

    def get_fields(self, request: HttpRequest, obj: Model | None = None):
        return self.get_readonly_fields(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        # The same reach as the pages: a head's admin lists their departments' actions.
        return improvement_actions_visible_to(user=request.user)  # type: ignore[arg-type]
