"""Related and duplicate complaints (issue 18 §4)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.models import Complaint


class PossibleDuplicateSerializer(serializers.Serializer):
    """A case the complaint may repeat: same customer (phone, e-mail) or same order number, open
    or ended within COMPLAINTS_DUPLICATE_WINDOW_DAYS days."""

    reference = serializers.CharField(help_text=_("The other complaint's reference."))
    state = serializers.CharField(help_text=_("Its state (a `state` code of the complaint)."))
    subject = serializers.CharField(help_text=_("Its subject."))
    received_at = serializers.DateTimeField(help_text=_("When it was received."))
    same_order = serializers.BooleanField(
        help_text=_("True: the order number matched; false: the customer did.")
    )
    same_customer = serializers.SerializerMethodField(
        help_text=_("Whether it is the same customer record.")
    )

    def get_same_customer(self, complaint: Complaint) -> bool:
        return bool(complaint.customer_id == self.context["customer_id"])


class LinkedComplaintSerializer(serializers.Serializer):
    """A complaint linked to this one: related (both go on) or a duplicate merge."""

    reference = serializers.CharField(source="complaint.reference", help_text=_("Its reference."))
    state = serializers.CharField(source="complaint.state", help_text=_("Its state."))
    subject = serializers.CharField(source="complaint.subject", help_text=_("Its subject."))
    link = serializers.CharField(
        source="kind", help_text=_("`related`, or `duplicate` for a merge.")
    )
    merged_here = serializers.BooleanField(
        help_text=_("For a merge: true when that complaint was merged into this one.")
    )
    at = serializers.DateTimeField(help_text=_("When they were linked."))


class LinkInputSerializer(serializers.Serializer):
    """Link the complaint to another as related."""

    other = serializers.CharField(
        max_length=20, help_text=_("The other complaint's reference, e.g. CP-2026-000123.")
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("Why, in a few words.")
    )


class MergeInputSerializer(serializers.Serializer):
    """Merge the complaint into another as a duplicate."""

    into = serializers.CharField(
        max_length=20, help_text=_("The reference of the complaint that goes on.")
    )
    comment = serializers.CharField(
        required=False, allow_blank=True, max_length=2000, help_text=_("Why, in a few words.")
    )
    confirm_other_customer = serializers.BooleanField(
        required=False,
        default=False,
        help_text=_("Required true when the two complaints are from different customers."),
    )
    version = serializers.IntegerField(
        required=False,
        min_value=1,
        max_value=2**31 - 1,
        help_text=_("This complaint's version the merge is based on (or send If-Match)."),
    )
