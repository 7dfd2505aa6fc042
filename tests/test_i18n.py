"""The Simplified Chinese translation: the catalogue is complete and reviewed, the compiled .mo files
match their .po sources (a fresh machine has no msgfmt, so they are committed), and the product
speaks Chinese by default and English on request.

Update the catalogues with `makemessages -a` after changing texts, translate, `compilemessages`."""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext

from accounts.roles import ROLE_LABELS, Role
from complaints import errors
from complaints.models import Outcome, Remedy, State
from complaints.services import complaint_transition
from complaints.services.transitions import TRANSITIONS
from sla.models import CalendarYear
from tests.factories import UserFactory

LOCALE = Path(settings.BASE_DIR) / "locale"
UPDATE = (
    "update the catalogues: `python manage.py makemessages -a --ignore=.venv --ignore=var "
    "--ignore=tests --ignore=bench`, translate, then `python manage.py compilemessages "
    "--ignore=.venv`"
)


def po_path(language: str) -> Path:
    return LOCALE / language / "LC_MESSAGES" / "django.po"


# --- a minimal .po and .mo reader (no third-party dependency) ---


@dataclass
class Entry:
    msgid: str
    msgctxt: str | None = None
    msgid_plural: str | None = None
    msgstr: list[str] = field(default_factory=list)
    flags: set[str] = field(default_factory=set)

    @property
    def key(self) -> str:
        """The entry's key as msgfmt writes it into a .mo file."""
        key = self.msgid if self.msgid_plural is None else f"{self.msgid}\0{self.msgid_plural}"
        return key if self.msgctxt is None else f"{self.msgctxt}\x04{key}"

    def __str__(self) -> str:
        return self.msgid if self.msgctxt is None else f"{self.msgctxt} | {self.msgid}"


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(text: str) -> str:
    text = text.strip()
    assert len(text) >= 2 and text[0] == text[-1] == '"', text
    return re.sub(r"\\(.)", lambda match: _ESCAPES[match.group(1)], text[1:-1])


def read_po(path: Path) -> list[Entry]:
    """Every entry of a .po file, the header (msgid "") first; obsolete entries are left out."""
    entries: list[Entry] = []
    fields: dict[str, str] = {}
    flags: set[str] = set()
    keyword = ""

    def finish() -> None:
        if "msgid" in fields:
            plural_forms = sorted(
                (name for name in fields if name.startswith("msgstr")),
                key=lambda name: int(name[7:-1]) if "[" in name else 0,
            )
            entries.append(
                Entry(
                    msgid=fields["msgid"],
                    msgctxt=fields.get("msgctxt"),
                    msgid_plural=fields.get("msgid_plural"),
                    msgstr=[fields[name] for name in plural_forms],
                    flags=set(flags),
                )
            )
        fields.clear()
        flags.clear()

    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line:
            finish()
        elif line.startswith("#~"):
            continue
        elif line.startswith("#"):
            if "msgid" in fields:  # comments open the next entry
                finish()
            if line.startswith("#,"):
                flags.update(flag.strip() for flag in line[2:].split(",") if flag.strip())
        elif line.startswith('"'):
            fields[keyword] += _unquote(line)
        else:
            keyword, value = line.split(" ", 1)
            if keyword in ("msgctxt", "msgid") and "msgid" in fields:
                finish()
            fields[keyword] = _unquote(value)
    finish()
    return entries


def read_mo(path: Path) -> dict[str, str]:
    """The original → translation table of a compiled .mo file."""
    data = path.read_bytes()
    for order in "<>":
        if struct.unpack(f"{order}I", data[:4])[0] == 0x950412DE:
            break
    else:
        raise AssertionError(f"{path} is not a .mo file")
    _magic, _revision, count, originals, translations = struct.unpack(f"{order}5I", data[:20])

    def string(table: int, index: int) -> str:
        length, offset = struct.unpack(
            f"{order}2I", data[table + 8 * index : table + 8 * index + 8]
        )
        return data[offset : offset + length].decode("utf-8")

    return {string(originals, i): string(translations, i) for i in range(count)}


ZH = read_po(po_path("zh_Hans"))
ZH_HEADER, ZH_ENTRIES = ZH[0], ZH[1:]


# --- (a) the Chinese catalogue is complete and reviewed ---


