"""Closed-loop load: K simulated agents, each waiting for its answer before the next request.

Two paces: *paced*, where each agent thinks for a random while (exponential, mean `think`)
between operations, as agents working concurrently do; and *flat out* (`think=0`), where
every agent fires again the moment it has its answer, which measures the server's capacity
(and, by Little's law, turns every latency into K / throughput).

One asyncio loop drives every agent over aiohttp's keep-alive connection pool, so a request
costs the client tens of microseconds and the server, not the client, sets the pace. The
client's own CPU time is measured with each scenario so a report can show it was not the
bottleneck.
"""

import asyncio
import math
import time

import aiohttp


class Failed(Exception):
    """A request the service answered with an unexpected status."""

    def __init__(self, method, path, status, body):
        super().__init__(f"{method} {path} → {status}: {body[:300]}")
        self.status = status


class Client:
    """One agent's HTTP client: the session token and the shared connection pool."""

    def __init__(self, session, base_url, token=None, sign_in=None):
        self.session = session
        self.base_url = base_url
        self.token = token
        self.sign_in = sign_in  # async, returns a fresh token

    async def call(self, method, path, json=None, expect=(200, 201)):
        headers = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        async with self.session.request(
            method, self.base_url + path, json=json, headers=headers
        ) as response:
            body = await response.read()
            if response.status not in expect:
                if response.status == 401 and self.sign_in and self.token:
                    # The session is gone (another user of a shared Redis flushed it): the
                    # operation still counts as an error, the agent signs in again and goes on.
                    self.token = await self.sign_in(self)
                raise Failed(method, path, response.status, body.decode(errors="replace"))
            if response.content_type.endswith("json"):
                return response.status, await response.json(content_type=None)
            return response.status, None


def percentile(sorted_values, fraction):
    """The nearest-rank percentile of already sorted values."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def summarise(latencies, errors, seconds, cpu_seconds, first_error=None):
    """Latency percentiles in milliseconds and throughput of one scenario."""
    ordered = sorted(latencies)
    result = {
        "requests": len(ordered),
        "errors": errors,
        "seconds": round(seconds, 2),
        "rps": round(len(ordered) / seconds, 1) if seconds else 0.0,
        "p50_ms": round(percentile(ordered, 0.50) * 1000, 2),
        "p95_ms": round(percentile(ordered, 0.95) * 1000, 2),
        "p99_ms": round(percentile(ordered, 0.99) * 1000, 2),
        "max_ms": round(ordered[-1] * 1000, 2) if ordered else None,
        "client_cpu": round(cpu_seconds / seconds, 2) if seconds else None,
    }
    if first_error:
        result["first_error"] = first_error[:500]
    return result


async def drive(clients, step, duration, warmup, think=0.0, rng=None):
    """Run `step(client, agent_number)` in a loop for every client; measure after `warmup`.

    Returns the scenario's summary. `step` does one operation (it may be several requests,
    like a screen-pop); its latency is the whole operation's.
    """
    latencies = []
    errors = 0
    first_error = None
    start = time.perf_counter()
    measure_from = start + warmup
    stop_at = measure_from + duration
    cpu_at_start = [None]

    async def agent(client, number):
        nonlocal errors, first_error
        while True:
            began = time.perf_counter()
            if began >= stop_at:
                return
            if began >= measure_from and cpu_at_start[0] is None:
                cpu_at_start[0] = time.process_time()
            try:
                await step(client, number)
            except (TimeoutError, Failed, aiohttp.ClientError) as error:
                if began >= measure_from:
                    errors += 1
                    first_error = first_error or str(error)
            else:
                if began >= measure_from:
                    latencies.append(time.perf_counter() - began)
            if think:
                await asyncio.sleep(rng.expovariate(1 / think))

    await asyncio.gather(*(agent(client, number) for number, client in enumerate(clients)))
    ended = time.perf_counter()
    cpu = time.process_time() - (cpu_at_start[0] or time.process_time())
    return summarise(latencies, errors, max(ended - measure_from, 1e-9), cpu, first_error)


def connection_pool(size):
    """A keep-alive pool with a connection for every agent."""
    return aiohttp.ClientSession(
        connector=aiohttp.TCPConnector(limit=size, limit_per_host=size, force_close=False),
        timeout=aiohttp.ClientTimeout(total=60),
    )
