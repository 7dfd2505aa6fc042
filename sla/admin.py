"""Calendars in the admin. Every change goes through sla.services so caches and rules hold."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.forms import BaseInlineFormSet
from django.http import HttpRequest
from django.utils.dates import WEEKDAYS_ABBR
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.admin import DepartmentAdmin
from accounts.models import Department
from complaints.admin.common import ComplaintRecordAdmin
from sla.calendar import validate_periods
from sla.models import (
    BusinessCalendar,
    CalendarChange,
    CalendarDay,
    CalendarYear,
    DepartmentCalendar,
    DutyDay,
    Escalation,
    Reminder,
    ServiceDay,
    ServicePeriod,
    SlaPolicy,
    SlaTarget,
    Unit,
    Weekday,
)
from sla.services import (
    calendar_confirm_year,
    calendar_day_delete,
    calendar_day_set,
    calendar_refresh_from_package,
    calendar_save,
    calendar_service_hours_changed,
    default_years,
)


class CalendarYearInline(admin.TabularInline):
    model = CalendarYear
    fields = ["year", "status", "confirmed_source", "confirmed_by", "confirmed_at", "loaded_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


class ServicePeriodFormSet(BaseInlineFormSet):
    def clean(self) -> None:
        super().clean()
        by_weekday: dict[int, list[tuple[int, int]]] = {}
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                not data
                or data.get("DELETE")
                or not all(data.get(name) is not None for name in ("weekday", "start", "end"))
            ):
                continue
            period = ServicePeriod(weekday=data["weekday"], start=data["start"], end=data["end"])
            by_weekday.setdefault(data["weekday"], []).append(period.as_minutes())
        calendar = self.instance
        if calendar.pk and not by_weekday and _counted_in_service_hours(calendar):
            raise ValidationError(
                gettext(
                    "Active SLA targets count in service hours on this calendar: keep at least "
                    "one service period, or change those targets first."
                )
            )
        for weekday, periods in sorted(by_weekday.items()):
            try:
                validate_periods(tuple(sorted(periods)))
            except ValueError:
                raise ValidationError(
                    gettext("Service periods on %(weekday)s overlap.")
                    % {"weekday": Weekday(weekday).label}
                ) from None


def _counted_in_service_hours(calendar: BusinessCalendar) -> bool:
    policies = SlaPolicy.objects.filter(is_active=True)
    policies = (
        policies.filter(Q(calendar=calendar) | Q(calendar__isnull=True))
        if calendar.is_default
        else policies.filter(calendar=calendar)
    )
    return SlaTarget.objects.filter(policy__in=policies, unit=Unit.SERVICE_HOURS).exists()


class ServicePeriodInline(admin.TabularInline):
    """Service hours per weekday: counted by service-hour targets (README "Three clocks")."""

    model = ServicePeriod
    formset = ServicePeriodFormSet
    fields = ["weekday", "start", "end"]
    extra = 0


class ServiceDayInline(admin.TabularInline):
    """Dates whose service hours differ from their weekday's (other periods or none)."""

    model = ServiceDay
    fields = ["date", "periods", "note"]
    extra = 0


REPLAN_NOTICE = _(
    "Running deadlines over the changed days are re-planned within a minute; each moved deadline "
    "is written on its case's timeline (see Calendar changes)."
)


