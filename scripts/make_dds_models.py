#!/usr/bin/env python3
"""Writes models/test/nonzero.onnx: outputs whose shapes only a run gives (data-dependent), for
trt4j's DataDependentGpuTest. Needs only the onnx package:
    python3 scripts/make_dds_models.py models/test

x float[n] in (n dynamic; the test builds it with n in 1..4096);
indices int64[k,1]  the positions of x's non-zero elements (NonZero, transposed), k data-dependent;
values  float[k]    those elements (Gather at the positions), k data-dependent;
relu    float[n]    max(x, 0): a shape the input gives, to mix both kinds.
The GPU test computes the expected outputs in Java, not with this script.
"""
import os
import sys

import onnx
from onnx import TensorProto, helper


def main(out_dir):
    nodes = [
        helper.make_node("NonZero", ["x"], ["nz"], name="nonzero"),
        helper.make_node("Transpose", ["nz"], ["indices"], name="transpose", perm=[1, 0]),
        helper.make_node("Squeeze", ["nz", "axis0"], ["positions"], name="squeeze"),
        helper.make_node("Gather", ["x", "positions"], ["values"], name="gather", axis=0),
        helper.make_node("Relu", ["x"], ["relu"], name="relu"),
    ]
    graph = helper.make_graph(
        nodes, "nonzero",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["n"])],
        [helper.make_tensor_value_info("indices", TensorProto.INT64, ["k", 1]),
         helper.make_tensor_value_info("values", TensorProto.FLOAT, ["k"]),
         helper.make_tensor_value_info("relu", TensorProto.FLOAT, ["n"])],
        initializer=[helper.make_tensor("axis0", TensorProto.INT64, [1], [0])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="trt4j make_dds_models.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(out_dir, "nonzero.onnx")
    onnx.save(model, path)
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "models/test")
