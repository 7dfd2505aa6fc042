"""Build the daily rollup the report page reads (reports.selectors.rollup).

Every build counts every measure afresh over the rolled months, in one transaction under a new
build id: a report sees a whole build or the one before it, never half of one. Then the rows of
older builds are deleted. Counting everything again (rather than the days touched since the last
build) keeps the rollup exactly the live count as of the build, whatever changed an old case:
its state, its owner, a clock paused or a decision approved. Idempotent: two builds of the same
moment hold the same rows; two running at once both finish, the later one is read.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime
from itertools import islice
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from reports.domain import add_months, local_midnight
from reports.models import DailyFigure, DailyFigureBuild
from reports.selectors.deadlines import report_calendars
from reports.selectors.rollup import figure_rows

log = logging.getLogger(__name__)

BATCH = 5000


def daily_figures_rebuild(*, now: datetime | None = None) -> DailyFigureBuild:
    """Count the rollup as of `now` (default: now) and make it the one reports read."""
    tz = ZoneInfo(settings.TIME_ZONE)
    as_of = now or timezone.now()
    first_day = add_months(as_of.astimezone(tz).date(), -settings.REPORTS_ROLLUP_MONTHS)
    started = time.monotonic()
    with transaction.atomic():
        build = DailyFigureBuild.objects.create(
            as_of=as_of, first_day=first_day, finished_at=as_of, seconds=0, rows=0
        )
        rows = figure_rows(
            since=local_midnight(first_day, tz),
            as_of=as_of,
            tz=tz,
            calendars=report_calendars(),
        )
        written = 0
        while batch := list(islice(rows, BATCH)):
            for row in batch:
                row.build = build
            DailyFigure.objects.bulk_create(batch)
            written += len(batch)
        build.rows = written
        build.seconds = time.monotonic() - started
        build.finished_at = timezone.now()
        build.save(update_fields=["rows", "seconds", "finished_at"])
    # Older builds are not read any more (the latest is); a build still running (started before
    # this one) is left alone and goes with the next.
    older = DailyFigureBuild.objects.filter(as_of__lt=as_of).values_list("pk", flat=True)
    stale = list(older)
    if stale:
        DailyFigure.objects.filter(build_id__in=stale).delete()
        DailyFigureBuild.objects.filter(pk__in=stale).delete()
    log.info(
        "reports: daily figures as of %s: %d rows in %.1f s",
        as_of.isoformat(),
        written,
        build.seconds,
    )
    return build