@admin.register(BusinessCalendar)
class BusinessCalendarAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "code",
        "country",
        "subdivision",
        "time_zone",
        "is_default",
        "is_active",
        "department_names",
    ]
    list_filter = ["is_active", "country"]
    search_fields = ["name", "code"]
    readonly_fields = ["updated_at"]
    inlines = [ServicePeriodInline, ServiceDayInline, CalendarYearInline]
    actions = ["refresh_from_package"]

    def save_model(self, request, obj, form, change) -> None:
        calendar_save(calendar=obj)

    def save_formset(self, request, form, formset, change) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is ServicePeriod and formset.has_changed():
            calendar_service_hours_changed(calendar=form.instance, dates=None)
            self.message_user(request, REPLAN_NOTICE, messages.INFO)
        elif formset.model is ServiceDay and formset.has_changed():
            dates = {
                value
                for inline_form in formset.forms
                if inline_form.has_changed()
                for value in (inline_form.initial.get("date"), inline_form.cleaned_data.get("date"))
                if value is not None
            }
            calendar_service_hours_changed(calendar=form.instance, dates=dates or None)
            self.message_user(request, REPLAN_NOTICE, messages.INFO)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.is_default:
            return False
        return super().has_delete_permission(request, obj)

    def get_queryset(self, request: HttpRequest) -> QuerySet[BusinessCalendar]:
        return super().get_queryset(request).prefetch_related("departments__department")

    @admin.display(description=_("departments of its own"))
    def department_names(self, calendar: BusinessCalendar) -> str:
        return ", ".join(sorted(str(row.department) for row in calendar.departments.all())) or "-"

    @admin.action(
        description=_("Refresh from the holidays package (this year and next)"),
        permissions=["change"],
    )
    def refresh_from_package(self, request: HttpRequest, queryset: QuerySet) -> None:
        for calendar in queryset:
            summary = calendar_refresh_from_package(calendar=calendar, years=default_years())
            self.message_user(
                request,
                gettext("%(calendar)s: loaded %(years)s; provisional: %(provisional)s")
                % {
                    "calendar": calendar,
                    "years": ", ".join(str(y.year) for y in summary.years),
                    "provisional": ", ".join(map(str, summary.provisional_years)) or "-",
                },
                messages.WARNING if summary.provisional_years else messages.SUCCESS,
            )


class YearListFilter(admin.SimpleListFilter):
    title = _("year")
    parameter_name = "year"

    def lookups(self, request, model_admin):
        years = CalendarYear.objects.order_by("-year").values_list("year", flat=True).distinct()
        return [(str(year), str(year)) for year in years]

    def queryset(self, request, queryset):
        if self.value() and self.value().isdigit():
            return queryset.filter(date__year=int(self.value()))
        return queryset


@admin.register(CalendarDay)
class CalendarDayAdmin(admin.ModelAdmin):
    list_display = ["date", "weekday", "kind", "name", "source", "calendar", "updated_by"]
    list_filter = ["calendar", YearListFilter, "kind", "source"]
    search_fields = ["name"]
    date_hierarchy = "date"
    list_select_related = ["calendar", "updated_by"]
    fields = ["calendar", "date", "kind", "name", "source", "updated_by", "updated_at"]
    readonly_fields = ["source", "updated_by", "updated_at"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: CalendarDay) -> str:
        return WEEKDAYS_ABBR[obj.date.weekday()]

    def get_readonly_fields(self, request, obj=None):
        # A row is for one date of one calendar: move a day by adding another and deleting this one.
        if obj is not None:
            return [*self.readonly_fields, "calendar", "date"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change) -> None:
        # Any edit here is the administrator's, even of a package row: it then survives refreshes.
        saved = calendar_day_set(
            calendar=obj.calendar, day=obj.date, kind=obj.kind, name=obj.name, actor=request.user
        )
        obj.pk = saved.pk
        self.message_user(request, REPLAN_NOTICE, messages.INFO)

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        if obj is not None and obj.source != CalendarDay.Source.ADMIN:
            return False
        return super().has_delete_permission(request, obj)

    def delete_model(self, request, obj) -> None:
        calendar_day_delete(calendar_day=obj, actor=request.user)

    def delete_queryset(self, request, queryset) -> None:
        for day in queryset.select_related("calendar"):
            if day.source == CalendarDay.Source.ADMIN:
                calendar_day_delete(calendar_day=day, actor=request.user)


