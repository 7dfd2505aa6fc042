"""Output fields naming a related row by its stable handle (a code or a username), not its id."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


def code_of(relation: str, *, null: bool = False, **kwargs: Any) -> serializers.CharField:
    """The `code` of a related department or category; null when `null` and it is not set."""
    return serializers.CharField(source=f"{relation}.code", allow_null=null, **kwargs)


def username_of(relation: str, *, null: bool = False, **kwargs: Any) -> serializers.CharField:
    """The username of a related user; null when `null` and it is not set."""
    return serializers.CharField(source=f"{relation}.username", allow_null=null, **kwargs)


class PlausibleDateTimeField(serializers.DateTimeField):
    """A moment from the year 2000 on: an earlier one is a typo, and before 1901 the time zone
    database only knows local mean time (+08:05:43), which no client can read back."""

    EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)

    def to_internal_value(self, value: Any) -> datetime:
        moment = super().to_internal_value(value)
        if moment < self.EARLIEST:
            raise serializers.ValidationError(_("Enter a time from 1 January 2000 on."))
        return moment
