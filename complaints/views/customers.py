"""The customer page (客户档案): contact details, their complaints and the contact history."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from complaints.errors import NotFound
from complaints.models import Outcome, Remedy
from complaints.privacy import contact_details
from complaints.selectors import (
    customer_complaints,
    customer_contact_history,
    customer_get_for_user,
)
from complaints.selectors.duplicates import customer_repeat_standing


@login_required
def customer_detail(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        customer = customer_get_for_user(user=request.user, pk=pk)
    except NotFound as error:
        raise Http404(error.message) from error
    complaints = list(customer_complaints(user=request.user, customer=customer))
    scores = [c.satisfaction for c in complaints if c.satisfaction is not None]
    return render(
        request,
        "staff/customers/detail.html",
        {
            "customer": customer,
            "contact": contact_details(customer=customer, user=request.user),
            "complaints": complaints,
            "open_count": sum(1 for c in complaints if c.is_open),
            "average_satisfaction": sum(scores) / len(scores) if scores else None,
            "contacts": customer_contact_history(user=request.user, customer=customer),
            "repeat": customer_repeat_standing(customer_id=customer.pk),
            "outcome_labels": dict(Outcome.choices),
            "remedy_labels": dict(Remedy.choices),
        },
    )
