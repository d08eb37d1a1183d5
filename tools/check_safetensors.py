#!/usr/bin/env python3
"""Checks a .safetensors file written by moezoo against Python's own `safetensors`.

    MOEZOO_IO_EXPORT=/tmp/io ./build/tests/core/io/test_core_io --gtest_filter='*ExportForPythonCheck'
    $HOME/.cache/moezoo/venv/bin/python tools/check_safetensors.py /tmp/io/moezoo.safetensors /tmp/io/reference.npz

1. The file loads with safetensors.torch.load_file and safe_open (the Rust reader's
   validation: header, offsets, coverage).
2. Every tensor equals the reference array of the same key in the .npz (written by
   moezoo's npz writer, read here by numpy; bfloat16 tensors are compared as float32).
3. Python's save() of the same tensors and metadata gives the very same bytes (only
   deterministic with at most one metadata key: Rust keeps metadata in a HashMap).
Exits non-zero on the first mismatch class found, after printing every mismatch.
"""

import json
import struct
import sys

import numpy as np
import torch
from safetensors import safe_open
from safetensors.torch import load_file, save


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    path, reference_path = sys.argv[1], sys.argv[2]
    problems = []

    raw = open(path, "rb").read()
    (n,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8 : 8 + n])
    print(f"{path}: {len(raw)} bytes, header {n} bytes (n % 8 == {n % 8}), {len(header) - ('__metadata__' in header)} tensors")

    tensors = load_file(path)
    with safe_open(path, framework="pt") as f:
        metadata = f.metadata() or {}
    print(f"loaded with safetensors.torch.load_file; metadata {metadata}")

    reference = np.load(reference_path, allow_pickle=False)
    if set(reference.files) != set(tensors):
        problems.append(f"keys differ: safetensors {sorted(tensors)} vs reference {sorted(reference.files)}")
    for key in sorted(set(reference.files) & set(tensors)):
        got, want = tensors[key], reference[key]
        if tuple(got.shape) != want.shape:
            problems.append(f"{key}: shape {tuple(got.shape)} vs reference {want.shape}")
            continue
        if got.dtype == torch.bfloat16:
            got = got.to(torch.float32)
        # uint16/32/64 tensors have few ops in torch: compare through numpy on the raw values.
        got_np = got.numpy() if got.dtype not in (torch.uint16, torch.uint32, torch.uint64) else got.view(
            {torch.uint16: torch.int16, torch.uint32: torch.int32, torch.uint64: torch.int64}[got.dtype]
        ).numpy().view(want.dtype)
        if got_np.dtype != want.dtype:
            problems.append(f"{key}: dtype {got_np.dtype} vs reference {want.dtype}")
        elif not np.array_equal(got_np, want, equal_nan=want.dtype.kind in "fc"):
            problems.append(f"{key}: values differ")
        else:
            print(f"  {key:8s} {str(tensors[key].dtype):15s} {tuple(want.shape)} equal")

    if len(metadata) <= 1:
        again = save(tensors, metadata=metadata or None)
        same = again == raw
        print(f"python's save() of the same tensors is byte-identical: {same}")
        if not same:
            problems.append("bytes differ from python's own serialization")

    for p in problems:
        print("MISMATCH:", p)
    print("OK" if not problems else f"FAILED ({len(problems)} problems)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
