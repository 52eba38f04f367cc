#!/usr/bin/env python3
"""Two figures of the monitoring issue, each beside a baseline of the same run.

    monitoring_peer.py overdue DSN BASE_URL TOKENS_FILE REQUESTS
        A district's overdue list (late or missing reports of quarter 1, first page, schools in
        Thai order) over HTTP for random districts, one request after another on a kept-alive
        connection; baseline: the list's rows from the same tables on an open asyncpg
        connection (prepared, the tenant set beforehand). TOKENS_FILE: "district_id token".

    monitoring_peer.py bookings BASE_URL TOKEN SCHOOLS MEMBERS_FILE ATTEMPTS
        ATTEMPTS bookings sent at once, each on its own connection, all of the same two people
        at overlapping times: one must be booked, every other refused (409), none twice, no 5xx
        (a 503 with Retry-After, the service shedding load, is retried as a client would).
        Baseline: as many bookings at once of different people (each one member of its own).
"""
import asyncio
import http.client
import json
import random
import sys
import time
import urllib.parse

OVERDUE = """
SELECT m.id, s.name_th, m.due_on
FROM monitoring_item m LEFT JOIN school s ON s.district_id = m.district_id AND s.id = m.school_id
WHERE m.district_id = $1 AND m.fiscal_year = 2569 AND m.period_kind = 'quarter' AND m.period = 1
  AND m.status = 'open' AND m.due_on < (now() AT TIME ZONE 'Asia/Bangkok')::date
  AND (m.first_submitted_at IS NULL OR (m.first_submitted_at AT TIME ZONE 'Asia/Bangkok')::date > m.due_on)
ORDER BY coalesce(s.name_th, '') COLLATE "th-TH-x-icu", coalesce(m.school_id, 0), m.id
LIMIT 51
"""


def percentiles(samples):
    s = sorted(samples)
    return s[len(s) // 2], s[int(len(s) * 0.99) - 1], s[-1]


def overdue_http(base, picks):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    out, items = [], 0
    for d, token in picks:
        start = time.perf_counter()
        conn.request("GET", "/api/v1/monitoring/overdue?fiscal_year=2569&period_kind=quarter&period=1&limit=50",
                     headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        body = response.read()
        out.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            sys.exit(f"HTTP {response.status}: {body[:300]!r}")
        items += len(json.loads(body)["items"])
    return out, items


async def overdue_sql(dsn, picks):
    import asyncpg
    conn = await asyncpg.connect(dsn)
    statement = await conn.prepare(OVERDUE)
    out = []
    for d, _ in picks:
        await conn.execute(f"SELECT set_config('tidtam.district_id', '{int(d)}', false)")
        start = time.perf_counter()
        await statement.fetch(int(d))
        out.append((time.perf_counter() - start) * 1000)
    await conn.close()
    return out


def overdue(dsn, base, tokens_file, requests):
    pairs = [line.split() for line in open(tokens_file) if line.strip()]
    random.seed(2569)
    picks = [random.choice(pairs) for _ in range(requests)]
    overdue_http(base, picks[:50])  # warm-up: token cache, prepared statements
    h, items = overdue_http(base, picks)
    q = asyncio.run(overdue_sql(dsn, picks))
    hp, qp = percentiles(h), percentiles(q)
    print(f"{'':10} {'p50_ms':>8} {'p99_ms':>8} {'max_ms':>8}")
    print(f"{'http':10} {hp[0]:8.2f} {hp[1]:8.2f} {hp[2]:8.2f}   ({requests} requests, {items / requests:.0f} items a page)")
    print(f"{'sql':10} {qp[0]:8.2f} {qp[1]:8.2f} {qp[2]:8.2f}")
    print(f"ratio p99 http/sql = {hp[1] / qp[1]:.2f}")


async def post(host, port, token, body):
    """POSTs a booking; a 503 (the service shedding load, with Retry-After) is retried as a
    client should, and the answer after it is counted."""
    for _ in range(30):
        status = await post_once(host, port, token, body)
        if status != 503:
            return status
        await asyncio.sleep(1)
    return 503


async def post_once(host, port, token, body):
    data = json.dumps(body).encode()
    for attempt in range(20):
        try:
            reader, writer = await asyncio.open_connection(host, port)
            break
        except OSError:
            await asyncio.sleep(0.05 * (attempt + 1))
    else:
        return -1
    writer.write((f"POST /api/v1/visits HTTP/1.1\r\nHost: {host}\r\nAuthorization: Bearer {token}\r\n"
                  f"Content-Type: application/json\r\nContent-Length: {len(data)}\r\nConnection: close\r\n\r\n").encode() + data)
    await writer.drain()
    line = await reader.readline()
    await reader.read()
    writer.close()
    return int(line.split()[1]) if line else -1


async def burst(base, token, bodies):
    url = urllib.parse.urlparse(base)
    start = time.perf_counter()
    statuses = await asyncio.gather(*(post(url.hostname, url.port, token, b) for b in bodies))
    return statuses, time.perf_counter() - start


def bookings(base, token, schools, members_file, attempts):
    schools = [int(s) for s in schools.split(",")]
    members = [int(line) for line in open(members_file) if line.strip()]

    def visit(i, people, day):
        return {"kind": "supervision", "school_id": schools[i % len(schools)], "member_ids": people,
                "purpose_th": f"นิเทศการจัดการเรียนรู้ ครั้งที่ {i}",
                "starts_at": f"{day}T09:{i % 60:02d}:00+07:00", "ends_at": f"{day}T15:00:00+07:00"}

    same, t_same = asyncio.run(burst(base, token, [visit(i, members[:2], "2027-01-13") for i in range(attempts)]))
    distinct, t_distinct = asyncio.run(
        burst(base, token, [visit(i, [members[2 + i]], "2027-01-20") for i in range(attempts)]))
    count = lambda xs, s: sum(1 for x in xs if x == s)
    print(f"overlapping: {attempts} at once: booked {count(same, 201)}, refused 409 {count(same, 409)}, "
          f"5xx {sum(1 for x in same if x >= 500)}, other {sum(1 for x in same if x not in (201, 409) and x < 500)}; {t_same:.2f} s")
    print(f"distinct:    {attempts} at once: booked {count(distinct, 201)}, 5xx {sum(1 for x in distinct if x >= 500)}, "
          f"other {sum(1 for x in distinct if x != 201 and x < 500)}; {t_distinct:.2f} s")
    print(f"ratio time overlapping/distinct = {t_same / t_distinct:.2f}")


if __name__ == "__main__":
    if sys.argv[1] == "overdue":
        overdue(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        bookings(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6]))
