#!/usr/bin/env python3
"""Reads an e-mail as Python's standard library does (a real MIME parser, not the sender's own
code) and prints what a mail client would show: the decoded subject, addresses, Message-ID, and
the plain-text and HTML bodies."""
import email, email.header, email.policy, json, sys

with open(sys.argv[1], "rb") as f:
    raw = f.read()
message = email.message_from_bytes(raw, policy=email.policy.default)
# Addresses as RFC 2047 decodes them (adjacent encoded-words joined, section 6.2): the default
# policy's address parser puts a space between the words of a display name.
plain = email.message_from_bytes(raw, policy=email.policy.compat32)
def decoded(name):
    return str(email.header.make_header(email.header.decode_header(plain[name])))
bodies = {}
for part in message.walk():
    if part.get_content_maintype() == "text":
        bodies[part.get_content_subtype()] = part.get_content()
print(json.dumps({
    "subject": str(message["Subject"]),
    "from": decoded("From"),
    "to": decoded("To"),
    "message_id": str(message["Message-ID"]),
    "date": str(message["Date"]),
    "content_type": message.get_content_type(),
    "text": bodies.get("plain"),
    "html": bodies.get("html"),
    "defects": [str(d) for d in message.defects],
}, ensure_ascii=False))
