#!/usr/bin/env python3
"""Writes trt4j's test ONNX models and their reference inputs/outputs (.npy) into a folder.

Run on a machine with torch, onnx, onnxruntime and numpy (the GPU host has them):
    python3 scripts/make_test_models.py models/test

References come from ONNX Runtime on the CPU, independently of TensorRT. Models:
  seed       GazeML-like: inputs eye_index int64[2], eye float[2,36,60,1], frame_index int64[2];
             outputs landmarks[2,18,2], radius[2,1], heatmaps[2,36,60,18] and pass-through
             eye, frame_index, eye_index (TensorRT renames those inputs __eye, ...).
  dynamic    x float[-1,16] -> y float[-1,4], references for batch 1, 7 and 16.
  mixed      h float16[4,8] -> h2 float16, floor4 int32, argmax int64, positive bool.
  single     input float[1,3,16,16] -> output float[1,4,16,16].
"""
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort
import torch
from torch import nn

OPSET = 17


def export(module, args, path, input_names, output_names, dynamic_axes=None):
    kwargs = dict(input_names=input_names, output_names=output_names, opset_version=OPSET,
                  dynamic_axes=dynamic_axes, do_constant_folding=True)
    try:
        torch.onnx.export(module, args, path, dynamo=False, **kwargs)
    except TypeError:
        torch.onnx.export(module, args, path, **kwargs)
    onnx.checker.check_model(onnx.load(path))


def run_ort(path, feeds):
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    names = [o.name for o in sess.get_outputs()]
    return dict(zip(names, sess.run(names, feeds)))


class SeedNet(nn.Module):
    """A tiny ELG-like network: heatmaps, soft-argmax landmarks and a radius head."""

    def __init__(self):
        super().__init__()
        self.c1 = nn.Conv2d(1, 8, 3, padding=1)
        self.c2 = nn.Conv2d(8, 18, 3, padding=1)
        self.fc = nn.Linear(18, 1)

    def forward(self, eye):  # eye: N,36,60,1 (NHWC, as GazeML)
        x = eye.permute(0, 3, 1, 2)
        x = torch.relu(self.c1(x))
        hm = self.c2(x)  # N,18,36,60
        n, c, h, w = hm.shape
        prob = torch.softmax(hm.reshape(n, c, h * w) * 4.0, dim=-1).reshape(n, c, h, w)
        xs = torch.arange(w, dtype=torch.float32).reshape(1, 1, 1, w)
        ys = torch.arange(h, dtype=torch.float32).reshape(1, 1, h, 1)
        lx = (prob * xs).sum(dim=(2, 3))
        ly = (prob * ys).sum(dim=(2, 3))
        landmarks = torch.stack([lx, ly], dim=-1)  # N,18,2
        radius = self.fc(hm.mean(dim=(2, 3)))  # N,1
        return landmarks, radius, hm.permute(0, 2, 3, 1)


def make_seed(out, rng):
    path = os.path.join(out, "seed.onnx")
    torch.manual_seed(1)
    net = SeedNet().eval()
    eye = rng.uniform(-1, 1, size=(2, 36, 60, 1)).astype(np.float32)
    export(net, (torch.from_numpy(eye),), path, ["eye"], ["landmarks", "radius", "heatmaps"])
    ref = run_ort(path, {"eye": eye})
    m = onnx.load(path)
    g = m.graph
    eye_vi = [i for i in g.input if i.name == "eye"][0]
    idx = lambda name: onnx.helper.make_tensor_value_info(name, onnx.TensorProto.INT64, [2])
    inputs = [idx("eye_index"), eye_vi, idx("frame_index")]
    del g.input[:]
    g.input.extend(inputs)
    # Graph outputs with the names of graph inputs: pass-throughs, as GazeML's tf2onnx export has.
    g.output.extend([onnx.helper.make_tensor_value_info("eye", onnx.TensorProto.FLOAT, [2, 36, 60, 1]),
                     idx("frame_index"), idx("eye_index")])
    onnx.checker.check_model(m)
    onnx.save(m, path)
    eye_index = np.array([0, 1], dtype=np.int64)
    frame_index = np.array([41, 41], dtype=np.int64)
    np.save(os.path.join(out, "seed.in.eye.npy"), eye)
    np.save(os.path.join(out, "seed.in.eye_index.npy"), eye_index)
    np.save(os.path.join(out, "seed.in.frame_index.npy"), frame_index)
    for k, v in ref.items():
        np.save(os.path.join(out, f"seed.out.{k}.npy"), v)
    print("seed", {k: v.shape for k, v in ref.items()})


class DynNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.l1 = nn.Linear(16, 32)
        self.l2 = nn.Linear(32, 4)

    def forward(self, x):
        return self.l2(torch.tanh(self.l1(x)))


def make_dynamic(out, rng):
    path = os.path.join(out, "dynamic.onnx")
    torch.manual_seed(2)
    net = DynNet().eval()
    x = torch.zeros(3, 16)
    export(net, (x,), path, ["x"], ["y"], dynamic_axes={"x": {0: "batch"}, "y": {0: "batch"}})
    for b in (1, 7, 16):
        xb = rng.normal(size=(b, 16)).astype(np.float32)
        np.save(os.path.join(out, f"dynamic.in.x.b{b}.npy"), xb)
        np.save(os.path.join(out, f"dynamic.out.y.b{b}.npy"), run_ort(path, {"x": xb})["y"])
    print("dynamic ok")


class MixedNet(nn.Module):
    def forward(self, h):
        h2 = h * 2 + 1
        floor4 = torch.floor(h.float() * 4).to(torch.int32)
        argmax = torch.argmax(h, dim=1)
        positive = h > 0
        return h2, floor4, argmax, positive


def make_mixed(out, rng):
    path = os.path.join(out, "mixed.onnx")
    while True:
        h = rng.uniform(-2, 2, size=(4, 8)).astype(np.float16)
        if all(len(set(row.tolist())) == 8 for row in h):
            break
    export(MixedNet().eval(), (torch.from_numpy(h),), path, ["h"],
           ["h2", "floor4", "argmax", "positive"])
    ref = run_ort(path, {"h": h})
    np.save(os.path.join(out, "mixed.in.h.npy"), h)
    for k, v in ref.items():
        np.save(os.path.join(out, f"mixed.out.{k}.npy"), v)
    print("mixed", {k: (v.dtype, v.shape) for k, v in ref.items()})


class SingleNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c = nn.Conv2d(3, 4, 3, padding=1)

    def forward(self, x):
        return torch.relu(self.c(x))


def make_single(out, rng):
    path = os.path.join(out, "single.onnx")
    torch.manual_seed(3)
    x = rng.normal(size=(1, 3, 16, 16)).astype(np.float32)
    export(SingleNet().eval(), (torch.from_numpy(x),), path, ["input"], ["output"])
    np.save(os.path.join(out, "single.in.input.npy"), x)
    np.save(os.path.join(out, "single.out.output.npy"), run_ort(path, {"input": x})["output"])
    print("single ok")


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "models/test"
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(20261122)
    make_seed(out, rng)
    make_dynamic(out, rng)
    make_mixed(out, rng)
    make_single(out, rng)


if __name__ == "__main__":
    main()
