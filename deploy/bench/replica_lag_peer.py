#!/usr/bin/env python3
"""How far the analysts' replica is behind the primary, idle and under the API's write load.

    replica_lag_peer.py PRIMARY_DSN REPLICA_DSN BASE_URL TARGETS_FILE SECONDS CLIENTS

A probe, every 100 ms: the primary's WAL insert position is read, then the replica is polled
(every millisecond) until it has replayed that far; the time it took is the lag of a change
committed at that moment to be visible to an analyst. First for SECONDS with no load (the
baseline of the same run), then for SECONDS while CLIENTS clients each send one request after
another: POST /api/v1/indicators/{id}/actuals (a school's indicator actual, a correction with a
reason, one transaction with its audit row), random targets of random districts from
TARGETS_FILE ("indicator_id school_id token" per line). Prints the write rate, p50/p99/max of
the lag in both phases and pg_stat_replication's replay_lag at the end.
"""
import asyncio
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

import asyncpg


def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(len(s) * p))]


def writer(base, targets, stop, counts, conflicts, errors):
    url = urllib.parse.urlparse(base)
    conn = http.client.HTTPConnection(url.hostname, url.port)
    while not stop.is_set():
        indicator, school, token = random.choice(targets)
        body = json.dumps({"fiscal_year": 2569, "period": random.randint(1, 12), "school_id": int(school),
                           "value": round(random.uniform(40, 100), 2),
                           "correction_reason": "ทดสอบภาระงานเขียน (benchmark)"})
        conn.request("POST", f"/api/v1/indicators/{indicator}/actuals", body=body,
                     headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = conn.getresponse()
        text = response.read()
        if response.status == 201:
            counts.append(1)
        elif response.status == 409:
            conflicts.append(1)  # two clients correcting the same period at once: one wins
        else:
            errors.append((response.status, text[:200]))
            if len(errors) > 20:
                stop.set()


async def probe(primary, replica, seconds):
    lags = []
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        start = time.perf_counter()
        lsn = await primary.fetchval("SELECT pg_current_wal_insert_lsn()")
        while not await replica.fetchval("SELECT pg_last_wal_replay_lsn() >= $1::pg_lsn", lsn):
            await asyncio.sleep(0.001)
        lags.append((time.perf_counter() - start) * 1000)
        await asyncio.sleep(max(0, 0.1 - (time.perf_counter() - start)))
    return lags


async def main():
    primary_dsn, replica_dsn, base, targets_file, seconds, clients = sys.argv[1:7]
    seconds, clients = float(seconds), int(clients)
    targets = [line.split() for line in open(targets_file) if line.strip()]
    primary = await asyncpg.connect(primary_dsn)
    replica = await asyncpg.connect(replica_dsn)
    idle = await probe(primary, replica, seconds)

    stop, counts, conflicts, errors = threading.Event(), [], [], []
    threads = [threading.Thread(target=writer, args=(base, targets, stop, counts, conflicts, errors), daemon=True) for _ in range(clients)]
    for t in threads:
        t.start()
    await asyncio.sleep(1)  # the writers warm up
    written_before, start = len(counts), time.perf_counter()
    loaded = await probe(primary, replica, seconds)
    rate = (len(counts) - written_before) / (time.perf_counter() - start)
    replay_lag = await primary.fetchval("SELECT replay_lag::text FROM pg_stat_replication LIMIT 1")
    stop.set()
    for t in threads:
        t.join()
    if errors:
        sys.exit(f"{len(errors)} writes failed, the first: {errors[0]}")
    print(f"writes: {rate:.0f} requests/s ({clients} clients, POST /api/v1/indicators/{{id}}/actuals, each a transaction; {len(conflicts)} answered 409, the same period corrected by two at once)")
    print("| phase | probes | lag p50 ms | lag p99 ms | lag max ms |")
    print("|---|---|---|---|---|")
    for name, lags in (("idle (baseline)", idle), ("under the write load", loaded)):
        print(f"| {name} | {len(lags)} | {pct(lags, 0.5):.2f} | {pct(lags, 0.99):.2f} | {max(lags):.2f} |")
    print(f"p99 ratio (loaded / idle): {pct(loaded, 0.99) / pct(idle, 0.99):.2f}; "
          f"pg_stat_replication.replay_lag at the end: {replay_lag}")
    await primary.close()
    await replica.close()


asyncio.run(main())
