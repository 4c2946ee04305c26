"""API benchmark: requests/s and latency of two real queries against ``graphsvc serve`` (one worker)
on the demo data, and of a stock strawberry "hello" endpoint measured in the same run.

    python bench/api.py [--seconds 10] [--clients 16 64] [--rounds 2] [--baseline REV]

Needs ``wrk`` (Debian package ``wrk``) as the load generator. Prints a table and writes
``bench/results/api.json``. Target: >= 1,500 req/s and p99 <= 25 ms at 16 clients.

The machine is shared, so nothing is compared across runs: every server (this checkout, the hello
endpoint, and with ``--baseline REV`` the API as it was at git revision REV, served from a
``git archive`` of it on the same demo data, loaded into a store of its own by that revision's
code, as its schema may be older) is measured in the same run, in interleaved rounds (the servers
answering one query back to back, in alternating order); the table shows the median round of
each, and the server's CPU time per request (median of the rounds): the rate swings with the
neighbours' load within minutes, the CPU a request costs much less. The steal column is the share
of the machine's time the hypervisor gave to other machines during the measurement (median of the
rounds), and "calm req/s" the median rate of the rounds with less than 2 % steal.

Each query runs twice: as is (the same request over and over, as a polling dashboard sends it;
the API's read cache answers most of them) and ``unique`` (a variable the query ignores changes
on every request, so no answer can come from the cache: the cost of really executing it).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[1]
RESULTS = REPO / "bench" / "results"

NESTED = """query($id: ID!) { customer(id: $id) { id platformId peerReach(hops: 1) influence
        states { type since brand { key name } post { id createdAt type } }
        interactions(first: 5) { edges { node { id createdAt type confidence needsResponse response { delay } brands { key } } } }
        followers(first: 10) { edges { node { id peerReach } } } } }"""

# name: (query, which account its $id names). "busy" is the most followed account (a brand's
# account: its states and interactions are empty); "customer" is the most followed customer with
# states and interactions, so that every nested list of the query has items (a support console
# opening a customer).
QUERIES = {
    "topAdvocates(first: 10)": (
        """{ topAdvocates(brand: "novatelecom", first: 10) { edges { node { rank reach
        customer { id platformId followerCount peerReach(hops: 2) states { type since brand { key } } } } } } }""",
        "busy",
    ),
    "customer(id) nested": (NESTED, "busy"),
    "customer(id) nested, a customer": (NESTED, "customer"),
}

HELLO_APP = """
import strawberry, uvicorn
from strawberry.asgi import GraphQL

@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        return "world"

uvicorn.run(GraphQL(strawberry.Schema(Query), graphql_ide=None), host="127.0.0.1", port={port},
            log_level="warning", access_log=False)
