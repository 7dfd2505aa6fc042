"""Outside bodies on a case (issue 16 §2) in the API: read, and the inputs of each change."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import User
from complaints.api.serializers.fields import PlausibleDateTimeField, username_of
from complaints.models import BodyKind, OutsideBody, OutsideBodyDocument


class OffSaleOrderSerializer(serializers.Serializer):
    """An order to take a product off sale while an outside body looks into it."""

    id = serializers.IntegerField()
    body_id = serializers.IntegerField()
    product = serializers.CharField()
    order_reference = serializers.CharField()
    ordered_on = serializers.DateField()
    evidence_id = serializers.IntegerField(allow_null=True)
    recorded_by = username_of("recorded_by")
    recorded_at = serializers.DateTimeField()
    done_by = username_of("done_by", null=True)
    done_at = serializers.DateTimeField(allow_null=True)
    done_note = serializers.CharField()


class OutsideBodyDocumentSerializer(serializers.Serializer):
    """A document sent to or received from an outside body (regulator, consumer association,
    court...)."""

    id = serializers.IntegerField()
    evidence_id = serializers.IntegerField()
    direction = serializers.ChoiceField(choices=OutsideBodyDocument.Direction.choices)
    added_by = username_of("added_by")
    added_at = serializers.DateTimeField()


class OutsideBodySerializer(serializers.Serializer):
    """One outside body's matter on the case: how it came, its deadline, what was signed."""

    id = serializers.IntegerField()
    kind = serializers.ChoiceField(choices=BodyKind.choices)
    name = serializers.CharField()
    channel = serializers.ChoiceField(choices=OutsideBody.Channel.choices)
    their_reference = serializers.CharField()
    received_at = serializers.DateTimeField()
    notice = serializers.CharField()
    contact = username_of("contact")
    their_deadline = serializers.DateField(allow_null=True)
    due_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("When the company's answer is due: their date, else the target of the kind."),
    )
    remind_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the contact person is reminded before the deadline.")
    )
    paused_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("Set while the case's pause stops this deadline, as it stops its clocks."),
    )
    breached_at = serializers.DateTimeField(allow_null=True)
    escalated_level = serializers.IntegerField()
    result = serializers.CharField(help_text=_("Empty while the matter is open."))
    result_note = serializers.CharField()
    amount_agreed = serializers.DecimalField(allow_null=True, max_digits=12, decimal_places=2)
    signed_text = serializers.CharField()
    signing_text_code = serializers.CharField()
    signed_at = serializers.DateTimeField(allow_null=True)
    signed_by = username_of("signed_by", null=True)
    closed_at = serializers.DateTimeField(allow_null=True)
    closed_by = username_of("closed_by", null=True)
    documents = OutsideBodyDocumentSerializer(many=True, source="documents.all")
    off_sale_orders = OffSaleOrderSerializer(many=True, source="off_sale_orders.all")


class OutsideBodyInputSerializer(serializers.Serializer):
    """An outside body's matter to record on the case: which body, how it came, its reference and
    deadline."""

    kind = serializers.ChoiceField(choices=BodyKind.choices)
    name = serializers.CharField(max_length=200)
    channel = serializers.ChoiceField(choices=OutsideBody.Channel.choices)
    received_at = PlausibleDateTimeField()
    contact = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        help_text=_("Who answers them for the company."),
    )
    their_reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    notice = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    their_deadline = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The date their notice names; empty: the target of the kind counts."),
    )


class OutsideBodyDocumentInputSerializer(serializers.Serializer):
    """A document exchanged with an outside body, to record on its matter."""

    direction = serializers.ChoiceField(choices=OutsideBodyDocument.Direction.choices)
    evidence_id = serializers.IntegerField(
        help_text=_("One of the case's evidence files (upload it to the case's evidence first).")
    )


class OutsideBodySignInputSerializer(serializers.Serializer):
    """The settlement signed through the outside body (a signing text or free text, and the amount)."""

    signing_text = serializers.CharField(
        max_length=60,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The code of a signing text (GET /signing-texts/)."),
    )
    text = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    amount_agreed = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        default=None,
    )
    signed_at = PlausibleDateTimeField(required=False, allow_null=True, default=None)


class OutsideBodyCloseInputSerializer(serializers.Serializer):
    """How the outside body's matter ended, to close it."""

    result = serializers.ChoiceField(choices=OutsideBody.Result.choices)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")
    amount_agreed = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        default=None,
    )


class OffSaleOrderInputSerializer(serializers.Serializer):
    """A new order to take a product off sale, on an outside body's matter."""

    product = serializers.CharField(max_length=200)
    ordered_on = serializers.DateField()
    order_reference = serializers.CharField(
        max_length=100, required=False, allow_blank=True, default=""
    )
    evidence_id = serializers.IntegerField(required=False, allow_null=True, default=None)


class OffSaleDoneInputSerializer(serializers.Serializer):
    """Confirmation that an off-sale order was carried out."""

    done_by = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("Who took it off sale; empty: the one recording."),
    )
    done_at = PlausibleDateTimeField(required=False, allow_null=True, default=None)
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class SigningTextSerializer(serializers.Serializer):
    """A standard text offered for signing with an outside body."""

    code = serializers.CharField()
    text = serializers.CharField(
        source="local_text", help_text=_("In the reader's language; `{amount}` is the amount.")
    )
    text_zh = serializers.CharField(source="text", help_text=_("As written on the document."))
    kinds = serializers.CharField()
