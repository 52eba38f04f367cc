#!/usr/bin/env python3
"""A figure of the evaluation issue, beside a baseline of the same run.

    evaluation_peer.py DSN BASE_URL NATIONAL_TOKEN DISTRICTS_FILE REQUESTS
        A district's roll-up for fiscal year 2569 (its schools' distribution and each
        district-wide indicator's) over HTTP for random districts, the national role naming the
        district, one request after another on a kept-alive connection; baseline: the same rows
        (the district's roll-up and its indicators' with their names) from the same tables on an
        open asyncpg connection (prepared, the tenant set beforehand).
"""
import asyncio
import http.client
import json
import random
import sys
import time
import urllib.parse

ROLLUP = """
SELECT r.*, (SELECT json_agg(json_build_object('indicator_id', x.indicator_id, 'name_th', i.name_th, 'level_counts', x.level_counts,
                                               'mean', x.mean, 'median', x.median, 'met', x.met, 'furthest_below', x.furthest_below)
                             ORDER BY i.code, x.indicator_id)
             FROM indicator_rollup x JOIN indicator i ON i.district_id = x.district_id AND i.id = x.indicator_id
             WHERE x.district_id = $1 AND x.fiscal_year = 2569) AS indicators
FROM district_rollup r WHERE r.district_id = $1 AND r.fiscal_year = 2569
"""


def percentiles(samples):
    s = sorted(samples)
    return s[len(s) // 2], s[int(len(s) * 0.99) - 1], s[-1]


def rollup_http(base, token, picks):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    out, indicators = [], 0
    for d in picks:
        start = time.perf_counter()
        conn.request("GET", f"/api/v1/rollups?fiscal_year=2569&district_id={d}",
                     headers={"Authorization": f"Bearer {token}"})
        response = conn.getresponse()
        body = response.read()
        out.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            sys.exit(f"HTTP {response.status}: {body[:300]!r}")
        indicators += len(json.loads(body)["indicators"])
    return out, indicators


async def rollup_sql(dsn, picks):
    import asyncpg
    conn = await asyncpg.connect(dsn)
    await conn.execute("SELECT set_config('tidtam.role', 'national', false)")
    statement = await conn.prepare(ROLLUP)
    out = []
    for d in picks:
        start = time.perf_counter()
        await statement.fetch(int(d))
        out.append((time.perf_counter() - start) * 1000)
    await conn.close()
    return out


def main(dsn, base, token, districts_file, requests):
    districts = [line.strip() for line in open(districts_file) if line.strip()]
    random.seed(2569)
    picks = [random.choice(districts) for _ in range(requests)]
    rollup_http(base, token, picks[:50])  # warm-up: token cache, prepared statements
    h, indicators = rollup_http(base, token, picks)
    q = asyncio.run(rollup_sql(dsn, picks))
    hp, qp = percentiles(h), percentiles(q)
    print(f"{'':10} {'p50_ms':>8} {'p99_ms':>8} {'max_ms':>8}")
    print(f"{'http':10} {hp[0]:8.2f} {hp[1]:8.2f} {hp[2]:8.2f}   ({requests} requests, {indicators / requests:.0f} indicators a roll-up)")
    print(f"{'sql':10} {qp[0]:8.2f} {qp[1]:8.2f} {qp[2]:8.2f}")
    print(f"ratio p99 http/sql = {hp[1] / qp[1]:.2f}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
