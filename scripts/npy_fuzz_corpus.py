#!/usr/bin/env python3
"""NPY/NPZ fuzz corpus with NumPy as the oracle (run: python3 scripts/npy_fuzz_corpus.py).

Writes src/test/resources/npyfuzz/corpus.zip: npy/NNNNN.npy and npz/NNNNN.npz inputs (valid arrays
of many dtypes, shapes, byte orders, layouts and format versions, and mutations of them) plus
manifest.tsv with NumPy's verdict on each, from np.load(path, allow_pickle=False):

  file <TAB> kind <TAB> mutation <TAB> ok <TAB> name|dtype|d0,d1,..|sha256 ; ...
  file <TAB> kind <TAB> mutation <TAB> error <TAB> ExceptionType: message

The sha256 is of the canonical result: C order, little-endian, bool as 0/1 bytes. NpyFuzzTest
replays the corpus through trt4j's reader and compares.
"""
import hashlib
import io
import os
import random
import resource
import sys
import warnings
import zipfile

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "src", "test", "resources", "npyfuzz", "corpus.zip")
N_NPY = 4200
N_NPZ = 1300

# Keep NumPy's own allocations for absurd shapes from touching the machine: they fail fast instead.
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
warnings.simplefilter("ignore")
R = random.Random(20261122)

DTYPES = ["<f4", ">f4", "<f2", ">f2", "|i1", "|u1", "<i4", ">i4", "<i8", ">i8", "|b1",
          "<f8", "<i2", "<u4", "<c8", "<U3", "|S2"]
SHAPES = [(), (0,), (1,), (5,), (2, 3), (3, 0, 2), (2, 3, 4), (1, 1, 1, 1), (2, 2, 2, 2, 2),
          (4, 1, 3), (7, 5), (1,) * 8, (1,) * 9, (3, 2, 2, 3)]


def rand_array(dtype, shape):
    dt = np.dtype(dtype)
    n = int(np.prod(shape)) if shape else 1
    if dt.kind == "f":
        vals = np.array([R.choice([0.0, -0.0, 1.5, -2.25, 1e-3, 3.4e38, float("inf"), float("nan"), R.uniform(-1e4, 1e4)])
                         for _ in range(n)], dtype=np.float64)
        with np.errstate(all="ignore"):
            a = vals.astype(dt)
    elif dt.kind in "iu":
        info = np.iinfo(dt)
        a = np.array([R.choice([info.min, info.max, 0, 1, R.randint(int(info.min), int(info.max))]) for _ in range(n)]).astype(dt)
    elif dt.kind == "b":
        a = np.array([R.random() < 0.5 for _ in range(n)], dtype=dt)
    elif dt.kind == "c":
        a = (np.arange(n) + 1j).astype(dt)
    elif dt.kind == "U":
        a = np.array(["ab", "x", "żó"] * n, dtype=dt)[:n]
    else:
        a = np.array([b"q", b"zz"] * n, dtype=dt)[:n]
    return a.reshape(shape)


def npy_bytes(a, version=None, fortran=False):
    if fortran:
        a = np.asfortranarray(a)
    buf = io.BytesIO()
    if version is None:
        np.save(buf, a, allow_pickle=False)
    else:
        np.lib.format.write_array(buf, a, version=version, allow_pickle=False)
    return buf.getvalue()


def valid_npy():
    dtype = R.choice(DTYPES[:11] * 3 + DTYPES[11:])
    shape = R.choice(SHAPES)
    a = rand_array(dtype, shape)
    version = R.choice([None, None, (1, 0), (2, 0), (3, 0)])
    fortran = len(shape) > 1 and R.random() < 0.35
    return npy_bytes(a, version, fortran), "valid:%s:%s:v%s%s" % (dtype, "x".join(map(str, shape)) or "scalar",
                                                                  version[0] if version else 1, ":F" if fortran else "")


