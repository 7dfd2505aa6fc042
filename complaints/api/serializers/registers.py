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

    id = serializers.IntegerField(help_text=_("The file's id."))
    name = serializers.CharField(
        source="original_name", help_text=_("The file's name as uploaded.")
    )
    content_type = serializers.CharField(help_text=_("The type found in the file's content."))
    size = serializers.IntegerField(help_text=_("Size in bytes."))
    sha256 = serializers.CharField(help_text=_("SHA-256 of the stored bytes, hex."))
    uploaded_at = serializers.DateTimeField(help_text=_("When it was uploaded."))


class LegalDocumentSerializer(serializers.Serializer):
    """A legal document received (summons, lawyer's letter...) in the register, with its handling."""

    id = serializers.IntegerField(help_text=_("The entry's id."))
    code = serializers.CharField(help_text=_("The entry's number in the register, e.g. LD-00001."))
    kind = serializers.ChoiceField(
        choices=LegalDocument.Kind.choices,
        help_text=_(
            "What kind of document: a lawyer's letter, court, procuratorate or police papers..."
        ),
    )
    received_at = serializers.DateTimeField(help_text=_("When it was received."))
    received_by = username_of("received_by", help_text=_("Who received it (username)."))
    sender = serializers.CharField(
        help_text=_("Who sent it: the court, police station or law firm.")
    )
    their_reference = serializers.CharField(
        help_text=_("The case or letter number printed on the papers.")
    )
    delivered_by = serializers.CharField(help_text=_("Who delivered it (name, as they gave it)."))
    identity_check = serializers.ChoiceField(
        choices=LegalDocument.IdentityCheck.choices,
        help_text=_("Which identity document of the deliverer was seen."),
    )
    addressee = serializers.CharField(help_text=_("Who the papers are addressed to, as written."))
    addressee_matches = serializers.BooleanField(
        help_text=_("Whether the addressee matches the company's registered name letter by letter.")
    )
    receipt = serializers.ChoiceField(
        choices=LegalDocument.Receipt.choices,
        help_text=_("A lawyer's letter is never `signed`."),
    )
    signed_by = username_of(
        "signed_by", null=True, help_text=_("Who signed for it (username); null unless `signed`.")
    )
    original_received = serializers.BooleanField(help_text=_("Whether the original is in hand."))
    evidence_enclosed = serializers.BooleanField(
        help_text=_("Whether the other side's evidence was enclosed.")
    )
    evidence_inquiry = serializers.CharField(
        help_text=_("What was asked about evidence not enclosed, and the answer.")
    )
    summary = serializers.CharField(help_text=_("What it is about."))
    complaint = serializers.CharField(
        source="case_reference",
        help_text=_("The complaint's reference; empty when none or not yours to read."),
    )
    note = serializers.CharField(help_text=_("A note on the entry."))
    management_notified_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When senior management was told; null before.")
    )
    forwarded_to_department = serializers.CharField(
        source="forwarded_to_department.code",
        allow_null=True,
        help_text=_("The code of the department it was forwarded to; null before."),
    )
    forwarded_to = username_of(
        "forwarded_to",
        null=True,
        help_text=_("The person it was forwarded to (username); null when only to a department."),
    )
    forwarded_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was forwarded; null before.")
    )
    files = LegalDocumentFileSerializer(
        many=True, source="files.all", help_text=_("The scans attached to it.")
    )


class LegalDocumentInputSerializer(serializers.Serializer):
    """A legal document to record in the register."""

    kind = serializers.ChoiceField(
        choices=LegalDocument.Kind.choices,
        help_text=_(
            "What kind of document: a lawyer's letter, court, procuratorate or police papers..."
        ),
    )
    received_at = PlausibleDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When it was received; now when not given."),
    )
    received_by = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("A username; empty: you.")
    )
    sender = serializers.CharField(
        max_length=200, help_text=_("Who sent it: the court, police station or law firm.")
    )
    their_reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The case or letter number printed on the papers."),
    )
    delivered_by = serializers.CharField(
        max_length=100, help_text=_("Who delivered it (name, as they gave it).")
    )
    identity_check = serializers.ChoiceField(
        choices=LegalDocument.IdentityCheck.choices,
        help_text=_("Which identity document of the deliverer was seen."),
    )
    addressee = serializers.CharField(
        max_length=200, help_text=_("Who the papers are addressed to, as written.")
    )
    addressee_matches = serializers.BooleanField(
        help_text=_("Whether the addressee matches the company's registered name letter by letter.")
    )
    receipt = serializers.ChoiceField(
        choices=LegalDocument.Receipt.choices,
        help_text=_(
            "Whether it was signed for, left unsigned or refused (a lawyer's letter is never `signed`)."
        ),
    )
    signed_by = serializers.CharField(
        required=False, allow_blank=True, default="", help_text=_("A username; when `signed`.")
    )
    original_received = serializers.BooleanField(
        required=False, default=False, help_text=_("Whether the original is in hand.")
    )
    evidence_enclosed = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Whether the other side's evidence was enclosed."),
    )
    evidence_inquiry = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What was asked about evidence not enclosed, and the answer."),
    )
    summary = serializers.CharField(max_length=2000, help_text=_("What it is about."))
    complaint = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text=_("A reference.")
    )
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A note on the entry."),
    )


