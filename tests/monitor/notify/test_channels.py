"""The senders against real servers on 127.0.0.1: a signed webhook, Slack-shaped posts, SMTP mail."""

from __future__ import annotations

import email
import json
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from email.message import Message

import httpx
import pytest

from osswatch.monitor.notify.channels import (
    MAX_ERROR_BODY,
    DeliveryFailed,
    EmailChannel,
    HttpPoster,
    Outgoing,
    SlackChannel,
    SmtpSettings,
    WebhookChannel,
    canonical_json,
    signature,
)
from osswatch.monitor.notify.targets import TargetPolicy
from tests.live_server import free_port
from tests.monitor.notify.conftest import LOOPBACK, MailServer, Receiver

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
PAYLOAD = {"event": "new_finding", "summary": "ünïcode ✓", "finding": {"id": 7}}


@pytest.fixture
def poster() -> Iterator[HttpPoster]:
    """A poster allowed to reach loopback."""
    with httpx.Client(timeout=5.0, follow_redirects=False, trust_env=False) as client:
        yield HttpPoster(client=client, policy=LOOPBACK)


def _outgoing(
    target: str, secret: str | None = "s3cret", payload: Mapping[str, object] | None = None
) -> Outgoing:
    return Outgoing(
        key="r1:new_finding:f7",
        event="new_finding",
        target=target,
        payload=payload or PAYLOAD,
        secret=secret,
        at=AT,
    )


def test_webhook_is_signed_over_timestamp_and_body(poster: HttpPoster, receiver: Receiver) -> None:
    receiver.secret = "s3cret"
    WebhookChannel(poster=poster).send(_outgoing(receiver.url))

    (request,) = receiver.requests
    assert request.is_verified
    assert request.headers["x-osswatch-timestamp"] == str(int(AT.timestamp()))
    assert request.headers["x-osswatch-signature"] == signature("s3cret", int(AT.timestamp()), request.body)
    assert request.headers["x-osswatch-delivery"] == "r1:new_finding:f7"
    assert request.headers["x-osswatch-event"] == "new_finding"
    assert request.headers["content-type"] == "application/json"
    assert request.body == canonical_json(PAYLOAD)
    assert json.loads(request.body) == PAYLOAD


def test_a_wrong_secret_is_rejected_by_the_receiver(poster: HttpPoster, receiver: Receiver) -> None:
    receiver.secret = "the-receivers-secret"
    with pytest.raises(DeliveryFailed, match="answered 401") as raised:
        WebhookChannel(poster=poster).send(_outgoing(receiver.url, secret="another"))
    assert raised.value.is_permanent
    assert not receiver.requests[0].is_verified


def test_the_checked_address_is_used_with_the_original_host_header(
    poster: HttpPoster, receiver: Receiver
) -> None:
    port = receiver.url.split(":")[2].split("/")[0]
    SlackChannel(poster=poster).send(_outgoing(f"http://localhost:{port}/slack"))
    (request,) = receiver.requests
    assert request.headers["host"] == f"localhost:{port}"
    assert request.path == "/slack"


@pytest.mark.parametrize(
    ("status", "is_permanent"), [(500, False), (503, False), (429, False), (400, True), (404, True)]
)
def test_error_answers(poster: HttpPoster, receiver: Receiver, status: int, is_permanent: bool) -> None:
    receiver.statuses = [status]
    with pytest.raises(DeliveryFailed, match=f"answered {status}: receiver error") as raised:
        SlackChannel(poster=poster).send(_outgoing(receiver.url))
    assert raised.value.is_permanent is is_permanent


def test_redirects_are_not_followed(poster: HttpPoster, receiver: Receiver) -> None:
    receiver.statuses = [302]
    receiver.headers = {"Location": "http://169.254.169.254/latest/meta-data/"}
    with pytest.raises(DeliveryFailed, match=r"answered 302 to .*redirects are not followed") as raised:
        SlackChannel(poster=poster).send(_outgoing(receiver.url))
    assert raised.value.is_permanent
    assert len(receiver.requests) == 1


def test_a_large_error_answer_is_read_only_up_to_the_cap(poster: HttpPoster, receiver: Receiver) -> None:
    receiver.statuses = [500]
    receiver.error_body = b"x" * 1_000_000
    with pytest.raises(DeliveryFailed) as raised:
        SlackChannel(poster=poster).send(_outgoing(receiver.url))
    assert str(raised.value) == "answered 500: " + "x" * MAX_ERROR_BODY


