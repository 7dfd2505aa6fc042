"""客户档案: finding customers again and keeping one record per person."""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from complaints.domain.contact_details import normalize_email, normalize_phone
from complaints.errors import InvalidInput
from complaints.models import Customer
from complaints.selectors.customers import customer_find


def customer_details_errors(*, name: str, phone: str = "", email: str = "") -> dict[str, list[str]]:
    """What is wrong with a new customer's details (empty when nothing), every field at once."""
    errors: dict[str, list[str]] = {}
    if not (name or "").strip():
        errors["name"] = [_("Enter the customer's name.")]
    try:
        phone = normalize_phone(phone)
    except InvalidInput as error:
        errors.update(error.fields)
    else:
        if not phone and not normalize_email(email):
            errors["phone"] = [_("Give a phone number or an e-mail address to reach the customer.")]
    return errors


def customer_get_or_create(
    *,
    name: str,
    phone: str = "",
    email: str = "",
    address: str = "",
    region: str = "",
    language: str = "",
) -> tuple[Customer, bool]:
    """Reuse the known customer (filling in details they lacked) or create one; never a duplicate.
    Call inside the transaction that records their complaint (the customer row is locked)."""
    errors = customer_details_errors(name=name, phone=phone, email=email)
    if errors:
        raise InvalidInput(errors)
    phone = normalize_phone(phone)
    email = normalize_email(email)

    existing = customer_find(phone=phone, email=email)
    if existing is not None:
        # Locked until the new complaint is written, and read again: a record anonymised in the
        # meantime (complaints.services.retention) is never given the new case.
        existing = (
            Customer.objects.select_for_update()
            .filter(pk=existing.pk, anonymised_at__isnull=True)
            .first()
        )
    if existing is not None:
        _fill_blanks(
            existing, phone=phone, email=email, address=address, region=region, language=language
        )
        return existing, False
    try:
        with transaction.atomic():
            customer = Customer.objects.create(
                name=name.strip(),
                phone=phone,
                email=email,
                address=address,
                region=region,
                language=language,
            )
    except IntegrityError:
        # Another intake created the same phone number a moment ago: use that record.
        return Customer.objects.get(phone=phone), False
    return customer, True


def _fill_blanks(customer: Customer, **details: str) -> None:
    changed = []
    for field, value in details.items():
        if value and not getattr(customer, field):
            if field == "phone" and Customer.objects.filter(phone=value).exists():
                continue
            setattr(customer, field, value)
            changed.append(field)
    if changed:
        customer.save(update_fields=[*changed, "updated_at"])
