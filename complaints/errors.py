"""Domain errors: each has a stable `code` that the API and the pages turn into an answer."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    # A lazy translation (gettext_lazy); the stubs' name for it exists for the type checker only.
    from django.utils.functional import _StrPromise as StrPromise


class ComplaintError(Exception):
    code = "complaint_error"
    default_message = _("The request could not be carried out.")

    def __init__(self, message: str | StrPromise | None = None) -> None:
        self.message = str(message or self.default_message)
        super().__init__(self.message)


class NotFound(ComplaintError):
    """Missing and out-of-scope look the same from outside."""

    code = "not_found"
    default_message = _("No such complaint.")


class PermissionDenied(ComplaintError):
    code = "permission_denied"
    default_message = _("Your role does not allow this action.")


class InvalidInput(ComplaintError):
    """One or more fields are missing or wrong; `fields` maps field name to messages."""

    code = "invalid"
    default_message = _("Some fields are missing or invalid.")

    def __init__(self, fields: Mapping[str, Sequence[str]], message: str | None = None) -> None:
        self.fields = {name: [str(m) for m in messages] for name, messages in fields.items()}
        super().__init__(message)


class TransitionNotAllowed(ComplaintError):
    """The transition does not start from the case's current state."""

    code = "transition_not_allowed"

    def __init__(self, *, name: str, state: str, allowed: Sequence[str]) -> None:
        self.name = name
        self.state = state
        self.allowed = list(allowed)
        super().__init__(
            _("“%(name)s” is not possible while the complaint is in “%(state)s”.")
            % {"name": name, "state": state}
        )


class ConditionNotMet(ComplaintError):
    """The transition starts here, but the case is not ready for it yet."""

    code = "condition_not_met"

    def __init__(self, reasons: Sequence[str]) -> None:
        self.reasons = [str(reason) for reason in reasons]
        super().__init__(" ".join(self.reasons))


class PaymentNotApproved(ConditionNotMet):
    """A payment that no approved decision covers: none approved, or more than it approved."""

    code = "payment_not_approved"


class Conflict(ComplaintError):
    code = "conflict"
    default_message = _(
        "Someone else changed this complaint first. Reload it to see the latest version."
    )


class UnknownTransition(ComplaintError):
    code = "unknown_transition"
    default_message = _("There is no such action.")


class SurveyClosed(ComplaintError):
    """The survey link is of an earlier handling round, or the case no longer awaits an answer."""

    code = "survey_closed"
    default_message = _("This survey is no longer open.")


class SurveyAnswered(ComplaintError):
    """The customer already answered the survey of this handling round."""

    code = "survey_answered"
    default_message = _("You have already answered this survey. Thank you.")
