"""Screenshots of the queue and the case page for docs/screenshots/, from the demo data.

    make screenshots            (or: .venv/bin/python scripts/screenshots.py [--out DIR])

Seeds the demo into a throwaway SQLite database in a temporary directory (your var/ and any
DATABASE_URL are left alone), serves it with Django on a free local port, signs in as the
department head 陈建华 (head / demo1234) and shoots with the system Chromium through Playwright:

    queue-{en,zh-hans}-{1366,390}.png   the department queue, the first screen
    case-{en,zh-hans}-{1366,390}.png    the most overdue case of that queue, the whole page
    track-{en,zh-hans}-{1366,390}.png   a replied case's public tracking page (the customer added
                                        a message first), the whole page
    survey-{en,zh-hans}-{1366,390}.png  its satisfaction survey, the whole page
    report-{en,zh-hans}-{1366,390}.png     the complaint manager's report of last month, and
    snapshots-{en,zh-hans}-{1366,390}.png  the report snapshots the demo keeps
    dashboard-{en,zh-hans}-{1366,390}.png  the complaint manager's dashboard (signed in as
                                        manager), the whole page with its charts

    rights-{en,zh-hans}-{1366,390}.png          the complaint manager's personal data requests (made
                                                by the script, one overdue), the whole page
    rights-new-{en,zh-hans}-{1366,390}.png      the form that records one
    rights-request-{en,zh-hans}-{1366,390}.png  an export request with its zip ready
    rights-erase-{en,zh-hans}-{1366,390}.png    an erasure's confirmation page
    case-legal-hold-{en,zh-hans}-{1366,390}.png a closed case on legal hold, as the manager sees it

two-factor sign-in, as senior management (executive / demo1234), whose role the server is told
to require it of (COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES=executive; the demo requires it of no one):

    two-factor-enrol-{en,zh-hans}-{1366,390}.png  the enrolment the password leads to
    two-factor-code-{en,zh-hans}-{1366,390}.png   the code asked at the next sign-in

personal data (a case of the head's department gets a medical record and some reveals first):

    reveals-{en,zh-hans}-{1366,390}.png          the auditor's reveal report, the whole page
    reveal-form-{en,zh-hans}-{1366,390}.png      the customer card with the reveal form open,
                                                 as the handler 王志强 sees it
    evidence-restricted-{en,zh-hans}-{1366,390}.png  the evidence card as the agent 李晓燕 sees
                                                 it: the medical record restricted

and, without signing in, the customers' portal (a complaint sent in each language):

    public-submit-{en,zh-hans}-{1366,390}.png     the complaint form, the whole page
    public-submitted-{en,zh-hans}-{1366,390}.png  the receipt shown after sending it

Re-runnable: each run starts from an empty database and overwrites the files. `--only privacy`
(or queue, manager, portal, two-factor, public) shoots one group. The demo's
dates follow today's date, so the deadlines shown move from one run to the next.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
CHROMIUM = os.environ.get("CHROMIUM_PATH") or shutil.which("chromium") or "/usr/bin/chromium"
VIEWPORTS = {1366: {"width": 1366, "height": 900}, 390: {"width": 390, "height": 844}}
LANGUAGES = ("zh-hans", "en")
USER, PASSWORD = "head", "demo1234"
MANAGER = "manager"
# Required to use two-factor sign-in by the server this script starts (and by no one in the demo).
TWO_FACTOR_USER, TWO_FACTOR_ROLE = "executive", "executive"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def manage(env: dict[str, str], *args: str) -> None:
    subprocess.run([PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True)


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            time.sleep(0.3)
    raise SystemExit(f"the server did not answer at {url}")


# Run in the demo database: a case awaiting the survey gets a customer's message, and its signed
# links are printed (the server signs with the same key, so they open there).
PUBLIC_LINKS = """
from complaints.models import Complaint
from complaints.public_links import survey_token, tracking_token
from complaints.services.customer_portal import customer_add_information
case = Complaint.objects.filter(state="follow_up").order_by("-replied_at").first()
customer_add_information(complaint=case, message="维修后第二天又不制冷了，附上维修单照片。请尽快安排上门。")
case.refresh_from_db()
print(f"/complaint/track/{tracking_token(case)}/ /complaint/survey/{survey_token(case)}/")
"""


# Run in the demo database: a closed case on legal hold, and three people's requests about their
# data (an export with its zip built, an erasure, one received a month ago); prints their ids.
RIGHTS_REQUESTS = """
from datetime import timedelta
from django.utils import timezone
from accounts.models import User
from complaints.models import FINAL_STATES, Complaint
from complaints.services.legal_hold import legal_hold_set
from complaints.services.rights import (
    rights_export_build, rights_export_prepare, rights_request_record,
)
manager = User.objects.get(username="manager")
ended = [
    case for case in Complaint.objects.filter(state="closed").select_related("customer")
    if not case.customer.complaints.exclude(state__in=FINAL_STATES).exists()
]
held, erased, exported = ended[0], ended[1], ended[2]
legal_hold_set(actor=manager, reference=held.reference, reason="（2026）沪0101民初1234号")
def ask(kind, case, days_ago):
    customer = case.customer
    return rights_request_record(
        actor=manager, kind=kind, requester_name=customer.name, requester_phone=customer.phone,
        requester_email=customer.email, identity_check="id_document",
        received_at=timezone.now() - timedelta(days=days_ago),
    )
