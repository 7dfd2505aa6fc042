"""Complaints mailboxes in the admin (issue 17 §1): where customers' e-mail is read from and where
it is routed; the messages read as a read-only log. The reading is complaints.services.mailboxes'."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from complaints.models import InboundEmail, Mailbox
from complaints.services.mailbox_connection import (
    MailboxProblem,
    mailbox_password,
    mailbox_test_connection,
)
from complaints.services.mailbox_failures import inbound_email_read_again
from complaints.services.mailbox_watermark import WATERMARK_SOURCE, mailbox_watermark_forget
from complaints.services.mailboxes import mailbox_poll


class MailboxForm(forms.ModelForm):
    class Meta:
        model = Mailbox
        fields = [
            "name",
            "address",
            "host",
            "port",
            "security",
            "username",
            "password_name",
            "folder",
            "processed_folder",
            "department",
            "category",
            "is_active",
        ]

    def clean_password_name(self) -> str:
        name = self.cleaned_data["password_name"].strip()
        try:
            mailbox_password(Mailbox(password_name=name))
        except MailboxProblem as problem:
            raise forms.ValidationError(str(problem)) from problem
        return name


@admin.register(Mailbox)
class MailboxAdmin(admin.ModelAdmin):
    form = MailboxForm
    list_display = [
        "name",
        "address",
        "host",
        "folder",
        "department",
        "category",
        "is_active",
        "last_success_at",
        "failing_since",
        "last_error",
    ]
    list_filter = ["is_active"]
    list_select_related = ["department", "category"]
    search_fields = ["name", "address", "host"]
    readonly_fields = [
        "last_polled_at",
        "last_success_at",
        "last_error",
        "failing_since",
        "consecutive_failures",
        "failure_told_at",
        "uid_validity",
        "last_uid",
        "created_at",
    ]
    actions = ["test_connection", "poll_now"]

    def save_model(self, request: HttpRequest, obj: Mailbox, form: forms.ModelForm, change: bool):
        if not change:
            super().save_model(request, obj, form, change)
            return
        # Only what was edited: a poll may have moved the watermark and the health meanwhile.
        obj.save(update_fields=form.changed_data)
        if WATERMARK_SOURCE & set(form.changed_data):
            mailbox_watermark_forget(mailbox_id=obj.pk)

    @admin.action(description=_("Test the connection"))
    def test_connection(self, request: HttpRequest, queryset: QuerySet) -> None:
        for mailbox in queryset:
            problem = mailbox_test_connection(mailbox=mailbox)
            if problem:
                self.message_user(
                    request,
                    _("%(mailbox)s: %(problem)s") % {"mailbox": mailbox, "problem": problem},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("%(mailbox)s: connected, the folders are there.") % {"mailbox": mailbox},
                    messages.SUCCESS,
                )

    @admin.action(description=_("Read the mailbox now"))
    def poll_now(self, request: HttpRequest, queryset: QuerySet) -> None:
        for mailbox in queryset:
            result = mailbox_poll(mailbox_id=mailbox.pk)
            if result.error:
                self.message_user(
                    request,
                    _("%(mailbox)s: %(problem)s") % {"mailbox": mailbox, "problem": result.error},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _(
                        "%(mailbox)s: %(read)d read; %(complaints)d new complaints, "
                        "%(replies)d replies, %(ignored)d ignored, %(failed)d not handled."
                    )
                    % {
                        "mailbox": mailbox,
                        "read": result.read,
                        "complaints": result.complaints,
                        "replies": result.replies,
                        "ignored": result.ignored,
                        "failed": result.failed,
                    },
                    messages.SUCCESS,
                )


@admin.register(InboundEmail)
class InboundEmailAdmin(admin.ModelAdmin):
    list_display = [
        "received_at",
        "sender",
        "subject",
        "outcome",
        "reason",
        "error_code",
        "complaint",
    ]
    list_filter = ["outcome", "reason", "error_code", "mailbox"]
    list_select_related = ["mailbox", "complaint"]
    search_fields = ["message_key", "sender", "subject", "complaint__reference"]
    date_hierarchy = "received_at"
    actions = ["read_again"]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        return [field.name for field in self.model._meta.fields if not field.primary_key]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    # It deletes the row: only for those who may delete rows here.
    @admin.action(description=_("Read again on the next poll"), permissions=["delete"])
    def read_again(self, request: HttpRequest, queryset: QuerySet) -> None:
        for row in queryset.order_by("pk"):
            problem = inbound_email_read_again(row_id=row.pk)
            if problem:
                self.message_user(
                    request,
                    _("%(message)s: %(problem)s") % {"message": row, "problem": problem},
                    messages.ERROR,
                )
            else:
                self.message_user(
                    request,
                    _("%(message)s: marked unread on the server; the next poll reads it again.")
                    % {"message": row},
                    messages.SUCCESS,
                )
