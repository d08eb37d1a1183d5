#!/usr/bin/env python3
"""Summarise a Chrome trace from `moezoo-bench-moe --profile` (or any LibTorch
RecordProfile trace): total self time per operator name, largest first.

    tools/bench/profile_summary.py /tmp/moe_E64_k1.json [--top 25]

Self time = an event's duration minus the durations of the events nested
directly inside it on the same thread, so that `aten::linear` does not count
the `aten::addmm` it calls twice."""
import argparse
import collections
import json
import sys


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trace")
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args()
    try:
        with open(args.trace) as f:
            events = json.load(f)
    except (OSError, ValueError) as e:
        sys.exit(f"{args.trace}: cannot read the trace ({e})")
    if isinstance(events, dict):
        events = events.get("traceEvents", [])
    spans = [e for e in events if e.get("ph") == "X" and "dur" in e]
    by_thread = collections.defaultdict(list)
    for e in spans:
        by_thread[e.get("tid")].append(e)
    self_us = collections.Counter()
    calls = collections.Counter()
    total = 0.0
    for thread_spans in by_thread.values():
        thread_spans.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []  # [event, time covered by direct children]
        def close(entry):
            event, children = entry
            self_us[event["name"]] += event["dur"] - children
            calls[event["name"]] += 1
        for e in thread_spans:
            while stack and stack[-1][0]["ts"] + stack[-1][0]["dur"] <= e["ts"]:
                close(stack.pop())
            if stack:
                stack[-1][1] += e["dur"]
            else:
                total += e["dur"]
            stack.append([e, 0.0])
        while stack:
            close(stack.pop())
    print(f"{'operator':48s} {'self ms':>9s} {'share':>6s} {'calls':>6s}")
    for name, us in self_us.most_common(args.top):
        print(f"{name[:48]:48s} {us / 1e3:9.1f} {100 * us / max(total, 1):5.1f}% {calls[name]:6d}")
    print(f"{'total (top-level events)':48s} {total / 1e3:9.1f}")


if __name__ == "__main__":
    main()
