"""Every returned string is freed exactly once: 100,000 calls leave the resident set flat."""

from __future__ import annotations

import xero_link


def rss_kib() -> int:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise AssertionError("no VmRSS")


def test_100k_calls_keep_rss_flat() -> None:
    def calls(n: int) -> None:
        for i in range(n):
            if i % 2:
                xero_link.call_envelope("version", {})
            else:  # an error answer: a longer string, built on the error path
                try:
                    xero_link.call("status", {"connection": "xero-not-configured", "request_id": i})
                except xero_link.NotConfigured:
                    pass

    calls(10_000)  # warm up: allocator pools, caches
    before = rss_kib()
    calls(100_000)
    after = rss_kib()
    print(f"RSS over 100,000 calls: {before} KiB -> {after} KiB")
    # A leak of each answer (about 100-200 bytes) would add 10-20 MiB.
    assert after - before < 2048, f"RSS grew {after - before} KiB over 100,000 calls"
