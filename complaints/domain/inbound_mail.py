"""Reading a received e-mail (issue 17 §1): is it a person writing, which case does it name, and
its text. Pure functions over `email.message.Message` and strings; no database.
"""

from __future__ import annotations

import hashlib
import re
from contextlib import suppress
from email.errors import HeaderParseError
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr
from html.parser import HTMLParser

from complaints.domain.references import find_reference

# Why a message is not turned into a complaint (codes, stored on the mail's row).
AUTO_SUBMITTED = "auto_submitted"  # RFC 3834 Auto-Submitted other than "no"
BULK = "precedence"  # Precedence: bulk / junk / list / auto_reply
AUTO_REPLY = "auto_reply"  # X-Autoreply, X-Autorespond (vacation replies of some servers)
BOUNCE = "bounce"  # a delivery report, an empty Return-Path or MAILER-DAEMON / postmaster
OWN_ADDRESS = "own_address"  # sent by this product or one of its mailboxes: a loop
NO_SENDER = "no_sender"  # no usable From address

IGNORED_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
DAEMON_SENDERS = {"mailer-daemon", "postmaster"}

MESSAGE_ID_RE = re.compile(r"<[^<>\s]+>")


def message_key(message: Message, raw: bytes) -> str:
    """What makes a message the same message on a second poll: its Message-ID, else (a sender
    that set none) a hash of its bytes."""
    found: list[str] = MESSAGE_ID_RE.findall(str(message.get("Message-ID") or ""))
    if found and len(found[0]) <= 250:
        return found[0]
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def sender_address(message: Message) -> str:
    """The From address, lower-cased ("" when there is none)."""
    _name, address = parseaddr(str(message.get("From") or ""))
    return address.strip().lower() if "@" in address else ""


def sender_name(message: Message) -> str:
    """The sender's display name (RFC 2047 encoded words decoded: "=?utf-8?b?...?="), else the
    part of the address before the @."""
    name, address = parseaddr(str(message.get("From") or ""))
    with suppress(HeaderParseError, LookupError, UnicodeError):  # undecodable: kept as it came
        name = str(make_header(decode_header(name)))
    return " ".join((name or address.partition("@")[0]).split())[:100]


def ignore_reason(message: Message, *, own_addresses: set[str]) -> str:
    """Why this message is not from a person to be answered ("" when it is): automatic replies,
    bounces, list mail and our own messages coming back (a loop)."""
    sender = sender_address(message)
    if not sender:
        return NO_SENDER
    if sender in own_addresses:
        return OWN_ADDRESS
    auto = str(message.get("Auto-Submitted") or "").strip().lower()
    if auto and auto != "no":
        return AUTO_SUBMITTED
    if message.get("X-Autoreply") or message.get("X-Autorespond"):
        return AUTO_REPLY
    if str(message.get("Precedence") or "").strip().lower() in IGNORED_PRECEDENCE:
        return BULK
    if message.get_content_type() == "multipart/report":
        return BOUNCE
    if "Return-Path" in message and str(message.get("Return-Path")).strip() in ("<>", ""):
        return BOUNCE
    if sender.partition("@")[0] in DAEMON_SENDERS:
        return BOUNCE
    return ""


def referenced_ids(message: Message) -> list[str]:
    """The Message-IDs this message answers: In-Reply-To first, then References newest first."""
    ids = MESSAGE_ID_RE.findall(str(message.get("In-Reply-To") or ""))
    ids += reversed(MESSAGE_ID_RE.findall(str(message.get("References") or "")))
    seen: list[str] = []
    for value in ids:
        if value not in seen:
            seen.append(value)
    return seen


def subject_reference(subject: str) -> str:
    """The case reference a subject names (CP-2026-000123), or ""."""
    return find_reference(subject)


def recipients(message: Message) -> set[str]:
    """Every address in To and Cc, lower-cased."""
    values = [str(value) for value in message.get_all("To", []) + message.get_all("Cc", [])]
    return {address.lower() for _name, address in getaddresses(values) if address}


class _TextFromHtml(HTMLParser):
    """The readable text of an HTML body: tags dropped, script/style/head content dropped,
    block elements as line breaks, entities decoded. The result is plain text, shown escaped
    like any other text, so nothing of the markup survives."""

    SKIP = {"script", "style", "head", "title", "template", "noscript"}
    BREAKS = {"br", "p", "div", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in self.BREAKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def html_to_text(html: str) -> str:
    """Plain text of an HTML-only e-mail (Python's html.parser; no markup is kept)."""
    parser = _TextFromHtml()
    parser.feed(html)
    parser.close()
    lines = [" ".join(line.split()) for line in "".join(parser.parts).splitlines()]
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


# Where a reply's quotation of earlier mail starts (common clients, English and Chinese).
_QUOTE_STARTS = (
    re.compile(r"^On .{0,200}wrote:\s*$"),
    re.compile(r"^-{2,}\s*Original Message\s*-{2,}\s*$", re.IGNORECASE),
    re.compile(r"^-{2,}\s*原始邮件\s*-{2,}\s*$"),
    re.compile(r"^在 .{0,200}写道[:：]\s*$"),
    re.compile(r"^(From|发件人)[:：] .+$"),
)


def reply_text(text: str) -> str:
    """What a reply adds: the text before the quotation of earlier mail, without quoted lines."""
    kept: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if any(pattern.match(stripped) for pattern in _QUOTE_STARTS):
            break
        if stripped.startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip() or text.strip()


def clip(text: str, limit: int) -> tuple[str, bool]:
    """`text` cut to `limit` characters (an ellipsis marks the cut); and whether it was cut."""
    text = text.strip()
    if len(text) <= limit:
        return text, False
    return text[: limit - 1].rstrip() + "…", True
