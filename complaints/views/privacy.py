"""The reveal report: every masked contact detail someone chose to see, for the auditors."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from complaints.forms.privacy import RevealFilterForm
from complaints.selectors.privacy import RevealFilters, contact_reveals, reveal_people

READ_REVEALS = "complaints.view_contactreveal"
PAGE_SIZE = 50


@login_required
@require_GET
def contact_reveal_report(request: HttpRequest) -> HttpResponse:
    if not request.user.has_perm(READ_REVEALS):
        raise PermissionDenied(_("The reveal report is for auditors."))
    form = RevealFilterForm(request.GET or None, people=reveal_people())
    filters = RevealFilters()
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        filters = RevealFilters(
            person=data["person"].pk if data["person"] else None,
            customer=data["customer"],
            field=data["field"],
            date_from=data["date_from"],
            date_to=data["date_to"],
        )
    page = Paginator(contact_reveals(filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "staff/audit/reveals.html",
        {
            "form": form,
            "page": page,
            "rows": page.object_list,
            "filtered": filters != RevealFilters(),
            "nav_active": "reveals",
        },
    )
