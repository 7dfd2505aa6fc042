"""Sign-in, sign-out, password change and the language the pages speak."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import Org

pytestmark = pytest.mark.django_db

PASSWORD = "demo1234"  # tests.factories.UserFactory's password


def english_client() -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


class TestSignIn:
    def test_the_sign_in_page_looks_like_the_product(self, org: Org) -> None:
        response = Client().get(reverse("login"))

        assert response.status_code == 200
        page = response.content.decode()
        assert "投诉处理系统" in page or "投诉处理" in page
        assert 'data-testid="login-form"' in page
        assert 'data-testid="topbar"' not in page  # no navigation before signing in

    def test_good_password_signs_in_and_lands_on_the_role_queue(self, org: Org) -> None:
        client = english_client()

        response = client.post(reverse("login"), {"username": "handler", "password": PASSWORD})

        assert response.status_code == 302
        assert response["Location"] == reverse("home")
        assert client.get(reverse("home"))["Location"] == reverse("queue", args=["mine"])

    def test_bad_password_is_refused_and_keeps_the_username(self, org: Org) -> None:
        client = english_client()

        response = client.post(reverse("login"), {"username": "handler", "password": "wrong"})

        assert response.status_code == 200
        page = response.content.decode()
        assert 'data-testid="login-error"' in page
        assert 'value="handler"' in page
        assert "wrong" not in page  # the password is never echoed
        assert "_auth_user_id" not in client.session

    def test_next_is_followed_after_sign_in(self, org: Org) -> None:
        client = english_client()
        target = reverse("notifications")

        response = client.post(
            reverse("login"), {"username": "agent", "password": PASSWORD, "next": target}
        )

        assert response["Location"] == target

    def test_a_signed_in_user_visiting_the_sign_in_page_goes_home(self, org: Org, client_for):
        response = client_for(org.agent).get(reverse("login"))

        assert response.status_code == 302

    def test_sign_in_restores_the_saved_language(self, org: Org) -> None:
        User.objects.filter(pk=org.handler.pk).update(language="en")
        client = Client()  # no language cookie: the site default would be Chinese

        response = client.post(reverse("login"), {"username": "handler", "password": PASSWORD})

        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        page = client.get(reverse("queue", args=["mine"])).content.decode()
        assert "My cases" in page

    def test_inactive_users_cannot_sign_in(self, org: Org) -> None:
        User.objects.filter(pk=org.handler.pk).update(is_active=False)

        response = english_client().post(
            reverse("login"), {"username": "handler", "password": PASSWORD}
        )

        assert response.status_code == 200
        assert 'data-testid="login-error"' in response.content.decode()


class TestSignOut:
    def test_sign_out_is_a_post_and_ends_the_session(self, org: Org, client_for) -> None:
        client = client_for(org.agent)

        response = client.post(reverse("logout"))

        assert response.status_code == 302
        assert response["Location"] == reverse("login")
        assert client.get(reverse("queue", args=["triage"])).status_code == 302

    def test_sign_out_by_get_is_refused(self, org: Org, client_for) -> None:
        client = client_for(org.agent)

        assert client.get(reverse("logout")).status_code == 405
        assert client.get(reverse("queue", args=["triage"])).status_code == 200


class TestPasswordChange:
    URL = "password_change"

    def test_anonymous_visitors_are_sent_to_sign_in(self, org: Org) -> None:
        response = Client().get(reverse(self.URL))

        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))

    def test_changing_the_password(self, org: Org, client_for) -> None:
        client = client_for(org.handler)

        response = client.post(
            reverse(self.URL),
            {
                "old_password": PASSWORD,
                "new_password1": "Autumn-leaves-2026",
                "new_password2": "Autumn-leaves-2026",
            },
            follow=True,
        )

        assert response.redirect_chain[0] == (reverse("home"), 302)
        assert "Your password has been changed." in response.content.decode()
        org.handler.refresh_from_db()
        assert org.handler.check_password("Autumn-leaves-2026")
        # Django keeps the session valid after the change (update_session_auth_hash).
        assert client.get(reverse("notifications")).status_code == 200

    @pytest.mark.parametrize(
        ("data", "field"),
        [
            (
                {
                    "old_password": "not-it",
                    "new_password1": "Autumn-leaves-2026",
                    "new_password2": "Autumn-leaves-2026",
                },
                "old_password",
            ),
            (
                {
                    "old_password": PASSWORD,
                    "new_password1": "Autumn-leaves-2026",
                    "new_password2": "Spring-leaves-2026",
                },
                "new_password2",
            ),
            (
                {"old_password": PASSWORD, "new_password1": "123", "new_password2": "123"},
                "new_password2",
            ),
        ],
        ids=["wrong-current-password", "new-passwords-differ", "too-weak"],
    )
    def test_errors_are_shown_on_the_form_and_nothing_changes(
        self, org: Org, client_for, data: dict[str, str], field: str
    ) -> None:
        client = client_for(org.handler)

        response = client.post(reverse(self.URL), data)

        assert response.status_code == 200
        form = response.context["form"]
        assert form.errors[field]
        page = response.content.decode()
        assert 'class="errorlist' in page
        assert 'id="password-change-form"' in page
        # What was typed is kept in the bound form; passwords are not written back into the
        # page's HTML (Django's PasswordInput), so a shared screen never shows them.
        assert form.data["new_password1"] == data["new_password1"]
        assert data["new_password1"] not in page
        org.handler.refresh_from_db()
        assert org.handler.check_password(PASSWORD)


class TestLanguage:
    def test_pages_speak_chinese_by_default(self, org: Org, client_for) -> None:
        client = client_for(org.handler, language=None)

        page = client.get(reverse("notifications")).content.decode()

        assert '<html lang="zh-hans">' in page
        assert "处理专员" in page  # the role in the navigation: "Department handler"

    def test_switching_to_english_sets_the_cookie_and_saves_the_choice(
        self, org: Org, client_for
    ) -> None:
        client = client_for(org.handler, language=None)
        next_url = reverse("notifications")

        response = client.post(reverse("language"), {"language": "en", "next": next_url})

        assert response.status_code == 302
        assert response["Location"] == next_url
        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        org.handler.refresh_from_db()
        assert org.handler.language == "en"
        page = client.get(next_url).content.decode()
        assert '<html lang="en">' in page
        assert "Department handler" in page
        assert "处理专员" not in page

    def test_switching_back_to_chinese(self, org: Org, client_for) -> None:
        User.objects.filter(pk=org.handler.pk).update(language="en")
        client = client_for(org.handler)

        client.post(reverse("language"), {"language": "zh-hans", "next": "/"})

        org.handler.refresh_from_db()
        assert org.handler.language == "zh-hans"
        assert '<html lang="zh-hans">' in client.get(reverse("notifications")).content.decode()

    def test_an_unknown_language_changes_nothing(self, org: Org, client_for) -> None:
        client = client_for(org.handler, language=None)

        response = client.post(reverse("language"), {"language": "xx", "next": "/"})

        assert response.status_code == 302
        assert settings.LANGUAGE_COOKIE_NAME not in response.cookies
        org.handler.refresh_from_db()
        assert org.handler.language == "zh-hans"

    def test_an_outside_next_address_is_not_followed(self, org: Org, client_for) -> None:
        response = client_for(org.handler).post(
            reverse("language"), {"language": "en", "next": "https://evil.example/"}
        )

        assert "evil.example" not in response["Location"]

    def test_the_switch_is_a_post(self, org: Org, client_for) -> None:
        assert client_for(org.handler).get(reverse("language")).status_code == 405

    def test_anonymous_visitors_can_switch_on_the_sign_in_page(self, org: Org) -> None:
        client = Client()

        response = client.post(reverse("language"), {"language": "en", "next": reverse("login")})

        assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
        assert '<html lang="en">' in client.get(reverse("login")).content.decode()
