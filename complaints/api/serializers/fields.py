"""Output fields naming a related row by its stable handle (a code or a username), not its id,
and the customer's contact details as the reader may read them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from complaints.models import ContactField, Customer
from complaints.privacy import Reader, contact_details, contact_details_of, contact_value

if TYPE_CHECKING:
    # A lazy translation (gettext_lazy); the stubs' name for it exists for the type checker only.
    from django.utils.functional import _StrPromise as StrPromise


def code_of(relation: str, *, null: bool = False, **kwargs: Any) -> serializers.CharField:
    """The `code` of a related department or category; null when `null` and it is not set."""
    return serializers.CharField(source=f"{relation}.code", allow_null=null, **kwargs)


def username_of(relation: str, *, null: bool = False, **kwargs: Any) -> serializers.CharField:
    """The username of a related user; null when `null` and it is not set."""
    return serializers.CharField(source=f"{relation}.username", allow_null=null, **kwargs)


class PlausibleDateTimeField(serializers.DateTimeField):
    """A moment from the year 2000 on: an earlier one is a typo, and before 1901 the time zone
    database only knows local mean time (+08:05:43), which no client can read back."""

    EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)

    def to_internal_value(self, value: Any) -> datetime:
        moment = super().to_internal_value(value)
        if moment < self.EARLIEST:
            raise serializers.ValidationError(_("Enter a time from 1 January 2000 on."))
        return moment


CONTACT_DETAIL_HELP: dict[str, StrPromise] = {
    ContactField.PHONE: _("Phone number; masked (e.g. 138****5678) for roles that may not see it."),
    ContactField.EMAIL: _("E-mail address; masked for roles that may not see it."),
    ContactField.ADDRESS: _("Postal address; masked for roles that may not see it."),
}


class ContactDetailField(serializers.CharField):
    """One of the customer's contact details (complaints.models.ContactField) as the request's
    user may read it: complaints.privacy decides, masked or in clear. Every serializer field that
    carries a customer's phone, e-mail or address is one of these (tests/privacy walk them)."""

    def __init__(self, detail: str, **kwargs: Any) -> None:
        self.detail = detail
        kwargs.setdefault("help_text", CONTACT_DETAIL_HELP[detail])
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, customer: Customer) -> str:  # type: ignore[override]
        return contact_value(customer=customer, field=self.detail, user=_reader(self))


class KeptContactDetailField(ContactDetailField):
    """A contact detail kept on another record than the customer's (a lost-property entry's
    phone), read through the same rule (complaints.privacy.contact_details_of)."""

    def __init__(self, detail: str, *, attribute: str, **kwargs: Any) -> None:
        self.attribute = attribute
        super().__init__(detail, **kwargs)

    def to_representation(self, record: Any) -> str:
        given = {self.detail: getattr(record, self.attribute)}
        return str(getattr(contact_details_of(**given, user=_reader(self)), self.detail))


class ContactMaskedField(serializers.BooleanField):
    """Whether some of the customer's contact details are shown masked to the request's user."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("help_text", _("Whether some contact details are shown masked."))
        super().__init__(source="*", read_only=True, **kwargs)

    def to_representation(self, customer: Customer) -> bool:  # type: ignore[override]
        return contact_details(customer=customer, user=_reader(self)).masked


def _reader(field: serializers.Field) -> Reader:
    request = field.context.get("request")
    return getattr(request, "user", None) or AnonymousUser()
