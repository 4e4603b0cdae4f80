#!/usr/bin/env python3
"""Writes the two ONNX models the scale-out measurements use (issue 9) into a folder.

    python3 scripts/make_bench_models.py /root/gpu-keep/bench

  scale.onnx  x float[1,N] -> y = 2x, N dynamic: the "local binding path" next to KServeBenchmark's
              gRPC/REST figures (build with --shapes x:1x256/1x76800/1x786432: 1 KiB .. 3 MiB).
  mlp.onnx    x float[B,256] -> 1024 -> relu -> 1024 -> relu -> y float[B,16], B dynamic: the
              Spark throughput runs (build with --shapes x:1x256/64x256/256x256).
Runs with torch and onnx (the GPU host has them).
"""
import os
import sys

import onnx
import torch
from torch import nn


class Scale(nn.Module):
    def forward(self, x):
        return x * 2.0


def export(module, example, path, axes):
    kwargs = dict(input_names=["x"], output_names=["y"], opset_version=17, dynamic_axes=axes)
    try:
        torch.onnx.export(module, (example,), path, dynamo=False, **kwargs)
    except TypeError:
        torch.onnx.export(module, (example,), path, **kwargs)
    onnx.checker.check_model(onnx.load(path))


def main(out):
    os.makedirs(out, exist_ok=True)
    torch.manual_seed(9)
    export(Scale().eval(), torch.zeros(1, 256), os.path.join(out, "scale.onnx"), {"x": {1: "n"}, "y": {1: "n"}})
    mlp = nn.Sequential(nn.Linear(256, 1024), nn.ReLU(), nn.Linear(1024, 1024), nn.ReLU(), nn.Linear(1024, 16)).eval()
    export(mlp, torch.zeros(4, 256), os.path.join(out, "mlp.onnx"), {"x": {0: "b"}, "y": {0: "b"}})
    print("wrote", sorted(os.listdir(out)))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "bench-models")
