import pytest
from django.conf import settings


@pytest.fixture
def client(client):
    """These tests check the admin's messages against the English source texts, so they browse in
    English; tests/test_i18n.py covers the Chinese pages (the site's default language)."""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client
