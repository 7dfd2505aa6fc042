"""A real IMAP server for the tests of complaints by e-mail: Debian's Dovecot (`dovecot-imapd`),
started once per test session on a free port of 127.0.0.1 with a configuration of its own (a
password file, maildirs in a scratch folder; nothing of the machine's mail set-up is used).

Each test gets a user of its own on it (`imap` fixture) and delivers messages by IMAP APPEND, as
a mail server's delivery agent would. Without Dovecot the tests that need it are skipped with the
reason, except under CI (CI=true), where a missing server is a failure: `.ci/run` installs it.
"""

from __future__ import annotations

import imaplib
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

import pytest

DOVECOT_CANDIDATES = ("dovecot", "/usr/sbin/dovecot")
PASSWORD = "correct horse battery"
USERS = 1000  # one per test that asks for `imap`


def _user(number: int) -> str:
    return f"complaints{number}@example.test"


CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong password is answered at once (the tests try one on purpose).
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
{users}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
{chroot}}}
service anvil {{
{chroot}}}
"""


def dovecot_binary() -> str | None:
    for candidate in DOVECOT_CANDIDATES:
        found = shutil.which(candidate)
        if found:
            return found
    return None


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ImapServer:
    root: Path
    port: int
    host: str = "127.0.0.1"

    def client(self, user: str) -> imaplib.IMAP4:
        client = imaplib.IMAP4(self.host, self.port, timeout=10)
        client.login(user, PASSWORD)
        return client


@dataclass
class ImapAccount:
    """One test's user on the server: deliver messages, look at what the product left there."""

    server: ImapServer
    user: str

    @property
    def port(self) -> int:
        return self.server.port

    def deliver(self, message: EmailMessage | bytes, folder: str = "INBOX") -> None:
        raw = message if isinstance(message, bytes) else message.as_bytes()
        client = self.server.client(self.user)
        try:
            status, _data = client.append(folder, "", imaplib.Time2Internaldate(time.time()), raw)
            assert status == "OK"
        finally:
            client.logout()

    def create_folder(self, folder: str) -> None:
        client = self.server.client(self.user)
        try:
            assert client.create(folder)[0] == "OK"
        finally:
            client.logout()

    def search(self, criterion: str, folder: str = "INBOX") -> list[bytes]:
        client = self.server.client(self.user)
        try:
            client.select(folder)
            status, data = client.uid("search", None, criterion)
            assert status == "OK"
            return data[0].split()
        finally:
            client.logout()

    def mark_read(self, folder: str = "INBOX") -> None:
        """As if a person had opened every message in a mail client."""
        client = self.server.client(self.user)
        try:
            client.select(folder)
            client.store("1:*", "+FLAGS", "\\Seen")
        finally:
            client.logout()

    def uid_validity(self, folder: str = "INBOX") -> int:
        client = self.server.client(self.user)
        try:
            status, data = client.status(folder, "(UIDVALIDITY)")
            assert status == "OK"
            return int(data[0].split(b"UIDVALIDITY ")[1].rstrip(b")"))
        finally:
            client.logout()

    def mark_unread(self, folder: str = "INBOX") -> None:
        """As if the product had died after recording a message and before marking it read."""
        client = self.server.client(self.user)
        try:
            client.select(folder)
            client.store("1:*", "-FLAGS", "\\Seen")
        finally:
            client.logout()


def _start(root: Path) -> tuple[subprocess.Popen, ImapServer]:
    binary = dovecot_binary()
    assert binary is not None
    port = _free_port()
    (root / "run").mkdir()
    (root / "state").mkdir()
    (root / "mail").mkdir()
    # Every user the session may hand out, written before Dovecot reads the file (it reads it
    # again only when its modification time changes, counted in whole seconds).
    (root / "passwd").write_text(
        "".join(f"{_user(number)}:{{PLAIN}}{PASSWORD}\n" for number in range(1, USERS + 1))
    )
    if os.geteuid() == 0:
        # Dovecot refuses mail access as root: the mail belongs to `nobody`, and the login
        # processes run as the package's own users (dovenull, dovecot).
        mail_user = pwd.getpwnam("nobody")
        users, chroot = "", ""
        shutil.chown(root / "mail", mail_user.pw_uid, mail_user.pw_gid)
    else:
        # Unprivileged (a developer's machine): every process runs as the current user.
        mail_user = pwd.getpwuid(os.getuid())
        users = (
            f"default_login_user = {mail_user.pw_name}\n"
            f"default_internal_user = {mail_user.pw_name}\n"
        )
        chroot = "  chroot =\n"
    (root / "dovecot.conf").write_text(
        CONFIG.format(
            root=root,
            port=port,
            uid=mail_user.pw_uid,
            gid=mail_user.pw_gid,
            users=users,
            chroot=chroot,
        )
    )
    process = subprocess.Popen(
        [binary, "-F", "-c", str(root / "dovecot.conf")],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    server = ImapServer(root=root, port=port)
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read().decode() if process.stdout else ""
            raise RuntimeError(f"dovecot stopped at start: {output}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process, server
        except OSError:
            time.sleep(0.1)
    process.terminate()
    raise RuntimeError("dovecot did not start listening within 15 seconds")


@pytest.fixture(scope="session")
def imap_server() -> Iterator[ImapServer]:
    if dovecot_binary() is None:
        reason = "Dovecot is not installed (apt-get install dovecot-imapd): no IMAP server to test"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason + "; under CI it must be (.ci/run installs it).")
        pytest.skip(reason)
    root = Path(tempfile.mkdtemp(prefix="imap-tests-"))
    root.chmod(0o755)  # the login and mail processes run as other users
    process, server = _start(root)
    try:
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        shutil.rmtree(root, ignore_errors=True)


_numbers = itertools.count(1)


@pytest.fixture
def imap(imap_server: ImapServer) -> ImapAccount:
    """A fresh mailbox user for this test."""
    number = next(_numbers)
    assert number <= USERS, "raise tests.imap.USERS"
    return ImapAccount(server=imap_server, user=_user(number))
