"""A real aiosmtpd server on 127.0.0.1 that records what it receives."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from workers.transports import OutgoingEmail

# Characters that must be percent-encoded in a URL, to test the decoding.
USER, PASSWORD = "mailer", "s3cret@pass/word"


@dataclass
class Delivered:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    peer: tuple
    login: bytes | None


@dataclass
class RecordingHandler:
    """Accepts everything except recipients whose local part asks for a failure."""

    delivered: list[Delivered] = field(default_factory=list)
    quits: int = 0

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("reject"):
            return "550 5.1.1 No such user"
        if address.startswith("later"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        login = session.auth_data.login if session.authenticated else None
        self.delivered.append(
            Delivered(envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content,
                      session.peer, login)
        )
        return "250 Message accepted"

    async def handle_QUIT(self, server, session, envelope):
        self.quits += 1
        return "221 Bye"

    @property
    def connections(self) -> int:
        # Each TCP connection has its own client port.
        return len({d.peer for d in self.delivered})


@dataclass
class Server:
    handler: RecordingHandler
    port: int
    user: str = USER
    password: str = PASSWORD

    def url(self, scheme: str = "smtp", userinfo: str = "") -> str:
        return f"{scheme}://{userinfo}127.0.0.1:{self.port}"


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and auth_data == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


def _serve(port: int, **smtp_kwargs):
    handler = RecordingHandler()
    controller = Controller(handler, hostname="127.0.0.1", port=port, **smtp_kwargs)
    controller.start()
    try:
        yield Server(handler, controller.port)
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(unused_tcp_port):
    yield from _serve(unused_tcp_port)


@pytest.fixture
def idle_closing_smtp_server(unused_tcp_port):
    # The server hangs up on clients idle for half a second.
    yield from _serve(unused_tcp_port, timeout=0.5)


@pytest.fixture
def auth_smtp_server(unused_tcp_port):
    # AUTH over plain text is fine on loopback; real deployments use TLS.
    yield from _serve(
        unused_tcp_port, authenticator=_authenticate, auth_required=True, auth_require_tls=False
    )


@pytest.fixture
def make_email():
    """Factory for a text+html email; keyword overrides replace fields."""

    def make(n: int = 1, **overrides) -> OutgoingEmail:
        fields = dict(
            message_id=f"<{n}.msg@sendgraph.local>",
            sender="Sendgraph <noreply@sendgraph.local>",
            to="ada@example.org",
            subject=f"Hello #{n}",
            html=f"<p>Hello <b>#{n}</b></p>",
            text=f"Hello #{n}",
        )
        fields.update(overrides)
        return OutgoingEmail(**fields)

    return make
