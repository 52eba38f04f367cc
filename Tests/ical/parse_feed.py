"""Parses an iCalendar feed with the `icalendar` package (a real parser, from PyPI) and prints
what the Swift test checks, as JSON: the calendar's properties, each event's, and the raw line
facts RFC 5545 asks for (CRLF line ends, no line longer than 75 octets)."""
import json
import sys

import icalendar

raw = open(sys.argv[1], "rb").read()
lines = raw.split(b"\r\n")
calendar = icalendar.Calendar.from_ical(raw)
events = []
for event in calendar.walk("VEVENT"):
    start = event.decoded("DTSTART")
    events.append({
        "uid": str(event["UID"]),
        "summary": str(event["SUMMARY"]),
        "description": str(event.get("DESCRIPTION", "")),
        "status": str(event["STATUS"]),
        "sequence": int(event["SEQUENCE"]),
        "start": start.isoformat(),
        "tzid": str(event["DTSTART"].params.get("TZID", "")),
        "end": event.decoded("DTEND").isoformat(),
        "stamp": event.decoded("DTSTAMP").isoformat(),
    })
print(json.dumps({
    "version": str(calendar["VERSION"]),
    "prodid": str(calendar["PRODID"]),
    "timezones": [str(tz["TZID"]) for tz in calendar.walk("VTIMEZONE")],
    "events": events,
    "crlf_only": b"\n" not in raw.replace(b"\r\n", b""),
    "longest_line": max(len(line) for line in lines),
    "folded_lines": sum(1 for line in lines if line.startswith(b" ")),
}, ensure_ascii=False))