export = ask("export", exported, 2)
rights_export_prepare(actor=manager, request_id=export.pk, language="zh-hans")
rights_export_build(request_id=export.pk)
erase = ask("erasure", erased, 1)
ask("erasure", held, 30)
print(export.pk, erase.pk, held.reference)
"""


def rights_requests(env: dict[str, str]) -> tuple[str, str, str]:
    printed = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", RIGHTS_REQUESTS],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return printed[-3], printed[-2], printed[-1]


def public_links(env: dict[str, str]) -> tuple[str, str]:
    printed = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", PUBLIC_LINKS],
        cwd=ROOT,
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return printed[-2], printed[-1]


def shoot_public(base_url: str, out: Path, links: tuple[str, str]) -> list[Path]:
    """The customer's tracking page and survey, without signing in."""
    from playwright.sync_api import sync_playwright

    written = []
    track, survey = links
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for language in LANGUAGES:
            for width, viewport in VIEWPORTS.items():
                context = browser.new_context(
                    base_url=base_url,
                    viewport=viewport,
                    # The file picker's own words follow the browser's language.
                    locale="zh-CN" if language == "zh-hans" else "en-US",
                )
                context.add_cookies(
                    [{"name": "django_language", "value": language, "url": base_url}]
                )
                page = context.new_page()
                for name, path in (("track", track), ("survey", survey)):
                    page.goto(path)
                    shot = out / f"{name}-{language}-{width}.png"
                    page.screenshot(path=str(shot), full_page=True)
                    written.append(shot)
                context.close()
        browser.close()
    return written


def signed_in(context, username: str, language: str):
    """A page of `context` signed in as `username`, switched to `language`."""
    page = context.new_page()
    page.goto("/accounts/login/")
    form = page.locator("#login-form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[data-testid=login-submit]").click()
    page.wait_for_selector("[data-testid=topbar]")
    # Signing in restores the user's saved language: switch to the one wanted.
    with page.expect_navigation():
        page.evaluate(
            "code => document.querySelector(`[data-testid=language-${code}]`).click()",
            language,
        )
    return page


