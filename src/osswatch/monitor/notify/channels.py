"""The senders of notifications: a signed generic webhook, a Slack-compatible webhook, and email over SMTP.

Every sender takes one `Outgoing` message and returns when it was accepted, or raises `DeliveryFailed`
(`is_permanent` when trying again cannot help: a refused target, a 4xx answer, a redirect).

HTTP senders check the target again before each send and connect to the address they checked (the URL's
host becomes the `Host` header and the TLS server name), follow no redirects, time out quickly and read at
most `MAX_ERROR_BODY` bytes of an answer. A generic webhook is signed (see `signature`):

    X-Osswatch-Timestamp: <unix seconds>
    X-Osswatch-Signature: sha256=<hex HMAC-SHA256(secret, "<timestamp>." + raw body)>

Email uses `OSSWATCH_SMTP_HOST`, `_PORT`, `_USER`, `_PASSWORD`, `_FROM`, `_STARTTLS` and `_CA_FILE`
(`SmtpSettings`). STARTTLS always verifies the server's certificate and host name; `OSSWATCH_SMTP_CA_FILE`
only changes which CAs are trusted. A login (`_USER`) is refused without STARTTLS: the password never
crosses the network in clear.
"""

from __future__ import annotations

import email.policy
import hashlib
import hmac
import json
import os
import smtplib
import ssl
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any, Protocol

import httpx

from osswatch import __version__
from osswatch.errors import OsswatchError
from osswatch.monitor.notify.rules import ChannelKind
from osswatch.monitor.notify.targets import (
    Resolver,
    TargetPolicy,
    TargetRefused,
    check_addresses,
    check_url,
    system_resolver,
)

MAX_ERROR_BODY = 2048
"""The most bytes of an error answer read (to quote in `last_error`); the rest is never read."""

TIMEOUT = httpx.Timeout(10.0, connect=5.0)
"""HTTP timeouts: a receiver that hangs fails the attempt, which is retried later."""

SIGNATURE_HEADER = "X-Osswatch-Signature"
TIMESTAMP_HEADER = "X-Osswatch-Timestamp"
DELIVERY_HEADER = "X-Osswatch-Delivery"
"""The delivery's idempotency key: a receiver that sees a key twice may drop the second."""
EVENT_HEADER = "X-Osswatch-Event"

_RETRYABLE_STATUS = frozenset({408, 425, 429})

# RFC 5322 §2.1.1: lines must stay under 998 characters; folding at 78 splits subjects oddly.
_MAIL_POLICY = email.policy.default.clone(max_line_length=998)


class DeliveryFailed(OsswatchError):
    """A notification that was not accepted; `is_permanent` when retrying cannot help."""

    def __init__(self, message: str, *, is_permanent: bool = False) -> None:
        super().__init__(message)
        self.is_permanent = is_permanent


@dataclass(frozen=True, kw_only=True, slots=True)
class Outgoing:
    """One message to send: where, what, and how to sign it."""

    key: str
    event: str
    target: str
    payload: Mapping[str, Any]
    secret: str | None
    at: datetime
    """When it is sent (the signature's timestamp)."""


class Channel(Protocol):
    """Sends notifications one way."""

    def send(self, message: Outgoing) -> None:
        """Send `message`; DeliveryFailed if it was not accepted."""
        ...


def canonical_json(payload: Mapping[str, Any]) -> bytes:
    """The payload as the exact bytes sent (sorted keys, no spaces, UTF-8)."""
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    """`sha256=<hex>`: HMAC-SHA256 keyed by the secret over `"<timestamp>."` followed by the raw body."""
    digest = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@dataclass(frozen=True, kw_only=True, slots=True)
class HttpPoster:
    """POSTs to checked URLs: re-checks the target, pins the checked address, caps what it reads."""

    client: httpx.Client
    policy: TargetPolicy
    resolve: Resolver = system_resolver

    def post(self, target: str, body: bytes, headers: Mapping[str, str]) -> None:
        """POST `body` to `target`; DeliveryFailed unless it answers 2xx."""
        try:
            checked = check_url(target, self.policy, self.resolve)
        except TargetRefused as e:
            raise DeliveryFailed(f"target refused: {e}", is_permanent=True) from e
        url = httpx.URL(checked.url)
        pinned = url.copy_with(host=checked.address)
        sent = {**headers, "Host": url.netloc.decode("ascii"), "User-Agent": f"osswatch/{__version__}"}
        try:
            with self.client.stream(
                "POST", pinned, content=body, headers=sent, extensions={"sni_hostname": checked.host}
            ) as response:
                if response.is_success:
                    return
                raise _failure(response)
        except httpx.HTTPError as e:
            raise DeliveryFailed(f"POST {checked.host} failed: {type(e).__name__}: {e}") from e


