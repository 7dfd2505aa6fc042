"""The complaint admin. Every change goes through the services: routing fields through
complaint_triage, stage changes through complaint_transition, both with the admin user as actor,
so the timeline, the version check and the permission rules are the same as on every other door.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from accounts.tree import in_tree_order, tree_label
from complaints.admin.common import ExactContactSearch, scope_to_visible
from complaints.admin.complaint_form import (
    REFUSAL_ATTR,
    ROUTING_FIELDS,
    TRANSITION_INPUTS,
    ComplaintAdminForm,
    ServiceRefused,
)
from complaints.admin.inlines import (
    CaseEventInline,
    CustomerContactInline,
    DecisionInline,
    EvidenceInline,
    FollowUpInline,
    HandoffInline,
)
from complaints.admin.outside_bodies import OutsideBodyInline
from complaints.admin.procedures import AgreementInline, QualityReferralInline
from complaints.errors import ComplaintError, InvalidInput
from complaints.models import Complaint
from complaints.selectors.categories import categories_for_picker
from complaints.services import TRANSITIONS, complaint_transition, complaint_triage

# Transitions that need no input can run on many cases at once from the list. Withdrawal is one
# customer's act, final and not guarded by any condition: it is recorded case by case, on the form.
BULK_TRANSITIONS = [
    name for name, spec in TRANSITIONS.items() if not spec.inputs and name != "withdraw"
]
WORKFLOW_PERMS = (
    "triage_complaint",
    "answer_on_spot",
    "reject_complaint",
    "investigate_complaint",
    "decide_complaint",
    "reply_to_customer",
    "follow_up_complaint",
    "withdraw_complaint",
)


def _transition_action(name: str) -> Callable:
    def run(modeladmin: ComplaintAdmin, request: HttpRequest, queryset: QuerySet) -> None:
        modeladmin.run_transition(request, queryset, name)

    run.__name__ = f"transition_{name}"
    return admin.action(description=TRANSITIONS[name].label, permissions=["workflow"])(run)


class CategoryListFilter(admin.RelatedFieldListFilter):
    """Categories as a tree, parents before their children (one query)."""

    def field_choices(self, field, request, model_admin):
        return [
            (category.pk, tree_label(category.name, depth))
            for category, depth in in_tree_order(categories_for_picker(active_only=False))
        ]


def _triage(**arguments) -> Complaint:
    """complaint_triage, its comment's errors shown on this form's triage comment."""
    try:
        return complaint_triage(**arguments)
    except InvalidInput as error:
        fields = {("triage_comment" if k == "comment" else k): v for k, v in error.fields.items()}
        raise InvalidInput(fields, error.message) from error


@admin.register(Complaint)
class ComplaintAdmin(ExactContactSearch, admin.ModelAdmin):
    form = ComplaintAdminForm
    list_display = (
        "reference",
        "subject",
        "customer",
        "state",
        "severity",
        "channel",
        "department",
        "assignee",
        "escalation_level",
        "received_at",
    )
    list_filter = (
        "state",
        "severity",
        "channel",
        "department",
        "escalation_level",
        ("category", CategoryListFilter),
    )
    list_select_related = ("customer", "department", "assignee")
    # The customer's phone and e-mail are searched exactly (ExactContactSearch).
    search_fields = ("reference", "subject", "customer__name")
    contact_path = "customer__"
    date_hierarchy = "received_at"
    autocomplete_fields = ("category", "department", "assignee")
    inlines = [
        CaseEventInline,
        HandoffInline,
        EvidenceInline,
        DecisionInline,
        CustomerContactInline,
        FollowUpInline,
        OutsideBodyInline,
        AgreementInline,
        QualityReferralInline,
    ]
    actions = [_transition_action(name) for name in BULK_TRANSITIONS]

    # --- who may do what ---

    def get_queryset(self, request: HttpRequest) -> QuerySet[Complaint]:
        return scope_to_visible(super().get_queryset(request), user=request.user, path="pk")

    def has_add_permission(self, request: HttpRequest) -> bool:
        # Complaints are recorded at intake (staff pages, public page, API): complaint_create.
        return False

    def has_change_permission(self, request: HttpRequest, obj: Complaint | None = None) -> bool:
        if obj is not None and not obj.is_open:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Complaint | None = None) -> bool:
        return False

    def has_workflow_permission(self, request: HttpRequest) -> bool:
        # Offers the stage actions to anyone with a workflow role; the runner decides case by case.
        return any(request.user.has_perm(f"complaints.{perm}") for perm in WORKFLOW_PERMS)

    # --- the change form ---

    def get_fieldsets(self, request: HttpRequest, obj: Complaint | None = None):
        editable = obj is not None and self.has_change_permission(request, obj)
        routing: tuple = (
            "category",
            "severity",
            "department",
            "assignee",
            ("personal_injury", "media_involved", "regulator_involved", "legal_risk"),
        )
        fieldsets = [
            (
                None,
                {
                    "fields": (
                        "reference",
                        "state",
                        "customer",
                        "channel",
                        "received_at",
                        "received_by",
                        *(("expected_version",) if editable else ()),
                    )
                },
            ),
            (
                _("What the customer says"),
                {
                    "fields": (
                        "subject",
                        "description",
                        "product_or_service",
                        "order_ref",
                        "expected_resolution",
                        "remedy_sought",
                        "amount_claimed",
                        "region",
                    )
                },
            ),
            (
                _("Routing (triage)"),
                {
                    "fields": (*routing, *(("triage_comment",) if editable else ())),
                    "description": _(
                        "Changes here are made as a triage by you: checked, recorded on the "
                        "timeline and refused if someone else changed the case meanwhile."
                    ),
                },
            ),
            (
                _("Handling"),
                {"fields": ("escalation_level", "findings", "rejection_reason", "reopen_count")},
            ),
        ]
        if editable:
            fieldsets.append(
                (
                    _("Stage"),
                    {
                        "fields": ("transition", *TRANSITION_INPUTS.values()),
                        "description": _(
                            "Moves the case on through the workflow, after any routing change "
                            "above. Fill in only what the chosen step needs."
                        ),
                    },
                )
            )
        fieldsets.append(
            (
                _("Dates"),
                {
                    "classes": ("collapse",),
                    "fields": (
                        "first_response_at",
                        "triaged_at",
                        "investigation_started_at",
                        "investigation_completed_at",
                        "decided_at",
                        "replied_at",
                        "closed_at",
                        "rejected_at",
                        "withdrawn_at",
                        "created_at",
                        "updated_at",
                    ),
                },
            )
        )
        return fieldsets

    def get_readonly_fields(self, request: HttpRequest, obj: Complaint | None = None):
        model_fields = [field.name for field in Complaint._meta.fields if not field.primary_key]
        return [name for name in model_fields if name not in ROUTING_FIELDS]

    def get_form(self, request: HttpRequest, obj: Complaint | None = None, change=False, **kwargs):
        form = super().get_form(request, obj, change, **kwargs)
        refusal = getattr(request, REFUSAL_ATTR, None)
        if refusal is not None:
            form = type(form.__name__, (form,), {"service_error": refusal})
        return form

    def changeform_view(
        self,
        request: HttpRequest,
        object_id: str | None = None,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:
            # The admin's transaction is rolled back. Show the form again, with what was typed and
            # the service's answer as form errors, by running the view once more: this time the
            # form is invalid, so nothing is saved.
            setattr(request, REFUSAL_ATTR, refused.error)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def save_model(self, request: HttpRequest, obj: Complaint, form, change: bool) -> None:
        # `obj` carries the submitted values; the services work on the stored case.
        complaint = Complaint.objects.get(pk=obj.pk)
        data = form.cleaned_data
        expected_version = data.get("expected_version")
        routing = {name: data[name] for name in ROUTING_FIELDS if name in form.changed_data}
        name = data.get("transition")
        try:
            if routing:
                complaint = _triage(
                    complaint=complaint,
                    actor=request.user,
                    comment=data.get("triage_comment", ""),
                    expected_version=expected_version,
                    **routing,
                )
                expected_version = None  # checked; the case now carries its new version
            if name:
                complaint = complaint_transition(
                    complaint=complaint,
                    name=name,
                    actor=request.user,
                    data={key: data.get(field) for key, field in TRANSITION_INPUTS.items()},
                    expected_version=expected_version,
                )
        except ComplaintError as error:
            raise ServiceRefused(error) from error
        if name:
            self.message_user(
                request,
                gettext("The complaint is now in “%(state)s”.")
                % {"state": complaint.get_state_display()},
                messages.SUCCESS,
            )

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        # Every inline is read-only: nothing of the case record is saved from this form.
        form.save_m2m()

    def construct_change_message(self, request: HttpRequest, form, formsets, add: bool):
        # The inline formsets were never saved (above), so they have nothing to report.
        return super().construct_change_message(request, form, [], add)

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            "subtitle": _(
                "Complaints are recorded at intake (staff pages, public page, API), not here. "
                "Open a case to change its routing or move it to another stage."
            ),
            **(extra_context or {}),
        }
        return super().changelist_view(request, extra_context)

    # --- stage actions on the list ---

    def run_transition(self, request: HttpRequest, queryset: QuerySet, name: str) -> None:
        moved = 0
        for complaint in queryset:
            try:
                complaint_transition(complaint=complaint, name=name, actor=request.user)
            except ComplaintError as error:
                self.message_user(
                    request, f"{complaint.reference}: {error.message}", messages.ERROR
                )
            else:
                moved += 1
        if moved:
            self.message_user(
                request,
                ngettext(
                    "%(action)s: %(count)d complaint done.",
                    "%(action)s: %(count)d complaints done.",
                    moved,
                )
                % {"action": TRANSITIONS[name].label, "count": moved},
                messages.SUCCESS,
            )