# Run in the demo database: a case of the service department gets a medical record, and people
# reveal its customer's contact details (today's through the service; earlier ones written as the
# log keeps them), so the auditor's report has rows. Prints the case's reference.
PRIVACY_SETUP = """
from datetime import timedelta
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from accounts.models import User
from complaints.models import Complaint, ContactReveal
from complaints.services import contact_reveal, evidence_add
people = {u.username: u for u in User.objects.filter(username__in=["handler", "head", "agent", "agent2", "executive"])}
cases = Complaint.objects.filter(department__code="service", state__in=["investigation", "decision"]).exclude(customer__address="").order_by("-customer__email", "received_at")
case = cases.first()
pdf = b"%PDF-1.4 1 0 obj <</Type /Catalog>> endobj trailer <</Root 1 0 R>> %%EOF"
evidence_add(complaint=case, actor=people["head"], kind="medical_record", upload=SimpleUploadedFile("诊断证明.pdf", pdf, content_type="application/pdf"), description="医院诊断证明")
contact_reveal(complaint=case, actor=people["handler"], fields=["phone"], reason="call_customer")
contact_reveal(complaint=case, actor=people["head"], fields=["address"], reason="visit_or_delivery", note="安排师傅上门检测")
now = timezone.now()
reasons = ["call_customer", "write_to_customer", "confirm_identity", "outside_body", "other"]
others = Complaint.objects.exclude(pk=case.pk).filter(state__in=["triage", "investigation", "decision", "reply"]).order_by("received_at")[:12]
for day, other in enumerate(others):
    actor = people[["handler", "head", "agent", "agent2", "executive"][day % 5]]
    reason = reasons[day % 5]
    ContactReveal.objects.create(at=now - timedelta(days=day + 1, hours=day), actor=actor, customer=other.customer, complaint=other, field=["phone", "email", "address"][day % 3], reason=reason, note="客户要求寄送书面答复" if reason == "other" else "", ip_address="10.20.0.%d" % (day + 11))
print(case.reference)
"""


