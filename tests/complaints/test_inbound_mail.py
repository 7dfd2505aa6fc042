"""Reading a received e-mail (complaints.domain.inbound_mail): pure functions, no database."""

from __future__ import annotations

from email.message import EmailMessage

import pytest

from complaints.domain import inbound_mail


def message(**headers: str) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = headers.pop("From", "王先生 <wang@example.org>")
    for name, value in headers.items():
        mail[name.replace("_", "-")] = value
    mail.set_content("你好")
    return mail


OWN = {"complaints@example.com"}


@pytest.mark.parametrize(
    ("headers", "reason"),
    [
        ({}, ""),
        ({"Auto_Submitted": "no"}, ""),
        ({"Precedence": "first-class"}, ""),
        ({"Auto_Submitted": "auto-replied"}, inbound_mail.AUTO_SUBMITTED),
        ({"Auto_Submitted": "Auto-Generated"}, inbound_mail.AUTO_SUBMITTED),
        ({"Precedence": "Bulk"}, inbound_mail.BULK),
        ({"Precedence": "junk"}, inbound_mail.BULK),
        ({"Precedence": "list"}, inbound_mail.BULK),
        ({"Precedence": "auto_reply"}, inbound_mail.BULK),
        ({"X_Autoreply": "yes"}, inbound_mail.AUTO_REPLY),
        ({"X_Autorespond": "vacation"}, inbound_mail.AUTO_REPLY),
        ({"Return_Path": "<>"}, inbound_mail.BOUNCE),
        ({"Return_Path": "<wang@example.org>"}, ""),
        ({"From": "Mail Delivery System <MAILER-DAEMON@mx.example.org>"}, inbound_mail.BOUNCE),
        ({"From": "postmaster@example.org"}, inbound_mail.BOUNCE),
        ({"From": "投诉中心 <Complaints@Example.com>"}, inbound_mail.OWN_ADDRESS),
        ({"From": "undisclosed"}, inbound_mail.NO_SENDER),
    ],
)
def test_ignore_reason(headers, reason):
    assert inbound_mail.ignore_reason(message(**headers), own_addresses=OWN) == reason


def test_a_delivery_status_report_is_a_bounce():
    report = message()
    report.set_type("multipart/report")
    assert inbound_mail.ignore_reason(report, own_addresses=OWN) == inbound_mail.BOUNCE


def test_message_key_is_the_message_id_else_a_hash_of_the_bytes():
    assert inbound_mail.message_key(message(Message_ID=" <a.b@c> "), b"x") == "<a.b@c>"
    hashed = inbound_mail.message_key(message(), b"raw bytes")
    assert hashed.startswith("sha256:") and hashed == inbound_mail.message_key(
        message(), b"raw bytes"
    )
    assert inbound_mail.message_key(message(Message_ID="<" + "x" * 300 + ">"), b"y").startswith(
        "sha256:"
    )


def test_referenced_ids_in_reply_to_first_then_references_newest_first():
    mail = message(In_Reply_To="<c@x>", References="<a@x> <b@x> <c@x>")
    assert inbound_mail.referenced_ids(mail) == ["<c@x>", "<b@x>", "<a@x>"]


@pytest.mark.parametrize(
    ("subject", "reference"),
    [
        ("Re: [CP-2026-000123] 进展", "CP-2026-000123"),
        ("回复：您的投诉 CP-2026-000007 的处理结果", "CP-2026-000007"),
        ("CP-2026-0001234", ""),
        ("Re: 投诉CP-2026-1000000已受理", "CP-2026-1000000"),
        ("no reference", ""),
    ],
)
def test_subject_reference(subject, reference):
    assert inbound_mail.subject_reference(subject) == reference


def test_html_to_text_drops_markup_scripts_and_styles():
    html = (
        "<style>.x{}</style><p>第一段&amp;说明</p><script>alert(1)</script>"
        "<ul><li>一</li><li>二</li></ul><br>末尾 <a href='javascript:x'>链接</a>"
    )
    assert inbound_mail.html_to_text(html) == "第一段&说明\n\n一\n\n二\n\n末尾 链接"


def test_html_to_text_of_broken_markup_keeps_only_text():
    text = inbound_mail.html_to_text("<div><script>evil()<p>text</div><b>ok</b>")
    assert "evil" not in text and "<" not in text


def test_reply_text_leaves_the_quotation_out():
    body = "好的，谢谢。\n\nOn Sat, 5 Dec 2026 at 10:00, 客服 <c@example.com> wrote:\n> 旧内容"
    assert inbound_mail.reply_text(body) == "好的，谢谢。"
    assert inbound_mail.reply_text("新内容\n> 引用\n继续") == "新内容\n继续"
    assert (
        inbound_mail.reply_text("在 2026年12月5日 客服 写道：\n> 旧")
        == "在 2026年12月5日 客服 写道：\n> 旧"
    )


def test_clip():
    assert inbound_mail.clip("  短  ", 10) == ("短", False)
    assert inbound_mail.clip("一二三四五六", 4) == ("一二三…", True)


@pytest.mark.parametrize(
    ("sender", "name"),
    [
        ("=?utf-8?b?6ZmI5YWI55Sf?= <chen@example.org>", "陈先生"),
        ("=?gb2312?b?zfXQob3j?= <wang@example.org>", "王小姐"),
        ('"Zhang,  Wei" <zw@example.org>', "Zhang, Wei"),
        ("li.na@example.org", "li.na"),
    ],
)
def test_sender_name_decoded(sender, name):
    assert inbound_mail.sender_name(message(From=sender)) == name
