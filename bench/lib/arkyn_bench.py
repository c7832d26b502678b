#!/usr/bin/env python3
"""Helpers of bench/run (Python 3 standard library only).

  engine       set up an account, sources and keys through the API, then measure (a)-(f) on a running server
  crash-setup  set up and pre-create request/response pairs for the crash test
  crash-load   load POST /http-traffic, SIGKILL the server in the middle, record every id answered 201
  crash-check  after the restart, check that every acknowledged id is stored
  report       print the table and write the JSON under bench/results/

Everything talks to 127.0.0.1 only.
"""
import argparse
import datetime
import glob
import http.client
import json
import math
import multiprocessing
import os
import platform
import random
import resource
import re
import signal
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
import uuid

LIB = os.path.dirname(os.path.abspath(__file__))


def env_int(name, default):
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


def env_float(name, default):
    value = os.environ.get(name, "")
    return float(value) if value.strip() else default


DURATION = env_int("BENCH_DURATION", 15)
CONNECTIONS = env_int("BENCH_CONNECTIONS", 32)
THREADS = env_int("BENCH_THREADS", 2)
ROWS = env_int("BENCH_ROWS", 1_000_000)
BATCH_SIZE = env_int("BENCH_BATCH_SIZE", 1000)
BATCH_CONCURRENCY = env_int("BENCH_BATCH_CONCURRENCY", 2)
WEBHOOKS = env_int("BENCH_WEBHOOKS", 0)
OTLP_SIZE = env_int("BENCH_OTLP_SIZE", 512)
SEED_WORKERS = env_int("BENCH_SEED_WORKERS", 3)
READ_REPS = env_int("BENCH_READ_REPS", 30)
READ_MAX_SECONDS = env_float("BENCH_READ_MAX_SECONDS", 45)
READ_WARMUP_CALLS = env_int("BENCH_READ_WARMUP_CALLS", 30)
READ_WARMUP_SECONDS = env_float("BENCH_READ_WARMUP_SECONDS", 10)
CURSOR_PAGES = env_int("BENCH_CURSOR_PAGES", 1000)
CURSOR_MAX_SECONDS = env_float("BENCH_CURSOR_MAX_SECONDS", 60)
PAIRS_FACTOR = env_float("BENCH_PAIRS_FACTOR", 1.5)


def say(*parts):
    print("  ", *parts, flush=True)


SERVER_PID = None


def check_server():
    """Fails clearly when the server process is gone (crashed, or stopped by someone else)."""
    if SERVER_PID is None:
        return
    try:
        os.kill(SERVER_PID, 0)
        with open(f"/proc/{SERVER_PID}/stat") as f:
            if f.read().split(")")[-1].split()[0] == "Z":
                raise ProcessLookupError
    except (ProcessLookupError, FileNotFoundError):
        raise BenchError(f"the server (pid {SERVER_PID}) is no longer running; see its log below")


class BenchError(Exception):
    pass


# ---------------------------------------------------------------------------------------------- HTTP client

class Api:
    """One keep-alive connection to the server on 127.0.0.1; JSON in and out."""

    def __init__(self, port, token=None, timeout=120):
        self.port, self.token, self.timeout, self.conn = port, token, timeout, None

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None

    def call(self, method, path, body=None, token=None, raw=None, retry=True, content_type="application/json"):
        headers = {}
        bearer = token or self.token
        if bearer:
            headers["Authorization"] = "Bearer " + bearer
        data = raw
        if data is None and body is not None:
            data = json.dumps(body).encode()
        if data is not None:
            headers["Content-Type"] = content_type
        for attempt in range(2 if retry else 1):
            try:
                if self.conn is None:
                    self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
                self.conn.request(method, path, body=data, headers=headers)
                response = self.conn.getresponse()
                payload = response.read()
                break
            except (http.client.HTTPException, OSError):
                self.close()
                if attempt == (1 if retry else 0):
                    raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        if response.getheader("Content-Type", "").startswith("application/x-protobuf"):
            return response.status, payload
        try:
            parsed = json.loads(payload) if payload else None
        except (ValueError, UnicodeDecodeError):
            parsed = payload.decode(errors="replace")
        return response.status, parsed


def expect(result, *statuses, what=""):
    status, body = result
    if status not in statuses:
        raise BenchError(f"{what}: expected HTTP {'/'.join(map(str, statuses))}, got {status}: {str(body)[:400]}")
    return body


def setup_account(port):
    """A user (token), a write source with an ingest key, a domain and pathname, and a read source with its key."""
    api = Api(port)
    email = f"bench-{uuid.uuid4().hex[:10]}@example.com"
    password = "bench-password-123"
    expect(api.call("POST", "/user", {"name": "Bench", "email": email, "password": password}), 201, what="POST /user")
    token = expect(api.call("POST", "/user/auth", {"email": email, "password": password}), 200, what="POST /user/auth")["token"]
    api.token = token
    state = {"token": token}
    for name in ("write", "read"):
        source = expect(api.call("POST", "/traffic-source", {"name": f"bench-{name}", "trafficDomain": f"{name}-{uuid.uuid4().hex[:6]}.bench.example"}),
                        201, what="POST /traffic-source")
        key = expect(api.call("POST", f"/traffic-source/{source['id']}/ingest-keys", {"name": f"bench-{name}-agent"}),
                     201, what="POST /traffic-source/{id}/ingest-keys")["key"]
        state[f"{name}_source"], state[f"{name}_key"] = source["id"], key
    src, key = state["write_source"], state["write_key"]
    if WEBHOOKS > 0:
        state["webhooks"] = create_webhooks(api, src, WEBHOOKS)
    state["domain"] = expect(api.call("POST", f"/domain/{src}", {"value": "api.bench.example", "protocol": "HTTPS"}, token=key),
                             200, 201, what="POST /domain")["id"]
    state["pathname"] = expect(api.call("POST", f"/pathname/{src}/{state['domain']}", {"value": "/orders"}, token=key),
                               200, 201, what="POST /pathname")["id"]
    api.close()
    return state


WEBHOOK_RULES = [
    {"kind": "level", "levels": ["FATAL"]},
    {"kind": "errorRate", "threshold": 0.05, "window": "5m", "minCount": 20},
    {"kind": "latency", "percentile": 95, "thresholdMs": 500, "window": "5m", "minCount": 20},
]


def create_webhooks(api, source, count):
    """Active webhooks on the source (BENCH_WEBHOOKS), posting to a receiver in this process that answers 204."""
    import http.server

    class Receiver(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            self.rfile.read(int(self.headers.get("Content-Length") or 0))
            self.send_response(204)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    for i in range(count):
        expect(api.call("POST", f"/webhooks/{source}", {"name": f"bench-{i}", "url": url, "rule": WEBHOOK_RULES[i % len(WEBHOOK_RULES)]}),
               201, what="POST /webhooks/{id}")
    say(f"{count} active webhooks on the write source, posting to {url}")
    return count


# ---------------------------------------------------------------------------------------------- CPU per request

class CpuMeter:
    """Where the machine's CPU went during a phase, per request (or record): the server process, PostgreSQL's
    processes, the load generator (wrk, pgbench or this script's own client threads) and everything else, plus how
    busy the machine was in all. On 2 cores the sum per request bounds the rate: at most 2 s of CPU a second."""

    HZ = os.sysconf("SC_CLK_TCK")

    def __init__(self):
        self.seen = {}  # PostgreSQL backend pid -> its CPU ticks when last seen: a backend that exits keeps what it used
        self.first = {}
        self.sample()
        self.first = dict(self.seen)
        self.start = self.snapshot()
        self.stopped = threading.Event()
        self.sampler = threading.Thread(target=self.sample_until_stopped, daemon=True)
        self.sampler.start()

    def sample_until_stopped(self):
        while not self.stopped.wait(0.2):
            self.sample()

    @staticmethod
    def process(pid):
        """(name, CPU ticks used: user + system) of a process, or None when it is gone."""
        try:
            with open(f"/proc/{pid}/stat") as f:
                stat = f.read()
        except OSError:
            return None
        fields = stat[stat.rindex(")") + 2:].split()
        return stat[stat.index("(") + 1:stat.rindex(")")], int(fields[11]) + int(fields[12])

    def sample(self):
        for name in os.listdir("/proc"):
            process = CpuMeter.process(name) if name.isdigit() else None
            if process and process[0].startswith("postgres"):
                self.seen[int(name)] = process[1]

    @staticmethod
    def snapshot():
        with open("/proc/stat") as f:
            ticks = [int(x) for x in f.readline().split()[1:9]]
        server = (CpuMeter.process(SERVER_PID) if SERVER_PID else None) or ("", 0)
        children, own = resource.getrusage(resource.RUSAGE_CHILDREN), resource.getrusage(resource.RUSAGE_SELF)
        return {"total": sum(ticks) / CpuMeter.HZ, "idle": (ticks[3] + ticks[4]) / CpuMeter.HZ, "server": server[1] / CpuMeter.HZ,
                "client": children.ru_utime + children.ru_stime + own.ru_utime + own.ru_stime}

    def per(self, count):
        """CPU µs per request over the phase since construction; call after the load generator was reaped."""
        self.stopped.set()
        self.sampler.join()
        self.sample()
        end = self.snapshot()
        d = {k: end[k] - self.start[k] for k in end}
        d["postgres"] = sum(t - self.first.get(pid, 0) for pid, t in self.seen.items()) / CpuMeter.HZ
        if count <= 0 or d["total"] <= 0:
            return None
        busy = d["total"] - d["idle"]
        cores = os.cpu_count() or 1
        out = {"machine_busy_pct": round(100 * cores * busy / d["total"])}
        for k in ("server", "postgres", "client"):
            out[f"{k}_us"] = round(d[k] * 1e6 / count, 1)
        out["other_us"] = round(max(busy - d["server"] - d["postgres"] - d["client"], 0) * 1e6 / count, 1)
        return out


# ---------------------------------------------------------------------------------------------- wrk

def wrk(port, script, path, args, duration, connections=None, threads=None, marker=None):
    """Runs wrk; when `marker` is given, ends it (SIGINT) as soon as every thread left its '<marker>.done.<tid>' file."""
    connections = connections or CONNECTIONS
    threads = threads or THREADS
    env = dict(os.environ, BENCH_LIB=LIB, BENCH_WRK_THREADS=str(threads))
    cmd = ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--timeout", "10s",
           "-s", os.path.join(LIB, script), f"http://127.0.0.1:{port}{path}", "--", *args]
    meter = CpuMeter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    stopped_early = False
    deadline = time.time() + duration + 120
    while marker and proc.poll() is None and time.time() < deadline:
        if len(glob.glob(marker + ".done.*")) >= threads:
            proc.send_signal(signal.SIGINT)
            stopped_early = True
            break
        time.sleep(0.1)
    try:
        stdout, stderr = proc.communicate(timeout=max(deadline - time.time(), 10))
    except subprocess.TimeoutExpired:
        proc.kill()
        stdout, stderr = proc.communicate()
    for done in glob.glob(marker + ".done.*") if marker else []:
        os.remove(done)
    line = next((l for l in stdout.splitlines() if l.startswith("WRKJSON ")), None)
    check_server()
    if proc.returncode != 0 or line is None:
        raise BenchError(f"wrk {script} failed (exit {proc.returncode}):\n{stdout[-2000:]}\n{stderr[-2000:]}")
    r = json.loads(line[len("WRKJSON "):])
    seconds = r["duration_us"] / 1e6
    socket_errors = sum(v for k, v in r["errors"].items() if k != "status")
    return {
        "requests": r["requests"],
        "seconds": round(seconds, 2),
        "rps": round(r["requests"] / seconds, 1) if seconds else 0.0,
        "p50_ms": r["p50_us"] / 1000, "p90_ms": r["p90_us"] / 1000, "p99_ms": r["p99_us"] / 1000,
        "max_ms": r["max_us"] / 1000, "mean_ms": round(r["mean_us"] / 1000, 3),
        # wrk counts answers with a status of 400 or more; the routes measured answer 2xx on success.
        "non2xx": r["errors"]["status"],
        "socket_errors": socket_errors,
        "errors_detail": r["errors"],
        "connections": connections, "threads": threads, "stopped_early": stopped_early,
        "cpu": meter.per(r["requests"]),
    }


