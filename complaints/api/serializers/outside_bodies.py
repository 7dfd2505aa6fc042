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

    id = serializers.IntegerField(help_text=_("The order's id (for confirming it done)."))
    body_id = serializers.IntegerField(help_text=_("The outside body's matter it was made on."))
    product = serializers.CharField(help_text=_("The product to take off sale."))
    order_reference = serializers.CharField(help_text=_("The order's number, when it has one."))
    ordered_on = serializers.DateField(help_text=_("The day the order was given."))
    evidence_id = serializers.IntegerField(
        allow_null=True, help_text=_("The evidence file with the order; null if none.")
    )
    recorded_by = username_of("recorded_by", help_text=_("Who recorded it (username)."))
    recorded_at = serializers.DateTimeField(help_text=_("When it was recorded."))
    done_by = username_of(
        "done_by",
        null=True,
        help_text=_("Who took the product off sale (username); null while not done."),
    )
    done_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was done; null while not done.")
    )
    done_note = serializers.CharField(help_text=_("What was noted when it was done."))


class OutsideBodyDocumentSerializer(serializers.Serializer):
    """A document sent to or received from an outside body (regulator, consumer association,
    court...)."""

    id = serializers.IntegerField(help_text=_("The document's id."))
    evidence_id = serializers.IntegerField(
        help_text=_("The case's evidence file holding the document.")
    )
    direction = serializers.ChoiceField(
        choices=OutsideBodyDocument.Direction.choices,
        help_text=_("`received` from the body or `sent` to it."),
    )
    added_by = username_of("added_by", help_text=_("Who recorded it (username)."))
    added_at = serializers.DateTimeField(help_text=_("When it was recorded."))


class OutsideBodySerializer(serializers.Serializer):
    """One outside body's matter on the case: how it came, its deadline, what was signed."""

    id = serializers.IntegerField(
        help_text=_("The matter's id (for its documents, signing, closing and off-sale orders).")
    )
    kind = serializers.ChoiceField(
        choices=BodyKind.choices,
        help_text=_(
            "What kind of body: a market regulator (12315), a consumer association, a court..."
        ),
    )
    name = serializers.CharField(help_text=_("The body's name, e.g. 朝阳区市场监督管理局."))
    channel = serializers.ChoiceField(
        choices=OutsideBody.Channel.choices, help_text=_("How the matter came to the company.")
    )
    their_reference = serializers.CharField(help_text=_("The body's own reference for the matter."))
    received_at = serializers.DateTimeField(help_text=_("When the company received it."))
    notice = serializers.CharField(help_text=_("What the body asks of the company."))
    contact = username_of(
        "contact", help_text=_("Who answers the body for the company (username).")
    )
    their_deadline = serializers.DateField(
        allow_null=True, help_text=_("The date the body's notice names; null when it names none.")
    )
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
    breached_at = serializers.DateTimeField(
        allow_null=True,
        help_text=_("When the deadline was recorded as missed; null if not missed."),
    )
    escalated_level = serializers.IntegerField(
        help_text=_(
            "How far up the missed deadline was escalated: 0 not, 1 department head, 2 complaint manager, 3 senior management."
        )
    )
    result = serializers.CharField(help_text=_("Empty while the matter is open."))
    result_note = serializers.CharField(help_text=_("How the matter ended, in words."))
    amount_agreed = serializers.DecimalField(
        allow_null=True,
        max_digits=12,
        decimal_places=2,
        help_text=_("The amount agreed through the body, in yuan; null when none."),
    )
    signed_text = serializers.CharField(
        help_text=_("What the company wrote when signing the body's document, as written.")
    )
    signing_text_code = serializers.CharField(
        help_text=_("The code of the standard signing text it came from; empty for free text.")
    )
    signed_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When it was signed; null before.")
    )
    signed_by = username_of(
        "signed_by", null=True, help_text=_("Who signed it (username); null before.")
    )
    closed_at = serializers.DateTimeField(
        allow_null=True, help_text=_("When the matter was closed; null while open.")
    )
    closed_by = username_of(
        "closed_by", null=True, help_text=_("Who closed it (username); null while open.")
    )
    documents = OutsideBodyDocumentSerializer(
        many=True,
        source="documents.all",
        help_text=_("Documents sent to or received from the body, oldest first."),
    )
    off_sale_orders = OffSaleOrderSerializer(
        many=True,
        source="off_sale_orders.all",
        help_text=_("Orders to take a product off sale made on this matter."),
    )


