#!/usr/bin/env python3
"""Markdown tables of the last `cargo bench` run, every figure next to its ratios.

Reads criterion's `target/criterion/**/new/{benchmark,estimates}.json` (median
point estimates) and prints one table per benchmark group: a row per lock, a
column group per parameter (task count, number of locks), and the ratio of each
median to the group's baselines, all from the same run. Stdlib only:

    cargo bench -p lockladder-benches
    python3 benches/report.py > /tmp/tables.md

Given several saved `target/criterion` directories (one per run), it prints
instead the spread of every lockladder ratio across the runs: the median ratio
and its range, the figure to quote on a noisy machine:

    python3 benches/report.py /tmp/run1/criterion /tmp/run2/criterion ...
"""

import statistics

import json
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parents[1]
CRITERION = ROOT / "target" / "criterion"

# Group -> baselines, in the order their ratio columns appear. A baseline absent
# from a run (a feature not built) is skipped.
BASELINES = {
    "mutex": ["tokio", "async-lock"],
    "mutex-try_lock": ["tokio", "async-lock"],
    "rwlock-read": ["tokio", "async-lock"],
    "rwlock-write": ["tokio", "async-lock"],
    "contended": ["tokio", "async-lock"],
    "contended-handoff": ["tokio", "async-lock"],
    "contended-two-locks": ["tokio-by-hand", "lockladder-by-hand"],
    "lock_all": ["by-hand"],
    "lock_many": ["happylock", "happylock-prebuilt"],
    "sync-mutex": ["parking_lot", "std"],
    "sync-rwlock-read": ["parking_lot", "std"],
    "sync-rwlock-write": ["parking_lot", "std"],
    "lockdep-sync-mutex": ["lockdep-off", "std", "tracing-mutex"],
    "lockdep-sync-mutex-nested": ["lockdep-off", "std", "tracing-mutex"],
    "lockdep-async-mutex": ["lockdep-off", "async-lock"],
    "lockdep-async-mutex-in-task": ["lockdep-off", "async-lock"],
}


def load(criterion_dir):
    """{group: {value: {function: (median_ns, elements_or_None)}}}"""
    groups = {}
    for bench in sorted(criterion_dir.glob("**/new/benchmark.json")):
        meta = json.loads(bench.read_text())
        estimates = json.loads((bench.parent / "estimates.json").read_text())
        median = estimates["median"]["point_estimate"]
        throughput = meta.get("throughput") or {}
        elements = throughput.get("Elements")
        value = meta.get("value_str") or ""
        groups.setdefault(meta["group_id"], {}).setdefault(value, {})[meta["function_id"]] = (
            median,
            elements,
        )
    return groups


def fmt_time(ns):
    if ns >= 1e6:
        return f"{ns / 1e6:.2f} ms"
    if ns >= 1e3:
        return f"{ns / 1e3:.2f} µs"
    return f"{ns:.1f} ns"


def table(group, by_value):
    baselines = BASELINES.get(group, [])
    values = sorted(by_value, key=lambda v: (len(v), v))
    functions = []
    for value in values:
        for function in by_value[value]:
            if function not in functions:
                functions.append(function)
    header = ["lock"]
    for value in values:
        label = f" ({value})" if value else ""
        header.append(f"median{label}")
        header += [f"÷ {b}{label}" for b in baselines if b in by_value[value]]
    lines = [f"### `{group}`", "", "| " + " | ".join(header) + " |"]
    lines.append("|" + "---|" * len(header))
    for function in functions:
        cells = [f"`{function}`"]
        for value in values:
            entry = by_value[value].get(function)
            if entry is None:
                cells.append("–")
                cells += ["–" for b in baselines if b in by_value[value]]
                continue
            median, elements = entry
            cell = fmt_time(median)
            if elements:
                cell += f" ({fmt_time(median / elements)}/op)"
            cells.append(cell)
            for b in baselines:
                if b in by_value[value]:
                    cells.append(f"{median / by_value[value][b][0]:.2f}×")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def spread(dirs):
    """Median and range, across runs, of each lockladder figure over each baseline."""
    runs = [load(pathlib.Path(d)) for d in dirs]
    lines = [
        f"| group | lock | baseline | median ratio over {len(runs)} runs | range |",
        "|---|---|---|---|---|",
    ]
    for group in list(BASELINES) + sorted({g for r in runs for g in r} - set(BASELINES)):
        keys = sorted({(v, f) for r in runs for v, fs in r.get(group, {}).items() for f in fs})
        for value, function in keys:
            if not function.startswith(("lockladder", "lock_all", "lockdep-on", "tracing")):
                continue
            for baseline in BASELINES.get(group, []):
                if baseline == function:
                    continue
                ratios = [
                    r[group][value][function][0] / r[group][value][baseline][0]
                    for r in runs
                    if function in r.get(group, {}).get(value, {})
                    and baseline in r[group][value]
                ]
                if not ratios:
                    continue
                label = f"{function} ({value})" if value else function
                lines.append(
                    f"| `{group}` | `{label}` | `{baseline}` | {statistics.median(ratios):.2f}× "
                    f"| {min(ratios):.2f}–{max(ratios):.2f}× |"
                )
    return "\n".join(lines)


def main():
    if len(sys.argv) > 2:
        print(spread(sys.argv[1:]))
        return
    criterion_dir = pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else CRITERION
    groups = load(criterion_dir)
    if not groups:
        sys.exit(f"no criterion results under {criterion_dir}: run `cargo bench` first")
    order = list(BASELINES) + sorted(set(groups) - set(BASELINES))
    print("\n".join(table(g, groups[g]) for g in order if g in groups))


if __name__ == "__main__":
    main()