def split(b):
    major = b[6]
    hl = int.from_bytes(b[8:10], "little") if major == 1 else int.from_bytes(b[8:12], "little")
    start = 10 if major == 1 else 12
    return b[:start], b[start:start + hl].decode("latin1" if major < 3 else "utf8"), b[start + hl:], major


def join(pre, header, data, major=None, pad=True):
    major = pre[6] if major is None else major
    hb = header.encode("latin1" if major < 3 else "utf8", errors="replace")
    pre = bytearray(pre[:8])
    pre[6] = major
    if major == 1:
        return bytes(pre) + len(hb).to_bytes(2, "little") + hb + data
    return bytes(pre) + len(hb).to_bytes(4, "little") + hb + data


HEADER_EDITS = [
    ("dup-descr", lambda h: h.replace("{", "{'descr': '<i4', ", 1)),
    ("dup-descr-after", lambda h: h.replace("}", "'descr': '|u1', }", 1)),
    ("dup-shape", lambda h: h.replace("{", "{'shape': (1,), ", 1)),
    ("double-quotes", lambda h: h.replace("'", '"')),
    ("mixed-quotes", lambda h: h.replace("'descr'", '"descr"')),
    ("no-descr", lambda h: h.replace("'descr':", "'descx':")),
    ("no-shape", lambda h: h.replace("'shape':", "'shapf':")),
    ("extra-key", lambda h: h.replace("}", "'extra': 1, }", 1)),
    ("shape-huge", lambda h: h.replace("'shape': (", "'shape': (1000000000000, ", 1)),
    ("shape-2^62", lambda h: h.replace("'shape': (", "'shape': (4611686018427387904, 4, ", 1)),
    ("shape-2^31", lambda h: h.replace("'shape': (", "'shape': (2147483648, ", 1)),
    ("shape-negative", lambda h: h.replace("'shape': (", "'shape': (-1, ", 1)),
    ("shape-true", lambda h: h.replace("'shape': (", "'shape': (True, ", 1)),
    ("shape-float", lambda h: h.replace("'shape': (", "'shape': (2.0, ", 1)),
    ("shape-int", lambda h: h.replace("'shape': (", "'shape': 3, 'x': (", 1)),
    ("shape-list", lambda h: h.replace("'shape': (", "'shape': [", 1).replace("), }", "], }", 1)),
    ("shape-L", lambda h: h.replace(",)", "L,)", 1).replace(", 3)", ", 3L)")),
    ("shape-hex", lambda h: h.replace("'shape': (", "'shape': (0x1, ", 1)),
    ("shape-underscore", lambda h: h.replace("'shape': (", "'shape': (1_0, ", 1)),
    ("shape-leading-zero", lambda h: h.replace("'shape': (", "'shape': (01, ", 1)),
    ("shape-parens", lambda h: h.replace("'shape': (", "'shape': ((1), ", 1)),
    ("shape-empty", lambda h: h.replace("'shape': (", "'shape': (), 'z': (", 1)),
    ("fortran-1", lambda h: h.replace("False", "1").replace("True", "1")),
    ("fortran-str", lambda h: h.replace("False", "'False'")),
    ("fortran-flip", lambda h: h.replace("False", "TRUE_").replace("True", "False").replace("TRUE_", "True")),
    ("descr-f8", lambda h: h.replace("f4", "f8").replace("i4", "i8")),
    ("descr-big", lambda h: h.replace("'<", "'>")),
    ("descr-noorder", lambda h: h.replace("'<", "'").replace("'|", "'")),
    ("descr-native", lambda h: h.replace("'<", "'=")),
    ("descr-list", lambda h: h.replace("'descr': '", "'descr': ['", 1).replace("', 'fortran", "'], 'fortran", 1)),
    ("descr-name", lambda h: h.replace("'<f4'", "'float32'").replace("'|b1'", "'?'").replace("'<i8'", "'int64'")),
    ("descr-escape", lambda h: h.replace("'<", "'\\x3c", 1)),
    ("descr-concat", lambda h: h.replace("'<", "'<' '", 1)),
    ("descr-u-prefix", lambda h: h.replace("'descr': '", "'descr': u'", 1)),
    ("descr-bytes", lambda h: h.replace("'descr': '", "'descr': b'", 1)),
    ("descr-space", lambda h: h.replace("'descr': '", "'descr': ' ", 1)),
    ("comment", lambda h: h.replace("}", "} # trt4j", 1)),
    ("trailing-text", lambda h: h.replace("}", "} x", 1)),
    ("not-dict", lambda h: h.replace("{", "[", 1).replace("}", "]", 1)),
    ("set-like", lambda h: h.replace("'descr': ", "'descr', ", 1)),
    ("unterminated", lambda h: h.replace("'descr'", "'descr", 1)),
    ("nested-deep", lambda h: h.replace("'shape': (", "'shape': " + "(" * 60 + "1" + ",)" * 60 + ", 'z': (", 1)),
    ("newlines", lambda h: h.replace(", ", ",\n ")),
    ("tabs", lambda h: h.replace(" ", "\t")),
    ("no-trailing-newline", lambda h: h.rstrip("\n") + " "),
    ("none-value", lambda h: h.replace("False", "None")),
    ("unicode-key", lambda h: h.replace("'descr'", "'dęscr'")),
    ("header-pad-10k", lambda h: h.rstrip("\n") + " " * 10050 + "\n"),
    ("header-pad-9k", lambda h: h.rstrip("\n") + " " * 9000 + "\n"),
    ("swap-keys", lambda h: reordered(h)),
]