def test_the_target_is_checked_again_at_send_time(receiver: Receiver) -> None:
    with httpx.Client(trust_env=False) as client:
        strict = HttpPoster(client=client, policy=TargetPolicy())
        with pytest.raises(
            DeliveryFailed, match=r"target refused: 127\.0\.0\.1 resolves to .* loopback"
        ) as raised:
            WebhookChannel(poster=strict).send(_outgoing(receiver.url))
    assert raised.value.is_permanent
    assert receiver.requests == []


def test_an_unreachable_receiver_is_a_retryable_failure(poster: HttpPoster) -> None:
    receiver_url = f"http://127.0.0.1:{free_port()}/closed"
    with pytest.raises(DeliveryFailed, match=r"POST 127\.0\.0\.1 failed: ConnectError") as raised:
        SlackChannel(poster=poster).send(_outgoing(receiver_url))
    assert not raised.value.is_permanent


def test_webhook_without_a_secret_is_refused(poster: HttpPoster, receiver: Receiver) -> None:
    with pytest.raises(DeliveryFailed, match="no signing secret"):
        WebhookChannel(poster=poster).send(_outgoing(receiver.url, secret=None))
    assert receiver.requests == []


def _mail(server: MailServer) -> Message:
    (envelope,) = server.mailbox.envelopes
    content = envelope.content
    assert isinstance(content, bytes)
    return email.message_from_bytes(content)


def test_email_reaches_every_recipient(smtp_server: MailServer) -> None:
    payload = {"subject": "[web] new finding: PYSEC-1 (high)", "text": "Project: web\nSeverity: high\n"}
    channel = EmailChannel(settings=smtp_server.settings)
    channel.send(_outgoing("sec@example.org, lead@example.com", payload=payload))

    (envelope,) = smtp_server.mailbox.envelopes
    assert envelope.mail_from == "osswatch@example.org"
    assert envelope.rcpt_tos == ["sec@example.org", "lead@example.com"]
    mail = _mail(smtp_server)
    assert mail["Subject"] == "[web] new finding: PYSEC-1 (high)"
    assert mail["To"] == "sec@example.org, lead@example.com"
    assert mail["X-Osswatch-Delivery"] == "r1:new_finding:f7"
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert body.decode().replace("\r\n", "\n") == "Project: web\nSeverity: high\n"


def test_email_without_smtp_settings_fails_retryably() -> None:
    with pytest.raises(DeliveryFailed, match="email is not configured") as raised:
        EmailChannel(settings=None).send(_outgoing("sec@example.org", payload={"subject": "s", "text": "t"}))
    assert not raised.value.is_permanent


def test_email_to_a_closed_port_fails_retryably() -> None:
    settings = SmtpSettings(host="127.0.0.1", port=free_port(), timeout=2.0)
    with pytest.raises(DeliveryFailed, match=r"SMTP 127\.0\.0\.1:\d+ failed") as raised:
        EmailChannel(settings=settings).send(
            _outgoing("sec@example.org", payload={"subject": "s", "text": "t"})
        )
    assert not raised.value.is_permanent


def test_smtp_settings_from_the_environment() -> None:
    assert SmtpSettings.from_env({}) is None
    settings = SmtpSettings.from_env(
        {
            "OSSWATCH_SMTP_HOST": "mail.example.org",
            "OSSWATCH_SMTP_USER": "bot",
            "OSSWATCH_SMTP_PASSWORD": "pw",
            "OSSWATCH_SMTP_FROM": "osswatch@example.org",
            "OSSWATCH_SMTP_STARTTLS": "1",
        }
    )
    assert settings == SmtpSettings(
        host="mail.example.org",
        port=587,
        user="bot",
        password="pw",
        sender="osswatch@example.org",
        is_starttls=True,
    )
    assert "pw" not in repr(settings)
    plain = SmtpSettings.from_env({"OSSWATCH_SMTP_HOST": "mail.example.org", "OSSWATCH_SMTP_PORT": "2525"})
    assert plain is not None
    assert (plain.port, plain.is_starttls) == (2525, False)
    with pytest.raises(DeliveryFailed, match="OSSWATCH_SMTP_PORT is not a port number: 'x'"):
        SmtpSettings.from_env({"OSSWATCH_SMTP_HOST": "h", "OSSWATCH_SMTP_PORT": "x"})
