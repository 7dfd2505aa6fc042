"""The satisfaction survey (回访) the customer answers from the link in our reply."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from complaints import errors
from complaints.forms.public_tracking import SurveyForm
from complaints.public_links import LinkExpired, LinkInvalid, read_survey_token, tracking_token
from complaints.selectors.public import complaint_for_link, survey_is_open, web_survey_answered
from complaints.services.customer_portal import survey_answer
from complaints.views.public.abuse import client_ip_key, limited, link_key

SURVEY = "public-survey"


@require_http_methods(["GET", "POST"])
@limited(SURVEY, client_ip_key, link_key, method="POST")
def survey(request: HttpRequest, token: str) -> HttpResponse:
    try:
        link = read_survey_token(token)
        complaint = complaint_for_link(public_token=link.public_token)
    except LinkExpired:
        return render(request, "public/survey_closed.html", {"expired": True}, status=410)
    except LinkInvalid:
        complaint = None
    if complaint is None:
        return render(request, "public/track_unknown.html", status=404)
    context = {
        "complaint": complaint,
        "tracking_url": reverse("public:track", kwargs={"token": tracking_token(complaint)}),
    }
    answer = web_survey_answered(complaint, handling_round=link.handling_round)
    if answer is not None:
        return render(request, "public/survey_done.html", {**context, "answer": answer})
    if not survey_is_open(complaint, handling_round=link.handling_round):
        return render(request, "public/survey_closed.html", context, status=410)
    form = SurveyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            survey_answer(
                complaint=complaint,
                handling_round=link.handling_round,
                satisfaction=form.cleaned_data["satisfaction"],
                resolved=form.cleaned_data["resolved"],
                comment=form.cleaned_data["comment"],
            )
        except errors.InvalidInput as error:
            form.add_service_errors(error)
        except (errors.SurveyAnswered, errors.SurveyClosed):
            pass  # answered or closed a moment ago: the page below says which
        else:
            return redirect("public:survey", token=token)
        if not form.errors:
            return redirect("public:survey", token=token)
    status = 400 if form.errors else 200
    return render(request, "public/survey.html", {**context, "form": form}, status=status)
