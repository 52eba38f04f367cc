#!/usr/bin/env python3
"""A real webhook receiver for development and the tests: every post is checked with the
Standard Webhooks reference library (PyPI's standardwebhooks), never the sender's own code.

POST /hooks/<name> verifies the signature against each secret in DIR/secrets/<name> (one per
line; during a rotation both old and new), appends `name, webhook-id, verified, signatures,
answer` to DIR/index.tsv and keeps the body as DIR/bodies/<n>.json (a post whose sender went away
before its body was all sent is recorded as `cut-off`, with no answer). The name says how to answer:
`gone` 410; `flaky-N` 500 to the first N posts of each webhook-id, then 200; `slow` 200 after 3 s;
anything else 200 (401 when the signature does not verify).
"""
import argparse, json, os, sys, threading, time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks.webhooks import Webhook, WebhookVerificationError

lock = threading.Lock()
seen = {}
counter = [0]


def make_handler(directory):
    class Receiver(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args):
            pass

        def do_POST(self):
            name = self.path.rstrip("/").split("/")[-1]
            length = int(self.headers.get("content-length", "0"))
            body = self.rfile.read(length)
            if len(body) < length:
                # The sender went away mid-post (a worker killed in a drill): nothing was
                # delivered and nobody is there to answer; recorded as such, not as a bad signature.
                with open(os.path.join(directory, "index.tsv"), "a") as index, lock:
                    index.write(f"{name}\t{self.headers.get('webhook-id', '')}\tcut-off\t0\t-\n")
                self.close_connection = True
                return
            headers = {k.lower(): v for k, v in self.headers.items()}
            secrets_path = os.path.join(directory, "secrets", name)
            secrets = open(secrets_path).read().split() if os.path.exists(secrets_path) else []
            verified = False
            for secret in secrets:
                try:
                    Webhook(secret).verify(body, headers)
                    verified = True
                    break
                except WebhookVerificationError:
                    pass
            webhook_id = headers.get("webhook-id", "")
            with lock:
                seen[(name, webhook_id)] = seen.get((name, webhook_id), 0) + 1
                times = seen[(name, webhook_id)]
                counter[0] += 1
                n = counter[0]
            answer = 200 if verified else 401
            if name == "gone":
                answer = 410
            elif name.startswith("flaky-") and times <= int(name.split("-")[1]):
                answer = 500
            elif name == "slow":
                time.sleep(3)
            signatures = len(headers.get("webhook-signature", "").split())
            with lock:
                with open(os.path.join(directory, "bodies", f"{n}.json"), "wb") as f:
                    f.write(body)
                with open(os.path.join(directory, "index.tsv"), "a") as index:
                    index.write(f"{name}\t{webhook_id}\t{str(verified).lower()}\t{signatures}\t{answer}\n")
            self.send_response(answer)
            self.send_header("content-length", "0")
            self.end_headers()

    return Receiver


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--dir", required=True)
    parser.add_argument("--ready-file")
    args = parser.parse_args()
    os.makedirs(os.path.join(args.dir, "secrets"), exist_ok=True)
    os.makedirs(os.path.join(args.dir, "bodies"), exist_ok=True)
    server = ThreadingHTTPServer(("127.0.0.1", args.port), make_handler(args.dir))
    server.daemon_threads = True
    if args.ready_file:
        with open(args.ready_file, "w") as f:
            f.write("ready\n")
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
