"""Texts and definitions for the demo data that `manage.py seed_demo` loads.

Everything here is plain data: the organisation, the category tree and the complaint situations,
drawn from the rule documents in ../shared/seeds (a furniture mall, a car dealership, an auction
house, an annual-review agency, the consumer-complaint rules). demo.seed turns it into cases
through the services, reading it as `data.NAME` from this package.

Texts may use these placeholders: {product}, {store}, {claim} (amount claimed), {amount} (decision
amount) and {days}.
"""

from demo.data.categories import CATEGORY_TREE
from demo.data.customers import (
    EMAIL_DOMAINS,
    GIVEN_NAMES,
    MOBILE_PREFIXES,
    REGIONS,
    STREETS,
    SURNAMES,
)
from demo.data.definitions import (
    CategoryDef,
    DepartmentDef,
    RejectionCase,
    Resolution,
    Scenario,
    UserDef,
)
from demo.data.english import CATEGORY_NAMES_EN, DEPARTMENT_NAMES_EN
from demo.data.organisation import DEMO_PASSWORD, DEPARTMENT_STAFF, DEPARTMENTS, USERS
from demo.data.phrases import (
    ACKNOWLEDGEMENTS,
    APPROVAL_COMMENTS,
    ASSIGN_COMMENTS,
    CHANNEL_PREFIX,
    DISSATISFIED_COMMENTS,
    EMAIL_ACKNOWLEDGEMENT,
    EXHAUSTED_CLOSE,
    FAILED_FOLLOW_UPS,
    GENERIC_NOTES,
    INBOUND_CONTACTS,
    ON_SPOT_REPLY,
    PROGRESS_CONTACTS,
    REFUSAL_COMMENTS,
    REJECTION_REPLY,
    REOPEN_COMMENT,
    REPLY_TEMPLATES,
    SATISFIED_COMMENTS,
    SECOND_FINDINGS,
    SECOND_RESOLUTION,
    TRIAGE_COMMENTS,
    URGENT_NOTES,
    WITHDRAWALS,
)
from demo.data.rejections import DUPLICATE_COMMENT, REJECTIONS
from demo.data.scenarios import SCENARIOS, STORES

__all__ = [
    "ACKNOWLEDGEMENTS",
    "APPROVAL_COMMENTS",
    "ASSIGN_COMMENTS",
    "CATEGORY_NAMES_EN",
    "CATEGORY_TREE",
    "CHANNEL_PREFIX",
    "DEMO_PASSWORD",
    "DEPARTMENTS",
    "DEPARTMENT_NAMES_EN",
    "DEPARTMENT_STAFF",
    "DISSATISFIED_COMMENTS",
    "DUPLICATE_COMMENT",
    "EMAIL_ACKNOWLEDGEMENT",
    "EMAIL_DOMAINS",
    "EXHAUSTED_CLOSE",
    "FAILED_FOLLOW_UPS",
    "GENERIC_NOTES",
    "GIVEN_NAMES",
    "INBOUND_CONTACTS",
    "MOBILE_PREFIXES",
    "ON_SPOT_REPLY",
    "PROGRESS_CONTACTS",
    "REFUSAL_COMMENTS",
    "REGIONS",
    "REJECTIONS",
    "REJECTION_REPLY",
    "REOPEN_COMMENT",
    "REPLY_TEMPLATES",
    "SATISFIED_COMMENTS",
    "SCENARIOS",
    "SECOND_FINDINGS",
    "SECOND_RESOLUTION",
    "STORES",
    "STREETS",
    "SURNAMES",
    "TRIAGE_COMMENTS",
    "URGENT_NOTES",
    "USERS",
    "WITHDRAWALS",
    "CategoryDef",
    "DepartmentDef",
    "RejectionCase",
    "Resolution",
    "Scenario",
    "UserDef",
]
