#!/usr/bin/env python3
"""Generates the golden files under tests/core/io/fixtures/ that the C++ io tests read.

Every file is written by numpy, zipfile or the `safetensors` package itself, so the
tests check moezoo's readers against what Python really produces (big-endian data,
Fortran order, version 2.0/3.0 headers, dtypes moezoo must refuse). The values are
simple formulas the tests recompute (see tests/core/io/fixtures_test.cpp); change
both together.

Usage: $HOME/.cache/moezoo/venv/bin/python tools/gen_io_fixtures.py [out_dir]
"""

import io
import os
import sys
import zipfile

import numpy as np

NUMPY_DTYPES = ["?", "i1", "i2", "i4", "i8", "u1", "u2", "u4", "u8", "f2", "f4", "f8", "c8", "c16"]


def pattern(dtype, shape):
    """arange(n) for unsigned, arange(n) - 3 for signed/float, a complex ramp, i % 2 == 0 for bool."""
    n = int(np.prod(shape))
    dt = np.dtype(dtype)
    if dt.kind == "b":
        return (np.arange(n) % 2 == 0).reshape(shape)
    if dt.kind == "u":
        return np.arange(n).astype(dt).reshape(shape)
    if dt.kind == "c":
        return (np.arange(n) - 3 + 0.5j * np.arange(n)).astype(dt).reshape(shape)
    return (np.arange(n) - 3).astype(dt).reshape(shape)


def save_npy(path, array, version=None):
    with open(path, "wb") as f:
        np.lib.format.write_array(f, array, version=version, allow_pickle=array.dtype.hasobject)


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, "..", "tests", "core", "io", "fixtures")
    os.makedirs(out, exist_ok=True)
    p = lambda name: os.path.join(out, name)

    # Little-endian, C order, version 1.0: the bytes moezoo's writer must reproduce exactly.
    save_npy(p("le_f4_2x3.npy"), pattern("<f4", (2, 3)))
    # Big-endian data must be byteswapped on reading.
    save_npy(p("be_f4_2x3.npy"), pattern(">f4", (2, 3)))
    save_npy(p("be_i8_6.npy"), pattern(">i8", (6,)))
    save_npy(p("be_u2_3.npy"), np.array([1, 258, 65535], dtype=">u2"))
    save_npy(p("be_c16_2.npy"), np.array([1 + 2j, -3.5 + 0.25j], dtype=">c16"))
    # Fortran order: same logical array, column-major bytes.
    save_npy(p("fortran_f8_3x4.npy"), np.asfortranarray(pattern("<f8", (3, 4))))
    save_npy(p("fortran_i4_2x3x4.npy"), np.asfortranarray(pattern("<i4", (2, 3, 4))))
    save_npy(p("fortran_be_f4_2x3.npy"), np.asfortranarray(pattern(">f4", (2, 3))))
    # Newer header versions (4-byte header length; 3.0 is UTF-8).
    save_npy(p("v2_f4_5.npy"), pattern("<f4", (5,)), version=(2, 0))
    save_npy(p("v3_i2_2x2.npy"), pattern("<i2", (2, 2)), version=(3, 0))
    # 0-d and empty.
    save_npy(p("scalar_f8.npy"), np.array(3.25))
    save_npy(p("empty_f4_0x3.npy"), np.zeros((0, 3), dtype="<f4"))
    # Dtypes moezoo refuses with a clear message.
    save_npy(p("unicode_U2.npy"), np.array(["ab", "c"]))
    save_npy(p("object.npy"), np.array([1, "a", None], dtype=object))
    save_npy(p("structured.npy"), np.zeros(2, dtype=[("a", "<i4"), ("b", "<f4")]))

    # Every numeric dtype, as np.savez_compressed writes them (deflate) ...
    np.savez_compressed(p("all_dtypes.npz"), **{f"a_{d}": pattern(d, (2, 3)) for d in NUMPY_DTYPES})
    # ... and a small np.savez (stored) archive with a 0-d and an empty member.
    np.savez(p("stored.npz"), x=pattern("<f4", (2, 3)), s=np.array(7, dtype="<i8"), e=np.zeros((0,), dtype="?"))

    # A well-formed zip whose member is a truncated .npy (8 bytes short).
    member = io.BytesIO()
    np.lib.format.write_array(member, pattern("<f8", (10,)))
    with zipfile.ZipFile(p("truncated_member.npz"), "w", zipfile.ZIP_STORED) as z:
        z.writestr("a.npy", member.getvalue()[:-8])

    # A safetensors file written by the Python package (all its dtypes moezoo supports).
    import torch
    from safetensors.torch import save_file

    def tpattern(dtype, shape):
        n = int(np.prod(shape)) if shape else 1
        if dtype == torch.bool:
            return (torch.arange(n) % 2 == 0).reshape(shape)
        if dtype == torch.complex64:
            return (torch.arange(n, dtype=torch.float32) - 3 + 0.5j * torch.arange(n)).to(dtype).reshape(shape)
        if dtype in (torch.uint8, torch.uint16, torch.uint32, torch.uint64):
            return torch.arange(n).to(dtype).reshape(shape)
        return (torch.arange(n) - 3).to(dtype).reshape(shape)

    tensors = {
        "bool": tpattern(torch.bool, (2, 3)), "u8": tpattern(torch.uint8, (2, 3)),
        "i8": tpattern(torch.int8, (2, 3)), "i16": tpattern(torch.int16, (2, 3)),
        "u16": tpattern(torch.uint16, (2, 3)), "f16": tpattern(torch.float16, (2, 3)),
        "bf16": tpattern(torch.bfloat16, (2, 3)), "i32": tpattern(torch.int32, (2, 3)),
        "u32": tpattern(torch.uint32, (2, 3)), "f32": tpattern(torch.float32, (2, 3)),
        "c64": tpattern(torch.complex64, (2, 3)), "f64": tpattern(torch.float64, (2, 3)),
        "i64": tpattern(torch.int64, (2, 3)), "u64": tpattern(torch.uint64, (2, 3)),
        "layer.0.scalar": tpattern(torch.float32, ()), "layer.0.empty": torch.zeros((0, 4)),
        "layer.1.w": tpattern(torch.float32, (3, 1, 2)),
    }
    save_file(tensors, p("python.safetensors"), metadata={"format": "pt"})
    os.chmod(p("python.safetensors"), 0o644)  # save_file creates it owner-only

    total = sum(os.path.getsize(p(f)) for f in os.listdir(out))
    print(f"wrote {len(os.listdir(out))} fixtures ({total} bytes) to {os.path.normpath(out)}")


if __name__ == "__main__":
    main()