def _failure(response: httpx.Response) -> DeliveryFailed:
    status = response.status_code
    if response.is_redirect:
        location = response.headers.get("location", "")
        message = f"answered {status} to {location!r}: redirects are not followed"
        return DeliveryFailed(message, is_permanent=True)
    text = _capped_text(response)
    is_permanent = 400 <= status < 500 and status not in _RETRYABLE_STATUS
    return DeliveryFailed(f"answered {status}: {text}".rstrip(": "), is_permanent=is_permanent)


def _capped_text(response: httpx.Response) -> str:
    data = b""
    for chunk in response.iter_raw():
        data += chunk
        if len(data) >= MAX_ERROR_BODY:
            break
    return data[:MAX_ERROR_BODY].decode("utf-8", "replace").strip()


@dataclass(frozen=True, kw_only=True, slots=True)
class WebhookChannel:
    """A generic webhook: the event document as JSON, signed with the rule's secret."""

    poster: HttpPoster

    def send(self, message: Outgoing) -> None:
        """POST the signed event document."""
        if not message.secret:
            raise DeliveryFailed("the webhook rule has no signing secret", is_permanent=True)
        body = canonical_json(message.payload)
        timestamp = int(message.at.timestamp())
        headers = {
            "Content-Type": "application/json",
            TIMESTAMP_HEADER: str(timestamp),
            SIGNATURE_HEADER: signature(message.secret, timestamp, body),
            DELIVERY_HEADER: message.key,
            EVENT_HEADER: message.event,
        }
        self.poster.post(message.target, body, headers)


@dataclass(frozen=True, kw_only=True, slots=True)
class SlackChannel:
    """A Slack-compatible incoming webhook (the URL itself is the credential, so nothing is signed)."""

    poster: HttpPoster

    def send(self, message: Outgoing) -> None:
        """POST `{"text", "blocks"}`."""
        headers = {"Content-Type": "application/json"}
        self.poster.post(message.target, canonical_json(message.payload), headers)


@dataclass(frozen=True, kw_only=True, slots=True)
class SmtpSettings:
    """Where and how mail is sent."""

    host: str
    port: int = 25
    user: str | None = None
    password: str | None = field(default=None, repr=False)
    sender: str = "osswatch@localhost"
    is_starttls: bool = False
    ca_file: Path | None = None
    """PEM file of the CA certificates that STARTTLS trusts *instead of* the system store (like curl's
    `--cacert`): a private relay is trusted for its own CA only. Concatenate the public roots into the file
    if they are wanted too. Verification of the certificate and host name is never turned off."""
    timeout: float = 10.0

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> SmtpSettings | None:
        """The settings of `OSSWATCH_SMTP_*`, or None when no host is set."""
        env = os.environ if environ is None else environ
        host = env.get("OSSWATCH_SMTP_HOST", "").strip()
        if not host:
            return None
        is_starttls = env.get("OSSWATCH_SMTP_STARTTLS", "").strip().lower() in {"1", "true", "yes", "on"}
        port_text = env.get("OSSWATCH_SMTP_PORT", "").strip() or ("587" if is_starttls else "25")
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise DeliveryFailed(f"OSSWATCH_SMTP_PORT is not a port number: {port_text!r}", is_permanent=True)
        return cls(
            host=host,
            port=int(port_text),
            user=env.get("OSSWATCH_SMTP_USER") or None,
            password=env.get("OSSWATCH_SMTP_PASSWORD") or None,
            sender=env.get("OSSWATCH_SMTP_FROM") or "osswatch@localhost",
            is_starttls=is_starttls,
            ca_file=Path(ca_file) if (ca_file := env.get("OSSWATCH_SMTP_CA_FILE", "").strip()) else None,
        )


