"""The peer for ./deploy/bench/queue: PgQueuer enqueues N no-op jobs in batches, then one
process drains them (run(mode=drain)), on the same PostgreSQL. Prints jobs/s for each phase."""
import argparse
import asyncio
import time

import asyncpg
import uvloop
from pgqueuer import PgQueuer, types
from pgqueuer.db import AsyncpgDriver
from pgqueuer.models import Job
from pgqueuer.queries import Queries


async def main(jobs: int, enqueue_batch: int, batch: int) -> None:
    conn = await asyncpg.connect()
    queries = Queries(AsyncpgDriver(conn))
    await queries.clear_queue()
    await queries.clear_queue_log()
    started = time.perf_counter()
    done = 0
    while done < jobs:
        n = min(enqueue_batch, jobs - done)
        await queries.enqueue(["noop"] * n, [str(done + i).encode() for i in range(n)], [0] * n)
        done += n
    enqueue_rate = jobs / (time.perf_counter() - started)
    await conn.execute("ANALYZE pgqueuer")

    worker_conn = await asyncpg.connect()
    pgq = PgQueuer(AsyncpgDriver(worker_conn))
    processed = 0

    @pgq.entrypoint("noop")
    async def noop(job: Job) -> None:
        nonlocal processed
        processed += 1

    started = time.perf_counter()
    await pgq.run(batch_size=batch, mode=types.QueueExecutionMode.drain)
    process_rate = processed / (time.perf_counter() - started)
    print(f"pgqueuer enqueue {enqueue_rate:8.0f} jobs/s   process {process_rate:8.0f} jobs/s   ({processed} jobs, batch {batch})")
    await worker_conn.close()
    await conn.close()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--enqueue-batch", type=int, default=1000)
    parser.add_argument("--batch", type=int, default=1000)
    args = parser.parse_args()
    uvloop.install()
    asyncio.run(main(args.jobs, args.enqueue_batch, args.batch))
