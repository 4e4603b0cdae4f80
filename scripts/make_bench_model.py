"""Writes models/bench/conv_large_out.onnx: a small convolutional model whose output is large
(batch 2, 3x96x96 in, 32x96x96 float32 out = 2.4 MB), to measure how a runtime's per-call cost
grows with the bytes it copies back. Weights are seeded random values; numbers don't matter here.

    python3 scripts/make_bench_model.py        (needs numpy and onnx)
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

rng = np.random.default_rng(7)


def conv(name, cin, cout, inp, out):
    w = numpy_helper.from_array((rng.standard_normal((cout, cin, 3, 3)) * 0.2).astype(np.float32), name + ".w")
    b = numpy_helper.from_array((rng.standard_normal(cout) * 0.1).astype(np.float32), name + ".b")
    node = helper.make_node("Conv", [inp, w.name, b.name], [out], pads=[1, 1, 1, 1], kernel_shape=[3, 3])
    return node, [w, b]


nodes, inits = [], []
for name, cin, cout, i, o in [("c1", 3, 16, "x", "h1"), ("c2", 16, 32, "r1", "y")]:
    n, w = conv(name, cin, cout, i, o)
    nodes.append(n)
    inits += w
    if o == "h1":
        nodes.append(helper.make_node("Relu", ["h1"], ["r1"]))
graph = helper.make_graph(
    nodes, "conv_large_out",
    [helper.make_tensor_value_info("x", TensorProto.FLOAT, [2, 3, 96, 96])],
    [helper.make_tensor_value_info("y", TensorProto.FLOAT, [2, 32, 96, 96])],
    inits)
model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)], producer_name="trt4j")
model.ir_version = 8
onnx.checker.check_model(model)
out = os.path.join(os.path.dirname(__file__), "..", "models", "bench", "conv_large_out.onnx")
os.makedirs(os.path.dirname(out), exist_ok=True)
onnx.save(model, out)
print("wrote", os.path.normpath(out), os.path.getsize(out), "bytes")