@dataclass(frozen=True, kw_only=True, slots=True)
class EmailChannel:
    """Mail over SMTP, with STARTTLS and login when configured."""

    settings: SmtpSettings | None

    def send(self, message: Outgoing) -> None:
        """Send the subject and text to the rule's addresses."""
        settings = self.settings
        if settings is None:
            raise DeliveryFailed("email is not configured: set OSSWATCH_SMTP_HOST (and OSSWATCH_SMTP_FROM)")
        try:
            recipients = check_addresses(message.target)
        except TargetRefused as e:
            raise DeliveryFailed(f"target refused: {e}", is_permanent=True) from e
        mail = email_of(message, settings.sender, recipients)
        context = _tls_context(settings)
        try:
            with smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout) as smtp:
                if context is not None:
                    smtp.starttls(context=context)
                if settings.user:
                    smtp.login(settings.user, settings.password or "")
                smtp.send_message(mail)
        except smtplib.SMTPResponseException as e:
            answer = e.smtp_error
            text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
            is_permanent = e.smtp_code >= 500
            raise DeliveryFailed(f"SMTP answered {e.smtp_code}: {text}", is_permanent=is_permanent) from e
        except ssl.SSLCertVerificationError as e:
            # Retryable: the relay's certificate (or our CA file) may be fixed before the attempts run out.
            where = f"SMTP {settings.host}:{settings.port}"
            raise DeliveryFailed(
                f"{where} failed: certificate verification failed: {e.verify_message}"
            ) from e
        except (smtplib.SMTPException, OSError) as e:
            raise DeliveryFailed(f"SMTP {settings.host}:{settings.port} failed: {e}") from e


def _tls_context(settings: SmtpSettings) -> ssl.SSLContext | None:
    """The context STARTTLS uses (None without STARTTLS): verifying, with the CA file when one is set."""
    if not settings.is_starttls:
        if settings.ca_file is not None:
            message = f"OSSWATCH_SMTP_CA_FILE is set ({settings.ca_file}) but OSSWATCH_SMTP_STARTTLS is not"
            raise DeliveryFailed(message, is_permanent=True)
        if settings.user:
            # smtplib would log in over the plain connection: the password would cross the network in clear.
            message = "OSSWATCH_SMTP_USER is set but OSSWATCH_SMTP_STARTTLS is not: no login without TLS"
            raise DeliveryFailed(message, is_permanent=True)
        return None
    if settings.ca_file is None:
        return ssl.create_default_context()
    try:
        return ssl.create_default_context(cafile=settings.ca_file)
    except OSError as e:  # missing, unreadable, or no PEM certificate in it (ssl.SSLError)
        message = (
            f"cannot load CA certificates from OSSWATCH_SMTP_CA_FILE {settings.ca_file}: {e.strerror or e}"
        )
        raise DeliveryFailed(message, is_permanent=True) from e


def email_of(message: Outgoing, sender: str, recipients: tuple[str, ...]) -> EmailMessage:
    """The mail of a message: subject and text from its payload, the delivery key as a header."""
    mail = EmailMessage(policy=_MAIL_POLICY)
    mail["Subject"] = " ".join(str(message.payload.get("subject", "osswatch notification")).split())
    mail["From"] = sender
    mail["To"] = ", ".join(recipients)
    mail["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    mail[DELIVERY_HEADER] = message.key
    mail.set_content(str(message.payload.get("text", "")))
    return mail


@contextmanager
def open_channels(
    policy: TargetPolicy | None = None,
    smtp: SmtpSettings | None = None,
    *,
    resolve: Resolver = system_resolver,
) -> Iterator[dict[ChannelKind, Channel]]:
    """A sender per channel kind, sharing one HTTP client (closed when the block ends).

    Without arguments, the target policy and SMTP settings come from the environment.
    """
    poster_policy = policy or TargetPolicy.from_env()
    settings = smtp if smtp is not None else SmtpSettings.from_env()
    with httpx.Client(timeout=TIMEOUT, follow_redirects=False, trust_env=False) as client:
        poster = HttpPoster(client=client, policy=poster_policy, resolve=resolve)
        yield {
            ChannelKind.WEBHOOK: WebhookChannel(poster=poster),
            ChannelKind.SLACK: SlackChannel(poster=poster),
            ChannelKind.EMAIL: EmailChannel(settings=settings),
        }


__all__ = [
    "DELIVERY_HEADER",
    "EVENT_HEADER",
    "MAX_ERROR_BODY",
    "SIGNATURE_HEADER",
    "TIMEOUT",
    "TIMESTAMP_HEADER",
    "Channel",
    "DeliveryFailed",
    "EmailChannel",
    "HttpPoster",
    "Outgoing",
    "SlackChannel",
    "SmtpSettings",
    "WebhookChannel",
    "canonical_json",
    "email_of",
    "open_channels",
    "signature",
]
