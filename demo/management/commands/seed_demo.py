"""manage.py seed_demo: the demo organisation, logins and about 200 complaints (idempotent)."""

from __future__ import annotations

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from accounts.models import User
from complaints.models import Channel, State
from demo import data as demo_data
from demo.seed import seed_demo


def production_signs() -> list[str]:
    """Why the current settings look like a production installation (empty: a demo or a
    developer's machine). The embedded `make run` uses Django's insecure demo key over plain
    HTTP; production sets DJANGO_SECRET_KEY and, behind TLS, DJANGO_HTTPS (README: Production)."""
    if settings.DEBUG:
        return []
    signs = []
    if not settings.SECRET_KEY.startswith("django-insecure-"):
        signs.append("DJANGO_SECRET_KEY is set")
    if settings.SESSION_COOKIE_SECURE:
        signs.append("DJANGO_HTTPS is on")
    return signs


class Command(BaseCommand):
    help = (
        "Load the demo organisation (departments, categories, users with password "
        f"{demo_data.DEMO_PASSWORD}) and about 200 complaints built through the services. "
        "Running it again changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--force",
            action="store_true",
            help="Seed even though the settings look like production (never on real data).",
        )

    def handle(self, *args, **options) -> None:
        reasons = production_signs()
        if reasons and not options["force"]:
            raise CommandError(
                "Refusing to load demo data: these settings look like production ("
                + "; ".join(reasons)
                + "). The demo creates logins with the public password "
                f"{demo_data.DEMO_PASSWORD}, including a superuser. Use --force only on a "
                "throwaway database."
            )
        result = seed_demo()
        if result.created:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Demo data loaded: {result.complaints} complaints from {result.customers} "
                    f"customers, {result.events} timeline events, in {result.seconds:.1f} s."
                )
            )
        else:
            self.stdout.write(
                f"Demo data already present ({result.complaints} demo complaints); nothing changed."
            )
        for failure in result.failures:
            self.stderr.write(self.style.WARNING(f"Skipped {failure}"))
        if result.complaints:
            self._counts("By state", result.by_state, State)
            self._counts("By channel", result.by_channel, Channel)
        self._logins()

    def _counts(self, title: str, counts: dict[str, int], choices) -> None:
        parts = [f"{value} {counts[value]}" for value in choices.values if counts.get(value)]
        self.stdout.write(f"{title}: " + ", ".join(parts))

    def _logins(self) -> None:
        users = {user.username: user for user in User.objects.select_related("department")}
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {demo_data.DEMO_PASSWORD}):")
        self.stdout.write(f"  {'username':<16} {'role':<18} name / department")
        for definition in demo_data.USERS:
            user = users.get(definition.username)
            if user is None:
                continue
            role = "superuser" if definition.superuser else str(definition.role or "")
            department = user.department.name if user.department else ""
            name = f"{user.last_name}{user.first_name}"
            self.stdout.write(f"  {user.username:<16} {role:<18} {name} {department}".rstrip())
