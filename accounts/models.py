from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import MinValueValidator
from django.db import models
from django.utils import translation
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
    language = models.CharField(
        _("language"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("Used for the pages after sign-in and for e-mail notifications."),
    )

    # Not a field: department_scope_ids (accounts.selectors) keeps its answer here for the request.
    _department_scope_cache: tuple[int | None, frozenset[int]]

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        full_name = self.get_full_name()
        return f"{full_name} ({self.username})" if full_name else self.username

    def get_full_name(self) -> str:
        # Chinese names read family name first, without a space (李晓燕); others given name first.
        first, last = self.first_name.strip(), self.last_name.strip()
        if _is_cjk(first + last):
            return f"{last}{first}"
        return f"{first} {last}".strip()


def _is_cjk(text: str) -> bool:
    return any("\u4e00" <= char <= "\u9fff" for char in text)
