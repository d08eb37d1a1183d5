#!/usr/bin/env python3
"""Ollivier-Ricci curvature on Planetoid Cora: moezoo-graph-curvature vs GraphRicciCurvature.

GraphRicciCurvature (PyPI, Ni et al.) pins scipy<=1.13.1, which would downgrade numpy in
moezoo's own venv, so it lives in a venv of its own (one-off, not part of tools/setup.sh):

    python3 -m venv ~/.cache/moezoo/venv-ricci
    ~/.cache/moezoo/venv-ricci/bin/pip install GraphRicciCurvature   # brings networkx, networkit, POT
    ~/.cache/moezoo/venv-ricci/bin/python tools/bench/orc_bench.py \\
        --exe build/tools/graph_curvature/moezoo-graph-curvature [--weighted]

Both sides compute the same quantity: GraphRicciCurvature's method="OTD" solves each
edge's transport problem exactly with POT's ot.emd2, with its default alpha = 0.5 and,
on an unweighted graph, the uniform neighbour measure (its weights base^(-w^exp_power)
are all equal when every w = 1). Its run uses multiprocessing.Pool(proc): shown for
proc = 1 and proc = cpu_count(). --weighted adds Cora with deterministic lengths, where
GraphRicciCurvature needs exp_power=0 to keep the measure uniform.

Printed: a table (implementation, seconds, edges/s, speed-up over GraphRicciCurvature
with all processes, max |kappa difference| to it) and the check max |diff| <= 1e-6.
GraphRicciCurvature's seconds are its whole compute_ricci_curvature() call (all-pairs
shortest paths, the process pool, node curvature). Ours are the curvature computation
inside the executable (best of --repeat runs); a whole single-run process (start-up,
reading the edge list, Forman, writing the CSV) is shown too.
"""

import argparse
import math
import multiprocessing as mp
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx
import numpy as np


def load_cora(path):
    data = np.load(path)
    src, dst = data["edge_index"]
    return int(data["y"].shape[0]), src.astype(np.int64), dst.astype(np.int64)


def canonical(u, v):
    return (u, v) if u < v else (v, u)


def run_graph_ricci(num_nodes, src, dst, lengths, alpha, proc):
    from GraphRicciCurvature.OllivierRicci import OllivierRicci

    graph = nx.Graph()
    graph.add_nodes_from(range(num_nodes))
    if lengths is None:
        graph.add_edges_from(zip(src.tolist(), dst.tolist()))
        kwargs = {}
    else:
        graph.add_weighted_edges_from(zip(src.tolist(), dst.tolist(), lengths.tolist()))
        kwargs = {"exp_power": 0}  # base^(-w^0) is the same for every neighbour: the uniform measure
    start = time.perf_counter()
    orc = OllivierRicci(graph, alpha=alpha, method="OTD", proc=proc, verbose="ERROR", **kwargs)
    orc.compute_ricci_curvature()
    seconds = time.perf_counter() - start
    values = {canonical(u, v): d["ricciCurvature"] for u, v, d in orc.G.edges(data=True)}
    return values, seconds


def run_moezoo(exe, edges_path, num_nodes, alpha, threads, distance, repeat, workdir):
    """Curvature seconds (best of `repeat` in one process) and a whole single-run process."""
    out = workdir / f"moezoo_{threads}.csv"
    base = [str(exe), str(edges_path), "--num-nodes", str(num_nodes), "--alpha", repr(alpha), "--threads",
            str(threads), "--distance", distance, "-o", str(out)]
    start = time.perf_counter()
    single = subprocess.run(base, capture_output=True, text=True)
    process_seconds = time.perf_counter() - start
    result = subprocess.run(base + ["--repeat", str(repeat)], capture_output=True, text=True)
    for run in (single, result):
        if run.returncode != 0:
            sys.exit(f"{' '.join(base)} failed: {run.stderr.strip()}")
    match = re.search(r"ollivier-ricci ([0-9.]+) ms", result.stderr)
    compute_seconds = float(match.group(1)) / 1000.0
    table = np.genfromtxt(out, delimiter=",", names=True)
    values = {(int(u), int(v)): k for u, v, k in zip(table["u"], table["v"], table["ollivier_ricci"])}
    return values, compute_seconds, process_seconds


