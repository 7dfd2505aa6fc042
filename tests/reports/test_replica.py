"""With a read replica, the reports' reads go to it and every write stays on the primary.

The "replica" here is a second connection to the test database itself, as DATABASE_REPLICA_URL
pointing at the primary would be: the test proves which connection each query takes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.test.utils import CaptureQueriesContext

from complaints.models import Complaint
from reports.domain import month_period
from reports.models import ExportJob
from reports.selectors.dashboard import dashboard_figures
from reports.selectors.databases import REPLICA, read_alias
from reports.selectors.exports import ExportSpec
from reports.selectors.report import report_figures
from reports.selectors.scope import ReportScope
from reports.services.exports import export_csv_stream, export_job_build

ROOT = Path(__file__).resolve().parents[2]
MARCH = ExportSpec(date_from=date(2026, 3, 1), date_to=date(2026, 3, 31))


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """A "replica" database on the test database's data. Module-scoped: it must exist before
    the test's database access is set up, which lists the databases the test may use."""
    connections.settings[REPLICA] = {**connections[DEFAULT_DB_ALIAS].settings_dict}
    yield REPLICA
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def replica(replica_alias, settings):
    """The replica's connection, with the router the settings install for one."""
    settings.DATABASE_ROUTERS = ["config.db_routers.PrimaryReplicaRouter"]
    return connections[replica_alias]


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_exports_read_the_replica_and_write_the_primary(org, new_complaint, replica):
    case = new_complaint(received_at=datetime(2026, 3, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    job = ExportJob.objects.create(
        requested_by=org.manager,
        format="xlsx",
        date_from=MARCH.date_from,
        date_to=MARCH.date_to,
        language="en",
        created_at=case.received_at,
    )
    assert read_alias() == REPLICA

    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        csv_text = "".join(export_csv_stream(user=org.manager, spec=MARCH, language="en"))
        built = export_job_build(job_id=job.pk)

    assert case.reference in csv_text
    assert built is not None and built.status == ExportJob.Status.DONE and built.rows == 1
    # The rows (two exports) came from the replica; the job's own row was read and written on
    # the primary, which never ran the rows' query
    rows_queries = [
        q["sql"] for q in on_replica.captured_queries if "complaints_complaint" in q["sql"]
    ]
    assert len(rows_queries) == 2
    assert not any(
        "complaints_complaint" in q["sql"] and "reports_exportjob" not in q["sql"]
        for q in on_primary.captured_queries
    )
    assert any(q["sql"].startswith("UPDATE") for q in on_primary.captured_queries)
    assert not any(q["sql"].startswith(("UPDATE", "INSERT")) for q in on_replica.captured_queries)

    # A row read from the replica and saved goes to the primary (the router)
    copy = ExportJob.objects.using(REPLICA).get(pk=job.pk)
    copy.error = "checked"
    with CaptureQueriesContext(replica) as writes_on_replica:
        copy.save(update_fields=["error"])
    assert writes_on_replica.captured_queries == []
    assert ExportJob.objects.get(pk=job.pk).error == "checked"


@pytest.mark.django_db(transaction=True, databases=[DEFAULT_DB_ALIAS, REPLICA])
def test_the_dashboard_and_the_report_are_counted_on_the_replica(org, new_complaint, replica):
    new_complaint(received_at=datetime(2026, 3, 5, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")))
    scope = ReportScope(departments=None)
    at = datetime(2026, 3, 20, 12, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

    with (
        CaptureQueriesContext(replica) as on_replica,
        CaptureQueriesContext(connections[DEFAULT_DB_ALIAS]) as on_primary,
    ):
        dashboard = dashboard_figures(scope=scope, now=at)
        report = report_figures(scope=scope, period=month_period(2026, 3), now=at)
        # Outside the figures, reads stay on the primary (a person reads their own writes).
        assert list(Complaint.objects.values_list("reference", flat=True))

    assert dashboard.new.month == 1
    assert report.current.intake.received == 1
    assert len(on_replica.captured_queries) > 20
    assert [q["sql"] for q in on_primary.captured_queries] == [
        q["sql"] for q in on_primary.captured_queries if "complaints_complaint" in q["sql"]
    ]
    assert len(on_primary.captured_queries) == 1


def test_the_settings_add_the_replica_and_its_router_from_the_environment():
    code = (
        "import json, django; from django.conf import settings; django.setup();"
        "print(json.dumps({'replica': settings.DATABASES.get('replica'),"
        "'routers': settings.DATABASE_ROUTERS}, default=str))"
    )
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DATABASE_REPLICA_URL"}}
    run = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={
            **env,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": "postgres://app@primary.internal/complaints",
            "DATABASE_REPLICA_URL": "postgres://reader@replica.internal/complaints",
        },
        capture_output=True,
        text=True,
        check=True,
    )
    found = json.loads(run.stdout.strip().splitlines()[-1])
    assert found["replica"]["HOST"] == "replica.internal"
    assert found["replica"]["USER"] == "reader"
    assert found["replica"]["TEST"]["MIRROR"] == "default"
    assert found["routers"] == ["config.db_routers.PrimaryReplicaRouter"]
