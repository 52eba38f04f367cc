#!/usr/bin/env python3
"""A real SMTP server for development and the tests (PyPI's aiosmtpd), never a mock.

Each message it accepts is kept as a file in MAILDIR (`<n>.eml`, written whole then renamed),
and its Message-ID and recipients are appended to MAILDIR/index.tsv, so a test or a drill counts
what arrived, and how often each Message-ID did. STARTTLS is offered when a certificate is given;
AUTH (PLAIN, LOGIN) is required, after STARTTLS, when --auth user:password is.
"""
import argparse, asyncio, email, email.policy, itertools, os, signal, ssl, sys, threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword


class Keeper:
    def __init__(self, maildir):
        self.maildir = maildir
        self.counter = itertools.count(1)
        self.lock = threading.Lock()
        os.makedirs(maildir, exist_ok=True)

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        message_id = message.get("Message-ID", "").strip()
        with self.lock:
            n = next(self.counter)
            tmp = os.path.join(self.maildir, f".{n}.tmp")
            with open(tmp, "wb") as f:
                f.write(envelope.content)
            os.rename(tmp, os.path.join(self.maildir, f"{n}.eml"))
            with open(os.path.join(self.maildir, "index.tsv"), "a") as index:
                index.write(f"{message_id}\t{','.join(envelope.rcpt_tos)}\n")
        return "250 OK kept"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--maildir", required=True)
    parser.add_argument("--tls-cert")
    parser.add_argument("--tls-key")
    parser.add_argument("--auth", help="user:password required after STARTTLS")
    parser.add_argument("--ready-file")
    args = parser.parse_args()

    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)

    authenticator = None
    if args.auth:
        user, password = args.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = isinstance(auth_data, LoginPassword) and auth_data.login.decode() == user \
                and auth_data.password.decode() == password
            return AuthResult(success=ok, handled=False)

    controller = Controller(
        Keeper(args.maildir), hostname="127.0.0.1", port=args.port, tls_context=tls,
        require_starttls=tls is not None, authenticator=authenticator,
        auth_required=authenticator is not None, auth_require_tls=True,
        server_hostname="localhost", data_size_limit=10 * 1024 * 1024)
    controller.start()
    if args.ready_file:
        with open(args.ready_file, "w") as f:
            f.write("ready\n")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    stop.wait()
    controller.stop()


if __name__ == "__main__":
    sys.exit(main())