@admin.register(CalendarYear)
class CalendarYearAdmin(admin.ModelAdmin):
    list_display = [
        "year",
        "calendar",
        "status",
        "confirmed_source",
        "confirmed_by",
        "confirmed_at",
        "loaded_at",
    ]
    list_filter = ["status", "calendar", "confirmed_source"]
    list_select_related = ["calendar", "confirmed_by"]
    readonly_fields = list_display
    fields = list_display
    actions = ["confirm_years"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # years appear when the package is loaded

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    @admin.action(description=_("Confirm selected years"), permissions=["change"])
    def confirm_years(self, request: HttpRequest, queryset: QuerySet) -> None:
        for row in queryset.select_related("calendar"):
            calendar_confirm_year(calendar=row.calendar, year=row.year, actor=request.user)
        self.message_user(
            request,
            gettext("%(count)d year(s) confirmed.") % {"count": queryset.count()},
            messages.SUCCESS,
        )


@admin.register(DutyDay)
class DutyDayAdmin(admin.ModelAdmin):
    """The duty manager rota: one manager a day, told at once of an injury (sla.services.escalation)."""

    list_display = ["day", "weekday", "manager", "note"]
    list_select_related = ["manager"]
    list_filter = [("manager", admin.RelatedOnlyFieldListFilter)]
    date_hierarchy = "day"
    autocomplete_fields = ["manager"]
    search_fields = ["manager__username", "manager__first_name", "manager__last_name", "note"]

    @admin.display(description=_("weekday"))
    def weekday(self, obj: DutyDay) -> str:
        return str(WEEKDAYS_ABBR[obj.day.weekday()])


@admin.register(CalendarChange)
class CalendarChangeAdmin(admin.ModelAdmin):
    """What changed in the calendars, and when the running deadlines over it were re-planned."""

    list_display = [
        "created_at",
        "calendar",
        "reason",
        "first_date",
        "last_date",
        "processed_at",
        "clocks_replanned",
    ]
    list_filter = ["calendar", "reason", ("processed_at", admin.EmptyFieldListFilter)]
    list_select_related = ["calendar"]
    readonly_fields = list_display
    fields = list_display
    date_hierarchy = "created_at"

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # written by the calendar services

    def has_change_permission(self, request: HttpRequest, obj=None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj=None) -> bool:
        return False


@admin.register(Escalation)
class EscalationAdmin(ComplaintRecordAdmin):
    """Written once by sla.services.escalation.escalate; the record of who was told what, when."""

    list_display = ["at", "complaint", "level", "reason", "clock"]
    list_filter = ["level", "reason"]
    list_select_related = ["complaint", "clock"]
    search_fields = ["complaint__reference", "key"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]


@admin.register(Reminder)
class ReminderAdmin(ComplaintRecordAdmin):
    complaint_path = "clock__complaint"
    list_display = ["at", "complaint", "stage", "recipient"]
    list_filter = ["clock__stage"]
    list_select_related = ["clock__complaint", "recipient"]
    search_fields = ["clock__complaint__reference"]
    date_hierarchy = "at"
    ordering = ["-at", "-id"]

    @admin.display(description=_("complaint"), ordering="clock__complaint__reference")
    def complaint(self, reminder: Reminder) -> str:
        return str(reminder.clock.complaint)

    @admin.display(description=_("stage"), ordering="clock__stage")
    def stage(self, reminder: Reminder) -> str:
        return reminder.clock.get_stage_display()


class DepartmentCalendarInline(admin.StackedInline):
    """A department's own calendar (README "Three clocks"): chosen on the department's page."""

    model = DepartmentCalendar
    fk_name = "department"
    extra = 0
    max_num = 1
    verbose_name = _("business calendar of its own")
    verbose_name_plural = _("business calendar of its own")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "calendar":
            kwargs["queryset"] = BusinessCalendar.objects.filter(is_active=True)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# The department page is the accounts app's; the calendar choice is added here, where calendars
# live (accounts stands below sla and may not know them).
admin.site.unregister(Department)


@admin.register(Department)
class DepartmentWithCalendarAdmin(DepartmentAdmin):
    inlines = [*DepartmentAdmin.inlines, DepartmentCalendarInline]
