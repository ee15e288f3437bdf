"""Email over STARTTLS with login, against a real aiosmtpd server on 127.0.0.1 and a CA made by `openssl`.

The server requires STARTTLS before MAIL and AUTH (`require_starttls`, `auth_require_tls`); its certificates
are signed by a CA generated once per session, so only a client given that CA (`OSSWATCH_SMTP_CA_FILE`)
can verify them.
"""

from __future__ import annotations

import email
import ssl
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session

from osswatch.monitor.notify.channels import DeliveryFailed, EmailChannel, Outgoing, SmtpSettings
from tests.live_server import free_port

AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
USER = "osswatch-bot"
PASSWORD = "correct horse battery staple"
PAYLOAD = {"subject": "[web] new finding: PYSEC-1 (high)", "text": "Project: web\n"}


@dataclass(frozen=True, kw_only=True, slots=True)
class KeyPair:
    """A certificate (PEM) and its private key (PEM)."""

    cert: Path
    key: Path


@dataclass(frozen=True, kw_only=True, slots=True)
class Pki:
    """Two unrelated CAs and the server certificates the tests use."""

    ca: Path
    """The CA that signed `server` and `wrong_host`."""
    other_ca: Path
    """A CA that signed nothing the server presents."""
    server: KeyPair
    """For 127.0.0.1 and localhost."""
    wrong_host: KeyPair
    """For mail.example.org only (signed by the trusted CA)."""


def _openssl(*args: str | Path, cwd: Path) -> None:
    subprocess.run(["openssl", *map(str, args)], cwd=cwd, check=True, capture_output=True)


_KEY = ("-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes")


def _make_ca(directory: Path, name: str) -> KeyPair:
    pair = KeyPair(cert=directory / f"{name}.pem", key=directory / f"{name}.key")
    _openssl(
        "req", "-x509", *_KEY, "-keyout", pair.key, "-out", pair.cert, "-days", "2",
        "-subj", f"/CN=osswatch test {name}",
        "-addext", "basicConstraints=critical,CA:TRUE",
        "-addext", "keyUsage=critical,keyCertSign,cRLSign",
        cwd=directory,
    )  # fmt: skip
    return pair


def _make_leaf(directory: Path, name: str, ca: KeyPair, alt_names: str) -> KeyPair:
    pair = KeyPair(cert=directory / f"{name}.pem", key=directory / f"{name}.key")
    csr = directory / f"{name}.csr"
    extensions = directory / f"{name}.ext"
    extensions.write_text(
        f"subjectAltName={alt_names}\nbasicConstraints=critical,CA:FALSE\n"
        "keyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n"
        "subjectKeyIdentifier=hash\nauthorityKeyIdentifier=keyid\n"
    )
    _openssl("req", "-new", *_KEY, "-keyout", pair.key, "-out", csr, "-subj", f"/CN={name}", cwd=directory)
    _openssl(
        "x509", "-req", "-in", csr, "-CA", ca.cert, "-CAkey", ca.key, "-CAcreateserial",
        "-out", pair.cert, "-days", "2", "-extfile", extensions,
        cwd=directory,
    )  # fmt: skip
    return pair


@pytest.fixture(scope="session")
def pki(tmp_path_factory: pytest.TempPathFactory) -> Pki:
    """The CAs and certificates, made once per test session."""
    directory = tmp_path_factory.mktemp("pki")
    ca = _make_ca(directory, "ca")
    other_ca = _make_ca(directory, "other-ca")
    return Pki(
        ca=ca.cert,
        other_ca=other_ca.cert,
        server=_make_leaf(directory, "server", ca, "IP:127.0.0.1,DNS:localhost"),
        wrong_host=_make_leaf(directory, "wrong-host", ca, "DNS:mail.example.org"),
    )


@dataclass(frozen=True, kw_only=True, slots=True)
class Delivered:
    """One mail the server accepted, with how its session was secured."""

    envelope: Envelope
    tls_version: str | None
    is_authenticated: bool
    login: bytes | None


