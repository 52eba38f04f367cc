#!/usr/bin/env python3
"""Latency of listing one school's projects for a fiscal year (with budgets and indicator
counts), through Tidtam's HTTP API and, as the baseline of the same run, the same statement on
an open asyncpg connection (prepared; the tenant set beforehand, outside the timing).

    plans_peer.py DSN BASE_URL PAIRS_FILE REQUESTS
PAIRS_FILE: lines "district_id school_id token". Prints p50/p99/max for both and the ratio.
"""
import asyncio
import http.client
import random
import sys
import time
import urllib.parse

import asyncpg

LIST = """
SELECT p.id, p.code, json_build_object('id', p.id, 'code', p.code, 'name_th', p.name_th, 'fiscal_year', ap.fiscal_year,
       'plan_status', ap.status, 'budget_total', coalesce(b.total, 0), 'budget_by_source', coalesce(b.by_source, '{}'),
       'indicator_count', coalesce(i.n, 0), 'version', p.version) AS doc
FROM project p
JOIN action_plan ap ON ap.district_id = p.district_id AND ap.id = p.plan_id
LEFT JOIN LATERAL (SELECT sum(s.amount) AS total, json_object_agg(s.source, s.amount) AS by_source
                   FROM (SELECT source, sum(amount) AS amount FROM budget_line
                         WHERE district_id = p.district_id AND project_id = p.id GROUP BY source) s) b ON true
LEFT JOIN LATERAL (SELECT count(*) AS n FROM indicator WHERE district_id = p.district_id AND project_id = p.id) i ON true
WHERE p.district_id = $1 AND p.school_id = $2 AND ap.fiscal_year = $3
  AND NOT EXISTS (SELECT 1 FROM action_plan n WHERE n.district_id = ap.district_id AND n.previous_id = ap.id)
ORDER BY p.code, p.id LIMIT 51
"""


def percentiles(samples):
    s = sorted(samples)
    return s[len(s) // 2], s[int(len(s) * 0.99) - 1], s[-1]


def http_run(base, picks):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    out, items = [], 0
    for d, s, token in picks:
        start = time.perf_counter()
        conn.request("GET", f"/api/v1/projects?school_id={s}&fiscal_year=2569&limit=50", headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        body = response.read()
        out.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            sys.exit(f"HTTP {response.status}: {body[:200]!r}")
        items += body.count(b'"indicator_count"')
    return out, items


async def sql_run(dsn, picks):
    conn = await asyncpg.connect(dsn)
    statement = await conn.prepare(LIST)
    out = []
    for d, s, _ in picks:
        await conn.execute(f"SELECT set_config('tidtam.district_id', '{int(d)}', false)")
        start = time.perf_counter()
        await statement.fetch(int(d), int(s), 2569)
        out.append((time.perf_counter() - start) * 1000)
    await conn.close()
    return out


def main():
    dsn, base, pairs_file, requests = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
    pairs = [line.split() for line in open(pairs_file) if line.strip()]
    random.seed(2569)
    picks = [random.choice(pairs) for _ in range(requests)]
    http_run(base, picks[:50])  # warm-up: token cache, prepared statements
    h, items = http_run(base, picks)
    q = asyncio.run(sql_run(dsn, picks))
    hp, qp = percentiles(h), percentiles(q)
    print(f"{'':10} {'p50_ms':>8} {'p99_ms':>8} {'max_ms':>8}")
    print(f"{'http':10} {hp[0]:8.2f} {hp[1]:8.2f} {hp[2]:8.2f}   ({requests} requests, {items / requests:.0f} projects each)")
    print(f"{'sql':10} {qp[0]:8.2f} {qp[1]:8.2f} {qp[2]:8.2f}")
    print(f"ratio p99 http/sql = {hp[1] / qp[1]:.2f}")


if __name__ == "__main__":
    main()