def max_difference(a, b):
    if set(a) != set(b):
        return math.inf
    return max((abs(a[e] - b[e]) for e in a), default=0.0)


def benchmark(args, title, num_nodes, src, dst, lengths, workdir):
    distance = "hop" if lengths is None else "weighted"
    edges_path = workdir / "edges.txt"
    with open(edges_path, "w") as f:
        for i in range(len(src)):
            f.write(f"{src[i]} {dst[i]}\n" if lengths is None else f"{src[i]} {dst[i]} {float(lengths[i])!r}\n")
    rows = []
    procs = sorted({1, mp.cpu_count()})
    grc = {}
    for proc in procs:
        values, seconds = run_graph_ricci(num_nodes, src, dst, lengths, args.alpha, proc)
        grc[proc] = (values, seconds)
    reference, reference_seconds = grc[procs[-1]]
    num_edges = len(reference)
    for proc in procs:
        values, seconds = grc[proc]
        rows.append((f"GraphRicciCurvature OTD (proc={proc})", seconds, None, max_difference(values, reference)))
    ours = {}
    for threads in args.threads:
        values, compute, process = run_moezoo(args.exe, edges_path, num_nodes, args.alpha, threads, distance,
                                              args.repeat, workdir)
        ours[threads] = values
        rows.append((f"moezoo-graph-curvature ({threads} thread{'s' if threads > 1 else ''})", compute, process,
                     max_difference(values, reference)))

    print(f"\n{title}: {num_nodes} nodes, {num_edges} edges, alpha = {args.alpha}, {distance} distance "
          f"(machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f})")
    header = f"| {'implementation':<40} | {'seconds':>9} | {'edges/s':>10} | {'speed-up':>8} | {'max abs diff':>12} | {'whole process s':>15} |"
    print(header)
    print("|" + "|".join("-" * len(c) for c in header.split("|")[1:-1]) + "|")
    for name, seconds, process, diff in rows:
        process_text = f"{process:.3f}" if process is not None else "-"
        print(f"| {name:<40} | {seconds:9.4f} | {num_edges / seconds:10.0f} | {reference_seconds / seconds:7.1f}x | "
              f"{diff:12.2e} | {process_text:>15} |")
    worst = max(max_difference(values, reference) for values in ours.values())
    ok = worst <= args.tolerance
    print(f"check: max |kappa(moezoo) - kappa(GraphRicciCurvature)| = {worst:.2e} "
          f"{'<=' if ok else '>'} {args.tolerance:g}: {'ok' if ok else 'FAIL'}")
    return ok


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exe", required=True, type=Path, help="moezoo-graph-curvature")
    default_data = Path(os.environ.get("MOEZOO_DATA", "../shared/datasets")) / "graph/planetoid/cora.npz"
    parser.add_argument("--cora", type=Path, default=default_data)
    parser.add_argument("--alpha", type=float, default=0.5)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--repeat", type=int, default=5, help="our runs per setting (best time is shown)")
    parser.add_argument("--weighted", action="store_true", help="also Cora with deterministic edge lengths")
    parser.add_argument("--tolerance", type=float, default=1e-6)
    args = parser.parse_args()

    num_nodes, src, dst = load_cora(args.cora)
    with tempfile.TemporaryDirectory(prefix="moezoo_orc_bench_") as tmp:
        ok = benchmark(args, "Planetoid Cora", num_nodes, src, dst, None, Path(tmp))
        if args.weighted:
            pair = np.minimum(src, dst) * num_nodes + np.maximum(src, dst)
            lengths = 0.5 + (pair * 2654435761 % 1000) / 400.0  # same on both directions
            ok = benchmark(args, "Planetoid Cora with lengths", num_nodes, src, dst, lengths, Path(tmp)) and ok
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
