"""A mail relay for the digest tests (aiosmtpd): one port that requires STARTTLS, one with
implicit TLS, both requiring AUTH (PLAIN or LOGIN) as one user over TLS. Each accepted message
is written to OUT/<n>.json with its envelope, whether it came over TLS, the login, the raw
message, and its subject and body as a mail reader decodes them.

Prints `READY <starttls port> <smtps port>` when both listen; runs until stdin closes.

Usage: smtp_relay.py --cert PEM --key PEM --user U --password P --out DIR
"""

import argparse
import email
import email.policy
import json
import os
import socket
import ssl
import sys
import threading
import warnings

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Handler:
    def __init__(self, out):
        self.out = out
        self.count = 0
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        raw = envelope.original_content or envelope.content
        parsed = email.message_from_bytes(raw, policy=email.policy.default)
        body = parsed.get_body(preferencelist=("plain",))
        record = {
            "from": envelope.mail_from,
            "to": envelope.rcpt_tos,
            "tls": server.transport.get_extra_info("ssl_object") is not None,
            "login": session.auth_data.login.decode() if session.authenticated else None,
            "raw": raw.decode("utf-8", "replace"),
            "subject": str(parsed["subject"]),
            "body": body.get_content() if body is not None else None,
        }
        with self.lock:
            self.count += 1
            path = os.path.join(self.out, f"{self.count}.json")
        with open(path + ".tmp", "w", encoding="utf-8") as f:
            json.dump(record, f)
        os.replace(path + ".tmp", path)
        return "250 OK queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cert", required=True)
    p.add_argument("--key", required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--password", required=True)
    p.add_argument("--out", required=True)
    a = p.parse_args()
    # aiosmtpd warns about AUTH without auth_require_tls (the smtps port, TLS throughout).
    warnings.simplefilter("ignore")

    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login == a.user.encode()
            and auth_data.password == a.password.encode()
        )
        return AuthResult(success=ok, handled=False, auth_data=auth_data)

    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(a.cert, a.key)
    handler = Handler(a.out)
    common = dict(
        hostname="127.0.0.1",
        authenticator=authenticator,
        auth_required=True,
        server_hostname="relay.test",
    )
    starttls = Controller(
        handler,
        port=free_port(),
        tls_context=context,
        require_starttls=True,
        auth_require_tls=True,
        **common,
    )
    # aiosmtpd counts only STARTTLS as TLS for auth_require_tls; this port is TLS throughout.
    smtps = Controller(
        handler, port=free_port(), ssl_context=context, auth_require_tls=False, **common
    )
    starttls.start()
    smtps.start()
    print(f"READY {starttls.port} {smtps.port}", flush=True)
    sys.stdin.read()
    starttls.stop()
    smtps.stop()


if __name__ == "__main__":
    main()
