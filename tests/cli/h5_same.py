"""Exit 0 when two HDF5 files hold the same objects, datasets (type, shape,
bits) and attributes, ignoring root attributes named with --ignore; else
print the first differences and exit 1. Object references (dimension
scales) are compared by the path they point to.

Usage: h5_same.py A.h5 B.h5 [--ignore created_utc ...]
"""

import sys

import h5py
import numpy as np


def norm(value, f):
    """An attribute or dataset value with references replaced by paths."""
    if isinstance(value, h5py.Reference):
        return f[value].name if value else None
    if isinstance(value, np.ndarray):
        if value.dtype.kind == "O" or value.dtype.names or value.dtype.kind == "V":
            return [norm(v, f) for v in value.tolist()] if value.ndim else norm(value[()], f)
        return (value.dtype.str, value.shape, value.tobytes())
    if isinstance(value, np.void) or isinstance(value, tuple):
        return tuple(norm(v, f) for v in value)
    if isinstance(value, (list,)):
        return [norm(v, f) for v in value]
    if isinstance(value, np.generic):
        return (value.dtype.str, value.tobytes())
    return value


def objects(f):
    out = {}
    f.visititems(lambda name, obj: out.__setitem__("/" + name, obj))
    out["/"] = f
    return out


def main(argv):
    a_path, b_path = argv[1], argv[2]
    ignore = set()
    rest = argv[3:]
    while rest:
        if rest[0] == "--ignore":
            ignore.add(rest[1])
            rest = rest[2:]
        else:
            raise SystemExit(f"unknown argument {rest[0]}")
    problems = []
    with h5py.File(a_path, "r") as a, h5py.File(b_path, "r") as b:
        oa, ob = objects(a), objects(b)
        if set(oa) != set(ob):
            problems.append(f"objects differ: only in A {sorted(set(oa) - set(ob))}, "
                            f"only in B {sorted(set(ob) - set(oa))}")
        for path in sorted(set(oa) & set(ob)):
            x, y = oa[path], ob[path]
            if type(x) is not type(y):
                problems.append(f"{path}: a {type(x).__name__} and a {type(y).__name__}")
                continue
            names = set(x.attrs) | set(y.attrs)
            if path == "/":
                names -= ignore
            for n in sorted(names):
                if n not in x.attrs or n not in y.attrs:
                    problems.append(f"{path}: attribute {n} in one file only")
                elif norm(x.attrs[n], a) != norm(y.attrs[n], b):
                    problems.append(f"{path}: attribute {n} differs")
            if isinstance(x, h5py.Dataset):
                if x.dtype != y.dtype or x.shape != y.shape:
                    problems.append(f"{path}: {x.dtype}{x.shape} vs {y.dtype}{y.shape}")
                elif norm(x[()], a) != norm(y[()], b):
                    problems.append(f"{path}: values differ")
    for p in problems[:20]:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
