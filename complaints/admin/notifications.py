"""Notifications in the admin: a read-only list. They are written by
complaints.services.notifications.notify and read by their recipients in the inbox."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.models import Notification


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("yes", _("Read")), ("no", _("Unread"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "recipient",
        "kind",
        "complaint",
        "subject",
        "read_at",
        "emailed_at",
        "held_until",
    ]
    list_filter = ["kind", ReadFilter, "emailed_at", "held_reason"]
    list_select_related = ["recipient", "complaint"]
    search_fields = ["subject", "complaint__reference", "recipient__username", "key"]
    date_hierarchy = "created_at"
    ordering = ["-created_at", "-id"]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        queryset = super().get_queryset(request)
        # A person's inbox is theirs: only superusers see everyone's.
        if request.user.is_superuser:
            return queryset
        return queryset.filter(recipient=request.user)

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        return [field.name for field in self.model._meta.fields if not field.primary_key]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False