def seed_ids(port, work, name, token, path, body, seconds, limit_total=None):
    """Creates rows with POST <path> under wrk (32 connections), returns the ids answered 201."""
    body_file = os.path.join(work, f"{name}.body.json")
    with open(body_file, "w") as f:
        json.dump(body, f)
    prefix = os.path.join(work, f"{name}.ids")
    per_thread = math.ceil(limit_total / THREADS) if limit_total else 10**12
    result = wrk(port, "seed_ids.lua", path, [token, path, body_file, prefix, str(per_thread)], seconds,
                 marker=prefix if limit_total else None)
    ids = []
    for part in sorted(glob.glob(prefix + ".*")):
        with open(part) as f:
            ids.extend(l.strip() for l in f if l.strip())
        os.remove(part)
    return ids, result


def make_pairs(port, work, state, seconds, min_pairs=0, target=None, token=None):
    """Pre-creates request/response pairs through the API (POST /request for `seconds`, or until `target` ids, then
    as many POST /response) with `token` (default: the ingest key); writes them to <work>/pairs.txt ('requestId
    responseId'). A request or response belongs to whoever created it: only that token can attach it."""
    key = token or state["write_key"]
    t0 = time.time()
    requests, r1 = seed_ids(port, work, "requests", key, "/request",
                            {"headers": {"accept": "application/json", "user-agent": "bench/1.0"}, "body": {"query": "shoes", "page": 1},
                             "queryParams": {"page": "1"}}, seconds, limit_total=target)
    if len(requests) < max(min_pairs, 1):
        raise BenchError(f"pre-creating requests gave only {len(requests)} ids (POST /request: {r1})")
    responses, r2 = seed_ids(port, work, "responses", key, "/response",
                             {"headers": {"content-type": "application/json"}, "body": {"ok": True, "items": [1, 2, 3]}},
                             max(seconds * 4, 60), limit_total=len(requests))
    n = min(len(requests), len(responses))
    path = os.path.join(work, "pairs.txt")
    with open(path, "w") as f:
        for a, b in zip(requests[:n], responses[:n]):
            f.write(f"{a} {b}\n")
    say(f"pre-created {n} request/response pairs in {time.time() - t0:.0f} s "
        f"(POST /request {r1['rps']:.0f}/s, POST /response {r2['rps']:.0f}/s)")
    return path, n, {"pairs": n, "post_request": brief(r1), "post_response": brief(r2)}


def brief(r):
    return {k: r[k] for k in ("rps", "p50_ms", "p99_ms", "non2xx", "socket_errors", "seconds")}


# ---------------------------------------------------------------------------------------------- record bodies

def record_template_1k():
    """A realistic record of about 1 KiB with '@ID@' where the id goes."""
    rec = {
        "id": "@ID@",
        "domainUrl": "https://api.bench.example",
        "pathnameUrl": "/checkout/orders",
        "method": "POST",
        "status": 201,
        "elapsedTime": 42.7,
        "trafficUserId": "user-4821",
        "requestHeaders": {"accept": "application/json", "content-type": "application/json", "user-agent": "Mozilla/5.0 (X11; Linux x86_64) bench/1.0",
                           "x-request-id": "5f0c2a9e-7d1b-4c3a-9f3e-2b8d6e1a0c47", "authorization": "Bearer secret-token-value"},
        "requestBody": {"customerId": "c-88213", "currency": "EUR", "items": [
            {"sku": f"SKU-{i:05d}", "name": f"Product {i}", "quantity": i % 4 + 1, "price": 19.99 + i} for i in range(2)],
            "shipping": {"street": "221B Baker Street", "city": "London", "postcode": "NW1 6XE", "country": "GB"}},
        "queryParams": {"source": "web", "campaign": "winter-sale"},
        "responseHeaders": {"content-type": "application/json; charset=utf-8", "cache-control": "no-store"},
        "responseBody": {"orderId": "o-5531902", "status": "created", "total": 131.96, "eta": "2026-12-01", "links": {"self": "/checkout/orders/o-5531902"}},
    }
    text = json.dumps(rec, separators=(",", ":"))
    pad = 1024 - (len(text) - len("@ID@") + 36)
    if pad > 0:
        rec["responseBody"]["message"] = "x" * max(pad - len(',"message":""'), 1)
        text = json.dumps(rec, separators=(",", ":"))
    return text


def client_record_template_1k(source):
    """The same record as the Arkyn npm client sends it to POST /ingest-log: the source in the body, lower-case method
    and protocol, headers, query parameters and bodies as JSON text (JSON.stringify)."""
    rec = json.loads(record_template_1k())
    rec["trafficSourceId"] = source
    rec["method"] = rec["method"].lower()
    rec["protocol"] = "https"
    for field in ("requestHeaders", "requestBody", "queryParams", "responseHeaders", "responseBody"):
        rec[field] = json.dumps(rec.get(field), separators=(",", ":"))
    return json.dumps(rec, separators=(",", ":"))


# ---------------------------------------------------------------------------------------------- (c) batches

def measure_batches(port, key, source, seconds, concurrency, size):
    template = record_template_1k()
    run = uuid.uuid4().hex[:8]
    lock = threading.Lock()
    totals = {"batches": 0, "created": 0, "bad": 0, "latencies": [], "first_error": None}
    path = f"/http-traffic-record/{source}/batch"
    deadline = time.perf_counter() + seconds

    def worker(w):
        api = Api(port, key)
        n = 0
        while time.perf_counter() < deadline:
            ids = [f"{run}-{w:04x}-4000-8000-{n + i:012x}" for i in range(size)]
            n += size
            body = ('{"records":[' + ",".join(template.replace("@ID@", i) for i in ids) + "]}").encode()
            t0 = time.perf_counter()
            status, answer = api.call("POST", path, raw=body)
            dt = time.perf_counter() - t0
            with lock:
                totals["batches"] += 1
                totals["latencies"].append(dt)
                if status == 207 and isinstance(answer, dict):
                    created = sum(1 for s in answer.get("successes", []) if s.get("status") == 201)
                    totals["created"] += created
                    totals["bad"] += size - created
                    if answer.get("errors") and totals["first_error"] is None:
                        totals["first_error"] = answer["errors"][0]
                else:
                    totals["bad"] += size
                    if totals["first_error"] is None:
                        totals["first_error"] = f"HTTP {status}: {str(answer)[:300]}"
        api.close()

    meter = CpuMeter()
    t0 = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(w,)) for w in range(concurrency)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    wall = time.perf_counter() - t0
    lat = sorted(totals["latencies"])
    return {
        "records_per_s": round(totals["created"] / wall, 1),
        "records": totals["created"], "batches": totals["batches"], "batch_size": size, "record_bytes": len(template) - 4 + 36,
        "concurrency": concurrency, "seconds": round(wall, 2),
        "batch_p50_ms": round(pct(lat, 50) * 1000, 1) if lat else None,
        "batch_max_ms": round(lat[-1] * 1000, 1) if lat else None,
        "failed_records": totals["bad"], "first_error": totals["first_error"],
        "cpu": meter.per(totals["created"]),
    }


# ---------------------------------------------------------------------------------------------- (g) memory under many large bodies

MEMORY_CLIENTS = env_int("BENCH_MEMORY_CLIENTS", 150)
MEMORY_SECONDS = env_int("BENCH_MEMORY_SECONDS", 10)


