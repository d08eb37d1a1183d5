#!/usr/bin/env python3
"""Forward + backward throughput of Hugging Face transformers' MixtralSparseMoeBlock
on the shapes of tools/bench/moe_layer_bench.cpp, timed the same way, so that the
two tables can be read side by side.

    $HOME/.cache/moezoo/venv/bin/pip install transformers
    $HOME/.cache/moezoo/venv/bin/python tools/bench/mixtral_moe_bench.py [--experts 8,64] [--k 1,2]

Method (as moe_layer_bench.cpp): x [1, T, d] requires grad, loss = <out, g>,
backward, gradients set to none before each step; warm-up steps, then timed
rounds that visit every implementation in turn; the median step time (and the
fastest, in brackets); tokens/s = T / median. Rows:
  dense SwiGLU MLP (intermediate = k*h)   the same active FLOPs, bias-free like Mixtral
  mixtral eager                         transformers' default per-expert loop
  mixtral grouped_mm                    transformers' sorted torch._grouped_mm path
Mixtral's experts are SwiGLU without biases; compare with
    moezoo-bench-moe --kind swiglu --bias 0
"""

import argparse
import os
import statistics
import time


def load_average():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def parse_list(s):
    return [int(v) for v in s.split(",") if v]


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--tokens", type=int, default=4096)
    p.add_argument("--d", type=int, default=512)
    p.add_argument("--hidden", type=int, default=1024)
    p.add_argument("--experts", type=parse_list, default=[8, 64])
    p.add_argument("--k", type=parse_list, default=[1, 2])
    p.add_argument("--reps", type=int, default=7)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--threads", type=int, default=0, help="0: all cores")
    p.add_argument("--impls", default="eager,grouped_mm", help="transformers experts implementations to time")
    p.add_argument("--thp", type=int, default=1, help="THP_MEM_ALLOC_ENABLE for LibTorch (as the C++ benchmark)")
    args = p.parse_args()

    # Must precede the first large allocation (see moe_layer_bench.cpp).
    if args.thp:
        os.environ.setdefault("THP_MEM_ALLOC_ENABLE", "1")
    import torch
    import transformers
    from transformers import MixtralConfig
    from transformers.models.mixtral.modeling_mixtral import MixtralSparseMoeBlock

    threads = args.threads or os.cpu_count()
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    T, D, H = args.tokens, args.d, args.hidden
    print(f"transformers {transformers.__version__} MixtralSparseMoeBlock benchmark: forward + backward, "
          f"T={T} tokens, hidden_size={D}, intermediate_size={H}")
    print(f"torch {torch.__version__}, threads {torch.get_num_threads()}, cores {os.cpu_count()}, median of "
          f"{args.reps} reps after {args.warmup} warm-up, implementations interleaved round by round, wall clock")
    print(f"THP_MEM_ALLOC_ENABLE={os.environ.get('THP_MEM_ALLOC_ENABLE', '(unset)')}; "
          f"load average at start: {load_average()}\n")
    print(f"{'E':>4} {'k':>2}  {'implementation':<38} {'ms/step':>10} {'(min)':>9} {'tokens/s':>12} {'vs dense':>9}")

    class DenseSwiGLU(torch.nn.Module):
        def __init__(self, d, h):
            super().__init__()
            self.gate = torch.nn.Linear(d, h, bias=False)
            self.up = torch.nn.Linear(d, h, bias=False)
            self.down = torch.nn.Linear(h, d, bias=False)

        def forward(self, x):
            return self.down(torch.nn.functional.silu(self.gate(x)) * self.up(x))

    for E in args.experts:
        for k in args.k:
            x0 = torch.randn(1, T, D)
            g = torch.randn(1, T, D)
            cands = []

            def make_step(module):
                x = x0.clone().requires_grad_(True)

                def step():
                    for prm in module.parameters():
                        prm.grad = None
                    x.grad = None
                    out = module(x)
                    out = out[0] if isinstance(out, tuple) else out
                    (out * g).sum().backward()

                return step

            cands.append(["dense SwiGLU MLP (intermediate = k*h)", make_step(DenseSwiGLU(D, k * H)), []])
            for impl in args.impls.split(","):
                config = MixtralConfig(hidden_size=D, intermediate_size=H, num_local_experts=E,
                                       num_experts_per_tok=k, router_jitter_noise=0.0)
                config._experts_implementation = impl
                torch.manual_seed(1)
                block = MixtralSparseMoeBlock(config)
                with torch.no_grad():  # the block's parameters start uninitialised (torch.empty)
                    for prm in block.parameters():
                        prm.normal_(0.0, config.initializer_range)
                cands.append([f"mixtral {impl}", make_step(block), []])

            for _, step, _ in cands:
                for _ in range(args.warmup):
                    step()
            for _ in range(args.reps):
                for c in cands:
                    t0 = time.perf_counter()
                    c[1]()
                    c[2].append(time.perf_counter() - t0)
            dense = statistics.median(cands[0][2])
            for name, _, times in cands:
                t = statistics.median(times)
                print(f"{E:>4} {k:>2}  {name:<38} {1e3 * t:>10.1f} {1e3 * min(times):>9.1f} {T / t:>12.0f} "
                      f"{dense / t:>8.2f}x")
            print(flush=True)
    print(f"load average at end: {load_average()}")


if __name__ == "__main__":
    main()
