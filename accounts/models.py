from __future__ import annotations

from decimal import Decimal
from typing import Any

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.serializers.json import DjangoJSONEncoder
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _


def localized_name(name: str, name_en: str) -> str:
    """The name in the active language: Chinese (the stored name) unless the reader reads another
    language and an English name is set. The one rule for every bilingual name of reference data."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    if name_en and not language.lower().startswith("zh"):
        return name_en
    return name


class Department(models.Model):
    """An organisational unit; `parent` is the escalation chain (部门 → 上级部门)."""

    class Kind(models.TextChoices):
        CUSTOMER_SERVICE = "customer_service", _("Customer service")
        BUSINESS = "business", _("Business department")
        FUNCTIONAL = "functional", _("Functional department")
        MANAGEMENT = "management", _("Management")

    name = models.CharField(_("name"), max_length=100, unique=True)
    name_en = models.CharField(
        _("English name"),
        max_length=100,
        blank=True,
        db_default="",
        help_text=_("Shown to people who read English; the Chinese name when empty."),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    kind = models.CharField(_("kind"), max_length=30, choices=Kind.choices, default=Kind.BUSINESS)
    head = models.ForeignKey(
        "accounts.User",
        verbose_name=_("head"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="headed_departments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the reader's language (see `localized_name`)."""
        return localized_name(self.name, self.name_en)

    def chain(self) -> list[Department]:
        """This department and its ancestors, nearest first (the escalation path)."""
        chain: list[Department] = []
        seen: set[int] = set()
        node: Department | None = self
        while node is not None and node.pk not in seen:
            chain.append(node)
            seen.add(node.pk)
            node = node.parent
        return chain


