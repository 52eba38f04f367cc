"""The public annual report page timed from a client: sequential GETs with no token on one
kept-alive connection, p50/p99, beside GET /healthz on the same connection in the same run
(what the server, the network and this client cost with no database and no body)."""
import http.client
import sys
import time


def timed(conn, path, count):
    times = []
    size = 0
    for _ in range(count):
        start = time.perf_counter()
        conn.request("GET", path)
        response = conn.getresponse()
        body = response.read()
        times.append((time.perf_counter() - start) * 1000)
        if response.status != 200:
            raise SystemExit(f"{path}: {response.status} {body[:200]!r}")
        size = len(body)
    times.sort()
    return times[len(times) // 2], times[min(len(times) - 1, int(len(times) * 0.99))], size


def main():
    host, port, page, count = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
    conn = http.client.HTTPConnection(host, port)
    timed(conn, page, 50)  # warm up
    p50, p99, size = timed(conn, page, count)
    h50, h99, _ = timed(conn, "/healthz", count)
    print(f"public page {page} ({size // 1024} KB): p50 {p50:.2f} ms, p99 {p99:.2f} ms; "
          f"/healthz p50 {h50:.2f} ms, p99 {h99:.2f} ms; p99 ratio {p99 / h99:.2f}")


main()