def test_the_chinese_catalogue_is_a_real_catalogue():
    assert ZH_HEADER.msgid == ""
    assert "fuzzy" not in ZH_HEADER.flags
    header = ZH_HEADER.msgstr[0]
    assert "Language: zh_Hans\n" in header
    assert "charset=UTF-8" in header
    assert "Plural-Forms: nplurals=1; plural=0;" in header
    assert len(ZH_ENTRIES) > 400
    assert all(entry.msgid for entry in ZH_ENTRIES)


def test_every_chinese_entry_is_translated_and_none_is_fuzzy():
    fuzzy = [str(entry) for entry in ZH_ENTRIES if "fuzzy" in entry.flags]
    untranslated = [str(entry) for entry in ZH_ENTRIES if not all(s.strip() for s in entry.msgstr)]
    wrong_plurals = [
        str(entry) for entry in ZH_ENTRIES if entry.msgid_plural and len(entry.msgstr) != 1
    ]

    assert not fuzzy, f"fuzzy entries, check and remove the flag: {fuzzy}"
    assert not untranslated, f"untranslated entries; {UPDATE}: {untranslated}"
    assert not wrong_plurals, f"Chinese has one plural form (msgstr[0] only): {wrong_plurals}"


_PYTHON_FORMAT = re.compile(r"%(?:\((\w+)\))?[-#0 +]*\d*(?:\.\d+)?([diouxXeEfFgGcrsa%])")
_BRACE_FORMAT = re.compile(r"\{(\w*)[^{}]*\}")


def placeholders(text: str, flags: set[str]) -> list[str]:
    found: list[str] = []
    if "python-format" in flags:
        found += sorted(
            f"%({name}){kind}" if name else f"%{kind}"
            for name, kind in _PYTHON_FORMAT.findall(text)
            if kind != "%"
        )
    if "python-brace-format" in flags:
        found += sorted(f"{{{name}}}" for name in _BRACE_FORMAT.findall(text))
    return found


def test_translations_keep_the_placeholders():
    broken = []
    for entry in ZH_ENTRIES:
        source = entry.msgid_plural or entry.msgid
        expected = sorted(set(placeholders(source, entry.flags)))
        for translated in entry.msgstr:
            if sorted(set(placeholders(translated, entry.flags))) != expected:
                broken.append((str(entry), translated))
    assert not broken


# --- (b) the compiled catalogues are up to date ---


@pytest.mark.parametrize("language", ["zh_Hans", "en"])
def test_the_compiled_catalogue_matches_its_source(language):
    po_file = po_path(language)
    mo_file = po_file.with_suffix(".mo")
    assert mo_file.exists(), f"{mo_file} is missing; {UPDATE}"
    # msgfmt leaves out the fuzzy and the untranslated entries.
    expected = {
        entry.key: "\0".join(entry.msgstr)
        for entry in read_po(po_file)[1:]
        if "fuzzy" not in entry.flags and all(entry.msgstr)
    }
    compiled = {key: value for key, value in read_mo(mo_file).items() if key}

    assert compiled.keys() == expected.keys(), f"{mo_file} is out of date; {UPDATE}"
    assert compiled == expected, f"{mo_file} is out of date; {UPDATE}"


def test_the_english_catalogue_lists_the_same_texts():
    """English is the source language: its catalogue only keeps `makemessages -a` in step."""
    english = read_po(po_path("en"))[1:]

    assert {entry.key for entry in english} == {entry.key for entry in ZH_ENTRIES}, UPDATE


def _model_texts() -> list[Promise]:
    """The marked texts of our models: names, field labels and help, choice labels."""
    texts: list[object] = []
    for label in ("accounts", "complaints", "sla", "reports"):
        for model in apps.get_app_config(label).get_models():
            texts += [model._meta.verbose_name, model._meta.verbose_name_plural]
            for model_field in model._meta.get_fields(include_hidden=False):
                texts += [
                    getattr(model_field, "verbose_name", None),
                    getattr(model_field, "help_text", None),
                ]
                texts += [text for _value, text in getattr(model_field, "flatchoices", None) or []]
    return [text for text in texts if isinstance(text, Promise)]


def test_every_model_text_is_in_the_catalogue():
    """Fields inherited from Django (the user's username, password…) are Django's to translate."""
    msgids = {entry.msgid for entry in ZH_ENTRIES}
    missing = set()
    for text in _model_texts():
        with translation.override("en"):
            english = str(text)
        with translation.override("zh-hans"):
            chinese = str(text)
        if english not in msgids and chinese == english:
            missing.add(english)

    assert not missing, f"texts missing from the catalogue; {UPDATE}: {sorted(missing)}"


# --- (c) the translation is used ---