class LegalForwardInputSerializer(serializers.Serializer):
    """Forwarding a legal document to the person or department that handles it."""

    department = serializers.CharField(max_length=40, help_text=_("The department's code."))
    person = serializers.CharField(
        max_length=150, required=False, allow_blank=True, default="", help_text=_("A username.")
    )
    forwarded_at = PlausibleDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When it was forwarded; now when not given."),
    )


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

    id = serializers.IntegerField(help_text=_("The entry's id."))
    code = serializers.CharField(help_text=_("The entry's number in the register, e.g. LP-00001."))
    kind = serializers.ChoiceField(
        choices=LostProperty.Kind.choices, help_text=_("Lost, stolen, or snatched or robbed.")
    )
    customer_name = serializers.CharField(help_text=_("The customer's name."))
    customer_phone = KeptContactDetailField(ContactField.PHONE, attribute="customer_phone")
    lost_at = serializers.DateTimeField(
        help_text=_("When the customer last had it, as near as they can say.")
    )
    department = serializers.CharField(
        source="department.code",
        allow_null=True,
        help_text=_("The code of the store department where it happened; null when not known."),
    )
    area = serializers.CharField(help_text=_("Floor and area, e.g. “2F sofas”, “car park B1”."))
    description = serializers.CharField(help_text=_("What was lost."))
    contents = serializers.CharField(help_text=_("What was inside it."))
    police_report_number = serializers.CharField(
        help_text=_("The police report's number, when reported.")
    )
    outcome = serializers.ChoiceField(
        choices=LostProperty.Outcome.choices,
        help_text=_("Still looked for, found and returned, not found, or left to the police."),
    )
    outcome_note = serializers.CharField(help_text=_("How it ended, in words."))
    outcome_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the outcome was recorded; null while open.")
    )
    complaint = serializers.CharField(
        source="case_reference",
        help_text=_("The complaint's reference; empty when none or not yours to read."),
    )
    recorded_by = username_of("recorded_by", help_text=_("Who recorded the entry (username)."))


class LostPropertyInputSerializer(serializers.Serializer):
    """A lost-property entry to record in the register."""

    kind = serializers.ChoiceField(
        choices=LostProperty.Kind.choices,
        required=False,
        default=LostProperty.Kind.LOST,
        help_text=_("Lost (the default), stolen, or snatched or robbed."),
    )
    customer_name = serializers.CharField(max_length=100, help_text=_("The customer's name."))
    customer_phone = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The customer's phone, to call them back."),
    )
    lost_at = PlausibleDateTimeField(
        help_text=_("When the customer last had it, as near as they can say.")
    )
    department = serializers.CharField(
        max_length=40,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("A department code."),
    )
    area = serializers.CharField(
        max_length=100, help_text=_("Floor and area, e.g. “2F sofas”, “car park B1”.")
    )
    description = serializers.CharField(max_length=200, help_text=_("What was lost."))
    contents = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What was inside it."),
    )
    police_report_number = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The police report's number, when reported."),
    )
    complaint = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="", help_text=_("A reference.")
    )


class LostOutcomeInputSerializer(serializers.Serializer):
    """How a lost-property entry ended (returned, handed over, disposed of...)."""

    outcome = serializers.ChoiceField(
        choices=[c for c in LostProperty.Outcome.choices if c[0] != LostProperty.Outcome.OPEN],
        help_text=_("How it ended: found and returned, not found, or left to the police."),
    )
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("How it ended, in words."),
    )
    police_report_number = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The police report's number, when reported."),
    )


class CountSerializer(serializers.Serializer):
    """A label and how many entries it counts."""

    name = serializers.CharField(
        help_text=_("What is counted: a kind's code, a department's name or an area as recorded.")
    )
    count = serializers.IntegerField(help_text=_("How many entries."))


class LostPropertyMonthSerializer(serializers.Serializer):
    """Lost-property statistics of one month."""

    month = serializers.CharField(help_text=_("YYYY-MM, local time (settings.TIME_ZONE)."))
    total = serializers.IntegerField(help_text=_("Entries recorded in the month."))
    returned = serializers.IntegerField(help_text=_("Of them, found and returned."))
    by_kind = CountSerializer(many=True, help_text=_("Entries by kind, most first."))
    by_department = CountSerializer(many=True, help_text=_("The department name; “not known”."))
    by_area = CountSerializer(many=True, help_text=_("Entries by area, most first."))
    by_hour = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("24 counts, local hours 0-23.")
    )
