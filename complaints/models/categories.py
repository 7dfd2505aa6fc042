from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import localized_name

from .choices import Severity


class Category(models.Model):
    """A node of the complaint category tree, with where such complaints go by default."""

    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(
        _("English name"),
        max_length=100,
        blank=True,
        db_default="",
        help_text=_("Shown to people who read English; the Chinese name when empty."),
    )
    code = models.SlugField(_("code"), max_length=60, unique=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent category"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    default_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("default department"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    default_severity = models.CharField(
        _("default severity"), max_length=20, choices=Severity.choices, default=Severity.GENERAL
    )
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    sort_order = models.PositiveIntegerField(_("sort order"), default=0)

    class Meta:
        verbose_name = _("category")
        verbose_name_plural = _("categories")
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        if self.parent_id and self.parent is not None:
            return f"{self.parent.local_name} / {self.local_name}"
        return self.local_name

    @property
    def local_name(self) -> str:
        """The name in the reader's language, without the parent (see `localized_name`)."""
        return localized_name(self.name, self.name_en)
