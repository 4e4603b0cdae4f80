#!/usr/bin/env python3
"""Compares a run's outputs with the corpus references, as corpus.json says (the same checks that
CorpusGpuTest makes in Java), and answers scripts/gpu/corpus.sh's questions about the corpus.

    compare.py entries CORPUS_DIR               one line per model: NAME|BUILD_FLAGS|LOAD_FLAGS|
                                                BENCH_SHAPES|CPP_REF(0/1)|FIRST_CASE
    compare.py split CORPUS_DIR NAME CASE DIR   writes the case's inputs as DIR/INPUT.npy and prints
                                                the CLI's -i arguments
    compare.py check CORPUS_DIR NAME CASE DIR   compares DIR/OUTPUT.npy (as `trt4j run` writes them)
                                                with the reference; prints key=value; exit 1 if off

Checks (each names its outputs; "outputs" in corpus.json lists which check covers each output):
  allclose    |got - want| <= atol + atol_rel * max|want| + rtol * |want| for every element, and
              cosine(got, want) >= cos_min when given. atol_rel scales with the output's range
              (random-weight logits can be large), so one number fits every case.
  nms_set     ONNX NonMaxSuppression: the rows (batch, class, box) of `indices` equal as a SET
              (TensorRT may order them differently and may output int32 or int64); each gathered
              output's row equals the reference row with the same triple within its atol/rtol.
  detections  EfficientNMS_TRT: `count` equal; the first count detections equal as a set of
              (class, box within box_atol, score within score_atol).
"""
import json
import os
import re
import sys

import numpy as np


def load_corpus(d):
    with open(os.path.join(d, "corpus.json")) as f:
        return json.load(f)


def entry(corpus, name):
    for m in corpus["models"]:
        if m["name"] == name:
            return m
    raise SystemExit(f"no model {name} in corpus.json")


def case_of(m, case):
    for c in m["cases"]:
        if c["name"] == case:
            return c
    raise SystemExit(f"no case {case} for {m['name']}")


def allclose(got, want, chk):
    got = np.asarray(got, np.float64).ravel()
    want = np.asarray(want, np.float64).ravel()
    r = {"max_abs": 0.0, "range": float(np.max(np.abs(want))) if want.size else 0.0, "cos": 1.0}
    if got.shape != want.shape:
        return False, dict(r, why=f"shape {got.shape} != {want.shape}")
    if want.size == 0:
        return True, r
    err = np.abs(got - want)
    r["max_abs"] = float(np.max(err))
    r["rel_to_range"] = r["max_abs"] / max(r["range"], 1e-30)
    tol = chk.get("atol", 0.0) + chk.get("atol_rel", 0.0) * r["range"] + chk.get("rtol", 0.0) * np.abs(want)
    bad = int(np.count_nonzero(~(err <= tol)))  # NaN counts as bad
    ng, nw = np.linalg.norm(got), np.linalg.norm(want)
    r["cos"] = float(got @ want / (ng * nw)) if ng > 0 and nw > 0 else float(ng == nw)
    r["bad"] = bad
    ok = bad == 0 and r["cos"] >= chk.get("cos_min", -1.0)
    return ok, r


def nms_set(out, ref, chk):
    gi = np.asarray(out[chk["indices"]]).astype(np.int64).reshape(-1, 3)
    wi = np.asarray(ref[chk["indices"]]).astype(np.int64).reshape(-1, 3)
    gset = {tuple(r) for r in gi.tolist()}
    wset = {tuple(r) for r in wi.tolist()}
    r = {"k_got": len(gi), "k_want": len(wi), "missing": len(wset - gset), "extra": len(gset - wset),
         "dup": len(gi) - len(gset)}
    ok = gset == wset and r["dup"] == 0
    if ok:
        pos = {t: j for j, t in enumerate(map(tuple, gi.tolist()))}
        order = [pos[t] for t in map(tuple, wi.tolist())]
        for name, tol in chk.get("rows", {}).items():
            g = np.asarray(out[name], np.float64)
            w = np.asarray(ref[name], np.float64)
            if g.shape[0] != len(gi):
                return False, dict(r, why=f"{name} has {g.shape[0]} rows, indices {len(gi)}")
            o, rr = allclose(g[order] if len(order) else g, w, tol)
            r[name + "_max_abs"] = rr["max_abs"]
            ok &= o
    return ok, r


