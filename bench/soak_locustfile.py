"""The soak test's traffic (bench/soak.py runs it with locust, headless): customers on the public
form and tracking pages, staff working their queues and cases, a partner system on the API.

soak.py compares the writes gunicorn answered as done with the rows in the database ("nothing
lost"); every answer of 500 or more is a failure. Each request has a connection of its own
(`Connection: close`), as behind a proxy: reusing one the server is closing after its keep-alive
(two seconds) would be the client's race, not the product's.
"""

from __future__ import annotations

import itertools
import os
import random
import re
import uuid

from locust import HttpUser, between, task

PASSWORD = os.environ.get("SOAK_PASSWORD", "demo1234")
RUN = uuid.uuid4().hex[:8]
_numbers = itertools.count(1)
REFERENCE = re.compile(r'href="/complaints/(CP-\d{4}-\d{6})/"')
TRACK_LINK = re.compile(r'(/complaint/track/[^"/\s<]+/)')


def hidden(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    return found.group(1) if found else ""


class Customer(HttpUser):
    """Opens the form, sends a complaint, reads the receipt, follows the case now and then."""

    weight = 3
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers["Connection"] = "close"
        self.client.headers["Accept-Language"] = random.choice(["zh-hans", "en"])
        self.tracking: list[str] = []

    @task(3)
    def submit(self) -> None:
        page = self.client.get("/complaint/", name="portal: form")
        if page.status_code != 200:
            return
        number = next(_numbers)
        data = {
            "csrfmiddlewaretoken": hidden(page.text, "csrfmiddlewaretoken"),
            "submission_key": f"soak-{RUN}-{os.getpid()}-{number}",
            "notice_version": hidden(page.text, "notice_version"),
            "customer_name": "李女士",
            "customer_phone": f"1390{os.getpid() % 1000:03d}{number % 10000:04d}",
            "customer_email": f"soak.{RUN}.{os.getpid()}.{number}@example.com",
            "region": "上海市",
            "product_or_service": "KFR-35GW 空调",
            "description": "安装后第二天就漏水。<script>alert(1)</script>",
            "remedy_sought": "repair",
            "consent": "on",
        }
        with self.client.post(
            "/complaint/",
            data=data,
            headers={"Referer": self.client.base_url + "/complaint/"},
            allow_redirects=False,
            name="portal: submit",
            catch_response=True,
        ) as answer:
            if answer.status_code == 302 and "/complaint/submitted/" in answer.headers.get(
                "Location", ""
            ):
                answer.success()
            else:
                answer.failure(f"not recorded: {answer.status_code}")
                return
        receipt = self.client.get(answer.headers["Location"], name="portal: receipt")
        found = TRACK_LINK.search(receipt.text)
        if found:
            self.tracking.append(found.group(1))
            del self.tracking[:-5]

    @task(2)
    def track(self) -> None:
        if self.tracking:
            self.client.get(random.choice(self.tracking), name="portal: tracking page")


class Staff(HttpUser):
    """An agent, a handler or a head: queues, a case page, now and then an internal note."""

    weight = 2
    wait_time = between(1, 4)

    def on_start(self) -> None:
        self.username = random.choice(["agent", "handler", "head"])
        self.queue = {
            "agent": "/queues/all/",
            "handler": "/queues/mine/",
            "head": "/queues/department/",
        }[self.username]
        self.client.headers["Connection"] = "close"
        self.client.headers["Accept-Language"] = "zh-hans"
        page = self.client.get("/accounts/login/", name="staff: sign-in page")
        self.client.post(
            "/accounts/login/",
            data={
                "csrfmiddlewaretoken": hidden(page.text, "csrfmiddlewaretoken"),
                "username": self.username,
                "password": PASSWORD,
            },
            headers={"Referer": self.client.base_url + "/accounts/login/"},
            name="staff: sign in",
        )
        self.cases: list[str] = []

    def _csrf(self) -> str:
        return self.client.cookies.get("csrftoken", "")

    @task(4)
    def queue_page(self) -> None:
        page = self.client.get(self.queue, name="staff: queue")
        self.cases = REFERENCE.findall(page.text)[:10] or self.cases

    @task(1)
    def tab_counts(self) -> None:
        self.client.get("/queue-counts/?current=all", name="staff: tab counts")

    @task(3)
    def case_page(self) -> None:
        if self.cases:
            reference = random.choice(self.cases)
            self.client.get(f"/complaints/{reference}/", name="staff: case page")

    @task(1)
    def note(self) -> None:
        if not self.cases:
            return
        reference = random.choice(self.cases)
        with self.client.post(
            f"/complaints/{reference}/notes/",
            data={"csrfmiddlewaretoken": self._csrf(), "text": "跟进中：已联系客户。"},
            headers={"Referer": self.client.base_url + f"/complaints/{reference}/"},
            allow_redirects=False,
            name="staff: add a note",
            catch_response=True,
        ) as answer:
            # 302 back to the case; 404 when the case left the user's scope meanwhile.
            if answer.status_code in (200, 302, 404):
                answer.success()


class PartnerSystem(HttpUser):
    """Lists complaints and records new ones through the API with an Idempotency-Key."""

    weight = 1
    wait_time = between(1, 3)

    def on_start(self) -> None:
        self.client.headers["Connection"] = "close"
        answer = self.client.post(
            "/api/v1/auth/token/",
            json={"username": "agent", "password": PASSWORD},
            name="api: token",
        )
        token = answer.json().get("token", "") if answer.status_code == 200 else ""
        self.client.headers["Authorization"] = f"Token {token}"

    @task(3)
    def list_complaints(self) -> None:
        self.client.get("/api/v1/complaints/?page_size=25", name="api: list")

    @task(1)
    def create(self) -> None:
        number = next(_numbers)
        with self.client.post(
            "/api/v1/complaints/",
            json={
                "channel": "api",
                "customer": {
                    "name": "张先生",
                    "phone": f"1370{os.getpid() % 1000:03d}{number % 10000:04d}",
                },
                "subject": "配送延误",
                "description": "订单超过承诺时间三天仍未送达。",
            },
            headers={"Idempotency-Key": f"soak-{RUN}-{os.getpid()}-{number}"},
            name="api: create",
            catch_response=True,
        ) as answer:
            if answer.status_code == 201:
                answer.success()
            else:
                answer.failure(f"not recorded: {answer.status_code}")
