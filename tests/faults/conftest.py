"""Fault-injection tests (issue 15 §4): the fixtures of the staff pages, the cases and the portal."""

from __future__ import annotations

from tests.complaints.conftest import complaint_in, flow  # noqa: F401  (fixtures)
from tests.pages.conftest import client_for  # noqa: F401  (fixture)
from tests.public.tracking.conftest import customer_case  # noqa: F401  (fixture)
