"""The analysts' example queries (sql/analytics/examples.sql) timed on the national data set:
each run REPS times by a district's analyst login on the views, and the same question on the
base tables as the owner with the district named (the cost of the views and the policies),
alternating, on open connections, after one untimed run of each (a question that takes under
10 ms, REPS × 10 times); p50/p99 of each and the ratio of the p99s."""
import asyncio
import re
import sys
import time

import asyncpg


def pairs(path):
    text = open(path).read()
    parts = re.split(r'^-- (query|base):(.*)$', text, flags=re.M)
    out = []
    for i in range(1, len(parts), 6):
        out.append((parts[i + 1].strip(), parts[i + 2].strip(), parts[i + 5].strip()))
    return out


def pct(times, p):
    times = sorted(times)
    return times[min(len(times) - 1, int(len(times) * p))]


async def main():
    dsn_analyst, dsn_owner, district, path, reps = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
    analyst = await asyncpg.connect(dsn_analyst)
    owner = await asyncpg.connect(dsn_owner)
    await owner.execute("SET tidtam.role = 'national'")
    print("| query | rows | analyst p50 ms | analyst p99 ms | owner p50 ms | owner p99 ms | p99 ratio |")
    print("|---|---|---|---|---|---|---|")
    for name, view_sql, base_sql in pairs(path):
        base_sql = base_sql.replace(":district", district)
        view_times, base_times = [], []
        # One untimed run of each first: a new session's first query of a view loads the
        # catalog and the pages it reads, which is no part of what the query costs.
        start = time.perf_counter()
        rows = len(await analyst.fetch(view_sql))
        await owner.fetch(base_sql)
        # A query of a few milliseconds runs 10 times as often, so that its p99 is not one sample.
        runs = reps * 10 if time.perf_counter() - start < 0.01 else reps
        for _ in range(runs):
            start = time.perf_counter()
            rows = len(await analyst.fetch(view_sql))
            view_times.append((time.perf_counter() - start) * 1000)
            start = time.perf_counter()
            await owner.fetch(base_sql)
            base_times.append((time.perf_counter() - start) * 1000)
        title = name.split(' — ')[-1].strip()
        print(f"| {name.split('.')[0].strip()}. {title} | {rows} | {pct(view_times, 0.5):.1f} | {pct(view_times, 0.99):.1f} | "
              f"{pct(base_times, 0.5):.1f} | {pct(base_times, 0.99):.1f} | {pct(view_times, 0.99) / pct(base_times, 0.99):.2f} |")
    await analyst.close()
    await owner.close()


asyncio.run(main())