def measure_memory(port, key, source, pid, clients, seconds):
    """`clients` concurrent agents post ~1 MB batches (1,000 records of ~1 KiB, new ids each time) as fast as they are
    answered, while one more client calls GET /healthz every 0.1 s; then the server's peak RSS. Answers 503 (the
    bytes-in-flight budget is full) are counted, not errors: the agent would retry after Retry-After."""
    template = record_template_1k()
    run = uuid.uuid4().hex[:8]
    lock = threading.Lock()
    statuses = {}
    path = f"/http-traffic-record/{source}/batch"
    deadline = time.perf_counter() + seconds
    before = memory(pid)

    def agent(w):
        api = Api(port, key, timeout=60)
        n = 0
        while time.perf_counter() < deadline:
            ids = [f"{run}-{w:04x}-4000-8000-{n + i:012x}" for i in range(BATCH_SIZE)]
            n += BATCH_SIZE
            body = ('{"records":[' + ",".join(template.replace("@ID@", i) for i in ids) + "]}").encode()
            try:
                status, _ = api.call("POST", path, raw=body, retry=False)
            except (http.client.HTTPException, OSError) as e:
                status = type(e).__name__
                api.close()
            with lock:
                statuses[str(status)] = statuses.get(str(status), 0) + 1
            if status == 503:
                time.sleep(1)  # the answer's Retry-After
        api.close()

    # The probe runs in a process of its own: among the agents' threads it would wait for Python's lock, not the server.
    probe = subprocess.Popen([sys.executable, os.path.abspath(__file__), "healthz-probe", "--port", str(port), "--seconds", str(seconds)],
                             stdout=subprocess.PIPE, text=True)
    threads = [threading.Thread(target=agent, args=(w,)) for w in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    health = json.loads(probe.communicate()[0])
    lat = sorted(health["latencies"])
    return {"clients": clients, "seconds": seconds, "batch_statuses": statuses,
            "healthz_calls": health["calls"], "healthz_failed": health["failed"],
            "healthz_p99_ms": round(pct(lat, 99) * 1000, 1) if lat else None,
            "healthz_max_ms": round(lat[-1] * 1000, 1) if lat else None,
            "memory_before": before, "memory_after": memory(pid)}


def fmt_memory(g):
    if not g:
        return "n/a"
    stored = g["batch_statuses"].get("207", 0)
    return (f"{g['memory_after'].get('VmHWM', '?')} MiB peak, {g['clients']} clients: {stored} batches 207, "
            f"{g['batch_statuses'].get('503', 0)} 503; /healthz max {g['healthz_max_ms']} ms, failed {g['healthz_failed']}")


# ---------------------------------------------------------------------------------------------- (c-otlp) OTLP exports

def otlp_span_attributes():
    """The 1 KiB record of (b) and (c) as the attributes of an HTTP server span (stable semantic conventions)."""
    rec = json.loads(record_template_1k())
    attrs = [("http.request.method", rec["method"]), ("url.scheme", "https"), ("server.address", "api.bench.example"),
             ("url.path", rec["pathnameUrl"]), ("url.query", urllib.parse.urlencode(rec["queryParams"])),
             ("http.route", rec["pathnameUrl"]), ("http.response.status_code", rec["status"]), ("enduser.id", rec["trafficUserId"])]
    attrs += [(f"http.request.header.{k}", [v]) for k, v in rec["requestHeaders"].items()]
    attrs += [(f"http.response.header.{k}", [v]) for k, v in rec["responseHeaders"].items()]
    attrs += [("http.request.body", json.dumps(rec["requestBody"], separators=(",", ":"))),
              ("http.response.body", json.dumps(rec["responseBody"], separators=(",", ":")))]
    return attrs


def pb_varint(n):
    out = bytearray()
    while True:
        byte = n & 0x7F
        n >>= 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def pb_field(number, payload):
    """A length-delimited field (bytes, string or embedded message)."""
    return pb_varint(number << 3 | 2) + pb_varint(len(payload)) + payload


def pb_any(value):
    if isinstance(value, str):
        return pb_field(1, value.encode())
    if isinstance(value, int):
        return pb_varint(3 << 3) + pb_varint(value)
    return pb_field(5, b"".join(pb_field(1, pb_any(v)) for v in value))


def otlp_json_any(value):
    if isinstance(value, str):
        return {"stringValue": value}
    if isinstance(value, int):
        return {"intValue": value}
    return {"arrayValue": {"values": [otlp_json_any(v) for v in value]}}


# Placeholders of the span templates: each export gets its own trace id, each span its own span id.
TRACE_HEX, SPAN_HEX = "7" * 32, "5" * 16
TRACE_RAW, SPAN_RAW = b"\x77" * 16, b"\x55" * 8


def otlp_templates():
    """(JSON span text, protobuf span bytes) with the placeholder ids; start 12.5 ms before the end."""
    attrs = otlp_span_attributes()
    end = time.time_ns()
    start = end - 12_500_000
    span_json = json.dumps({"traceId": TRACE_HEX, "spanId": SPAN_HEX, "name": "POST /checkout/orders", "kind": 2,
                            "startTimeUnixNano": str(start), "endTimeUnixNano": str(end),
                            "attributes": [{"key": k, "value": otlp_json_any(v)} for k, v in attrs], "status": {"code": 0}},
                           separators=(",", ":"))
    span_pb = (pb_field(1, TRACE_RAW) + pb_field(2, SPAN_RAW) + pb_field(5, b"POST /checkout/orders") + pb_varint(6 << 3) + pb_varint(2)
               + pb_varint(7 << 3 | 1) + start.to_bytes(8, "little") + pb_varint(8 << 3 | 1) + end.to_bytes(8, "little")
               + b"".join(pb_field(9, pb_field(1, k.encode()) + pb_field(2, pb_any(v))) for k, v in attrs))
    return span_json, span_pb


def otlp_export(encoding, templates, trace, first_span, size):
    """An ExportTraceServiceRequest of `size` spans of one trace (bytes)."""
    span_json, span_pb = templates
    if encoding == "json":
        spans = ",".join(span_json.replace(TRACE_HEX, trace.hex()).replace(SPAN_HEX, f"{first_span + i:016x}") for i in range(size))
        return ('{"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"bench"}}]},'
                '"scopeSpans":[{"scope":{"name":"bench"},"spans":[' + spans + ']}]}]}').encode()
    spans = b"".join(pb_field(2, span_pb.replace(TRACE_RAW, trace).replace(SPAN_RAW, (first_span + i).to_bytes(8, "big"))) for i in range(size))
    resource = pb_field(1, pb_field(1, pb_field(1, b"service.name") + pb_field(2, pb_field(1, b"bench"))))
    return pb_field(1, resource + pb_field(2, pb_field(1, pb_field(1, b"bench")) + spans))


def otlp_rejected(encoding, answer):
    """rejected_spans of an ExportTraceServiceResponse (0 without partial_success)."""
    if encoding == "json":
        return int(((answer or {}).get("partialSuccess") or {}).get("rejectedSpans") or 0) if isinstance(answer, dict) else 0
    data = answer if isinstance(answer, (bytes, bytearray)) else b""
    # partial_success (field 1) { rejected_spans (field 1, varint) ... }: enough of protobuf to read that number.
    if len(data) > 3 and data[0] == 0x0A and data[2] == 0x08:
        n, shift, i = 0, 0, 3
        while i < len(data):
            n |= (data[i] & 0x7F) << shift
            shift += 7
            if not data[i] & 0x80:
                break
            i += 1
        return n
    return 0


def measure_otlp(port, key, seconds, concurrency, size, encoding):
    """POST /v1/traces with exports of `size` spans (the SDK's default batch is 512), each span carrying what the 1 KiB
    record carries, from `concurrency` clients: spans stored per second, end to end. The spans of each export end when
    it is made, as an SDK's batch holds spans that just ended: record ids are UUIDv7 of the span's start, and one start
    time for the whole run put every id into one millisecond, so each insert landed at a random place of the id index."""
    templates = otlp_templates()
    content_type = "application/json" if encoding == "json" else "application/x-protobuf"
    lock = threading.Lock()
    totals = {"exports": 0, "stored": 0, "bad": 0, "latencies": [], "first_error": None}
    deadline = time.perf_counter() + seconds

    def worker(w):
        api = Api(port, key)
        n = 0
        while time.perf_counter() < deadline:
            body = otlp_export(encoding, otlp_templates(), os.urandom(16), w << 40 | n, size)
            n += size
            t0 = time.perf_counter()
            status, answer = api.call("POST", "/v1/traces", raw=body, content_type=content_type)
            dt = time.perf_counter() - t0
            with lock:
                totals["exports"] += 1
                totals["latencies"].append(dt)
                if status == 200:
                    rejected = otlp_rejected(encoding, answer)
                    totals["stored"] += size - rejected
                    totals["bad"] += rejected
                    if rejected and totals["first_error"] is None:
                        totals["first_error"] = str(answer)[:300]
                else:
                    totals["bad"] += size
                    if totals["first_error"] is None:
                        totals["first_error"] = f"HTTP {status}: {str(answer)[:300]}"
        api.close()

    t0 = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(w + 1,)) for w in range(concurrency)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    wall = time.perf_counter() - t0
    lat = sorted(totals["latencies"])
    return {
        "spans_per_s": round(totals["stored"] / wall, 1), "spans": totals["stored"], "exports": totals["exports"],
        "export_size": size, "export_bytes": len(otlp_export(encoding, templates, b"\0" * 16, 0, size)), "encoding": encoding,
        "concurrency": concurrency, "seconds": round(wall, 2),
        "export_p50_ms": round(pct(lat, 50) * 1000, 1) if lat else None,
        "failed_spans": totals["bad"], "first_error": totals["first_error"],
    }


# ---------------------------------------------------------------------------------------------- (e) seeding 1M rows

DOMAINS = ["https://api.shop.example", "https://auth.shop.example", "http://localhost:8080"]
PATHS = ["/users/{n}", "/users/{n}/orders/{m}", "/products/{n}", "/search", "/cart", "/health", "/login", "/orders/{n}/items"]
METHODS = [("GET", 60), ("POST", 20), ("PUT", 8), ("DELETE", 5), ("PATCH", 5), ("OPTIONS", 2)]
STATUSES = [(200, 70), (201, 10), (204, 3), (301, 1), (400, 4), (401, 3), (404, 5), (500, 3), (503, 1)]


def weighted(rng, table):
    x = rng.random() * sum(w for _, w in table)
    for value, w in table:
        x -= w
        if x < 0:
            return value
    return table[-1][0]


def uuid7_like(rng):
    """A random UUID with version nibble 7, like the server's ids (the SQL copies get 4 there, so they never collide)."""
    text = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    return text[:14] + "7" + text[15:]