@dataclass
class TlsMailbox:
    """An aiosmtpd handler and authenticator: records every login attempt and every accepted mail."""

    logins: list[LoginPassword] = field(default_factory=list)
    delivered: list[Delivered] = field(default_factory=list)

    def authenticate(
        self, server: SMTP, session: Session, envelope: Envelope, mechanism: str, auth_data: object
    ) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append(auth_data)
        is_valid = auth_data == LoginPassword(USER.encode(), PASSWORD.encode())
        if not is_valid:
            return AuthResult(success=False, handled=False)  # aiosmtpd answers 535
        return AuthResult(success=True, auth_data=auth_data)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        tls = session.ssl
        version = None if tls is None else tls["ssl_object"].version()
        login = session.auth_data.login if isinstance(session.auth_data, LoginPassword) else None
        self.delivered.append(
            Delivered(
                envelope=envelope,
                tls_version=version,
                is_authenticated=session.authenticated is True,
                login=login,
            )
        )
        return "250 OK"


ServerFactory = Callable[[KeyPair], int]
"""Starts a STARTTLS server presenting the given certificate; answers its port."""


@pytest.fixture
def mailbox() -> TlsMailbox:
    """What the server saw."""
    return TlsMailbox()


@pytest.fixture
def start_server(mailbox: TlsMailbox) -> Iterator[ServerFactory]:
    """Start STARTTLS servers on 127.0.0.1 that require TLS for mail and login (stopped after the test)."""
    controllers: list[Controller] = []

    def start(pair: KeyPair) -> int:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(pair.cert, pair.key)
        controller = Controller(
            mailbox,
            hostname="127.0.0.1",
            port=free_port(),
            server_hostname="localhost",
            tls_context=context,
            require_starttls=True,
            auth_require_tls=True,
            authenticator=mailbox.authenticate,
        )
        controller.start()
        controllers.append(controller)
        return int(controller.port)

    try:
        yield start
    finally:
        for controller in controllers:
            controller.stop()


def _settings(port: int, *, ca_file: Path | None, password: str = PASSWORD) -> SmtpSettings:
    return SmtpSettings(
        host="127.0.0.1",
        port=port,
        user=USER,
        password=password,
        sender="osswatch@example.org",
        is_starttls=True,
        ca_file=ca_file,
        timeout=5.0,
    )


def _send(settings: SmtpSettings) -> None:
    outgoing = Outgoing(
        key="r1:new_finding:f7",
        event="new_finding",
        target="sec@example.org",
        payload=PAYLOAD,
        secret=None,
        at=AT,
    )
    EmailChannel(settings=settings).send(outgoing)


def test_starttls_and_login_deliver_the_mail(
    pki: Pki, start_server: ServerFactory, mailbox: TlsMailbox
) -> None:
    _send(_settings(start_server(pki.server), ca_file=pki.ca))

    (delivered,) = mailbox.delivered
    assert delivered.tls_version in {"TLSv1.2", "TLSv1.3"}
    assert delivered.is_authenticated
    assert delivered.login == USER.encode()
    assert delivered.envelope.rcpt_tos == ["sec@example.org"]
    content = delivered.envelope.content
    assert isinstance(content, bytes)
    assert email.message_from_bytes(content)["Subject"] == "[web] new finding: PYSEC-1 (high)"


def test_a_wrong_password_is_a_permanent_failure(
    pki: Pki, start_server: ServerFactory, mailbox: TlsMailbox
) -> None:
    settings = _settings(start_server(pki.server), ca_file=pki.ca, password="wrong")
    with pytest.raises(
        DeliveryFailed, match=r"^SMTP answered 535: 5\.7\.8 Authentication credentials invalid$"
    ) as raised:
        _send(settings)
    assert raised.value.is_permanent
    assert mailbox.logins
    assert {login.password for login in mailbox.logins} == {b"wrong"}
    assert mailbox.delivered == []


