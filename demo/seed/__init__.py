"""Loading the demo organisation and about 200 complaints; `manage.py seed_demo` runs it.

Every case is built through the services, acting as the demo users, so its timeline, decisions,
approvals, contacts and follow-ups are what the real system would have written. The services stamp
times with `django.utils.timezone.now()`; while seeding that function is replaced by a simulated
clock that is moved forward through each case's life, so the history spreads over the past twelve
months (CaseEvent rows are append-only and cannot be back-dated afterwards).

Idempotent: the organisation is created get-or-create style, and the cases only when none of the
demo customers has a complaint yet. The content is fixed by random.Random(2026) and per-case streams
derived from it; only the dates follow the day the command runs. Each case is built in its own
savepoint: should a service refuse a step, that case is left out and reported, and the rest load.
"""

from demo.seed.run import SeedResult, seed_demo

__all__ = ["SeedResult", "seed_demo"]