def privacy_setup(env: dict[str, str]) -> str:
    done = subprocess.run(
        [PYTHON, "manage.py", "shell", "-c", PRIVACY_SETUP],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        raise SystemExit(done.stderr)
    return done.stdout.split()[-1]


def shoot_privacy(browser, base_url: str, out: Path, language: str, reference: str) -> list[Path]:
    """The auditor's reveal report; the reveal form on the case page; restricted evidence."""
    written = []
    for username, name in (
        ("auditor", "reveals"),
        ("handler", "reveal-form"),
        ("agent", "evidence-restricted"),
    ):
        context = browser.new_context(
            base_url=base_url,
            viewport=VIEWPORTS[1366],
            locale="zh-CN" if language == "zh-hans" else "en-US",
        )
        page = signed_in(context, username, language)
        for width, viewport in VIEWPORTS.items():
            page.set_viewport_size(viewport)
            path = out / f"{name}-{language}-{width}.png"
            if name == "reveals":
                page.goto("/audit/reveals/")
                page.screenshot(path=str(path), full_page=True)
            else:
                page.goto(f"/complaints/{reference}/")
                # The phone layout's sticky action bar would cover the card's foot.
                page.evaluate("document.querySelector('[data-testid=case-jumpbar]').hidden = true")
                if name == "reveal-form":
                    page.locator("[data-testid=unmask]").click()
                    page.locator("#customer").screenshot(path=str(path))
                else:
                    page.locator("#evidence").screenshot(path=str(path))
            written.append(path)
        context.close()
    return written


# The complaint manager's pages: (path, file name, whether to wait for its charts).
MANAGER_PAGES = [
    ("/dashboard/", "dashboard", True),
    ("/reports/", "report", True),  # last month's report
    ("/reports/snapshots/", "snapshots", False),  # the demo keeps last month's snapshot
]


def shoot_manager(
    browser, base_url: str, out: Path, language: str, requests: tuple[str, str, str]
) -> list[Path]:
    """The complaint manager's dashboard (their landing page), last month's report and the list
    of report snapshots, whole pages with their charts drawn; the personal data requests."""
    context = browser.new_context(
        base_url=base_url,
        viewport=VIEWPORTS[1366],
        locale="zh-CN" if language == "zh-hans" else "en-US",
    )
    page = signed_in(context, MANAGER, language)
    written = []
    for width, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        for url, name, charts in MANAGER_PAGES:
            page.goto(url)
            if charts:
                page.wait_for_selector("[data-chart-canvas] svg")
                page.wait_for_timeout(600)  # the charts' entry animation
            path = out / f"{name}-{language}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            written.append(path)
        export, erase, held = requests
        for url, name in (
            ("/privacy/requests/", "rights"),
            ("/privacy/requests/new/", "rights-new"),
            (f"/privacy/requests/{export}/", "rights-request"),
            (f"/privacy/requests/{erase}/erase/", "rights-erase"),
            (f"/complaints/{held}/", "case-legal-hold"),
        ):
            page.goto(url)
            path = out / f"{name}-{language}-{width}.png"
            page.screenshot(path=str(path), full_page=True)
            written.append(path)
    context.close()
    return written


def _sign_in_form(page, username: str) -> None:
    page.goto("/accounts/login/")
    form = page.locator("#login-form")
    form.locator("input[name=username]").fill(username)
    form.locator("input[name=password]").fill(PASSWORD)
    form.locator("[data-testid=login-submit]").click()


def _authenticator_code(secret: str, steps_ahead: int = 0) -> str:
    """The code an authenticator app given `secret` (as the page shows it) shows now."""
    import base64

    from django_otp.oath import TOTP

    totp = TOTP(base64.b32decode(secret.replace(" ", "")))
    totp.time = time.time() + 30 * steps_ahead
    return f"{totp.token():06d}"


def shoot_two_factor(browser, base_url: str, out: Path) -> list[Path]:
    """The enrolment a required role's password leads to, then the code page of the next
    sign-in, in both languages at both widths."""
    written = []

    def shots(page, name: str) -> None:
        for language in LANGUAGES:
            page.context.add_cookies(
                [{"name": "django_language", "value": language, "url": base_url}]
            )
            for width, viewport in VIEWPORTS.items():
                page.set_viewport_size(viewport)
                page.reload()
                path = out / f"{name}-{language}-{width}.png"
                page.screenshot(path=str(path), full_page=True)
                written.append(path)

    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[1366])
    page = context.new_page()
    _sign_in_form(page, TWO_FACTOR_USER)
    page.wait_for_selector("[data-testid=qr-code] svg")
    shots(page, "two-factor-enrol")
    secret = page.locator("[data-testid=secret]").inner_text()
    page.locator("[data-testid=enrol-code-input]").fill(_authenticator_code(secret))
    page.locator("[data-testid=enrol-submit]").click()
    page.wait_for_selector("[data-testid=backup-code-list]")
    context.close()

    context = browser.new_context(base_url=base_url, viewport=VIEWPORTS[1366])
    page = context.new_page()
    _sign_in_form(page, TWO_FACTOR_USER)
    page.wait_for_selector("[data-testid=code-form]")
    shots(page, "two-factor-code")
    context.close()
    return written


GROUPS = ("queue", "manager", "portal", "two-factor", "privacy", "public")