def reordered(h):
    import ast
    d = ast.literal_eval(h)
    return "{" + ", ".join("%r: %r" % (k, d[k]) for k in reversed(list(d))) + "}\n"


def header_edit(b):
    pre, h, data, major = split(b)
    name, f = R.choice(HEADER_EDITS)
    h2 = f(h)
    if name == "header-pad-10k" or name == "header-pad-9k":
        major = R.choice([2, 3])
    return join(pre, h2, data, major), "header:" + name


TOKEN_CHARS = "'\",:(){}[] \\L#\nx0-.e1jubrT_"


def header_token(b):
    """Character-level edits of the header text: fuzzes the literal parser against literal_eval."""
    pre, h, data, major = split(b)
    body = h.rstrip(" \n")
    chars = list(body)
    for _ in range(R.choice([1, 1, 2, 3])):
        op = R.choice(["del", "ins", "rep"])
        i = R.randrange(len(chars) + (1 if op == "ins" else 0)) if chars or op == "ins" else 0
        if op == "del" and chars:
            del chars[i]
        elif op == "ins":
            chars.insert(i, R.choice(TOKEN_CHARS))
        elif chars:
            chars[i] = R.choice(TOKEN_CHARS)
    return join(pre, "".join(chars) + h[len(body):], data, major), "header:token"


def length_edit(b):
    pre, h, data, major = split(b)
    hb = h.encode("latin1" if major < 3 else "utf8")
    kind = R.choice(["len+1", "len-1", "len+16", "len-8", "len0", "v2-as-u16", "v1-as-v2", "len-2^31",
                     "len-ffffffff", "len-2^31-1", "version-4", "minor-1", "version-0"])
    if kind.startswith("len") and not kind.startswith("len-2") and kind != "len-ffffffff":
        delta = {"len+1": 1, "len-1": -1, "len+16": 16, "len-8": -8, "len0": -len(hb)}[kind]
        n = max(0, len(hb) + delta)
        body = (b"\x93NUMPY" + bytes([major, 0]) + (n.to_bytes(2, "little") if major == 1 else n.to_bytes(4, "little")))
        return body + hb + data, "length:" + kind
    if kind == "v2-as-u16":  # a version 2 file whose length is written as 16 bits (the old bug's mirror)
        return b"\x93NUMPY\x02\x00" + len(hb).to_bytes(2, "little") + hb + data, "length:" + kind
    if kind == "v1-as-v2":
        return b"\x93NUMPY\x01\x00" + len(hb).to_bytes(4, "little") + hb + data, "length:" + kind
    if kind in ("len-2^31", "len-ffffffff", "len-2^31-1"):
        n = {"len-2^31": 1 << 31, "len-ffffffff": 0xFFFFFFFF, "len-2^31-1": (1 << 31) - 1}[kind]
        return b"\x93NUMPY\x02\x00" + n.to_bytes(4, "little") + hb + data, "length:" + kind
    v = {"version-4": (4, 0), "minor-1": (major, 1), "version-0": (0, 0)}[kind]
    return b"\x93NUMPY" + bytes(v) + (len(hb).to_bytes(2, "little") if v[0] <= 1 else len(hb).to_bytes(4, "little")) + hb + data, "length:" + kind


