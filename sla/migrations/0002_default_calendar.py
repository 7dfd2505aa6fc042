"""The default calendar, mainland China. Its days are loaded by `manage.py refresh_calendars`.

The days are not loaded here: a migration must give the same result whenever it runs, while the
package's days depend on the package version and the current year, and the loading service works
on today's models, not the historical ones a migration gets.
"""

from django.db import migrations


def create_default_calendar(apps, schema_editor):
    BusinessCalendar = apps.get_model("sla", "BusinessCalendar")
    has_default = BusinessCalendar.objects.filter(is_default=True).exists()
    BusinessCalendar.objects.get_or_create(
        code="cn",
        defaults={
            "name": "中国大陆",
            "country": "CN",
            "time_zone": "Asia/Shanghai",
            "rest_weekdays": [6, 7],
            "is_default": not has_default,
            "is_active": True,
        },
    )


class Migration(migrations.Migration):
    dependencies = [("sla", "0001_initial")]

    operations = [migrations.RunPython(create_default_calendar, migrations.RunPython.noop)]
