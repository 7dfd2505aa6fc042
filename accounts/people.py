"""People and organisation names as staff read them: the one helper for every page, list and e-mail.

A person is shown by full name and department ("王志强 · 服务部"), never by login name (that one
belongs to the admin and the API, where it is a handle). Names of departments and categories follow
the reader's language (`accounts.models.localized_name`).

Records that keep a name for later (timeline entries) store a *snapshot*: the id and the label in
every language of the site, taken when the event happened, so a later reader gets it in their own
language without a query, and a renamed department does not rewrite history.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import Model
from django.utils import translation

from accounts.models import User

M = TypeVar("M", bound=Model)

# "王志强 (handler)": how str(user) used to read in timeline data stored before snapshots.
_LEGACY_LOGIN_SUFFIX = re.compile(r"^(?P<name>.*\S) \([A-Za-z0-9_.@+-]+\)$")


def person_name(user: User) -> str:
    """The full name; the login name only for an account that has no name at all."""
    return user.get_full_name() or user.username


def person_label(user: User | None) -> str:
    """ "王志强 · 服务部" (department in the reader's language), or the name alone without one.

    Reads `user.department`: callers listing many people select_related it.
    """
    if user is None:
        return ""
    name = person_name(user)
    department = user.department if user.department_id else None
    return f"{name} · {department.local_name}" if department is not None else name


def snapshot(obj: M | None, label: Callable[[M], str] = str) -> dict[str, Any] | None:
    """`obj`'s id and its label in each site language, for storing in a record's JSON data."""
    if obj is None:
        return None
    labels = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            labels[code] = label(obj)
    return {"id": obj.pk, "labels": labels}


def person_snapshot(user: User | None) -> dict[str, Any] | None:
    return snapshot(user, person_label)


def snapshot_label(value: Any) -> str:
    """A stored snapshot in the reader's language (the site's default language if missing).

    Data written before snapshots holds plain strings: they are shown as stored, without the
    login name str(user) used to add.
    """
    if value in (None, ""):
        return ""
    if isinstance(value, dict):
        labels = value.get("labels") or {}
        language = translation.get_language() or settings.LANGUAGE_CODE
        for code in (language, settings.LANGUAGE_CODE, *labels):
            if labels.get(code):
                return str(labels[code])
        return ""
    text = str(value)
    legacy = _LEGACY_LOGIN_SUFFIX.match(text)
    return legacy.group("name") if legacy else text
