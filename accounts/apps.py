from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Organisation and users")

    def ready(self) -> None:
        from accounts import (  # noqa: F401  (connect the receivers, register the checks)
            checks,
            signals,
        )
