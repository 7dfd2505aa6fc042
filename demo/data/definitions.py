"""The shapes of the demo data: departments, users, categories, complaint situations."""

from __future__ import annotations

from dataclasses import dataclass

from accounts.roles import Role
from complaints.models.choices import Severity


@dataclass(frozen=True)
class DepartmentDef:
    code: str
    name: str
    kind: str
    parent: str | None = "management"
    email: str = ""


@dataclass(frozen=True)
class UserDef:
    username: str
    role: Role | None
    department: str | None
    last_name: str
    first_name: str
    approval_limit: int = 0
    heads: str | None = None  # code of the department this person heads
    superuser: bool = False


@dataclass(frozen=True)
class CategoryDef:
    code: str
    name: str
    department: str
    severity: str = Severity.GENERAL
    description: str = ""
    children: tuple[CategoryDef, ...] = ()


@dataclass(frozen=True)
class Resolution:
    """One way a case of this kind is decided. `share` is a fraction of the amount claimed."""

    remedy: str
    outcome: str
    rationale: str
    amount: tuple[int, int] = (0, 0)
    share: tuple[float, float] | None = None
    weight: int = 1


@dataclass(frozen=True)
class Scenario:
    key: str
    line: str  # home / auto / auction / agency: picks {store}
    category: str
    subject: str
    description: str
    products: tuple[str, ...]
    expected: str
    findings: str
    resolutions: tuple[Resolution, ...]
    remedy_sought: str = ""
    claim: tuple[int, int] | None = None
    flags: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()  # the usual ways in; empty: any
    service: str = "{product}"  # what goes into product_or_service
    notes: tuple[str, ...] = ()
    root_cause: str = ""
    handoff: tuple[str, str] | None = None  # (department code, note)
    handoff_chance: float = 0.0
    on_spot: str = ""  # findings when a simple case is answered on the spot
    weight: int = 2


# A complaint that is not accepted (不予受理): reason, subject, description, explanation.
@dataclass(frozen=True)
class RejectionCase:
    reason: str
    subject: str
    description: str
    comment: str
    category: str | None = None
