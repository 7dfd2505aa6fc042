"""Canned replies (标准答复, issue 18 §3) in the admin: kept by complaint managers. A text naming
a placeholder the product does not know is refused at save, with the list of those it does."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from complaints.models import CannedReply
from complaints.services.canned import canned_body_errors


class CannedReplyForm(forms.ModelForm):
    class Meta:
        model = CannedReply
        fields = ("title", "category", "language", "body", "is_active", "sort_order")
        widgets = {"body": forms.Textarea(attrs={"rows": 8})}

    def clean_body(self) -> str:
        body = self.cleaned_data.get("body") or ""
        problems = canned_body_errors(body)
        if problems:
            raise forms.ValidationError(problems)
        return body


@admin.register(CannedReply)
class CannedReplyAdmin(admin.ModelAdmin):
    form = CannedReplyForm
    list_display = ("title", "category_name", "language", "is_active", "sort_order", "updated_at")
    list_filter = ("language", "is_active", ("category", admin.RelatedOnlyFieldListFilter))
    search_fields = ("title", "body")
    list_select_related = ("category", "category__parent")
    ordering = ("sort_order", "title")
    readonly_fields = ("updated_at",)

    @admin.display(description=_("category"))
    def category_name(self, obj: CannedReply) -> str:
        return str(obj.category) if obj.category else str(_("Every category"))
