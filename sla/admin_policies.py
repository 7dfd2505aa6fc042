"""SLA policies, escalation settings and deadline clocks in the admin.

Policies and settings are data the administrator edits here. Clocks are not: the workflow services
open, meet, pause and re-plan them in the case's own transaction, so the admin only shows them.
Registered from SlaConfig.ready() (sla/apps.py), beside the calendar admin in sla/admin.py.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Model, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from complaints.admin.common import ComplaintRecordAdmin, ReadOnlyInline
from complaints.models import Severity
from sla.models import (
    BusinessCalendar,
    CaseChecklistStep,
    ChecklistTemplate,
    ChecklistTemplateStep,
    Clock,
    ClockPause,
    EscalationSettings,
    PauseReason,
    ServicePeriod,
    SlaPolicy,
    SlaTarget,
    Stage,
    Unit,
)
from sla.presets import PRESETS, TargetPreset
from sla.selectors import clock_is_breached, preset_states
from sla.services import preset_load
from sla.services.presets import ACTIVATE_PERMISSIONS, LOAD_PERMISSIONS


class SlaTargetForm(forms.ModelForm):
    # The stored JSON list of codes, edited as one box per pause reason.
    pause_reasons = forms.MultipleChoiceField(
        label=_("pauses that stop this clock"),
        choices=PauseReason.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_(
            "Ticked: the clock stands still while the case waits for this reason. Unticked: it "
            "keeps running and can breach and escalate. Applies to running clocks from their next "
            "pause. Defaults: investigation and decision every reason; reply and follow-up visit "
            "the customer and other; first response and settlement none."
        ),
    )

    class Meta:
        model = SlaTarget
        fields = [
            "stage",
            "amount",
            "unit",
            "start_event",
            "reminder_percent",
            "breach_level",
            "pause_reasons",
        ]


class SlaTargetFormSet(forms.BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        wants_service_hours = any(
            form.cleaned_data.get("unit") == Unit.SERVICE_HOURS
            and not form.cleaned_data.get("DELETE")
            for form in self.forms
            if getattr(form, "cleaned_data", None)
        )
        if not wants_service_hours:
            return
        policy: SlaPolicy = self.instance
        calendar_id = (
            policy.calendar_id
            or BusinessCalendar.objects.filter(is_default=True).values_list("pk", flat=True).first()
        )
        if not ServicePeriod.objects.filter(calendar_id=calendar_id).exists():
            # A service-hour deadline could not be counted: every intake would fail.
            raise forms.ValidationError(
                gettext(
                    "A target in service hours needs a calendar with service hours: set them on "
                    "the policy's business calendar (or the default one) first."
                )
            )


class SlaTargetInline(admin.TabularInline):
    # One target per stage: the formset checks the (policy, stage) unique constraint itself, so a
    # stage entered twice comes back as a form error, never as a database error.
    model = SlaTarget
    form = SlaTargetForm
    formset = SlaTargetFormSet
    fields = SlaTargetForm.Meta.fields
    extra = 0
    max_num = len(SlaTarget._meta.get_field("stage").choices)


class PresetLoadForm(forms.Form):
    market = forms.ChoiceField(
        label=_("market"),
        choices=[(code, preset.title) for code, preset in PRESETS.items()],
        widget=forms.RadioSelect,
    )
    activate = forms.BooleanField(
        label=_("put its policies in force now"),
        required=False,
        help_text=_(
            "The general policy of each severity in force now is deactivated; policies for a "
            "category stay. Left unticked, the preset loads inactive and can be activated later."
        ),
    )


def _target_text(target: TargetPreset) -> str:
    """A preset target as the page shows it: '30 calendar days (720 hours)'."""
    if target.unit == Unit.HOURS and target.amount % 24 == 0:
        days = target.amount // 24
        return ngettext(
            "%(days)d calendar day (%(hours)d hours)",
            "%(days)d calendar days (%(hours)d hours)",
            days,
        ) % {"days": days, "hours": target.amount}
    return f"{target.amount} {str(Unit(target.unit).label).lower()}"


@admin.register(SlaPolicy)
class SlaPolicyAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "severity", "category", "calendar", "is_active", "targets"]
    list_filter = ["severity", "is_active"]
    list_select_related = ["category", "calendar"]
    search_fields = ["name", "code"]
    ordering = ["severity", "category__name", "name"]
    inlines = [SlaTargetInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("targets")

    def get_urls(self) -> list[URLPattern]:
        presets = path(
            "presets/",
            self.admin_site.admin_view(self.presets_view),
            name="sla_slapolicy_presets",
        )
        return [presets, *super().get_urls()]

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None):
        extra_context = {
            **(extra_context or {}),
            "can_load_presets": request.user.has_perms(LOAD_PERMISSIONS),
        }
        return super().changelist_view(request, extra_context)

    def presets_view(self, request: HttpRequest) -> HttpResponse:
        """Load a market's preset (README "Policy presets for other markets")."""
        if not request.user.has_perms(LOAD_PERMISSIONS):
            raise PermissionDenied
        form = PresetLoadForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            market, activate = form.cleaned_data["market"], form.cleaned_data["activate"]
            if activate and not request.user.has_perms(ACTIVATE_PERMISSIONS):
                form.add_error(
                    "activate", gettext("You may not change which policies are in force.")
                )
            else:
                result = preset_load(market=market, activate=activate, actor=request.user)
                self.message_user(
                    request,
                    gettext(
                        "%(market)s: %(created)d policies created, %(kept)d kept as they were, "
                        "%(activated)d put in force; calendar %(calendar)s."
                    )
                    % {
                        "market": result.preset.title,
                        "created": len(result.created),
                        "kept": len(result.kept),
                        "activated": len(result.activated),
                        "calendar": result.calendar,
                    },
                    messages.SUCCESS,
                )
                changelist = reverse("admin:sla_slapolicy_changelist")
                return HttpResponseRedirect(f"{changelist}?{urlencode({'q': market})}")
        states = preset_states()
        presets = [
            {
                "code": code,
                "preset": preset,
                "state": states[code],
                "targets": [
                    (Stage(target.stage).label, _target_text(target), target.rule)
                    for target in preset.targets
                ],
            }
            for code, preset in PRESETS.items()
        ]
        context = {
            **self.admin_site.each_context(request),
            "title": gettext("Load a market preset"),
            "opts": self.model._meta,
            "form": form,
            "presets": presets,
            "severities": len(Severity.values),
        }
        return TemplateResponse(request, "admin/sla/slapolicy/presets.html", context)

    @admin.display(description=_("targets"))
    def targets(self, policy: SlaPolicy) -> str:
        return "; ".join(str(target) for target in policy.targets.all())

    def save_related(self, request: HttpRequest, form, formsets, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        if change:
            # A clock copies its target when planned, so an edit never moves a running deadline.
            self.message_user(
                request,
                gettext(
                    "Clocks already running keep the deadlines they were planned with; the "
                    "targets apply to clocks started from now on and to re-planned cases."
                ),
                messages.INFO,
            )


@admin.register(EscalationSettings)
class EscalationSettingsAdmin(admin.ModelAdmin):
    """The one row of escalation thresholds (EscalationSettings.current() reads pk 1)."""

    list_display = ["__str__", "large_claim_threshold", "level_step_working_days", "send_email"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        if EscalationSettings.objects.exists():
            return False
        return super().has_add_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: EscalationSettings, form, change: bool) -> None:
        if not change:
            obj.pk = 1
        super().save_model(request, obj, form, change)


class ClockPauseInline(ReadOnlyInline):
    model = ClockPause
    fields = [
        "reason",
        "note",
        "paused_at",
        "paused_by",
        "resumed_at",
        "resumed_by",
        "due_before",
        "due_after",
    ]
    related = ("paused_by", "resumed_by")
    show_change_link = False


class ClockStatusFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [
            ("met", _("Met")),
            ("unmet", _("Not met (running or paused)")),
            ("paused", _("Paused")),
            ("stopped", _("Stopped unmet")),
        ]

    def queryset(self, request, queryset):
        running = {"met_at__isnull": True, "cancelled_at__isnull": True}
        match self.value():
            case "met":
                return queryset.filter(met_at__isnull=False)
            case "unmet":
                return queryset.filter(**running)
            case "paused":
                return queryset.filter(**running, paused_at__isnull=False)
            case "stopped":
                return queryset.filter(met_at__isnull=True, cancelled_at__isnull=False)
        return queryset


@admin.register(Clock)
class ClockAdmin(ComplaintRecordAdmin):
    list_display = [
        "reference",
        "stage",
        "round",
        "due_at",
        "met_at",
        "paused",
        "breached",
        "provisional",
    ]
    list_filter = ["stage", ClockStatusFilter, "provisional", "unit"]
    list_select_related = ["complaint"]
    search_fields = ["complaint__reference"]
    ordering = ["due_at", "id"]
    date_hierarchy = "due_at"
    inlines = [ClockPauseInline]

    def get_readonly_fields(self, request: HttpRequest, obj: Model | None = None):
        return [*super().get_readonly_fields(request, obj), "breached"]

    @admin.display(description=_("complaint"), ordering="complaint__reference")
    def reference(self, clock: Clock) -> str:
        return clock.complaint.reference

    @admin.display(description=_("paused"), boolean=True)
    def paused(self, clock: Clock) -> bool:
        return clock.paused_at is not None

    @admin.display(description=_("breached"), boolean=True)
    def breached(self, clock: Clock) -> bool:
        return clock_is_breached(clock, now=timezone.now())


class ChecklistTemplateStepInline(admin.TabularInline):
    model = ChecklistTemplateStep
    fields = [
        "position",
        "text",
        "text_en",
        "who",
        "who_en",
        "amount",
        "unit",
        "evidence_required",
        "injury_item",
    ]
    extra = 1


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(admin.ModelAdmin):
    """Procedure checklists per category (README "Procedure checklists"): a case of the category
    gets a copy of the steps when received or re-categorised; editing here changes later cases."""

    list_display = [
        "name",
        "name_en",
        "code",
        "category_names",
        "personal_injury",
        "step_count",
        "is_active",
    ]
    list_filter = ["is_active", "personal_injury"]
    search_fields = ["name", "name_en", "code"]
    filter_horizontal = ["categories"]
    fields = ["name", "name_en", "code", "categories", "personal_injury", "source", "is_active"]
    inlines = [ChecklistTemplateStepInline]

    def get_queryset(self, request: HttpRequest) -> QuerySet[ChecklistTemplate]:
        return (
            super()
            .get_queryset(request)
            .prefetch_related("categories__parent")
            .annotate(_steps=Count("steps"))
        )

    @admin.display(description=_("categories"))
    def category_names(self, template: ChecklistTemplate) -> str:
        return ", ".join(str(category) for category in template.categories.all()) or "-"

    @admin.display(description=_("steps"), ordering="_steps")
    def step_count(self, template: ChecklistTemplate) -> int:
        return template._steps


@admin.register(CaseChecklistStep)
class CaseChecklistStepAdmin(ComplaintRecordAdmin):
    list_display = [
        "reference",
        "template_name",
        "position",
        "text",
        "due_at",
        "outcome",
        "done_at",
        "done_by",
        "reminded_at",
    ]
    list_filter = ["outcome", "template_name"]
    list_select_related = ["complaint", "done_by"]
    search_fields = ["complaint__reference", "text"]
    ordering = ["-due_at", "id"]
    date_hierarchy = "due_at"

    @admin.display(description=_("complaint"), ordering="complaint__reference")
    def reference(self, step: CaseChecklistStep) -> str:
        return step.complaint.reference