def _transition_refused() -> str:
    return errors.TransitionNotAllowed(
        name=str(TRANSITIONS["close"].label), state=str(State.INTAKE.label), allowed=[]
    ).message


REPRESENTATIVE = [
    (lambda: State.CLOSED.label, "已结案", "Closed"),
    (lambda: State.REJECTED.label, "不予受理", "Rejected"),
    (lambda: State.TRIAGE.label, "初步核实", "Triage"),
    (lambda: Remedy.EXCHANGE.label, "换货", "Exchange"),
    (lambda: Remedy.REPAIR.label, "维修/返工", "Repair / rework"),
    (lambda: Outcome.PARTLY_UPHELD.label, "部分成立", "Partly upheld"),
    (lambda: ROLE_LABELS[Role.COMPLAINT_MANAGER], "投诉管理专员", "Complaint manager"),
    (lambda: TRANSITIONS["close"].label, "结案", "Close"),
    (lambda: TRANSITIONS["start_investigation"].label, "转入调查取证", "Send to investigation"),
    (lambda: CalendarYear.Status.PROVISIONAL.label, "暂定", "Provisional"),
    (lambda: gettext("Make-up working day"), "调休上班日", "Make-up working day"),
    (lambda: errors.NotFound().message, "投诉不存在。", "No such complaint."),
    (
        lambda: errors.PermissionDenied().message,
        "您的角色无权执行此操作。",
        "Your role does not allow this action.",
    ),
    (
        _transition_refused,
        "投诉处于“投诉接收”时，不能执行“结案”。",
        "“Close” is not possible while the complaint is in “Intake”.",
    ),
]


@pytest.mark.parametrize(("text", "chinese", "english"), REPRESENTATIVE)
def test_texts_are_chinese_by_default_and_english_on_request(text, chinese, english):
    with translation.override("zh-hans"):
        assert str(text()) == chinese
    with translation.override("en"):
        assert str(text()) == english


def test_the_workflow_close_leaves_djangos_close_alone():
    """The admin's "Close" link of read-only pages is Django's 关闭, not the workflow step 结案."""
    with translation.override("zh-hans"):
        assert gettext("Close") == "关闭"
        assert str(TRANSITIONS["close"].label) == "结案"


def test_chinese_is_the_default_language():
    assert settings.LANGUAGE_CODE == "zh-hans"
    assert [code for code, _name in settings.LANGUAGES] == ["zh-hans", "en"]


# --- (d) the pages follow the visitor's language ---

CHINESE = ('lang="zh-hans"', "投诉处理系统", "用户名")
ENGLISH = ('lang="en"', "Complaint handling system", "Username")


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("accept_language", "cookie", "expected", "unexpected"),
    [
        (None, None, CHINESE, ENGLISH),
        ("zh-CN,zh;q=0.9", None, CHINESE, ENGLISH),
        ("en-US,en;q=0.9", None, ENGLISH, CHINESE),
        ("zh-CN,zh;q=0.9", "en", ENGLISH, CHINESE),
        ("en-US,en;q=0.9", "zh-hans", CHINESE, ENGLISH),
    ],
)
def test_the_admin_login_page_speaks_the_visitors_language(
    client, accept_language, cookie, expected, unexpected
):
    if cookie:
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = cookie
    headers = {"accept-language": accept_language} if accept_language else {}

    response = client.get(reverse("admin:login"), headers=headers)

    assert response.status_code == 200
    page = response.content.decode()
    assert response.headers["Content-Language"] == expected[0][6:-1]
    for text in expected:
        assert text in page
    for text in unexpected:
        assert text not in page


@pytest.mark.django_db
def test_every_admin_list_opens_in_chinese(client, org, new_complaint):
    complaint = complaint_transition(complaint=new_complaint(), name="withdraw", actor=org.agent)
    client.force_login(
        UserFactory(username="admin", is_superuser=True, is_staff=True, approval_limit=1000000)
    )

    for model in admin.site._registry:
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url)
        assert response.status_code == 200, url
        assert "投诉处理系统" in response.content.decode(), url

    listing = client.get(reverse("admin:complaints_complaint_changelist")).content.decode()
    assert "已撤回" in listing  # the state column
    assert ">结案<" in listing  # the stage actions
    # A finished case is read-only: its page offers Django's 关闭 (close), never the workflow step.
    page = client.get(reverse("admin:complaints_complaint_change", args=[complaint.pk]))
    assert 'class="closelink">关闭<' in page.content.decode()