class OutsideBodyInputSerializer(serializers.Serializer):
    """An outside body's matter to record on the case: which body, how it came, its reference and
    deadline."""

    kind = serializers.ChoiceField(
        choices=BodyKind.choices, help_text=_("What kind of body; it sets the default deadline.")
    )
    name = serializers.CharField(
        max_length=200, help_text=_("The body's name, e.g. 朝阳区市场监督管理局.")
    )
    channel = serializers.ChoiceField(
        choices=OutsideBody.Channel.choices, help_text=_("How the matter came to the company.")
    )
    received_at = PlausibleDateTimeField(help_text=_("When the company received it."))
    contact = serializers.SlugRelatedField(
        slug_field="username",
        queryset=User.objects.filter(is_active=True),
        help_text=_("Who answers them for the company."),
    )
    their_reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The body's own reference for the matter."),
    )
    notice = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What the body asks of the company."),
    )
    their_deadline = serializers.DateField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The date their notice names; empty: the target of the kind counts."),
    )


class OutsideBodyDocumentInputSerializer(serializers.Serializer):
    """A document exchanged with an outside body, to record on its matter."""

    direction = serializers.ChoiceField(
        choices=OutsideBodyDocument.Direction.choices,
        help_text=_("`received` from the body or `sent` to it."),
    )
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
    text = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Free text written when signing, instead of a standard signing text."),
    )
    amount_agreed = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The amount agreed, in yuan; it fills `{amount}` in a signing text."),
    )
    signed_at = PlausibleDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When it was signed; now when not given."),
    )


class OutsideBodyCloseInputSerializer(serializers.Serializer):
    """How the outside body's matter ended, to close it."""

    result = serializers.ChoiceField(
        choices=OutsideBody.Result.choices, help_text=_("How the matter ended.")
    )
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("How it ended, in words."),
    )
    amount_agreed = serializers.DecimalField(
        max_digits=12,
        decimal_places=2,
        min_value=Decimal(0),
        required=False,
        allow_null=True,
        default=None,
        help_text=_("The amount agreed, in yuan, when there is one."),
    )


class OffSaleOrderInputSerializer(serializers.Serializer):
    """A new order to take a product off sale, on an outside body's matter."""

    product = serializers.CharField(max_length=200, help_text=_("The product to take off sale."))
    ordered_on = serializers.DateField(help_text=_("The day the order was given."))
    order_reference = serializers.CharField(
        max_length=100,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("The order's number, when it has one."),
    )
    evidence_id = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("One of the case's evidence files holding the order, if any."),
    )


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
    done_at = PlausibleDateTimeField(
        required=False,
        allow_null=True,
        default=None,
        help_text=_("When the product was taken off sale; now when not given."),
    )
    note = serializers.CharField(
        max_length=2000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("What was noted."),
    )


class SigningTextSerializer(serializers.Serializer):
    """A standard text offered for signing with an outside body."""

    code = serializers.CharField(
        help_text=_("The text's code, to send as `signing_text` when signing.")
    )
    text = serializers.CharField(
        source="local_text", help_text=_("In the reader's language; `{amount}` is the amount.")
    )
    text_zh = serializers.CharField(source="text", help_text=_("As written on the document."))
    kinds = serializers.CharField(
        help_text=_("The kinds of body it is offered for, comma-separated codes; empty: all.")
    )
