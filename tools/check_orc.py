#!/usr/bin/env python3
"""Checks moezoo-graph-curvature against an independent Ollivier-Ricci computation.

    $HOME/.cache/moezoo/venv/bin/python tools/check_orc.py --exe build/tools/graph_curvature/moezoo-graph-curvature

The reference is written here from the definition with numpy, scipy and POT only:
all-pairs shortest paths from scipy.sparse.csgraph (BFS or Dijkstra), the full
(deg(x)+1) x (deg(y)+1) transport problem between m_x = alpha*delta_x + (1-alpha)/deg(x)
on each neighbour and m_y, solved by POT's exact network simplex ot.emd2, and
kappa = 1 - W1 / d(x, y). It shares nothing with the C++ code (which reduces each
problem to the signed mass m_x - m_y and solves it in integers by a primal-dual method).

Graphs: synthetic ones (always; hubs, isolated nodes, lengths) and Planetoid Cora from
$MOEZOO_DATA/graph/planetoid/cora.npz (all of it with hop distance and alpha = 0.5, the
nodes < 1000 with lengths and weighted distance). Without the data
Cora is skipped, unless CI=true, where that is a failure. Also checks the Forman values
exactly, the node means, and that bad input gives a one-line error naming file:line.
Exit status 0 when every max |difference| <= --tolerance (default 1e-6).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import ot
import scipy.sparse as sp
from scipy.sparse.csgraph import shortest_path


def canonical_edges(num_nodes, src, dst, lengths=None):
    """Undirected simple graph: u < v, sorted, duplicates and self loops removed."""
    keep = src != dst
    u = np.minimum(src, dst)[keep]
    v = np.maximum(src, dst)[keep]
    order = np.lexsort((v, u))
    u, v = u[order], v[order]
    first = np.ones(len(u), dtype=bool)
    first[1:] = (u[1:] != u[:-1]) | (v[1:] != v[:-1])
    w = None if lengths is None else np.asarray(lengths)[keep][order][first]
    return u[first], v[first], w


def reference_curvature(num_nodes, u, v, w, alpha, weighted):
    """Edge and node Ollivier-Ricci curvature, Forman and augmented Forman."""
    weights = w if (weighted and w is not None) else np.ones(len(u))
    adjacency = sp.coo_matrix((np.r_[weights, weights], (np.r_[u, v], np.r_[v, u])), shape=(num_nodes, num_nodes)).tocsr()
    dist = shortest_path(adjacency, method="D", directed=False, unweighted=not weighted)
    neighbours = [adjacency.indices[adjacency.indptr[i]:adjacency.indptr[i + 1]] for i in range(num_nodes)]
    degree = np.diff(adjacency.indptr)
    kappa = np.empty(len(u))
    for e, (x, y) in enumerate(zip(u, v)):
        sx = np.r_[x, neighbours[x]]
        sy = np.r_[y, neighbours[y]]
        mx = np.r_[alpha, np.full(degree[x], (1.0 - alpha) / degree[x])]
        my = np.r_[alpha, np.full(degree[y], (1.0 - alpha) / degree[y])]
        cost = dist[np.ix_(sx, sy)]
        # Masses sum to 1 up to rounding; POT would only warn about that.
        kappa[e] = 1.0 - ot.emd2(mx, my, cost, numItermax=10_000_000, check_marginals=False) / dist[x, y]
    node = np.zeros(num_nodes)
    np.add.at(node, u, kappa)
    np.add.at(node, v, kappa)
    node = np.divide(node, degree, out=np.zeros(num_nodes), where=degree > 0)
    sets = [set(n.tolist()) for n in neighbours]
    triangles = np.array([len(sets[x] & sets[y]) for x, y in zip(u, v)])
    forman = 4.0 - degree[u] - degree[v]
    return kappa, node, forman, forman + 3.0 * triangles


def write_edge_list(path, src, dst, lengths=None):
    with open(path, "w") as f:
        f.write("# written by tools/check_orc.py\n")
        for i in range(len(src)):
            if lengths is None:
                f.write(f"{src[i]} {dst[i]}\n")
            else:
                f.write(f"{src[i]},{dst[i]},{float(lengths[i])!r}\n")  # repr: the exact double


def run_exe(exe, edges_path, num_nodes, alpha, distance, workdir, threads=1):
    edges_csv, nodes_csv = workdir / "edges.csv", workdir / "nodes.csv"
    cmd = [str(exe), str(edges_path), "--num-nodes", str(num_nodes), "--alpha", repr(alpha), "--distance", distance,
           "--threads", str(threads), "-o", str(edges_csv), "--nodes-out", str(nodes_csv)]
    start = time.perf_counter()
    result = subprocess.run(cmd, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}): {result.stderr.strip()}")
    e = np.genfromtxt(edges_csv, delimiter=",", names=True, dtype=None, encoding=None)
    n = np.genfromtxt(nodes_csv, delimiter=",", names=True, dtype=None, encoding=None)
    return e, n, seconds


class Checker:
    def __init__(self, exe, tolerance, workdir):
        self.exe, self.tolerance, self.workdir = exe, tolerance, workdir
        self.failures = []

    def check(self, name, num_nodes, src, dst, lengths, alpha, distance, threads=1):
        u, v, w = canonical_edges(num_nodes, src, dst, lengths)
        path = self.workdir / "edges.txt"
        write_edge_list(path, src, dst, lengths)
        ours, ours_nodes, ours_s = run_exe(self.exe, path, num_nodes, alpha, distance, self.workdir, threads)
        start = time.perf_counter()
        kappa, node, forman, augmented = reference_curvature(num_nodes, u, v, w, alpha, distance == "weighted")
        ref_s = time.perf_counter() - start
        problems = []
        if len(ours) != len(u) or not (np.array_equal(ours["u"], u) and np.array_equal(ours["v"], v)):
            problems.append(f"edge lists differ ({len(ours)} vs {len(u)} edges)")
            diff = node_diff = float("inf")
        else:
            diff = float(np.max(np.abs(ours["ollivier_ricci"] - kappa), initial=0.0))
            node_diff = float(np.max(np.abs(ours_nodes["ollivier_ricci"] - node), initial=0.0))
            if not np.array_equal(ours["forman"], forman) or not np.array_equal(ours["forman_augmented"], augmented):
                problems.append("Forman values differ")
        if not (diff <= self.tolerance and node_diff <= self.tolerance):
            problems.append(f"max |kappa difference| edges {diff:.3e}, nodes {node_diff:.3e} > {self.tolerance:g}")
        status = "ok" if not problems else "FAIL: " + "; ".join(problems)
        print(f"{name:<34} alpha={alpha:<6.4g} {distance:<8} {len(u):>6} edges  max|diff| edges {diff:.2e} nodes "
              f"{node_diff:.2e}  (moezoo {ours_s:.3f} s incl. start-up, reference {ref_s:.2f} s)  {status}")
        if problems:
            self.failures.append(name)

    def check_bad_input(self):
        """A bad token must give a non-zero exit and one line naming file:line."""
        bad = self.workdir / "bad_edges.txt"
        bad.write_text("0 1\n1 2\n2 x3\n")
        result = subprocess.run([str(self.exe), str(bad), "-o", str(self.workdir / "bad.csv")],
                                capture_output=True, text=True)
        lines = result.stderr.strip().splitlines()
        ok = result.returncode != 0 and len(lines) >= 1 and f"{bad}:3" in lines[-1] and "'x3'" in lines[-1]
        print(f"{'bad input -> one-line error':<34} exit {result.returncode}: {lines[-1] if lines else ''}  "
              f"{'ok' if ok else 'FAIL'}")
        if not ok:
            self.failures.append("bad input")


def synthetic_graph(seed, num_nodes, p, hubs, isolated):
    """Erdos-Renyi edges plus a few hubs joined to many nodes, both directions, with some
    repeated pairs and self loops (which the tool must merge and drop)."""
    rng = np.random.default_rng(seed)
    active = num_nodes - isolated
    upper = np.triu(rng.random((active, active)) < p, k=1)
    src, dst = np.nonzero(upper)
    for h in range(hubs):
        others = rng.choice(active, size=active // 3, replace=False)
        src = np.r_[src, np.full(len(others), h)]
        dst = np.r_[dst, others]
    src, dst = np.r_[src, dst, [3, 5]], np.r_[dst, src, [3, 5]]  # both directions + self loops
    lengths = np.round(rng.uniform(0.25, 3.0, size=num_nodes * num_nodes), 3)
    # The same length on both directions of a pair: index it by the unordered pair.
    lengths = lengths[np.minimum(src, dst) * num_nodes + np.maximum(src, dst)]
    return src.astype(np.int64), dst.astype(np.int64), lengths


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--exe", required=True, type=Path, help="moezoo-graph-curvature")
    parser.add_argument("--data-root", type=Path, default=os.environ.get("MOEZOO_DATA"))
    parser.add_argument("--tolerance", type=float, default=1e-6)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="moezoo_check_orc_") as tmp:
        checker = Checker(args.exe, args.tolerance, Path(tmp))
        cases = [  # (n, p, hubs, isolated nodes), alphas with hop distance, alphas with lengths
            ((40, 0.12, 1, 3), (0.5, 0.0, 1.0 / 3.0, 0.99), (0.5,)),
            ((120, 0.04, 2, 5), (0.5, 0.25), (0.1,)),
            ((25, 0.5, 0, 0), (0.5, 0.0), (0.5,)),
        ]
        for seed, (shape, hop_alphas, weighted_alphas) in enumerate(cases):
            n = shape[0]
            src, dst, lengths = synthetic_graph(seed, *shape)
            for alpha in hop_alphas:
                checker.check(f"synthetic {seed} (n={n})", n, src, dst, None, alpha, "hop")
            for alpha in weighted_alphas:
                checker.check(f"synthetic {seed} (n={n}) lengths", n, src, dst, lengths, alpha, "weighted")
        checker.check("synthetic 1, 3 threads", 120, *synthetic_graph(1, 120, 0.04, 2, 5)[:2], None, 0.5, "hop", 3)
        checker.check_bad_input()

        cora = args.data_root / "graph/planetoid/cora.npz" if args.data_root else None
        if cora is not None and cora.exists():
            data = np.load(cora)
            src, dst = data["edge_index"]
            num_nodes = int(data["y"].shape[0])
            checker.check("Planetoid Cora", num_nodes, src, dst, None, 0.5, "hop", threads=2)
            # Lengths on the subgraph of nodes < 1000 (keeps the Python reference quick),
            # deterministic per unordered pair so both directions agree.
            keep = (src < 1000) & (dst < 1000)
            sub_src, sub_dst = src[keep], dst[keep]
            pair = np.minimum(sub_src, sub_dst) * 1000 + np.maximum(sub_src, sub_dst)
            lengths = 0.5 + (pair * 2654435761 % 1000) / 400.0
            checker.check("Planetoid Cora[:1000], lengths", 1000, sub_src, sub_dst, lengths, 0.5, "weighted", threads=2)
        elif os.environ.get("CI") == "true":
            print(f"CI=true but real data is missing: {cora} (set MOEZOO_DATA)")
            checker.failures.append("Cora data")
        else:
            print(f"Planetoid Cora skipped: {cora} not found (set MOEZOO_DATA)")

    if checker.failures:
        print(f"FAILED: {', '.join(checker.failures)}")
        return 1
    print("all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