def shoot(
    base_url: str,
    out: Path,
    *,
    groups: set[str],
    reference: str,
    requests: tuple[str, str, str],
) -> list[Path]:
    from playwright.sync_api import sync_playwright

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=["--no-sandbox", "--disable-gpu"]
        )
        for language in LANGUAGES:
            if "privacy" in groups:
                written += shoot_privacy(browser, base_url, out, language, reference)
            if "manager" in groups:
                written += shoot_manager(browser, base_url, out, language, requests)
            if "portal" in groups:
                written += shoot_portal(browser, base_url, out, language)
            if "queue" not in groups:
                continue
            context = browser.new_context(
                base_url=base_url,
                viewport=VIEWPORTS[1366],
                locale="zh-CN" if language == "zh-hans" else "en-US",
            )
            page = signed_in(context, USER, language)
            page.goto("/queues/department/")
            reference = page.locator("[data-testid=queue-row]").first.get_attribute(
                "data-reference"
            )
            for width, viewport in VIEWPORTS.items():
                page.set_viewport_size(viewport)
                page.goto("/queues/department/")
                # The tabs' counts arrive just after the page.
                page.wait_for_selector("[data-testid=queue-count-department]")
                path = out / f"queue-{language}-{width}.png"
                page.screenshot(path=str(path))
                written.append(path)
                page.goto(f"/complaints/{reference}/")
                path = out / f"case-{language}-{width}.png"
                page.screenshot(path=str(path), full_page=True)
                written.append(path)
            context.close()
        if "two-factor" in groups:
            written += shoot_two_factor(browser, base_url, out)
        browser.close()
    return written


# What a customer types on the portal, in each language.
PORTAL_ANSWERS = {
    "zh-hans": {
        "customer_name": "李女士",
        "customer_phone": "139 1234 5678",
        "region": "上海市",
        "product_or_service": "KFR-35GW 空调",
        "description": "安装后第二天就漏水，地板被泡坏了。师傅说是管路问题，但一直没人来修。",
    },
    "en": {
        "customer_name": "Ms Li",
        "customer_phone": "139 1234 5679",
        "region": "Shanghai",
        "product_or_service": "KFR-35GW air conditioner",
        "description": "It leaked the day after it was installed and the floor is ruined.",
    },
}


def shoot_portal(browser, base_url: str, out: Path, language: str) -> list[Path]:
    """The complaint form and its receipt, as a customer without an account sees them."""
    written = []
    context = browser.new_context(
        base_url=base_url,
        viewport=VIEWPORTS[1366],
        locale="zh-CN" if language == "zh-hans" else "en-US",
    )
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    page = context.new_page()
    for width, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        page.goto("/complaint/")
        path = out / f"public-submit-{language}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(path)
    form = page.locator("[data-testid=submit-form]")
    for name, value in PORTAL_ANSWERS[language].items():
        form.locator(f"[name={name}]").fill(value)
    form.locator("[name=remedy_sought]").select_option("repair")
    form.locator("[name=consent]").check()
    form.locator("[data-testid=submit-button]").click()
    page.wait_for_selector("[data-testid=submitted]")
    for width, viewport in VIEWPORTS.items():
        page.set_viewport_size(viewport)
        page.reload()
        path = out / f"public-submitted-{language}-{width}.png"
        page.screenshot(path=str(path), full_page=True)
        written.append(path)
    context.close()
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--only", choices=GROUPS, action="append", help="shoot these groups only")
    args = parser.parse_args()
    groups = set(args.only or GROUPS)
    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="screenshots-") as var_dir:
        env = {
            key: value
            for key, value in os.environ.items()
            if key not in {"DATABASE_URL", "CELERY_BROKER_URL", "REDIS_URL"}
        }
        env.update(VAR_DIR=var_dir, DJANGO_DEBUG="0", DJANGO_SETTINGS_MODULE="config.settings")
        manage(env, "migrate", "--noinput", "--verbosity", "0")
        manage(env, "collectstatic", "--noinput", "--verbosity", "0")
        manage(env, "seed_demo")
        links = public_links(env)
        requests = rights_requests(env)
        reference = privacy_setup(env)
        port = free_port()
        server = subprocess.Popen(
            [PYTHON, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
            cwd=ROOT,
            env={**env, "COMPLAINTS_TWO_FACTOR_REQUIRED_ROLES": TWO_FACTOR_ROLE},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            base_url = f"http://127.0.0.1:{port}"
            wait_for(base_url + "/accounts/login/")
            shots = shoot(base_url, args.out, groups=groups, reference=reference, requests=requests)
            if "public" in groups:
                shots += shoot_public(base_url, args.out, links)
            for path in shots:
                print(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
