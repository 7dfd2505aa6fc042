"""Improvement actions (整改措施, issue 18 §1) in the API: what is read, and what a request to
start, move, link or add files to an action carries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.api.serializers.fields import username_of
from complaints.domain.improvement import MOVES
from complaints.models import ActionOrigin, ActionStatus, RootCause


class ImprovementActionFileSerializer(serializers.Serializer):
    """A file showing what was done, checked by content like evidence."""

    id = serializers.IntegerField(help_text=_("The file's id, for its download."))
    name = serializers.CharField(source="original_name", help_text=_("The name it was sent with."))
    content_type = serializers.CharField(help_text=_("Its type, as its content was checked."))
    size = serializers.IntegerField(help_text=_("Its size in bytes."))
    sha256 = serializers.CharField(help_text=_("Its SHA-256 checksum."))
    uploaded_by = username_of("uploaded_by", help_text=_("Who attached it (a username)."))
    uploaded_at = serializers.DateTimeField(help_text=_("When it was attached."))


class ImprovementActionSerializer(serializers.Serializer):
    """An improvement action: what is to change, who owns it by when, what was done with its
    files, and the check of its effect with the figures the verifier saw."""

    id = serializers.IntegerField(help_text=_("The action's number."))
    title = serializers.CharField(help_text=_("What is to change."))
    description = serializers.CharField(help_text=_("Details; may be empty."))
    root_cause = serializers.ChoiceField(
        choices=RootCause.choices, help_text=_("The root cause category.")
    )
    origin = serializers.ChoiceField(
        choices=ActionOrigin.choices,
        help_text=_("Started from a case, from a recurring problem of the reports, or on its own."),
    )
    status = serializers.ChoiceField(choices=ActionStatus.choices, help_text=_("Where it stands."))
    category = serializers.CharField(
        source="category.code",
        allow_null=True,
        help_text=_("The category whose complaints the effect is counted on (its code)."),
    )
    product = serializers.CharField(
        help_text=_("The product or service the effect is counted on; may be empty.")
    )
    department = serializers.CharField(
        source="department.code", help_text=_("The owning department's code.")
    )
    owner = username_of("owner", help_text=_("The owner's username."))
    due_at = serializers.DateTimeField(help_text=_("When it is due (end of the working day)."))
    overdue = serializers.BooleanField(help_text=_("Still to do and past its due time."))
    escalated_level = serializers.IntegerField(
        help_text=_("The escalation level reached after its due time (0: none).")
    )
    started_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the owner started the work.")
    )
    done_at = serializers.DateTimeField(allow_null=True, help_text=_("When it was recorded done."))
    done_by = username_of("done_by", null=True, help_text=_("Who recorded it done."))
    evidence = serializers.CharField(help_text=_("The evidence of what was done, in words."))
    files = ImprovementActionFileSerializer(
        many=True, source="files.all", help_text=_("Files showing what was done.")
    )
    check_days = serializers.IntegerField(
        help_text=_("Days compared before and after the day it was done.")
    )
    verified_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When its effect was verified.")
    )
    verified_by = username_of("verified_by", null=True, help_text=_("Who verified its effect."))
    verification_note = serializers.CharField(help_text=_("What the check found."))
    effect_before = serializers.IntegerField(
        allow_null=True,
        help_text=_("Once verified: complaints of its category/product in the days before."),
    )
    effect_after = serializers.IntegerField(
        allow_null=True,
        help_text=_("Once verified: complaints of its category/product in the days after."),
    )
    complaints = serializers.ListField(
        child=serializers.CharField(),
        source="case_references",
        help_text=_("References of the linked cases you may read."),
    )
    moves = serializers.ListField(
        child=serializers.ChoiceField(choices=[(m, m) for m in MOVES]),
        help_text=_("The moves you may make now (`start`, `complete`, `verify`)."),
    )
    created_by = username_of("created_by", help_text=_("Who started the action."))
    created_at = serializers.DateTimeField(help_text=_("When it was started."))


class ImprovementActionInputSerializer(serializers.Serializer):
    """An improvement action to start: from a case (`complaint`), from a row of the reports
    (`category` and/or `product` with `from_report`), or on its own."""

    title = serializers.CharField(max_length=200, help_text=_("What is to change."))
    description = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What is to be done in detail: the steps, where and by whom (plain text)."),
    )
    root_cause = serializers.ChoiceField(
        choices=RootCause.choices, help_text=_("The root cause category.")
    )
    department = serializers.CharField(max_length=40, help_text=_("The owning department's code."))
    owner = serializers.CharField(max_length=150, help_text=_("The owner's username."))
    due_date = serializers.DateField(
        help_text=_("The local day it is due: a working day of the department's calendar.")
    )
    category = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A category's code: the effect is counted on its complaints."),
    )
    product = serializers.CharField(
        max_length=200,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A product or service: the effect is counted on its complaints."),
    )
    complaint = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The reference of the case it follows from."),
    )
    from_report = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Started from a recurring problem of the reports."),
    )
    check_days = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=1,
        max_value=366,
        help_text=_("Days compared before and after it; absent: the default."),
    )


class ImprovementStartInputSerializer(serializers.Serializer):
    """The owner starts the work."""

    note = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default="", help_text=_("A note.")
    )


class ImprovementCompleteInputSerializer(serializers.Serializer):
    """The owner records the action done, with the evidence of what was done (files are
    attached with `files/`, before or after)."""

    evidence = serializers.CharField(
        max_length=4000,
        allow_blank=True,
        help_text=_("What changed, where it is written down, who was trained and when."),
    )


class ImprovementVerifyInputSerializer(serializers.Serializer):
    """A complaint manager's check of the effect, once the period after the action is over."""

    effective = serializers.BooleanField(
        allow_null=True, help_text=_("Whether the action was effective.")
    )
    note = serializers.CharField(
        max_length=4000, allow_blank=True, help_text=_("What the check found.")
    )


class ImprovementLinkInputSerializer(serializers.Serializer):
    """Another case the action follows from."""

    complaint = serializers.CharField(max_length=40, help_text=_("The case's reference."))


class ImprovementFilesInputSerializer(serializers.Serializer):
    """Files showing what was done."""

    files = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        help_text=_("Photos, PDF or office documents (repeat the field); checked by content."),
    )