def data_edit(b):
    kind = R.choice(["append1", "append64", "drop1", "drop-half", "double"])
    pre, h, data, major = split(b)
    head = b[:len(b) - len(data)]
    if kind == "append1":
        return b + b"\x00", "data:" + kind
    if kind == "append64":
        return b + bytes(R.randrange(256) for _ in range(64)), "data:" + kind
    if kind == "drop1":
        return b[:-1], "data:" + kind
    if kind == "drop-half":
        return head + data[:len(data) // 2], "data:" + kind
    return head + data + data, "data:" + kind


def truncate(b):
    return b[:R.randrange(0, len(b))], "truncate"


def bitflip(b, header_only=False):
    b = bytearray(b)
    lim = min(len(b), 128) if header_only else len(b)
    for _ in range(R.choice([1, 1, 2, 3])):
        i = R.randrange(lim)
        b[i] ^= 1 << R.randrange(8)
    return bytes(b), "bitflip" + (":header" if header_only else "")


def garbage():
    kind = R.choice(["random", "empty", "magic-only", "magic-version", "zeros"])
    if kind == "random":
        return bytes(R.randrange(256) for _ in range(R.randrange(1, 300))), "garbage:random"
    if kind == "empty":
        return b"", "garbage:empty"
    if kind == "magic-only":
        return b"\x93NUMPY", "garbage:magic-only"
    if kind == "magic-version":
        return b"\x93NUMPY\x01\x00", "garbage:magic-version"
    return bytes(R.randrange(0, 200)), "garbage:zeros"


def make_npy():
    r = R.random()
    base, label = valid_npy()
    if r < 0.26:
        return base, label
    if r < 0.44:
        return header_edit(base)
    if r < 0.55:
        return header_token(base)
    if r < 0.65:
        return length_edit(base)
    if r < 0.73:
        return data_edit(base)
    if r < 0.80:
        return truncate(base)
    if r < 0.92:
        return bitflip(base, header_only=R.random() < 0.6)
    return garbage()


def canon(a):
    a = np.array(a, order="C", copy=True)  # ascontiguousarray would make a 0-d array 1-d
    if a.dtype.kind == "b":
        raw = (a.view(np.uint8) != 0).astype(np.uint8).tobytes()
    elif a.dtype.kind in "OV":
        raw = b""
    else:
        raw = a.astype(a.dtype.newbyteorder("<")).tobytes()
    return "%s|%s|%s" % (a.dtype.name, ",".join(map(str, a.shape)), hashlib.sha256(raw).hexdigest())


def clean(s):
    return " ".join(str(s).split())[:300]


def oracle_npy(path):
    try:
        a = np.load(path, allow_pickle=False)
        if not isinstance(a, np.ndarray):
            return "error", "numpy returned %s" % type(a).__name__
        return "ok", "-|" + canon(a)
    except BaseException as e:  # noqa: BLE001 -- every refusal is a verdict
        return "error", clean("%s: %s" % (type(e).__name__, e))


def oracle_npz(path):
    try:
        with np.load(path, allow_pickle=False) as z:
            if not isinstance(z, np.lib.npyio.NpzFile):
                return "error", "not an archive to numpy (%s)" % type(z).__name__
            parts = []
            for k in z.files:
                v = z[k]
                if not isinstance(v, np.ndarray):
                    return "error", clean("entry %r is not an NPY array (numpy returns %s)" % (k, type(v).__name__))
                parts.append(k.replace("|", "/") + "|" + canon(v))
            return "ok", " ; ".join(parts) if parts else "(empty)"
    except BaseException as e:  # noqa: BLE001
        return "error", clean("%s: %s" % (type(e).__name__, e))


NAMES = ["a", "x", "arr_0", "weights", "eye.index", "ünï", "b c"]


def zip_of(entries, compress):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED) as z:
        for name, data in entries:
            z.writestr(name, data)
    return buf.getvalue()