"""

LUA = """
wrk.method = "POST"
wrk.body = os.getenv("BENCH_BODY")
wrk.headers["Content-Type"] = "application/json"
local key = os.getenv("BENCH_KEY")
if key and #key > 0 then wrk.headers["Authorization"] = "Bearer " .. key end
local body = wrk.body
local counter = 0
if os.getenv("BENCH_UNIQUE") == "1" then
  -- a variable the query does not use, different on every request: no two requests are the same
  request = function()
    counter = counter + 1
    return wrk.format(nil, nil, nil, string.gsub(body, '"__nonce__"', tostring(counter)))
  end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format('BENCH {"requests":%d,"seconds":%.3f,"errors":%d,"non2xx":%d,"p50_ms":%.3f,"p99_ms":%.3f}\\n',
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
end
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def wait_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode}")
        try:
            httpx.get(url, timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise SystemExit(f"{url} did not come up")


def prepare(store_url: str) -> tuple[str, str, str]:
    """Load the demo data, make sure reach is stored, create a key; returns (key, the most followed
    account, the most followed customer with states and interactions)."""
    from graphsvc.demo import prepare_demo
    from graphsvc.keys import create_key
    from graphsvc.model import Metrics
    from graphsvc.stores import open_store
    from graphsvc.stores.base import InteractionFilter

    prepare_demo(store_url)
    store = open_store(store_url)
    try:
        followers: dict[str, set[str]] = {}
        for batch in store.iter_follows():
            for src, dst in batch:
                followers.setdefault(dst, set()).add(src)
        ids = sorted(followers)
        if not store.get_metrics(ids[:50]):  # analytics did not run: store reach with a plain BFS
            metrics = []
            for node in ids:
                one = followers.get(node, set())
                two = set(one)
                for f in one:
                    two |= followers.get(f, set())
                two.discard(node)
                metrics.append(Metrics(account_id=node, reach1=len(one), reach2=len(two)))
            store.put_metrics(metrics)
        busy = max(ids, key=lambda i: len(followers[i]))
        accounts = store.get_accounts(ids)
        states = store.states_for(ids)
        pages = store.list_interactions_many(ids, InteractionFilter(), 1)
        customer = max(
            (i for i in ids if accounts[i].brand is None and states[i] and pages[i].items),
            key=lambda i: (len(followers[i]), i),
        )
        _, key = create_key(store, "reader")
        return key, busy, customer
    finally:
        store.close()


def prepare_at(tree: Path, store_url: str) -> tuple[str, str]:
    """The key and most followed account :func:`prepare` returns, done by the code in ``tree`` (in a
    subprocess; older trees return no more)."""
    script = "import json, sys; from bench.api import prepare; print(json.dumps(prepare(sys.argv[1])))"
    out = subprocess.run(
        [sys.executable, "-c", script, store_url],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    key, busy = json.loads(out.splitlines()[-1])[:2]
    return key, busy


def run_wrk(
    url: str, body: dict[str, Any], key: str, clients: int, seconds: float, script: Path, unique: bool = False
) -> dict[str, Any]:
    env = {
        **os.environ,
        "BENCH_BODY": json.dumps(body),
        "BENCH_KEY": key,
        "BENCH_UNIQUE": "1" if unique else "",
    }
    command = [
        "wrk",
        "-t1",
        f"-c{clients}",
        f"-d{max(1, round(seconds))}s",
        "--timeout",
        "5s",
        "-s",
        str(script),
        url,
    ]
    out = subprocess.run(command, env=env, capture_output=True, text=True, check=True).stdout
    line = next(x for x in out.splitlines() if x.startswith("BENCH "))
    result: dict[str, Any] = json.loads(line[len("BENCH ") :])
    result["rps"] = result["requests"] / result["seconds"]
    return result


def checkout(rev: str, folder: Path) -> Path:
    """The tree of ``rev`` in ``folder`` (git archive: the repository itself is not touched)."""
    archive = subprocess.run(["git", "archive", rev], cwd=REPO, capture_output=True, check=True).stdout
    folder.mkdir(parents=True)
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def start_api(store_url: str, port: int, tree: Path | None) -> subprocess.Popen[bytes]:
    env = dict(os.environ)
    if tree is not None:  # put the old tree ahead of the editable install
        env["PYTHONPATH"] = str(tree)
    return subprocess.Popen(
        [sys.executable, "-m", "graphsvc", "serve", "--store", store_url, "--port", str(port)],
        cwd=tree or REPO,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) a process has used so far (Linux: /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def cpu_jiffies() -> tuple[int, int]:
    """(steal, total) clock ticks of all CPUs so far (Linux: /proc/stat). Steal is the time the
    hypervisor ran another machine while this one had work: a measurement with steal was slowed
    by a neighbour, whatever the code did."""
    ticks = [int(f) for f in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    return ticks[7], sum(ticks)


def measure(
    process: subprocess.Popen[bytes],
    url: str,
    body: dict[str, Any],
    key: str,
    clients: int,
    seconds: float,
    script: Path,
    unique: bool,
) -> dict[str, Any]:
    """One wrk run, with the server's CPU time per request: on a shared machine the rate swings
    with the neighbours' load, while the CPU a request costs the server moves much less."""
    before = cpu_seconds(process.pid)
    steal, total = cpu_jiffies()
    result = run_wrk(url, body, key, clients, seconds, script, unique)
    result["cpu_us"] = (cpu_seconds(process.pid) - before) / max(result["requests"], 1) * 1e6
    steal_after, total_after = cpu_jiffies()
    result["steal_pct"] = 100 * (steal_after - steal) / max(total_after - total, 1)
    return result


# A round in which the hypervisor took less than this share of the machine counts as calm.
CALM_STEAL_PCT = 2.0


def _middle(values: list[float]) -> float:
    """The median (the upper one of an even count)."""
    return sorted(values)[len(values) // 2]


def median_round(results: list[dict[str, Any]]) -> dict[str, Any]:
    ordered = sorted(results, key=lambda r: r["rps"])
    calm = [r["rps"] for r in results if r["steal_pct"] < CALM_STEAL_PCT]
    return {
        **ordered[len(ordered) // 2],
        "cpu_us": _middle([r["cpu_us"] for r in results]),
        "steal_pct": _middle([r["steal_pct"] for r in results]),
        "calm_rps": _middle(calm) if calm else None,  # None when no round was calm
        "rounds_rps": [round(r["rps"]) for r in results],
        "rounds_cpu_us": [round(r["cpu_us"]) for r in results],
        "rounds_steal_pct": [round(r["steal_pct"], 1) for r in results],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per measurement")
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 64])
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (median shown)")
    parser.add_argument("--baseline", metavar="REV", help="also measure the API at this git revision")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        print("wrk is not installed: apt-get install wrk", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="graphsvc-bench-"))
    store_url = f"sqlite:///{work / 'bench.db'}"
    key, busy, customer = prepare(store_url)
    accounts = {"busy": busy, "customer": customer}
    script = work / "post.lua"
    script.write_text(LUA)
    servers: dict[str, tuple[subprocess.Popen[bytes], str, str]] = {}  # process, URL, key
    port = free_port()
    servers["api"] = (start_api(store_url, port, None), f"http://127.0.0.1:{port}", key)
    if args.baseline:
        port = free_port()
        tree = checkout(args.baseline, work / "baseline")
        old_store = f"sqlite:///{work / 'baseline.db'}"
        old_key, old_busy = prepare_at(tree, old_store)
        if old_busy != busy:
            raise SystemExit(
                f"{args.baseline} picks another customer ({old_busy}, not {busy}): not comparable"
            )
        servers[f"api@{args.baseline}"] = (
            start_api(old_store, port, tree),
            f"http://127.0.0.1:{port}",
            old_key,
        )
    port = free_port()
    hello = subprocess.Popen(
        [sys.executable, "-c", HELLO_APP.replace("{port}", str(port))],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    servers["hello"] = (hello, f"http://127.0.0.1:{port}", "")
    results: dict[tuple[str, str, int], list[dict[str, Any]]] = {}
    try:
        targets: list[tuple[str, str, str, dict[str, Any], str]] = []  # server, query, URL, body, key
        for server, (process, base, auth) in servers.items():
            wait_up(f"{base}/healthz" if server != "hello" else f"{base}/graphql", process)
            if server == "hello":
                targets.append((server, "strawberry hello", f"{base}/graphql", {"query": "{ hello }"}, ""))
                continue
            for name, (q, account) in QUERIES.items():
                body = {"query": q, "variables": {"id": accounts[account], "nonce": "__nonce__"}}
                if account == "busy":  # the other account's repeated answer would come from the cache alike
                    targets.append((server, name, f"{base}/graphql", body, auth))
                targets.append((server, f"{name} unique", f"{base}/graphql", body, auth))
        for _, name, url, body, auth in targets:
            check = httpx.post(
                url, json=body, headers={"authorization": f"Bearer {auth}"} if auth else {}
            ).json()
            assert "errors" not in check, check
            run_wrk(url, body, auth, 16, 2, script, name.endswith(" unique"))  # warm up
        # The servers answering one query run back to back, first one then the other in turn:
        # what slows the machine for a while slows them alike.
        by_query: dict[str, list[tuple[str, str, str, dict[str, Any], str]]] = {}
        for target in targets:
            by_query.setdefault(target[1], []).append(target)
        for round_ in range(args.rounds):
            for clients in args.clients:
                for group in by_query.values():
                    for server, name, url, body, auth in group[:: -1 if round_ % 2 else 1]:
                        result = measure(
                            servers[server][0],
                            url,
                            body,
                            auth,
                            clients,
                            args.seconds,
                            script,
                            name.endswith(" unique"),
                        )
                        results.setdefault((server, name, clients), []).append(result)
    finally:
        for process, _, _ in servers.values():
            process.terminate()
            process.wait(10)
    rows = [
        {"server": server, "query": name, "clients": clients, **median_round(found)}
        for (server, name, clients), found in results.items()
    ]
    hello_rps = {r["clients"]: r["rps"] for r in rows if r["server"] == "hello"}
    print(
        f"{'server':16} {'query':40} {'clients':>7} {'req/s':>7} {'p50 ms':>7} {'p99 ms':>8} "
        f"{'errors':>6} {'vs hello':>8} {'CPU us/req':>10} {'steal %':>7} {'calm req/s':>10}"
    )
    for r in sorted(rows, key=lambda r: (r["clients"], r["query"], r["server"])):
        r["ratio_to_hello"] = r["rps"] / hello_rps[r["clients"]]
        print(
            f"{r['server']:16} {r['query']:40} {r['clients']:7d} {r['rps']:7.0f} {r['p50_ms']:7.2f} "
            f"{r['p99_ms']:8.2f} {r['errors'] + r['non2xx']:6d} {r['ratio_to_hello']:8.2f} {r['cpu_us']:10.0f}"
            f" {r['steal_pct']:7.1f} {'-' if r['calm_rps'] is None else round(r['calm_rps']):>10}"
        )
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "api.json").write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
