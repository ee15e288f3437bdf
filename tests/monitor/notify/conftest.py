"""Fixtures for notification tests: a real webhook receiver and a real SMTP server, both on 127.0.0.1.

The receiver checks each request's `X-Osswatch-Signature` with the secret the test gives it (a bad or
missing signature gets 401), records what it was sent, and answers the statuses queued in `statuses`
(then 200). The SMTP server is aiosmtpd's `Controller`, recording every envelope.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from osswatch.monitor.notify.channels import SmtpSettings
from osswatch.monitor.notify.targets import TargetPolicy
from tests.live_server import free_port

LOOPBACK = TargetPolicy(
    allowed_networks=(ipaddress.ip_network("127.0.0.0/8"), ipaddress.ip_network("::1/128"))
)
"""The tests' policy: loopback is allowed (their receivers live there), every other private range is not."""


@dataclass(frozen=True, kw_only=True, slots=True)
class Received:
    """One request the receiver got."""

    path: str
    headers: dict[str, str]
    body: bytes
    is_verified: bool


@dataclass
class Receiver:
    """A webhook endpoint on 127.0.0.1."""

    url: str = ""
    secret: str | None = None
    statuses: list[int] = field(default_factory=list)
    """Statuses to answer, in order, before answering 200."""
    error_body: bytes = b"receiver error"
    headers: dict[str, str] = field(default_factory=dict)
    """Extra headers of the answers (a `Location` for redirects)."""
    requests: list[Received] = field(default_factory=list)

    def verify(self, headers: dict[str, str], body: bytes) -> bool:
        """True when the signature is HMAC-SHA256 of `<timestamp>.<body>` with the secret."""
        timestamp = headers.get("x-osswatch-timestamp", "")
        if self.secret is None or not timestamp.isdigit():
            return False
        expected = hmac.new(self.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
        return hmac.compare_digest(headers.get("x-osswatch-signature", ""), f"sha256={expected}")


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            headers = {k.lower(): v for k, v in self.headers.items()}
            is_verified = receiver.verify(headers, body)
            receiver.requests.append(
                Received(path=self.path, headers=headers, body=body, is_verified=is_verified)
            )
            status = receiver.statuses.pop(0) if receiver.statuses else 200
            if receiver.secret is not None and not is_verified:
                status = 401
            answer = b"ok" if status < 300 else receiver.error_body
            self.send_response(status)
            for name, value in receiver.headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    """A webhook receiver on a random port of 127.0.0.1."""
    state = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(state))
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


class Mailbox:
    """An aiosmtpd handler keeping every envelope."""

    def __init__(self) -> None:
        self.envelopes: list[Envelope] = []

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        self.envelopes.append(envelope)
        return "250 OK"


@dataclass(frozen=True, kw_only=True, slots=True)
class MailServer:
    """A running SMTP server and the settings to reach it."""

    mailbox: Mailbox
    settings: SmtpSettings


@pytest.fixture
def smtp_server() -> Iterator[MailServer]:
    """A real SMTP server on 127.0.0.1 (no TLS, no auth)."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        settings = SmtpSettings(host="127.0.0.1", port=controller.port, sender="osswatch@example.org")
        yield MailServer(mailbox=mailbox, settings=settings)
    finally:
        controller.stop()
