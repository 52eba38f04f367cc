#!/usr/bin/env python3
"""The delivery drill's conductor (deploy/bench/drill sets it up): starts three `tidtam worker`s
on the reminders waiting in the database, SIGKILLs one of them every few seconds (and starts it
again, as a service manager would), restarts PostgreSQL once, and waits until every reminder's
e-mail and webhook are recorded sent. Then it counts at the receivers, not in the database:
every reminder's Message-ID at the SMTP server and every reminder event's webhook-id at the
webhook receiver, how many never came, and how many came more than once (an attempt repeated
after a kill between the receiver's answer and the commit that records it: the same id, so the
receiver recognises it).
"""
import argparse, collections, os, random, signal, subprocess, sys, time


def psql(query):
    """One query as the superuser (the drill's own bookkeeping, not the service's); None while
    PostgreSQL is down."""
    done = subprocess.run(["psql", "-XAtq", "-d", "tidtam", "-U", "postgres", "-c", query],
                          capture_output=True, text=True)
    return done.stdout.strip() if done.returncode == 0 else None


def lines(path):
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.read().splitlines()
    except FileNotFoundError:
        return []


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--bin", required=True)
    parser.add_argument("--logs", required=True)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--kill-every", type=float, default=3.0)
    parser.add_argument("--restart-postgres", required=True, help="a shell command")
    parser.add_argument("--restart-after", type=float, default=20.0, help="seconds into the drill")
    parser.add_argument("--smtp-index", required=True)
    parser.add_argument("--webhook-index", required=True)
    parser.add_argument("--domain", required=True, help="the Message-IDs' domain")
    parser.add_argument("--max-email-rate", type=float, default=0)
    parser.add_argument("--max-webhook-rate", type=float, default=0)
    parser.add_argument("--timeout", type=float, default=3600)
    args = parser.parse_args()

    expected = int(psql("SELECT count(*) FROM reminder WHERE status = 'pending'") or 0)
    if expected == 0:
        sys.exit("no reminder is waiting: run `tidtam bench drill-load` first")
    print(f"drill: {expected} reminders waiting; {args.workers} workers, one SIGKILLed every "
          f"{args.kill_every:g} s, PostgreSQL restarted once at {args.restart_after:g} s", flush=True)

    env = dict(os.environ, WORKER_METRICS_PORT="0", TIDTAM_LOG_LEVEL="warning")
    workers, starts, exits = [None] * args.workers, [0] * args.workers, [0] * args.workers

    def start(n):
        log = open(os.path.join(args.logs, f"worker-{n}.log"), "a")
        workers[n] = subprocess.Popen([args.bin, "worker", "--concurrency", "16"], env=env,
                                      stdout=log, stderr=subprocess.STDOUT)
        starts[n] += 1

    for n in range(args.workers):
        start(n)
    began = time.monotonic()
    kills, restarted, last_kill, last_report = 0, False, began, 0.0
    done_at = None
    sent = (0, 0)
    while time.monotonic() - began < args.timeout:
        time.sleep(0.25)
        now = time.monotonic()
        for n, worker in enumerate(workers):
            if worker.poll() is not None:  # it ended by itself: counted, and started again
                exits[n] += 1
                print(f"  {now - began:6.1f} s  worker {n} ended by itself (exit {worker.returncode}); "
                      f"see {args.logs}/worker-{n}.log", flush=True)
                start(n)
        if now - last_kill >= args.kill_every:
            victim = random.randrange(args.workers)
            workers[victim].send_signal(signal.SIGKILL)
            workers[victim].wait()
            kills += 1
            start(victim)
            last_kill = now
        if not restarted and now - began >= args.restart_after:
            print(f"  {now - began:6.1f} s  restarting PostgreSQL", flush=True)
            subprocess.run(args.restart_postgres, shell=True, check=True)
            restarted = True
        if now - last_report >= 5:
            last_report = now
            row = psql("""SELECT (SELECT count(*) FROM delivery WHERE channel = 'email' AND status = 'sent'),
                                 (SELECT count(*) FROM delivery WHERE channel = 'webhook' AND status = 'sent'),
                                 (SELECT count(*) FROM job WHERE kind IN ('reminder.deliver', 'webhook.deliver')),
                                 (SELECT count(*) FROM job_archive WHERE state = 'dead')""")
            if row is None:
                print(f"  {now - began:6.1f} s  (PostgreSQL is not answering)", flush=True)
                continue
            email, hook, waiting, dead = map(int, row.split("|"))
            sent = (email, hook)
            print(f"  {now - began:6.1f} s  e-mail sent {email}, webhooks sent {hook}, jobs left {waiting}, "
                  f"dead {dead}, kills {kills}", flush=True)
            if restarted and waiting == 0 and email >= expected and hook >= expected:
                done_at = now
                break
    elapsed = (done_at or time.monotonic()) - began
    for worker in workers:
        worker.send_signal(signal.SIGTERM)
    for worker in workers:
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()

    # Counted at the receivers.
    domain = args.domain
    want_mail = set(psql(f"SELECT '<reminder-' || district_id || '-' || id || '@{domain}>' FROM reminder").split("\n"))
    got_mail = collections.Counter(line.split("\t")[0] for line in lines(args.smtp_index)
                                   if line.startswith("<reminder-"))
    events = psql("""SELECT count(*), count(DISTINCT e.source_key) FROM webhook_event e
                     WHERE e.type = 'reminder.due'""").split("|")
    want_hooks = set(psql("SELECT 'msg_' || district_id || '_' || id FROM webhook_event "
                          "WHERE type = 'reminder.due'").split("\n"))
    hook_rows = [line.split("\t") for line in lines(args.webhook_index) if line.startswith("drill-d")]
    got_hooks = collections.Counter(row[1] for row in hook_rows if row[4] == "200")
    unverified = sum(1 for row in hook_rows if row[2] == "false")
    cut_off = sum(1 for row in hook_rows if row[2] == "cut-off")
    dead = psql("SELECT count(*) FROM job_archive WHERE state = 'dead'")

    def report(what, want, got, max_rate):
        missing = len(want - set(got))
        stray = len(set(got) - want)
        repeated = sum(1 for n in got.values() if n > 1)
        extra = sum(n - 1 for n in got.values() if n > 1)
        rate = len(want & set(got)) / elapsed
        print(f"{what}: {len(want & set(got))} of {len(want)} arrived, missing {missing}, unknown {stray}; "
              f"{repeated} ids came again ({extra} repeated attempts, recognised by their id); "
              f"{rate:.0f}/s" + (f" against the receiver's own {max_rate:.0f}/s (ratio {rate / max_rate:.2f})"
                                 if max_rate else ""))
        return missing == 0 and stray == 0

    print(f"drill over in {elapsed:.1f} s: {kills} workers SIGKILLed, {sum(exits)} ended by themselves, "
          f"PostgreSQL restarted {'once' if restarted else 'never'}; dead jobs {dead}")
    print(f"reminder events: {events[0]} for {events[1]} reminders (one each: {events[0] == events[1]})")
    ok = report("e-mail (Message-ID at the SMTP server)", want_mail, got_mail, args.max_email_rate)
    ok = report("webhooks (webhook-id at the receiver)", want_hooks, got_hooks, args.max_webhook_rate) and ok
    print(f"webhooks whose signature the receiver could not verify: {unverified}; "
          f"posts cut off by a killed worker before their body was sent: {cut_off}")
    ok = ok and done_at is not None and int(events[0]) == expected and unverified == 0 and dead == "0"
    print("DRILL PASSED" if ok else "DRILL FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