def detections(out, ref, chk):
    n_got = int(np.asarray(out[chk["count"]]).ravel()[0])
    n_want = int(np.asarray(ref[chk["count"]]).ravel()[0])
    r = {"n_got": n_got, "n_want": n_want, "unmatched": 0}
    if n_got != n_want:
        return False, r
    gb = np.asarray(out[chk["boxes"]]).reshape(-1, 4)[:n_got]
    gs = np.asarray(out[chk["scores"]]).ravel()[:n_got]
    gc = np.asarray(out[chk["classes"]]).ravel()[:n_got]
    wb = np.asarray(ref[chk["boxes"]]).reshape(-1, 4)[:n_want]
    ws = np.asarray(ref[chk["scores"]]).ravel()[:n_want]
    wc = np.asarray(ref[chk["classes"]]).ravel()[:n_want]
    used = np.zeros(n_got, bool)
    worst_box = worst_score = 0.0
    for j in range(n_want):
        cand = [i for i in range(n_got) if not used[i] and gc[i] == wc[j]
                and np.max(np.abs(gb[i] - wb[j])) <= chk["box_atol"]
                and abs(gs[i] - ws[j]) <= chk["score_atol"]]
        if not cand:
            r["unmatched"] += 1
            continue
        i = min(cand, key=lambda i: np.max(np.abs(gb[i] - wb[j])))
        used[i] = True
        worst_box = max(worst_box, float(np.max(np.abs(gb[i] - wb[j]))))
        worst_score = max(worst_score, float(abs(gs[i] - ws[j])))
    r["box_max_abs"], r["score_max_abs"] = worst_box, worst_score
    return r["unmatched"] == 0, r


def check_all(m, out, ref):
    """(ok, [(check description, ok, metrics)]) for every check of model m."""
    results, ok = [], True
    for chk in m["checks"]:
        kind = chk["kind"]
        if kind == "allclose":
            o, r = allclose(out[chk["output"]], ref[chk["output"]], chk)
            what = chk["output"]
        elif kind == "nms_set":
            o, r = nms_set(out, ref, chk)
            what = chk["indices"]
        elif kind == "detections":
            o, r = detections(out, ref, chk)
            what = chk["count"]
        else:
            raise SystemExit(f"unknown check kind {kind}")
        results.append((f"{kind}:{what}", o, r))
        ok &= o
    return ok, results


def file_stem(name):
    """RunCommand.fileName: characters other than [A-Za-z0-9._-] become '_'."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", name)


def fmt(v):
    return f"{v:.4g}" if isinstance(v, float) else str(v)


def main(argv):
    cmd, d = argv[1], argv[2]
    corpus = load_corpus(d)
    if cmd == "entries":
        for m in corpus["models"]:
            print("|".join([m["name"], " ".join(m["cli"]["build"]), " ".join(m["cli"]["load"]),
                            m["cli"]["bench_shapes"], "1" if m["cli"]["cpp_ref"] else "0",
                            m["cases"][0]["name"]]))
        return 0
    m = entry(corpus, argv[3])
    c = case_of(m, argv[4])
    target = argv[5]
    if cmd == "split":
        os.makedirs(target, exist_ok=True)
        args = []
        with np.load(os.path.join(d, c["in"])) as z:
            for k in z.files:
                p = os.path.join(target, file_stem(k) + ".npy")
                np.save(p, z[k])
                args += ["-i", f"{k}={p}"]
        print(" ".join(args))
        return 0
    if cmd == "check":
        with np.load(os.path.join(d, c["ref"])) as z:
            ref = {k: z[k] for k in z.files}
        out = {}
        for o in m["outputs"]:
            p = os.path.join(target, file_stem(o["name"]) + ".npy")
            if os.path.exists(p):
                out[o["name"]] = np.load(p)
        ok, results = check_all(m, out, ref)
        for what, o, r in results:
            print(f"cli_check model={m['name']} case={c['name']} check={what} ok={int(o)} "
                  + " ".join(f"{k}={fmt(v)}" for k, v in r.items()))
        return 0 if ok else 1
    raise SystemExit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
