"""The registers beside the cases in the API (seed 004 §九 legal documents, §五.3 H lost
property): what is read, and what a request to record or change an entry carries."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.api.serializers.fields import (
    KeptContactDetailField,
    PlausibleDateTimeField,
    username_of,
)
from complaints.models import ContactField, LegalDocument, LostProperty


class LegalDocumentFileSerializer(serializers.Serializer):
    """A file attached to a legal document."""

    id = serializers.IntegerField()
    name = serializers.CharField(source="original_name")
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class LegalDocumentSerializer(serializers.Serializer):
    """A legal document received (summons, lawyer's letter...) in the register, with its handling."""

    id = serializers.IntegerField()
    code = serializers.CharField(help_text=_("LD-00001"))
    kind = serializers.ChoiceField(choices=LegalDocument.Kind.choices)
    received_at = serializers.DateTimeField()
    received_by = username_of("received_by")
    sender = serializers.CharField()
    their_reference = serializers.CharField()
    delivered_by = serializers.CharField()
    identity_check = serializers.ChoiceField(choices=LegalDocument.IdentityCheck.choices)
    addressee = serializers.CharField()
    addressee_matches = serializers.BooleanField()
    receipt = serializers.ChoiceField(
        choices=LegalDocument.Receipt.choices,
        help_text=_("A lawyer's letter is never `signed`."),
    )
    signed_by = username_of("signed_by", null=True)
    original_received = serializers.BooleanField()
    evidence_enclosed = serializers.BooleanField()
    evidence_inquiry = serializers.CharField()
    summary = serializers.CharField()
    complaint = serializers.CharField(
        source="case_reference",
        help_text=_("The complaint's reference; empty when none or not yours to read."),
    )
    note = serializers.CharField()
    management_notified_at = serializers.DateTimeField(allow_null=True)
    forwarded_to_department = serializers.CharField(
        source="forwarded_to_department.code", allow_null=True
    )
    forwarded_to = username_of("forwarded_to", null=True)
    forwarded_at = serializers.DateTimeField(allow_null=True)
    files = LegalDocumentFileSerializer(many=True, source="files.all")


class LegalDocumentInputSerializer(serializers.Serializer):
    """A legal document to record in the register."""

    kind = serializers.ChoiceField(choices=LegalDocument.Kind.choices)
    received_at = PlausibleDateTimeField(required=False, allow_null=True, default=None)
    received_by = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("A username; empty: you.")
    )
    sender = serializers.CharField(max_length=200)
    their_reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    delivered_by = serializers.CharField(max_length=100)
    identity_check = serializers.ChoiceField(choices=LegalDocument.IdentityCheck.choices)
    addressee = serializers.CharField(max_length=200)
    addressee_matches = serializers.BooleanField()
    receipt = serializers.ChoiceField(choices=LegalDocument.Receipt.choices)
    signed_by = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("A username; when `signed`.")
    )
    original_received = serializers.BooleanField(required=False, default=False)
    evidence_enclosed = serializers.BooleanField(required=False, default=False)
    evidence_inquiry = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    summary = serializers.CharField(max_length=2000)
    complaint = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text=_("A reference.")
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class LegalForwardInputSerializer(serializers.Serializer):
    """Forwarding a legal document to the person or department that handles it."""

    department = serializers.CharField(max_length=40, help_text=_("The department's code."))
    person = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default="", help_text=_("A username.")
    )
    forwarded_at = PlausibleDateTimeField(required=False, allow_null=True, default=None)


class LegalFilesInputSerializer(serializers.Serializer):
    """Scans to attach to a legal document of the register."""

    files = serializers.ListField(
        child=serializers.FileField(),
        min_length=1,
        help_text=_("Scans of the papers (repeat the field); checked by content like evidence."),
    )


class RegisterLinkInputSerializer(serializers.Serializer):
    """The complaint a register entry belongs to, linked after the entry was recorded (once)."""

    complaint = serializers.CharField(
        max_length=40, help_text=_("The reference of a complaint you may read.")
    )


class LostPropertySerializer(serializers.Serializer):
    """The customer's phone is masked for roles without `view_customer_pii` (complaints.privacy)."""

    id = serializers.IntegerField()
    code = serializers.CharField(help_text=_("LP-00001"))
    kind = serializers.ChoiceField(choices=LostProperty.Kind.choices)
    customer_name = serializers.CharField()
    customer_phone = KeptContactDetailField(ContactField.PHONE, attribute="customer_phone")
    lost_at = serializers.DateTimeField()
    department = serializers.CharField(source="department.code", allow_null=True)
    area = serializers.CharField()
    description = serializers.CharField()
    contents = serializers.CharField()
    police_report_number = serializers.CharField()
    outcome = serializers.ChoiceField(choices=LostProperty.Outcome.choices)
    outcome_note = serializers.CharField()
    outcome_at = serializers.DateTimeField(allow_null=True)
    complaint = serializers.CharField(
        source="case_reference",
        help_text=_("The complaint's reference; empty when none or not yours to read."),
    )
    recorded_by = username_of("recorded_by")


class LostPropertyInputSerializer(serializers.Serializer):
    """A lost-property entry to record in the register."""

    kind = serializers.ChoiceField(
        choices=LostProperty.Kind.choices, required=False, default=LostProperty.Kind.LOST
    )
    customer_name = serializers.CharField(max_length=100)
    customer_phone = serializers.CharField(
        max_length=32, required=False, allow_blank=True, default=""
    )
    lost_at = PlausibleDateTimeField()
    department = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A department code."),
    )
    area = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=200)
    contents = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    police_report_number = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )
    complaint = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text=_("A reference.")
    )


class LostOutcomeInputSerializer(serializers.Serializer):
    """How a lost-property entry ended (returned, handed over, disposed of...)."""

    outcome = serializers.ChoiceField(
        choices=[c for c in LostProperty.Outcome.choices if c[0] != LostProperty.Outcome.OPEN]
    )
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    police_report_number = serializers.CharField(
        max_length=60, required=False, allow_blank=True, default=""
    )


class CountSerializer(serializers.Serializer):
    """A label and how many entries it counts."""

    name = serializers.CharField()
    count = serializers.IntegerField()


class LostPropertyMonthSerializer(serializers.Serializer):
    """Lost-property statistics of one month."""

    month = serializers.CharField(help_text=_("YYYY-MM, local time (settings.TIME_ZONE)."))
    total = serializers.IntegerField()
    returned = serializers.IntegerField()
    by_kind = CountSerializer(many=True)
    by_department = CountSerializer(many=True, help_text=_("The department name; “not known”."))
    by_area = CountSerializer(many=True)
    by_hour = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("24 counts, local hours 0-23.")
    )
