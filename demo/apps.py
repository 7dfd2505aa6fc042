from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo organisation and cases that `manage.py seed_demo` loads; no models.

    Nothing in the product imports this app: only its management command and the tests do.
    """

    name = "demo"