def seed_batch(args):
    """One batch of small records with timestamps spread over the last 23 hours (runs in a worker process)."""
    port, key, source, index, size, now_ms = args
    rng = random.Random(index)
    records = []
    for i in range(size):
        at = now_ms - rng.randint(60_000, 23 * 3600_000)
        # Each batch draws its ids from a few of the 40 values (all 40 over the whole seeding): the route finds or
        # creates every distinct domain/pathname of a batch one by one, so fewer per batch seeds faster.
        path = rng.choice(PATHS).replace("{n}", str((index * 7 + rng.randrange(3)) % 40)).replace("{m}", str(rng.randrange(5)))
        status = weighted(rng, STATUSES)
        records.append({
            "id": uuid7_like(rng),
            "timestamp": datetime.datetime.fromtimestamp(at / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.") + f"{at % 1000:03d}Z",
            "domainUrl": rng.choice(DOMAINS), "pathnameUrl": path,
            "method": weighted(rng, METHODS), "status": status,
            "elapsedTime": round(rng.lognormvariate(3.3, 0.8) + (200 if status >= 500 else 0), 1),
            "trafficUserId": f"user-{rng.randrange(5000)}" if rng.random() < 0.7 else None,
            "requestHeaders": {"accept": "application/json", "user-agent": "agent/1.0"},
            "requestBody": None, "queryParams": {"page": str(rng.randrange(1, 5))} if rng.random() < 0.3 else {},
            "responseHeaders": {"content-type": "application/json"},
            "responseBody": {"ok": status < 400},
        })
    body = json.dumps({"records": records}, separators=(",", ":")).encode()
    api = Api(port, key)
    for attempt in range(3):
        try:
            status, answer = api.call("POST", f"/http-traffic-record/{source}/batch", raw=body, retry=False)
            break
        except OSError as e:
            api.close()
            if attempt == 2:
                return 0, f"batch {index}: {e}"
            time.sleep(1)
    api.close()
    if status != 207:
        return 0, f"batch {index}: HTTP {status}: {str(answer)[:300]}"
    created = sum(1 for s in answer["successes"] if s["status"] in (200, 201))
    error = f"batch {index}: {answer['errors'][0]}" if answer.get("errors") else None
    return created, error


def seed_rows(port, key, source, rows, workers, first_index=0):
    size = 1000
    batches = math.ceil(rows / size)
    now_ms = int(time.time() * 1000)
    jobs = [(port, key, source, first_index + i, min(size, rows - i * size), now_ms) for i in range(batches)]
    t0 = time.time()
    created, errors, last_report = 0, [], 0
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        for n, error in pool.imap_unordered(seed_batch, jobs):
            created += n
            if error:
                errors.append(error)
            if created - last_report >= max(rows // 5, 1):
                last_report = created
                say(f"seeded {created:,} rows ({created / (time.time() - t0):,.0f} rows/s)")
    seconds = time.time() - t0
    if errors:
        say(f"WARNING: {len(errors)} seeding batches reported errors; first: {errors[0]}")
    return {"rows": created, "seconds": round(seconds, 1), "rows_per_s": round(created / seconds, 1),
            "errors": len(errors), "first_error": errors[0] if errors else None}


# The copy of (e): every column is copied as stored by the API, so columns added by later migrations come along;
# only the ids (and the references between the three tables) and the *_at times change.
def copy_id(column, k, engine):
    hexk = f"printf('%04x', {k})" if engine == "sqlite" else f"lpad(to_hex({k}), 4, '0')"
    return f"substr({column}, 1, 14) || '4' || substr({column}, 16, 9) || {hexk} || substr({column}, 29)"


def copy_statements(engine, columns, source, k_expr):
    shift = f"(({k_expr}) * 37831) % 1800000"  # up to 30 min earlier, so the copies spread over the window too

    def select(table, alias):
        out = []
        for c in columns[table]:
            if c in ("id", "request_id", "response_id"):
                out.append(copy_id(f"{alias}.{c}", k_expr, engine))
            elif c.endswith("_at") and c != "last_used_at":
                out.append(f"{alias}.{c} - {shift}")
            else:
                out.append(f"{alias}.{c}")
        return ", ".join(out)

    base = f"t.traffic_source_id = '{source}' AND substr(t.id, 15, 1) <> '4'"
    stmts = []
    for table, join in (("requests", "t.request_id = x.id"), ("responses", "t.response_id = x.id")):
        stmts.append(f"INSERT INTO {table} ({', '.join(columns[table])}) SELECT {select(table, 'x')} "
                     f"FROM bench_k, http_traffic t JOIN {table} x ON {join} WHERE {base}")
    stmts.append(f"INSERT INTO http_traffic ({', '.join(columns['http_traffic'])}) SELECT {select('http_traffic', 't')} "
                 f"FROM bench_k, http_traffic t WHERE {base}")
    return stmts


def sql_copy(db, source, rounds):
    """Multiplies the traffic rows of `source` (with their requests and responses) `rounds` times, in one transaction."""
    tables = ("requests", "responses", "http_traffic")
    if db.startswith("sqlite:"):
        import sqlite3
        con = sqlite3.connect(db[len("sqlite:"):], timeout=120, isolation_level=None)
        columns = {t: [r[1] for r in con.execute(f"PRAGMA table_info({t})")] for t in tables}
        con.execute("BEGIN IMMEDIATE")
        con.execute("CREATE TEMP TABLE bench_k (k INTEGER)")
        con.executemany("INSERT INTO bench_k VALUES (?)", [(k,) for k in range(1, rounds + 1)])
        for stmt in copy_statements("sqlite", columns, source, "bench_k.k"):
            con.execute(stmt)
        con.execute("COMMIT")
        con.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        count = con.execute("SELECT count(*) FROM http_traffic WHERE traffic_source_id = ?", (source,)).fetchone()[0]
        con.close()
        return count
    if db.startswith("postgres:"):
        _, host, port, name, user = db.split(":", 4)
        psql = [os.environ.get("BENCH_PSQL", "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", user, "-d", name]

        def run(sql, single=False):
            done = subprocess.run(psql + (["-1"] if single else []) + ["-At", "-f", "-"], input=sql, capture_output=True, text=True)
            if done.returncode != 0:
                raise BenchError(f"psql failed: {done.stderr[-1500:]}")
            return done.stdout
        columns = {}
        for t in tables:
            out = run(f"SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                      f"AND table_name = '{t}' ORDER BY ordinal_position;")
            columns[t] = out.split()
        script = f"CREATE TEMP TABLE bench_k AS SELECT generate_series(1, {rounds}) AS k;\n"
        script += ";\n".join(copy_statements("postgres", columns, source, "bench_k.k")) + ";\n"
        run(script, single=True)
        # A server that grew to this size would have been vacuumed and analysed by autovacuum by now (inserts alone
        # trigger it since PostgreSQL 13), and checkpointed: without the vacuum, index-only scans still visit the heap
        # for every row; without the checkpoint, the gigabyte the copy and the vacuum dirtied is written out while the
        # read routes are being timed.
        run("VACUUM ANALYZE;")
        run("CHECKPOINT;")
        return int(run(f"SELECT count(*) FROM http_traffic WHERE traffic_source_id = '{source}';").strip())
    raise BenchError(f"unknown --db {db}")


def seed_read_source(port, state, rows, db):
    """(e) seeding: BENCH_SEED=api stores every row through the batch route; the default (api+sql) stores
    BENCH_SEED_API_ROWS through the batch route and multiplies them with INSERT … SELECT in the database."""
    mode = os.environ.get("BENCH_SEED", "api+sql")
    api_rows = rows if mode == "api" or not db else min(env_int("BENCH_SEED_API_ROWS", 20_000), rows)
    source, key = state["read_source"], state["read_key"]
    t0 = time.time()
    out = {"rows_wanted": rows}
    say(f"storing {api_rows:,} rows through POST /http-traffic-record/{{src}}/batch ({SEED_WORKERS} client processes)")
    out["api"] = seed_rows(port, key, source, api_rows, SEED_WORKERS)
    say(f"{out['api']['rows']:,} rows in {out['api']['seconds']} s ({out['api']['rows_per_s']:,.0f} rows/s)")
    rounds = rows // api_rows - 1 if api_rows < rows else 0
    if rounds > 0:
        t1 = time.time()
        say(f"copying them {rounds} times with INSERT ... SELECT ({db.split(':')[0]})")
        count = sql_copy(db, source, rounds)
        out["sql"] = {"rounds": rounds, "seconds": round(time.time() - t1, 1), "rows_after": count}
        say(f"{count:,} rows after the copy, in {out['sql']['seconds']} s")
        rest = rows - count
        if rest > 0:
            out["api_rest"] = seed_rows(port, key, source, rest, SEED_WORKERS, first_index=10**6)
    out["method"] = ("batch route" if rounds <= 0 else
                     f"{api_rows:,} rows through the batch route, then {rounds} copies by INSERT ... SELECT in the database")
    out["seconds"] = round(time.time() - t0, 1)
    out["rows"] = rows if rounds > 0 else out["api"]["rows"]
    out["rows_per_s"] = round(out["rows"] / out["seconds"], 1)
    out["errors"] = out["api"]["errors"]
    out["first_error"] = out["api"]["first_error"]
    return out


# ---------------------------------------------------------------------------------------------- (e) reads

def pct(sorted_values, p):
    """Linear interpolation between closest ranks (like percentile_cont)."""
    if not sorted_values:
        return None
    k = (len(sorted_values) - 1) * p / 100
    lo, hi = math.floor(k), math.ceil(k)
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * (k - lo)


def time_calls(api, path, reps=None, max_seconds=None, check=None):
    reps = reps or READ_REPS
    max_seconds = max_seconds or READ_MAX_SECONDS
    t0 = time.perf_counter()
    status, body = api.call("GET", path)  # the first call tells whether the route exists
    first_ms = round((time.perf_counter() - t0) * 1000, 2)
    if status in (404, 405):
        return {"status": "n/a", "note": f"{status} from GET {path.split('?')[0]} (route not there yet?)"}
    if status != 200:
        return {"status": "n/a", "note": f"HTTP {status}: {str(body)[:200]}"}
    note = check(body) if check else None
    # Warm-up, untimed: the first calls of a route in a process run while .NET compiles its code (thousands of
    # methods, seen with dotnet-counters) and are not what the route costs once a server has served it a while.
    warm_start, warmup_calls = time.perf_counter(), 1
    while warmup_calls < READ_WARMUP_CALLS and time.perf_counter() - warm_start < READ_WARMUP_SECONDS:
        api.call("GET", path)
        warmup_calls += 1
    times = []
    t_start = time.perf_counter()
    for _ in range(reps):
        t0 = time.perf_counter()
        status, _ = api.call("GET", path)
        times.append(time.perf_counter() - t0)
        if status != 200:
            return {"status": "failed", "note": f"HTTP {status} on a repeated call"}
        if time.perf_counter() - t_start > max_seconds and len(times) >= 5:
            break
    times.sort()
    out = {"status": "ok", "calls": len(times), "median_ms": round(pct(times, 50) * 1000, 2), "p95_ms": round(pct(times, 95) * 1000, 2),
           "max_ms": round(times[-1] * 1000, 2), "first_call_ms": first_ms, "warmup_calls": warmup_calls}
    if note:
        out["note"] = note
    return out


def measure_reads(port, token, source):
    api = Api(port, token)
    base = f"/http-traffic-record/{source}"

    def list_check(body):
        data = body.get("data", []) if isinstance(body, dict) else []
        wrong = [d for d in data if d.get("status") != 500]
        total = (body.get("meta") or {}).get("totalItems") if isinstance(body, dict) else None
        return f"{len(data)} rows, totalItems {total}" + (f", {len(wrong)} rows not status 500!" if wrong else "")

    out = {"list": time_calls(api, f"{base}?status=500&pageLimit=20", check=list_check)}

    # Deep cursor page: follow meta.nextCursor page after page (20 rows each), then time the page reached.
    first = f"{base}?pageLimit=20"
    status, body = api.call("GET", first)
    if status != 200:
        out["cursor"] = {"status": "n/a", "note": f"HTTP {status} from GET {base}" + (" (route not there yet?)" if status in (404, 405) else "")}
    else:
        path, pages, t0 = first, 1, time.perf_counter()
        cursor = (body.get("meta") or {}).get("nextCursor") if isinstance(body, dict) else None
        if cursor is None:
            out["cursor"] = {"status": "n/a", "note": "the first page has no meta.nextCursor"}
        else:
            while cursor and pages < CURSOR_PAGES and time.perf_counter() - t0 < CURSOR_MAX_SECONDS:
                path = f"{first}&cursor={urllib.parse.quote(str(cursor), safe='')}"
                status, body = api.call("GET", path)
                if status != 200:
                    break
                pages += 1
                cursor = (body.get("meta") or {}).get("nextCursor")
            walk = time.perf_counter() - t0
            if status != 200:
                out["cursor"] = {"status": "failed", "note": f"HTTP {status} at page {pages + 1}: {str(body)[:200]}"}
            else:
                r = time_calls(api, path)
                r["depth_pages"] = pages
                r["depth_rows"] = (pages - 1) * 20
                r["walk_seconds"] = round(walk, 1)
                r["walk_ms_per_page"] = round(walk * 1000 / max(pages - 1, 1), 2)
                out["cursor"] = r

    out["stats"] = time_calls(api, f"/http-traffic-stats/{source}",
                              check=lambda b: f"{len(b.get('endpoints', []))} endpoints, {sum(e.get('count', 0) for e in b.get('endpoints', []))} rows counted"
                              if isinstance(b, dict) else None)
    api.close()
    return out


# ---------------------------------------------------------------------------------------------- pgbench (PostgreSQL)

PGBENCH_DB = "pgbench"
PGBENCH_SCALE = env_int("BENCH_PGBENCH_SCALE", 1)
# One row into a small table, committed: what a single-record write costs PostgreSQL itself.
PGBENCH_INSERT_SCRIPT = "\\set n random(1, 1000000)\nINSERT INTO bench_insert (v) VALUES (:n);\n"


def pgbench(cmd, what):
    done = subprocess.run(cmd, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"{what} failed (exit {done.returncode}): {(done.stderr or done.stdout)[-1500:]}")
    return done.stdout + done.stderr


def parse_pgbench(text):
    def number(pattern):
        m = re.search(pattern, text)
        return float(m.group(1)) if m else None
    tps = number(r"tps = ([0-9.]+) \(without initial connection time\)") or number(r"tps = ([0-9.]+)")
    if tps is None:
        raise BenchError(f"no tps in pgbench's output:\n{text[-1500:]}")
    return {"tps": round(tps, 1), "transactions": int(number(r"number of transactions actually processed: (\d+)") or 0),
            "failed": int(number(r"number of failed transactions: (\d+)") or 0),
            "latency_avg_ms": number(r"latency average = ([0-9.]+) ms")}


def measure_pgbench(db, work):
    """pgbench on the PostgreSQL the server uses, in a database of its own (the server's tables stay untouched):
    `-S` (select-only on pgbench's tables, set up by `pgbench -i`) and a script inserting one row per transaction,
    both with CONNECTIONS clients, THREADS threads, `-M prepared`, DURATION seconds."""
    _, host, port, _, user = db.split(":", 4)
    pgbench_bin = os.environ.get("BENCH_PGBENCH") or "pgbench"
    conn = ["-h", host, "-p", port, "-U", user]

    def psql(database, sql):
        run_sql(f"postgres:{host}:{port}:{database}:{user}", sql)

    psql("postgres", f"DROP DATABASE IF EXISTS {PGBENCH_DB}")
    psql("postgres", f"CREATE DATABASE {PGBENCH_DB}")
    pgbench([pgbench_bin, "-i", "-q", "-s", str(PGBENCH_SCALE), *conn, PGBENCH_DB], "pgbench -i")
    psql(PGBENCH_DB, "CREATE TABLE bench_insert (id bigserial PRIMARY KEY, v integer NOT NULL)")
    script = os.path.join(work, "pgbench-insert.sql")
    with open(script, "w") as f:
        f.write(PGBENCH_INSERT_SCRIPT)
    run = [pgbench_bin, "-c", str(CONNECTIONS), "-j", str(THREADS), "-M", "prepared", "-T", str(DURATION), *conn]
    meter = CpuMeter()
    select = parse_pgbench(pgbench(run + ["-S", PGBENCH_DB], "pgbench -S"))
    select.update(mode="select-only (-S)", scale=PGBENCH_SCALE, cpu=meter.per(select["transactions"]))
    meter = CpuMeter()
    insert = parse_pgbench(pgbench(run + ["-n", "-f", script, PGBENCH_DB], "pgbench -f insert"))
    insert.update(mode="single-row insert (-f)", script=PGBENCH_INSERT_SCRIPT, cpu=meter.per(insert["transactions"]))
    # The inserts' dirty pages are written now, not while the server's rows are being measured.
    psql(PGBENCH_DB, "CHECKPOINT")
    return select, insert


def fmt_pgbench(r):
    if not r:
        return "n/a (PostgreSQL only)"
    latency = f"{r['latency_avg_ms']:.2f} ms" if r.get("latency_avg_ms") is not None else "?"
    return f"{r['tps']:>8,.0f} tps    latency avg {latency}  failed {r['failed']}"


# ---------------------------------------------------------------------------------------------- RSS

def memory(pid):
    out = {}
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                key, _, value = line.partition(":")
                if key in ("VmHWM", "VmRSS"):
                    out[key] = round(int(value.split()[0]) / 1024, 1)  # MiB
    except OSError as e:
        out["error"] = str(e)
    return out


# ---------------------------------------------------------------------------------------------- keeping data (--keeping)

def run_sql(db, sql):
    """Runs one statement on the bench database (sqlite:PATH or postgres:HOST:PORT:DB:USER); returns the first value, if any."""
    if db.startswith("sqlite:"):
        import sqlite3
        con = sqlite3.connect(db[len("sqlite:"):], timeout=120, isolation_level=None)
        try:
            row = con.execute(sql).fetchone()
            return row[0] if row else None
        finally:
            con.close()
    _, host, port, name, user = db.split(":", 4)
    psql = [os.environ.get("BENCH_PSQL", "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", host, "-p", port, "-U", user, "-d", name, "-At", "-c", sql]
    done = subprocess.run(psql, capture_output=True, text=True)
    if done.returncode != 0:
        raise BenchError(f"psql failed: {done.stderr[-1500:]}")
    out = done.stdout.strip()
    return out.splitlines()[0] if out else None


def cmd_keeping_seed(a):
    global SERVER_PID
    SERVER_PID = a.pid
    os.makedirs(a.work, exist_ok=True)
    state = setup_account(a.port)
    say(f"seeding {ROWS:,} rows into the read source")
    state["seed"] = seed_read_source(a.port, state, ROWS, a.db)
    with open(a.state, "w") as f:
        json.dump(state, f, indent=2)


def stream_export(port, token, path):
    """Reads a whole export, counting lines and bytes, holding one buffer at a time."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    t0 = time.time()
    conn.request("GET", path, headers={"Authorization": "Bearer " + token})
    response = conn.getresponse()
    if response.status != 200:
        raise BenchError(f"GET {path}: HTTP {response.status}: {response.read()[:400]}")
    lines = size = 0
    first_byte = None
    while True:
        chunk = response.read(1 << 16)
        if not chunk:
            break
        if first_byte is None:
            first_byte = time.time() - t0
        size += len(chunk)
        lines += chunk.count(b"\n")
    conn.close()
    seconds = time.time() - t0
    return {"lines": lines, "mib": round(size / 1048576, 1), "seconds": round(seconds, 1),
            "rows_per_s": round(lines / seconds) if seconds else None, "first_byte_s": round(first_byte or 0, 3)}


def cmd_keeping_export(a):
    """On a server started fresh on the seeded database: peak RSS while exporting every row as NDJSON, then as CSV."""
    global SERVER_PID
    SERVER_PID = a.pid
    with open(a.state) as f:
        state = json.load(f)
    result = {"memory_after_start": memory(a.pid)}
    for fmt in ("ndjson", "csv"):
        say(f"export of every row of the read source as {fmt}")
        r = stream_export(a.port, state["token"], f"/http-traffic-record/{state['read_source']}/export?format={fmt}")
        r["memory_after"] = memory(a.pid)
        result[fmt] = r
        say(f"{fmt}: {r['lines']:,} lines, {r['mib']} MiB in {r['seconds']} s; peak RSS so far {r['memory_after'].get('VmHWM')} MiB")
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)


def cmd_keeping_sweep(a):
    """Ingest (b, one 1 KiB record per call) in windows of BENCH_KEEPING_WINDOW seconds: one before, then the read
    source's rows are made expired and the server's sweep (Retention:SweepEvery, set short by bench/run) deletes them
    while the windows go on, until none is left plus one window after."""
    global SERVER_PID
    SERVER_PID = a.pid
    with open(a.state) as f:
        state = json.load(f)
    window = env_int("BENCH_KEEPING_WINDOW", 10)
    limit = env_int("BENCH_KEEPING_MAX_SECONDS", 900)
    src, key, read = state["write_source"], state["write_key"], state["read_source"]
    template = os.path.join(a.work, "record.json")
    with open(template, "w") as f:
        f.write(record_template_1k())
    count_sql = f"SELECT count(*) FROM http_traffic WHERE traffic_source_id = '{read}'"

    def ingest_window():
        r = wrk(a.port, "record.lua", f"/http-traffic-record/{src}", [key, f"/http-traffic-record/{src}", template, uuid.uuid4().hex[:8]], window)
        r["remaining"] = int(run_sql(a.db, count_sql))
        r["at_s"] = round(time.time() - t0, 1)
        say(f"{fmt_wrk(r)}; {r['remaining']:,} expired rows left")
        return r

    t0 = time.time()
    result = {"window_s": window, "before": ingest_window()}
    rows = result["before"]["remaining"]
    api = Api(a.port, state["token"])
    expect(api.call("PUT", f"/traffic-source/{read}", {"retentionDays": 1}), 200, what="PUT retentionDays")
    api.close()
    say(f"making the {rows:,} rows of the read source 3 days older (retentionDays 1)")
    older = f"UPDATE http_traffic SET created_at = created_at - 259200000 WHERE traffic_source_id = '{read}'"
    if a.db.startswith("sqlite:"):
        # In slices: one UPDATE of every row would hold SQLite's write lock longer than the server waits for it.
        import sqlite3
        con = sqlite3.connect(a.db[len("sqlite:"):], timeout=120, isolation_level=None)
        young = int(time.time() * 1000) - 2 * 86_400_000
        while con.execute(older + f" AND id IN (SELECT id FROM http_traffic WHERE traffic_source_id = '{read}' AND created_at > {young} LIMIT 20000)").rowcount:
            pass
        con.close()
    else:
        run_sql(a.db, older)
    expired_at = time.time()
    during = []
    while time.time() - expired_at < limit:
        r = ingest_window()
        during.append(r)
        if r["remaining"] == 0:
            break
    result["during"] = during
    result["sweep_done_within_s"] = round(time.time() - expired_at, 1) if during and during[-1]["remaining"] == 0 else None
    result["after"] = ingest_window()
    sweeping = [r for r in during if r["remaining"] < rows] or during
    if sweeping:
        result["summary"] = {
            "rows_swept": rows - during[-1]["remaining"],
            "rps_before": result["before"]["rps"], "p99_before_ms": result["before"]["p99_ms"],
            "rps_during_median": statistics.median(r["rps"] for r in sweeping),
            "p99_during_median_ms": statistics.median(r["p99_ms"] for r in sweeping),
            "p99_during_max_ms": max(r["p99_ms"] for r in sweeping),
            "rps_after": result["after"]["rps"], "p99_after_ms": result["after"]["p99_ms"],
        }
        say("sweep during ingest: " + json.dumps(result["summary"]))
    result["memory"] = memory(a.pid)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)


# ---------------------------------------------------------------------------------------------- commands

def measure_attach(a, state, result, name, token, who):
    """(a) and (a-user): POST /http-traffic/{src} with `token`, each call attaching a fresh pre-created pair. When the
    route outruns the pairs, creates enough for its measured rate and measures again (the first attempt stays in
    result[name + "_first_attempt"])."""
    src = state["write_source"]
    label = name.replace("_", "-")

    def attach(pairs_file, seconds):
        return wrk(a.port, "http_traffic.lua", f"/http-traffic/{src}",
                   [token, f"/http-traffic/{src}", pairs_file, state["domain"], state["pathname"], pairs_file], seconds, marker=pairs_file)

    if WARMUP_SECONDS > 0:
        # Pairs of its own: a pair attaches once.
        say(f"({label}) warm-up: {WARMUP_SECONDS} s untimed, on pairs created for it")
        warmup_pairs, _, _ = make_pairs(a.port, a.work, state, max(int(WARMUP_SECONDS * PAIRS_FACTOR), 2), token=token)
        result[name + "_warmup"] = brief(attach(warmup_pairs, WARMUP_SECONDS))
    say(f"({label}) pre-creating request/response pairs (POST /request, POST /response under wrk for ~{DURATION * PAIRS_FACTOR:.0f} s)")
    pairs_file, npairs, result[name + "_seeding"] = make_pairs(a.port, a.work, state, max(int(DURATION * PAIRS_FACTOR), 2), token=token)
    for attempt in (1, 2):
        say(f"({label}) POST /http-traffic/{{src}} with {who}, {CONNECTIONS} connections, {DURATION} s")
        r = attach(pairs_file, DURATION)
        if not r["stopped_early"]:
            break
        r["warning"] = f"ran out of the {npairs} pre-created pairs after {r['seconds']} s"
        if attempt == 1:
            # The route is faster than POST /request: create enough pairs for its measured rate, and measure again.
            result[name + "_first_attempt"] = r
            target = math.ceil(r["rps"] * DURATION * 1.3)
            rate = max(result[name + "_seeding"]["post_request"]["rps"], 1)
            say(f"{fmt_wrk(r)}; ran out of pairs after {r['seconds']} s: creating {target} more pairs and measuring again")
            pairs_file, npairs, result[name + "_seeding_again"] = make_pairs(
                a.port, a.work, state, min(math.ceil(target / rate * 1.5) + 5, 300), target=target, token=token)
        else:
            r["warning"] += " (raise BENCH_PAIRS_FACTOR)"
            say("WARNING:", r["warning"])
    say(fmt_wrk(r))
    return r


WARMUP_SECONDS = env_int("BENCH_WARMUP", 3)


def warmed_up(run):
    """`run(seconds)` untimed for WARMUP_SECONDS, then measured for DURATION: a route's first seconds in a process run
    while .NET compiles its code (first unoptimised, then again optimised), and measure the JIT, not the route."""
    if WARMUP_SECONDS > 0:
        run(WARMUP_SECONDS)
    return run(DURATION)


def cmd_engine(a):
    global SERVER_PID
    SERVER_PID = a.pid
    os.makedirs(a.work, exist_ok=True)
    result = {"engine": a.engine, "started": now_iso()}
    say("setting up an account, two traffic sources, ingest keys, a domain and a pathname")
    state = setup_account(a.port)
    src, key = state["write_source"], state["write_key"]
    result["memory_after_start"] = memory(a.pid)
    result["webhooks"] = state.get("webhooks", 0)

    say(f"(d) GET /healthz, {CONNECTIONS} connections, {DURATION} s")
    result["d_healthz"] = warmed_up(lambda d: wrk(a.port, "healthz.lua", "/healthz", [], d))
    say(fmt_wrk(result["d_healthz"]))

    if a.db.startswith("postgres:"):
        say(f"(pgbench) on the server's PostgreSQL, database {PGBENCH_DB}: select-only and a single-row insert, "
            f"{CONNECTIONS} clients, prepared, {DURATION} s each")
        result["pgbench_select"], result["pgbench_insert"] = measure_pgbench(a.db, a.work)
        for r in (result["pgbench_select"], result["pgbench_insert"]):
            say(fmt_pgbench(r))

    say(f"(me) GET /user/me with the user's token, {CONNECTIONS} connections, {DURATION} s")
    me = Api(a.port, state["token"])
    expect(me.call("GET", "/user/me"), 200, what="GET /user/me")
    me.close()
    result["me_user_me"] = warmed_up(lambda d: wrk(a.port, "user_me.lua", "/user/me", [state["token"]], d))
    say(fmt_wrk(result["me_user_me"]))

    result["a_http_traffic"] = measure_attach(a, state, result, "a", key, "the ingest key")
    result["a_user_http_traffic"] = measure_attach(a, state, result, "a_user", state["token"], "the user's token")

    say(f"(b) POST /http-traffic-record/{{src}} with ~1 KiB records, {CONNECTIONS} connections, {DURATION} s")
    template = os.path.join(a.work, "record.json")
    with open(template, "w") as f:
        f.write(record_template_1k())
    r = warmed_up(lambda d: wrk(a.port, "record.lua", f"/http-traffic-record/{src}", [key, f"/http-traffic-record/{src}", template, uuid.uuid4().hex[:8]], d))
    r["record_bytes"] = os.path.getsize(template) - 4 + 36
    result["b_record"] = r
    say(fmt_wrk(r))

    say(f"(b2) POST /ingest-log with the same records string-encoded (as @arkyn/server sends them), {CONNECTIONS} connections, {DURATION} s")
    client_template = os.path.join(a.work, "client-record.json")
    with open(client_template, "w") as f:
        f.write(client_record_template_1k(src))
    r = warmed_up(lambda d: wrk(a.port, "record.lua", "/ingest-log", [key, "/ingest-log", client_template, uuid.uuid4().hex[:8]], d))
    r["record_bytes"] = os.path.getsize(client_template) - 4 + 36
    result["b2_ingest_log"] = r
    say(fmt_wrk(r))

    check_server()
    say(f"(c) batches of {BATCH_SIZE} records (~1 KiB each), {BATCH_CONCURRENCY} concurrent clients, {DURATION} s")
    r = measure_batches(a.port, key, src, DURATION, BATCH_CONCURRENCY, BATCH_SIZE)
    result["c_batch"] = r
    say(f"{r['records_per_s']:,.0f} records/s ({r['batches']} batches, p50 {r['batch_p50_ms']} ms per batch, {r['failed_records']} failed)"
        + (f" first error: {r['first_error']}" if r["first_error"] else ""))

    for encoding, key_name in (("json", "c_otlp_json"), ("protobuf", "c_otlp_protobuf")):
        check_server()
        say(f"(c-otlp) POST /v1/traces, exports of {OTLP_SIZE} spans (~1 KiB each) as {encoding}, {BATCH_CONCURRENCY} concurrent clients, {DURATION} s")
        r = measure_otlp(a.port, key, DURATION, BATCH_CONCURRENCY, OTLP_SIZE, encoding)
        result[key_name] = r
        say(f"{r['spans_per_s']:,.0f} spans/s ({r['exports']} exports, p50 {r['export_p50_ms']} ms per export, {r['failed_spans']} failed)"
            + (f" first error: {r['first_error']}" if r["first_error"] else ""))

    say(f"(e) seeding {ROWS:,} rows into the read source")
    result["e_seed"] = seed_read_source(a.port, state, ROWS, a.db)
    say(f"seeded {result['e_seed']['rows']:,} rows in {result['e_seed']['seconds']} s ({result['e_seed']['method']})")
    check_server()
    say(f"(e) read routes, {READ_REPS} calls each")
    reads = measure_reads(a.port, state["token"], state["read_source"])
    result["e_list"], result["e_cursor"], result["e_stats"] = reads["list"], reads["cursor"], reads["stats"]
    for name in ("list", "cursor", "stats"):
        say(f"e-{name}: {fmt_read(reads[name])}" + (f" ({reads[name]['note']})" if reads[name].get("note") else ""))

    check_server()
    result["f_memory"] = memory(a.pid)
    say(f"(f) peak RSS (VmHWM) {result['f_memory'].get('VmHWM')} MiB")
    # Last, so that the peak RSS above stays the one of the other phases.
    say(f"(g) memory: {MEMORY_CLIENTS} clients posting ~1 MB batches for {MEMORY_SECONDS} s, GET /healthz throughout")
    result["g_memory"] = measure_memory(a.port, key, src, a.pid, MEMORY_CLIENTS, MEMORY_SECONDS)
    say(f"(g) {fmt_memory(result['g_memory'])}")
    result["finished"] = now_iso()
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)


def cmd_healthz_probe(a):
    """GET /healthz every 0.1 s for the given seconds; prints the calls, failures and latencies as JSON."""
    health = {"calls": 0, "failed": 0, "latencies": []}
    api = Api(a.port, timeout=10)
    deadline = time.perf_counter() + a.seconds
    while time.perf_counter() < deadline:
        t0 = time.perf_counter()
        try:
            status, _ = api.call("GET", "/healthz", retry=False)
        except (http.client.HTTPException, OSError):
            status = None
            api.close()
        health["calls"] += 1
        health["latencies"].append(time.perf_counter() - t0)
        if status != 200:
            health["failed"] += 1
        time.sleep(0.1)
    api.close()
    print(json.dumps(health))


def cmd_memory(a):
    state = setup_account(a.port)
    print(json.dumps(measure_memory(a.port, state["write_key"], state["write_source"], a.pid, a.clients, a.seconds), indent=2))


def cmd_crash_setup(a):
    os.makedirs(a.work, exist_ok=True)
    state = setup_account(a.port)
    say(f"pre-creating request/response pairs for {a.seconds} s")
    state["pairs_file"], state["pairs"], _ = make_pairs(a.port, a.work, state, a.seconds)
    with open(a.state, "w") as f:
        json.dump(state, f)


def cmd_crash_load(a):
    """Posts /http-traffic from many threads; SIGKILLs the server after a.after seconds; records every 201."""
    with open(a.state) as f:
        state = json.load(f)
    with open(state["pairs_file"]) as f:
        pairs = [l.split() for l in f if l.strip()]
    src = state["write_source"]
    acked, lock = [], threading.Lock()
    stats = {"sent": 0, "failed": 0, "other": {}}
    killed = threading.Event()
    n = a.connections

    def worker(w):
        api = Api(a.port, state["write_key"], timeout=30)
        for i in range(w, len(pairs), n):
            req, resp = pairs[i]
            body = {"status": 200, "method": "GET", "elapsedTime": 12.5, "trafficUserId": None,
                    "domainId": state["domain"], "pathnameId": state["pathname"], "requestId": req, "responseId": resp}
            try:
                status, answer = api.call("POST", f"/http-traffic/{src}", body, retry=False)
            except (OSError, http.client.HTTPException):
                with lock:
                    stats["failed"] += 1
                if killed.is_set():
                    return
                api.close()
                continue
            with lock:
                stats["sent"] += 1
                if status == 201:
                    acked.append(answer["id"])
                else:
                    stats["other"][status] = stats["other"].get(status, 0) + 1
            if killed.is_set() and status != 201:
                return

    threads = [threading.Thread(target=worker, args=(w,), daemon=True) for w in range(n)]
    for t in threads:
        t.start()
    time.sleep(a.after)
    with lock:
        before = len(acked)
    os.kill(a.pid, signal.SIGKILL)
    killed.set()
    say(f"SIGKILL sent to the server (pid {a.pid}) after {a.after} s, with {before} ids answered 201 so far and {n} clients posting")
    for t in threads:
        t.join(timeout=60)
    if before == 0:
        raise BenchError("no POST /http-traffic was answered 201 before the kill")
    if len(acked) >= len(pairs):
        raise BenchError("the load ran out of pairs before the kill; the kill did not happen under load")
    with open(a.out, "w") as f:
        json.dump({"acked": acked, "failed_calls": stats["failed"], "other_statuses": stats["other"]}, f)
    say(f"{len(acked)} ids answered 201 in all, {stats['failed']} calls cut off by the kill"
        + (f", other answers: {stats['other']}" if stats["other"] else ""))


def cmd_crash_check(a):
    with open(a.state) as f:
        state = json.load(f)
    with open(a.acked) as f:
        acked = json.load(f)
    api = Api(a.port, state["token"])
    stored, page = set(), 1
    while True:
        body = expect(api.call("GET", f"/http-traffic/{state['write_source']}?pageLimit=100&page={page}"), 200, what="GET /http-traffic")
        stored.update(d["id"] for d in body["data"])
        if len(body["data"]) < 100:
            break
        page += 1
    lost = [i for i in acked["acked"] if i not in stored]
    result = {"engine": a.engine, "acknowledged": len(acked["acked"]), "stored": len(stored), "lost": len(lost),
              "lost_sample": lost[:10], "cut_off_calls": acked["failed_calls"], "ok": not lost}
    with open(a.out, "w") as f:
        json.dump(result, f)
    verdict = "PASS" if not lost else "FAIL"
    say(f"{verdict}: {len(acked['acked'])} ids answered 201 before the kill, {len(stored)} traffic rows stored after the restart, {len(lost)} lost")
    if lost:
        say("lost ids (first 10):", ", ".join(lost[:10]))
        sys.exit(1)


# ---------------------------------------------------------------------------------------------- report

def now_iso():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def fmt_wrk(r):
    return (f"{r['rps']:,.0f} req/s, p50 {r['p50_ms']:.2f} ms, p99 {r['p99_ms']:.2f} ms, "
            f"non-2xx {r['non2xx']}" + (f", socket errors {r['socket_errors']}" if r["socket_errors"] else ""))


def fmt_read(r):
    if not r or r.get("status") != "ok":
        return "n/a" if not r or r.get("status") == "n/a" else "FAILED"
    return f"{r['median_ms']:.1f} / {r['p95_ms']:.1f} ms"


def machine_info():
    info = {"nproc": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()}
    try:
        with open("/proc/meminfo") as f:
            mem_kb = int(next(l for l in f if l.startswith("MemTotal")).split()[1])
        info["memory_gib"] = round(mem_kb / 1024 / 1024, 1)
    except (OSError, StopIteration):
        pass
    try:
        with open("/proc/cpuinfo") as f:
            info["cpu_model"] = next((l.split(":", 1)[1].strip() for l in f if l.startswith("model name")), None)
    except OSError:
        pass
    info["loadavg_at_end"] = os.getloadavg()
    for name, cmd in (("dotnet", ["dotnet", "--version"]), ("wrk", ["wrk", "-v"])):
        try:
            out = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
            info[name] = (out.stdout or out.stderr).strip().splitlines()[0]
        except (OSError, IndexError, subprocess.SubprocessError):
            pass
    return info


def median_of_runs(runs):
    """One result per engine from several runs of it: the median of every figure in the table; errors and failed
    records are summed over the runs, so a single error in any run shows. Each run stays whole under "runs"."""
    if len(runs) == 1:
        return runs[0]
    merged = json.loads(json.dumps(runs[0]))

    def med(path, total=False):
        values = []
        for r in runs:
            v = r
            for key in path:
                v = v.get(key) if isinstance(v, dict) else None
            if isinstance(v, (int, float)):
                values.append(v)
        target = merged
        for key in path[:-1]:
            target = target.setdefault(key, {})
        if values:
            target[path[-1]] = sum(values) if total else statistics.median(values)

    for key in WRK_ROWS.values():
        if not all(key in r for r in runs):
            continue
        for field in ("rps", "p50_ms", "p99_ms"):
            med((key, field))
        for field in CPU_FIELDS:
            med((key, "cpu", field))
        for field in ("non2xx", "socket_errors"):
            med((key, field), total=True)
    for key in ("pgbench_select", "pgbench_insert"):
        if all(key in r for r in runs):
            for field in ("tps", "latency_avg_ms"):
                med((key, field))
            for field in CPU_FIELDS:
                med((key, "cpu", field))
            med((key, "failed"), total=True)
    for field in ("records_per_s", "batch_p50_ms"):
        med(("c_batch", field))
    for field in CPU_FIELDS:
        med(("c_batch", "cpu", field))
    med(("c_batch", "failed_records"), total=True)
    for key in ("c_otlp_json", "c_otlp_protobuf"):
        for field in ("spans_per_s", "export_p50_ms"):
            med((key, field))
        med((key, "failed_spans"), total=True)
    for key in ("e_list", "e_cursor", "e_stats"):
        if all(r.get(key, {}).get("status") == "ok" for r in runs):
            for field in ("median_ms", "p95_ms"):
                med((key, field))
        else:
            merged[key] = next(r[key] for r in runs if r.get(key, {}).get("status") != "ok")
    med(("f_memory", "VmHWM"))
    med(("g_memory", "memory_after", "VmHWM"))
    merged["runs"] = runs
    merged["run_count"] = len(runs)
    return merged


# The table's single-request rows (wrk) and pgbench rows: row name -> key in an engine's result.
CPU_FIELDS = ("machine_busy_pct", "server_us", "postgres_us", "client_us", "other_us")
# The rows whose CPU per request (per record for c) the report shows, in this order.
CPU_ROWS = [("d", "d_healthz"), ("pgbench-select", "pgbench_select"), ("pgbench-insert", "pgbench_insert"), ("me", "me_user_me"),
            ("a", "a_http_traffic"), ("a-user", "a_user_http_traffic"), ("b", "b_record"), ("b2", "b2_ingest_log"), ("c", "c_batch")]
WRK_ROWS = {"a": "a_http_traffic", "a-user": "a_user_http_traffic", "b": "b_record", "b2": "b2_ingest_log",
            "d": "d_healthz", "me": "me_user_me"}
PGBENCH_ROWS = {"pgbench-select": "pgbench_select", "pgbench-insert": "pgbench_insert"}
BASELINES = {"d": ("d_healthz", "rps"), "pgbench-select": ("pgbench_select", "tps"), "pgbench-insert": ("pgbench_insert", "tps")}
# Issue 16's table: per engine, (row, route, baseline row, target ratio); the batch row's target in records/s.
TARGETS = {
    "sqlite": [("me", "GET /user/me (user token)", "d", 0.5), ("a-user", "POST /http-traffic (user token)", "d", 0.3),
               ("a", "POST /http-traffic (ingest key)", "d", 0.35), ("b", "POST /http-traffic-record 1 KiB", "d", 0.25)],
    "postgres": [("me", "GET /user/me (user token)", "pgbench-select", 0.3), ("a-user", "POST /http-traffic (user token)", "pgbench-insert", 0.5),
                 ("a", "POST /http-traffic (ingest key)", "pgbench-insert", 0.6), ("b", "POST /http-traffic-record 1 KiB", "pgbench-insert", 0.4)],
}
BATCH_TARGETS = {"sqlite": 30_000, "postgres": 20_000}
P99_TARGET_MS = 20
# The ratios printed under the table, in this order: (row, baseline row); in the JSON as "<row>_over_<baseline>".
RATIOS = [("a", "d"), ("a-user", "d"), ("me", "d"), ("b", "d"), ("b2", "b"),
          ("me", "pgbench-select"), ("a-user", "pgbench-insert"), ("a", "pgbench-insert"), ("b", "pgbench-insert")]


def row_rate(r, row):
    """Requests (or transactions) per second of a row in an engine's result, None when not measured."""
    key, field = BASELINES.get(row) or (WRK_ROWS[row], "rps")
    value = (r.get(key) or {}).get(field)
    return value if isinstance(value, (int, float)) else None


def ratio(r, row, baseline):
    top, bottom = row_rate(r, row), row_rate(r, baseline)
    return round(top / bottom, 3) if top is not None and bottom else None


def ratio_key(row, baseline):
    return f"{row}_over_{baseline}".replace("-", "_")


def ratios_of(r):
    """The RATIOS this engine's result has (the pgbench ones on PostgreSQL only)."""
    out = {}
    for row, baseline in RATIOS:
        value = ratio(r, row, baseline)
        if value is not None:
            out[ratio_key(row, baseline)] = value
    return out


def targets_of(engine, r):
    """Issue 16's targets for one engine with what this run measured: a ratio and p99 per route, records/s for batches."""
    out = []
    for row, route, baseline, target in TARGETS.get(engine, []):
        w = r.get(WRK_ROWS[row]) or {}
        value = ratio(r, row, baseline)
        p99 = w.get("p99_ms")
        out.append({"row": row, "route": route, "rps": row_rate(r, row), "versus": baseline, "baseline": row_rate(r, baseline),
                    "ratio": value, "target": target, "met": value >= target if value is not None else None,
                    "p99_ms": p99, "p99_target_ms": P99_TARGET_MS, "p99_met": p99 <= P99_TARGET_MS if p99 is not None else None,
                    "errors": w.get("non2xx", 0) + w.get("socket_errors", 0)})
    if engine in BATCH_TARGETS:
        value = (r.get("c_batch") or {}).get("records_per_s")
        out.append({"row": "c", "route": f"batches of {BATCH_SIZE} × 1 KiB", "records_per_s": value, "target": BATCH_TARGETS[engine],
                    "met": value >= BATCH_TARGETS[engine] if value is not None else None})
    return out


def fmt_target(t):
    def verdict(met):
        return "n/a " if met is None else "ok  " if met else "MISS"
    if t["row"] == "c":
        value = f"{t['records_per_s']:,.0f} records/s" if t["records_per_s"] is not None else "not measured"
        return f"{t['row']:<7}{t['route']:<34}{value:<29}target ≥ {t['target']:,}  {verdict(t['met'])}"
    value = f"{t['ratio']:.2f}×" if t["ratio"] is not None else "n/a"
    p99 = f"p99 {t['p99_ms']:6.2f} ms" if t["p99_ms"] is not None else "p99 n/a"
    return (f"{t['row']:<7}{t['route']:<34}{t['row'] + '/' + t['versus']:<22}{value:>7}  target ≥ {t['target']:.2f}×  "
            f"{verdict(t['met'])}  {p99}  {verdict(t['p99_met'])}" + (f"  ({t['errors']} errors: not a valid figure)" if t.get("errors") else ""))


def cmd_report(a):
    by_engine = {}
    for path in a.files:
        with open(path) as f:
            r = json.load(f)
        by_engine.setdefault(r["engine"], []).append(r)
    engines = {name: median_of_runs(runs) for name, runs in by_engine.items()}
    run_count = max(len(runs) for runs in by_engine.values())
    names = [n for n in ("sqlite", "postgres") if n in engines] + [n for n in engines if n not in ("sqlite", "postgres")]
    titles = {"sqlite": "SQLite", "postgres": "PostgreSQL"}

    def cell(row, r):
        if row in WRK_ROWS:
            w = r.get(WRK_ROWS[row])
            if w is None:
                return "not measured"
            errs = w["non2xx"] + w["socket_errors"]
            return f"{w['rps']:>8,.0f} req/s  p50 {w['p50_ms']:5.2f}  p99 {w['p99_ms']:6.2f} ms  err {errs}"
        if row in PGBENCH_ROWS:
            return fmt_pgbench(r.get(PGBENCH_ROWS[row]))
        if row == "c":
            c = r["c_batch"]
            return f"{c['records_per_s']:>8,.0f} records/s  (batch p50 {c['batch_p50_ms']:.0f} ms, failed {c['failed_records']})"
        if row.startswith("c-otlp"):
            c = r.get("c_otlp_json" if row == "c-otlp-json" else "c_otlp_protobuf")
            if not c:
                return "n/a"
            return f"{c['spans_per_s']:>8,.0f} spans/s    (export p50 {c['export_p50_ms']:.0f} ms, failed {c['failed_spans']})"
        if row.startswith("e-"):
            e = r["e_" + row[2:]]
            text = fmt_read(e)
            if e.get("status") == "ok" and row == "e-cursor":
                text += f"  ({e['depth_rows']:,} rows deep)"
            if e.get("status") == "ok":
                text = "median/p95 " + text
            return text
        if row == "memory":
            return fmt_memory(r.get("g_memory"))
        if row == "RSS":
            return f"{r['f_memory'].get('VmHWM', '?')} MiB peak (VmHWM)"
        return ""

    rows = [("a", "POST /http-traffic (ingest key)"), ("a-user", "POST /http-traffic (user token)"), ("b", "POST /http-traffic-record 1KiB"),
            ("b2", "POST /ingest-log 1KiB as text"), ("c", f"batch of {BATCH_SIZE}"),
            ("c-otlp-json", f"OTLP export of {OTLP_SIZE}, JSON"), ("c-otlp-proto", f"OTLP export of {OTLP_SIZE}, protobuf"),
            ("d", "GET /healthz (baseline)"), ("me", "GET /user/me (user token)"),
            ("pgbench-select", "pgbench select-only, prepared"), ("pgbench-insert", "pgbench single-row insert, prepared"), ("e-list", "list ?status=500 20 rows"), ("e-cursor", "deep cursor page"),
            ("e-stats", "24 h stats"), ("RSS", "server peak RSS"), ("memory", "peak RSS, many 1 MB batches")]
    table = {row: {n: cell(row, engines[n]) for n in names} for row, _ in rows}
    label_w = max(len(f"{r} {l}") for r, l in rows)
    col_w = {n: max(len(titles.get(n, n)), *(len(table[r][n]) for r, _ in rows)) for n in names}
    lines = ["  ".join([" " * label_w] + [titles.get(n, n).ljust(col_w[n]) for n in names])]
    for row, label in rows:
        lines.append("  ".join([f"{row} {label}".ljust(label_w)] + [table[row][n].ljust(col_w[n]) for n in names]))
    ratios = {n: ratios_of(engines[n]) for n in names}
    targets = {n: targets_of(n, engines[n]) for n in names}
    lines.append("")
    if run_count > 1:
        lines.append(f"Medians of {run_count} runs (errors and failed records: the sum over the runs; ratios: of the medians).")
    for n in names:
        lines.append(f"{titles.get(n, n)}: " + "   ".join(f"{row}/{baseline} = {ratios[n][ratio_key(row, baseline)]:.1%}"
                                                         for row, baseline in RATIOS if ratio_key(row, baseline) in ratios[n]))
    lines.append("")
    lines.append(f"Targets of issue 16 (p99 of every single-request row ≤ {P99_TARGET_MS} ms):")
    for n in names:
        for i, t in enumerate(targets[n]):
            lines.append(f"{(titles.get(n, n) if i == 0 else ''):<11} {fmt_target(t)}")
    lines.append("")
    lines.append("CPU per request (per record for c), in µs of CPU time, and how busy the machine was (of "
                 f"{100 * (os.cpu_count() or 1)}%): the server, PostgreSQL, the load generator (wrk, pgbench, the batch client), the rest:")
    for n in names:
        first = True
        for row, key in CPU_ROWS:
            cpu = (engines[n].get(key) or {}).get("cpu")
            if not cpu:
                continue
            total = sum(cpu.get(f, 0) for f in ("server_us", "postgres_us", "client_us", "other_us"))
            lines.append(f"{(titles.get(n, n) if first else ''):<11} {row:<15} busy {cpu['machine_busy_pct']:4.0f}%  server {cpu['server_us']:6.1f}"
                         f"  postgres {cpu['postgres_us']:6.1f}  client {cpu['client_us']:6.1f}  other {cpu['other_us']:5.1f}  all {total:6.1f}")
            first = False
    for n in names:
        for key in ("a_http_traffic", "a_user_http_traffic", "b_record", "b2_ingest_log"):
            if engines[n].get(key, {}).get("warning"):
                lines.append(f"WARNING {titles.get(n, n)} {key}: {engines[n][key]['warning']}")
        for key in ("e_list", "e_cursor", "e_stats"):
            if engines[n][key].get("status") != "ok":
                lines.append(f"note {titles.get(n, n)} {key}: {engines[n][key].get('note')}")
    text = "\n".join(lines)
    print(text)

    stamp = datetime.datetime.now(datetime.timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    doc = {
        "date": now_iso(),
        "machine": machine_info(),
        "config": {"duration_s": DURATION, "connections": CONNECTIONS, "wrk_threads": THREADS, "rows": ROWS, "batch_size": BATCH_SIZE, "otlp_size": OTLP_SIZE,
                   "batch_concurrency": BATCH_CONCURRENCY, "seed_workers": SEED_WORKERS, "read_reps": READ_REPS, "cursor_pages": CURSOR_PAGES,
                   "postgres_options": os.environ.get("BENCH_PG_SETTINGS", ""), "postgres_version": os.environ.get("BENCH_PG_VERSION", ""), "commit": os.environ.get("BENCH_COMMIT", ""),
                   "run_seconds": env_int("BENCH_ELAPSED", 0) or None, "runs": run_count},
        "table": {row: table[row] for row, _ in rows},
        "table_text": text,
        "ratios": ratios,
        "targets": targets,
        "engines": engines,
    }
    if a.load_start:
        doc["machine"]["loadavg_at_start"] = [float(x) for x in a.load_start.split()]
    os.makedirs(a.results, exist_ok=True)
    for name in (f"run-{stamp}.json", "latest.json"):
        with open(os.path.join(a.results, name), "w") as f:
            json.dump(doc, f, indent=2)
    print(f"\nwritten: {os.path.join(a.results, f'run-{stamp}.json')} and latest.json")


# ---------------------------------------------------------------------------------------------- webhooks (--webhooks)

WEBHOOK_ROUNDS = env_int("BENCH_WEBHOOK_ROUNDS", 6)
WEBHOOK_WINDOW = env_int("BENCH_WEBHOOK_WINDOW", 15)


def cmd_webhooks(a):
    """(b) on one server, its 3 webhooks enabled and disabled in turn: the cost of evaluating them, paired."""
    os.makedirs(a.work, exist_ok=True)
    state = setup_account(a.port)
    api = Api(a.port, token=state["token"])
    src, key = state["write_source"], state["write_key"]
    create_webhooks(api, src, 3)
    ids = [w["id"] for w in expect(api.call("GET", f"/webhooks/{src}?pageLimit=100"), 200, what="GET /webhooks/{id}")["data"]]
    template = os.path.join(a.work, "record.json")
    with open(template, "w") as f:
        f.write(record_template_1k())

    def enable(on):
        for webhook in ids:
            expect(api.call("PUT", f"/webhooks/{webhook}", {"enabled": on}), 200, what="PUT /webhooks/{id}")

    def run():
        return wrk(a.port, "record.lua", f"/http-traffic-record/{src}", [key, f"/http-traffic-record/{src}", template, uuid.uuid4().hex[:8]],
                   WEBHOOK_WINDOW)

    enable(False)
    say(f"warm-up: (b) for {WEBHOOK_WINDOW} s with the webhooks disabled")
    run()
    arms = {"with": [], "without": []}
    for i in range(WEBHOOK_ROUNDS):
        for on in ((True, False) if i % 2 == 0 else (False, True)):
            enable(on)
            r = run()
            arms["with" if on else "without"].append(r)
            say(f"round {i + 1} {'with   ' if on else 'without'} {fmt_wrk(r)}")
    api.close()
    rps = {arm: [r["rps"] for r in runs] for arm, runs in arms.items()}
    pairs = [w / wo for w, wo in zip(rps["with"], rps["without"])]
    result = {
        "engine": a.engine, "started": now_iso(), "rounds": WEBHOOK_ROUNDS, "window_s": WEBHOOK_WINDOW, "rules": WEBHOOK_RULES,
        "without": arms["without"], "with": arms["with"],
        "median_rps_without": statistics.median(rps["without"]), "median_rps_with": statistics.median(rps["with"]),
        "median_pair_ratio": statistics.median(pairs), "pair_ratios": pairs,
    }
    say(f"{a.engine}: (b) median {result['median_rps_without']:,.0f} req/s without, {result['median_rps_with']:,.0f} with 3 webhooks; "
        f"median of the {len(pairs)} paired ratios {100 * (result['median_pair_ratio'] - 1):+.1f}% "
        f"(each: {', '.join(f'{100 * (p - 1):+.1f}%' for p in pairs)})")
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    e = sub.add_parser("engine")
    e.add_argument("--engine", required=True)
    e.add_argument("--port", type=int, required=True)
    e.add_argument("--pid", type=int, required=True)
    e.add_argument("--work", required=True)
    e.add_argument("--out", required=True)
    e.add_argument("--db", default="", help="sqlite:PATH or postgres:HOST:PORT:DB:USER, for the SQL copy of (e)")
    s = sub.add_parser("crash-setup")
    s.add_argument("--port", type=int, required=True)
    s.add_argument("--work", required=True)
    s.add_argument("--state", required=True)
    s.add_argument("--seconds", type=int, default=10)
    l = sub.add_parser("crash-load")
    l.add_argument("--port", type=int, required=True)
    l.add_argument("--pid", type=int, required=True)
    l.add_argument("--state", required=True)
    l.add_argument("--after", type=float, default=5)
    l.add_argument("--connections", type=int, default=32)
    l.add_argument("--out", required=True)
    c = sub.add_parser("crash-check")
    c.add_argument("--engine", required=True)
    c.add_argument("--port", type=int, required=True)
    c.add_argument("--state", required=True)
    c.add_argument("--acked", required=True)
    c.add_argument("--out", required=True)
    m = sub.add_parser("memory", help="only (g), against a running server with registration open")
    m.add_argument("--port", type=int, required=True)
    m.add_argument("--pid", type=int, required=True)
    m.add_argument("--clients", type=int, default=MEMORY_CLIENTS)
    m.add_argument("--seconds", type=int, default=MEMORY_SECONDS)
    h = sub.add_parser("healthz-probe")
    h.add_argument("--port", type=int, required=True)
    h.add_argument("--seconds", type=int, required=True)
    w = sub.add_parser("webhooks")
    w.add_argument("--engine", required=True)
    w.add_argument("--port", type=int, required=True)
    w.add_argument("--work", required=True)
    w.add_argument("--out", required=True)
    for name in ("keeping-seed", "keeping-export", "keeping-sweep"):
        k = sub.add_parser(name)
        k.add_argument("--port", type=int, required=True)
        k.add_argument("--pid", type=int, required=True)
        k.add_argument("--work", required=True)
        k.add_argument("--state", required=True)
        k.add_argument("--db", required=True)
        k.add_argument("--out", default="")
    r = sub.add_parser("report")
    r.add_argument("--results", required=True)
    r.add_argument("--load-start", default="")
    r.add_argument("files", nargs="+")
    a = p.parse_args()
    try:
        {"engine": cmd_engine, "crash-setup": cmd_crash_setup, "crash-load": cmd_crash_load,
         "crash-check": cmd_crash_check, "report": cmd_report, "memory": cmd_memory,
         "healthz-probe": cmd_healthz_probe, "webhooks": cmd_webhooks,
         "keeping-seed": cmd_keeping_seed, "keeping-export": cmd_keeping_export, "keeping-sweep": cmd_keeping_sweep}[a.cmd](a)
    except BenchError as err:
        print(f"bench: {err}", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