class User(AbstractUser):
    """A staff member. Roles are Django groups (see accounts.roles); scope comes from the department."""

    department = models.ForeignKey(
        Department,
        verbose_name=_("department"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    approval_limit = models.DecimalField(
        _("approval limit"),
        max_digits=12,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Largest decision amount (CNY) this person may approve on their own."),
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)

    class Delivery(models.TextChoices):
        EMAIL_AND_APP = "email_and_app", _("E-mail and in-app inbox")
        APP_ONLY = "app_only", _("In-app inbox only")
        # The inbox still lists them (as read), so nothing is lost if a mail goes astray.
        EMAIL_ONLY = "email_only", _("E-mail only")

    notification_delivery = models.CharField(
        _("notifications by"),
        max_length=20,
        choices=Delivery.choices,
        default=Delivery.EMAIL_AND_APP,
        db_default=Delivery.EMAIL_AND_APP,
        help_text=_(
            "Reminders and escalations appear in the inbox and are e-mailed; choose both, the "
            "inbox only, or the e-mail only (the inbox then lists them as read, without a badge). "
            "E-mails outside the service hours wait for the next period, urgent ones excepted."
        ),
    )
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Used for the pages after sign-in and for e-mail notifications."),
    )

    @property
    def wants_email(self) -> bool:
        """Whether notifications are e-mailed to them (as well as listed in the inbox)."""
        return self.notification_delivery != self.Delivery.APP_ONLY

    @property
    def wants_inbox_badge(self) -> bool:
        """Whether their notifications arrive unread in the inbox (all but "e-mail only")."""
        return self.notification_delivery != self.Delivery.EMAIL_ONLY

    # Not a field: department_scope_ids (accounts.selectors) keeps its answer here for the request.
    _department_scope_cache: tuple[int | None, frozenset[int]]
    # The account flags as read from the database, so a save can tell what changed without a
    # query (accounts.signals audits the change, ends sessions and revokes API tokens).
    _loaded_flags: dict[str, bool]

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username

    @classmethod
    def from_db(cls, db: str | None, field_names: Any, values: Any) -> User:
        user = super().from_db(db, field_names, values)
        user._loaded_flags = {
            name: getattr(user, name) for name in AUDITED_FLAGS if name in user.__dict__
        }
        return user

    def get_full_name(self) -> str:
        # Chinese names read family name first, without a space (李晓燕); others given name first.
        first, last = self.first_name.strip(), self.last_name.strip()
        if _is_cjk(first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()


# Account flags whose change is audited (accounts.signals).
AUDITED_FLAGS = ("is_active", "is_staff", "is_superuser")


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)


class AuditLogIsAppendOnly(Exception):
    """Raised on any attempt to change or delete an audit entry."""


class AuditEntryQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise AuditLogIsAppendOnly("Audit entries cannot be changed.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")


class AuditEntry(models.Model):
    """Who did what to an account, a role or data leaving the system: sign-ins, failed sign-ins,
    lockouts, role and permission changes, exports. Append-only; written by
    accounts.services.audit_record, read by auditors in the admin."""

    class Action(models.TextChoices):
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        LOCKED_OUT = "locked_out", _("Sign-in refused: locked out")
        LOCKOUT_LIFTED = "lockout_lifted", _("Lockout lifted")
        SIGN_OUT = "sign_out", _("Signed out")
        API_TOKEN_ISSUED = "api_token_issued", _("API token issued")
        PASSWORD_CHANGED = "password_changed", _("Password changed")
        ACTIVATED = "activated", _("Account activated")
        DEACTIVATED = "deactivated", _("Account deactivated")
        STAFF_CHANGED = "staff_changed", _("Admin access changed")
        SUPERUSER_CHANGED = "superuser_changed", _("Superuser status changed")
        ROLES_CHANGED = "roles_changed", _("Roles changed")
        PERMISSIONS_CHANGED = "permissions_changed", _("Permissions changed")
        EXPORT = "export", _("Data exported")
        CODE_FAILED = "code_failed", _("Two-factor code refused")
        TWO_FACTOR_ENABLED = "two_factor_enabled", _("Two-factor sign-in turned on")
        TWO_FACTOR_DISABLED = "two_factor_disabled", _("Two-factor sign-in turned off")
        TWO_FACTOR_RESET = "two_factor_reset", _("Two-factor sign-in reset by an administrator")
        BACKUP_CODES_RENEWED = "backup_codes_renewed", _("New backup codes made")
        LEGAL_HOLD_SET = "legal_hold_set", _("Legal hold set")
        LEGAL_HOLD_LIFTED = "legal_hold_lifted", _("Legal hold lifted")
        ANONYMISED = "anonymised", _("Personal data anonymised")
        RIGHTS_REQUEST_RECORDED = "rights_request_recorded", _("Personal data request recorded")
        RIGHTS_EXPORT_ASKED = "rights_export_asked", _("Personal data export asked for")
        RIGHTS_EXPORT_BUILT = "rights_export_built", _("Personal data export built")
        RIGHTS_ERASED = "rights_erased", _("Personal data erased on request")
        RIGHTS_REQUEST_REFUSED = "rights_request_refused", _("Personal data request refused")
        LEGAL_DOCUMENT_RECORDED = "legal_document_recorded", _("Legal document recorded")
        LEGAL_DOCUMENT_FORWARDED = "legal_document_forwarded", _("Legal document forwarded")
        LEGAL_DOCUMENT_CHANGED = "legal_document_changed", _("Legal document changed")
        LOST_PROPERTY_RECORDED = "lost_property_recorded", _("Lost property recorded")
        LOST_PROPERTY_CHANGED = "lost_property_changed", _("Lost property entry changed")
        PAYMENT_RECORDED = "payment_recorded", _("Payment recorded against an agreement")
        IMPROVEMENT_ACTION_RECORDED = "improvement_recorded", _("Improvement action recorded")
        IMPROVEMENT_ACTION_CHANGED = "improvement_changed", _("Improvement action changed")
        COMPLAINTS_LINKED = "complaints_linked", _("Complaints linked as related")
        COMPLAINTS_MERGED = "complaints_merged", _("Complaint merged as a duplicate")

    at = models.DateTimeField(_("time"), default=timezone.now)
    action = models.CharField(_("action"), max_length=40, choices=Action.choices)
    # No database constraint: the entry outlives the account (the name below is kept).
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
    )
    actor_name = models.CharField(_("by (login name)"), max_length=150, blank=True)
    target_type = models.CharField(_("kind of record"), max_length=100, blank=True)
    target_id = models.CharField(_("record id"), max_length=64, blank=True)
    target_label = models.CharField(_("record"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("client address"), null=True, blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    objects = AuditEntryQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-id"]
        base_manager_name = "objects"
        indexes = [
            models.Index(fields=["-at"], name="auditentry_at_idx"),
            models.Index(fields=["action", "-at"], name="auditentry_action_at_idx"),
            models.Index(fields=["target_label", "-at"], name="auditentry_target_at_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.get_action_display()} · {self.target_label}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None:
            raise AuditLogIsAppendOnly("Audit entries cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise AuditLogIsAppendOnly("Audit entries cannot be deleted.")


class SignInLock(AccessAttempt):
    """django-axes' record of failed sign-ins (per login name, address and browser), shown in the
    admin under this app with our names; deleting one lifts the lockout it causes."""

    class Meta:
        proxy = True
        verbose_name = _("failed sign-ins and lockout")
        verbose_name_plural = _("failed sign-ins and lockouts")