def valid_npz():
    n = R.choice([0, 1, 1, 2, 3, 4])
    names = R.sample(NAMES, n)
    entries = []
    for name in names:
        dtype = R.choice(DTYPES[:11])
        a = rand_array(dtype, R.choice(SHAPES[:12]))
        entries.append((name + ".npy", npy_bytes(a, R.choice([None, (2, 0)]), a.ndim > 1 and R.random() < 0.3)))
    compress = R.random() < 0.5
    return entries, compress, "valid:%d%s" % (n, ":deflate" if compress else ":stored")


def make_npz():
    entries, compress, label = valid_npz()
    r = R.random()
    if r < 0.25:
        return zip_of(entries, compress), label
    if r < 0.35 and entries:
        e = entries[0]
        return zip_of(entries + [e], compress), "zip:duplicate-name"
    if r < 0.42:
        return zip_of(entries + [("notes.txt", b"hello")], compress), "zip:non-npy-entry"
    if r < 0.45:
        return zip_of(entries + [("dir/", b"")], compress), "zip:directory-entry"
    if r < 0.55 and entries:
        i = R.randrange(len(entries))
        bad, how = R.choice([header_edit, length_edit, data_edit, truncate, bitflip])(entries[i][1])
        entries[i] = (entries[i][0], bad)
        return zip_of(entries, compress), "zip:inner-" + how.split(":")[0]
    if r < 0.60:
        # Zeros that deflate ~1000:1: a small zip bomb within the default limits.
        a = np.zeros((R.choice([1, 4, 16]) << 18,), dtype="<f4")
        return zip_of([("zeros.npy", npy_bytes(a))], True), "zip:zeros-bomb"
    z = zip_of(entries, compress)
    if r < 0.75:
        return z[:R.randrange(0, len(z))] if z else z, "zip:truncate"
    if r < 0.93:
        return bitflip(z)[0], "zip:bitflip"
    return garbage()[0] if R.random() < 0.5 else b"PK\x05\x06" + bytes(18), "zip:garbage-or-empty-eocd"


def main():
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    tmp = "/tmp/npyfuzz-case"
    rows = []
    counts = {}
    with zipfile.ZipFile(OUT + ".tmp", "w", zipfile.ZIP_DEFLATED) as out:
        for kind, n, make, oracle in (("npy", N_NPY, make_npy, oracle_npy), ("npz", N_NPZ, make_npz, oracle_npz)):
            for i in range(n):
                data, label = make()
                with open(tmp, "wb") as f:
                    f.write(data)
                verdict, detail = oracle(tmp)
                name = "%s/%05d.%s" % (kind, i, kind)
                out.writestr(name, data)
                rows.append("\t".join([name, kind, label, verdict, detail]))
                counts[(kind, verdict)] = counts.get((kind, verdict), 0) + 1
        out.writestr("manifest.tsv", "\n".join(rows) + "\n")
    os.replace(OUT + ".tmp", OUT)
    os.remove(tmp)
    print("wrote %s (%d bytes): %s" % (OUT, os.path.getsize(OUT), sorted(counts.items())))


if __name__ == "__main__":
    sys.exit(main())