@pytest.mark.parametrize(
    ("presented", "trusted", "reason"),
    [
        (lambda pki: pki.server, lambda pki: None, "unable to get local issuer certificate"),
        (lambda pki: pki.server, lambda pki: pki.other_ca, "unable to get local issuer certificate"),
        (lambda pki: pki.wrong_host, lambda pki: pki.ca, "IP address mismatch"),
    ],
    ids=["system-store-only", "another-ca", "certificate-for-another-host"],
)
def test_an_unverified_server_gets_no_password_and_no_mail(
    pki: Pki,
    start_server: ServerFactory,
    mailbox: TlsMailbox,
    presented: Callable[[Pki], KeyPair],
    trusted: Callable[[Pki], Path | None],
    reason: str,
) -> None:
    settings = _settings(start_server(presented(pki)), ca_file=trusted(pki))
    with pytest.raises(
        DeliveryFailed, match=rf"^SMTP 127\.0\.0\.1:\d+ failed: certificate verification failed: {reason}"
    ) as raised:
        _send(settings)
    assert not raised.value.is_permanent
    assert mailbox.logins == []
    assert mailbox.delivered == []


def test_a_missing_ca_file_fails_permanently_before_connecting(
    tmp_path: Path, pki: Pki, start_server: ServerFactory, mailbox: TlsMailbox
) -> None:
    missing = tmp_path / "no-such-ca.pem"
    with pytest.raises(DeliveryFailed) as raised:
        _send(_settings(start_server(pki.server), ca_file=missing))
    assert str(raised.value) == (
        f"cannot load CA certificates from OSSWATCH_SMTP_CA_FILE {missing}: No such file or directory"
    )
    assert raised.value.is_permanent
    assert mailbox.logins == []


def test_a_ca_file_without_certificates_fails_permanently(
    tmp_path: Path, pki: Pki, start_server: ServerFactory
) -> None:
    not_pem = tmp_path / "ca.pem"
    not_pem.write_text("not a certificate\n")
    with pytest.raises(
        DeliveryFailed, match=rf"^cannot load CA certificates from OSSWATCH_SMTP_CA_FILE {not_pem}: "
    ) as raised:
        _send(_settings(start_server(pki.server), ca_file=not_pem))
    assert raised.value.is_permanent


def test_a_ca_file_without_starttls_is_refused(
    pki: Pki, start_server: ServerFactory, mailbox: TlsMailbox
) -> None:
    settings = SmtpSettings(
        host="127.0.0.1", port=start_server(pki.server), user=USER, password=PASSWORD, ca_file=pki.ca
    )
    with pytest.raises(
        DeliveryFailed, match=r"^OSSWATCH_SMTP_CA_FILE is set .* but OSSWATCH_SMTP_STARTTLS is not"
    ) as raised:
        _send(settings)
    assert raised.value.is_permanent
    assert mailbox.logins == []


def test_a_login_without_starttls_is_refused_before_connecting(mailbox: TlsMailbox) -> None:
    closed = free_port()  # nothing listens: a connection attempt would fail differently
    settings = SmtpSettings(host="127.0.0.1", port=closed, user=USER, password=PASSWORD)
    with pytest.raises(
        DeliveryFailed, match=r"^OSSWATCH_SMTP_USER is set but OSSWATCH_SMTP_STARTTLS is not"
    ) as raised:
        _send(settings)
    assert raised.value.is_permanent
    assert mailbox.logins == []


def test_the_ca_file_comes_from_the_environment(tmp_path: Path) -> None:
    base = {"OSSWATCH_SMTP_HOST": "mail.example.org", "OSSWATCH_SMTP_STARTTLS": "1"}
    settings = SmtpSettings.from_env({**base, "OSSWATCH_SMTP_CA_FILE": f" {tmp_path / 'ca.pem'} "})
    assert settings is not None
    assert settings.ca_file == tmp_path / "ca.pem"
    for unset in ({}, {"OSSWATCH_SMTP_CA_FILE": ""}):
        plain = SmtpSettings.from_env({**base, **unset})
        assert plain is not None
        assert plain.ca_file is None
