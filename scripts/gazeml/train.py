#!/usr/bin/env python3
"""Trains an ELG hourglass (GazeML's i60x36 model) on rendered eyes and exports it to ONNX.

    python3 train.py OUT_DIR [--steps N] [--train-count N]

Writes OUT_DIR/elg.onnx with the nine bindings of GazeML's tf2onnx export (inputs eye_index int64[2],
eye float[2,36,60,1] NHWC, frame_index int64[2]; outputs landmarks[2,18,2], radius[2,1],
heatmaps[2,36,60,18] and pass-through eye, frame_index, eye_index), OUT_DIR/heldout.npz (rendered
eyes never trained on, with labels) and OUT_DIR/train_log.txt.

The network input is GazeML's: equalizeHist(patch) * 2/255 - 1, NHWC.
"""
import argparse
import math
import os
import time
from multiprocessing import Pool

import cv2
import numpy as np
import onnx
import torch
import torch.nn.functional as F
from torch import nn

import render

H, W, L = 36, 60, 18
BETA = 50.0  # soft-argmax sharpness


def normalise(eyes_u8):
    """GazeML's preprocessing: histogram equalisation, then [-1, 1]."""
    eq = np.stack([cv2.equalizeHist(e) for e in eyes_u8])
    return eq.astype(np.float32) * (2.0 / 255.0) - 1.0


class Residual(nn.Module):
    def __init__(self, cin, cout):
        super().__init__()
        mid = cout // 2
        self.bn1, self.c1 = nn.BatchNorm2d(cin), nn.Conv2d(cin, mid, 1)
        self.bn2, self.c2 = nn.BatchNorm2d(mid), nn.Conv2d(mid, mid, 3, padding=1)
        self.bn3, self.c3 = nn.BatchNorm2d(mid), nn.Conv2d(mid, cout, 1)
        self.skip = nn.Conv2d(cin, cout, 1) if cin != cout else None

    def forward(self, x):
        y = self.c1(F.relu(self.bn1(x)))
        y = self.c2(F.relu(self.bn2(y)))
        y = self.c3(F.relu(self.bn3(y)))
        return y + (x if self.skip is None else self.skip(x))


class Hourglass(nn.Module):
    def __init__(self, ch, depth):
        super().__init__()
        self.up = Residual(ch, ch)
        self.down = Residual(ch, ch)
        self.inner = Hourglass(ch, depth - 1) if depth > 1 else Residual(ch, ch)
        self.after = Residual(ch, ch)

    def forward(self, x):
        skip = self.up(x)
        y = F.max_pool2d(x, 2, ceil_mode=True)
        y = self.after(self.inner(self.down(y)))
        y = F.interpolate(y, size=skip.shape[-2:], mode="nearest")
        return skip + y


class ELG(nn.Module):
    """Eye region landmarks: hourglass stacks -> 18 heatmaps -> soft-argmax -> landmarks, radius."""

    def __init__(self, stacks=3, ch=32):
        super().__init__()
        self.pre = nn.Sequential(nn.Conv2d(1, ch, 7, padding=3), nn.BatchNorm2d(ch), nn.ReLU(),
                                 Residual(ch, ch), Residual(ch, ch))
        self.hgs = nn.ModuleList([Hourglass(ch, 3) for _ in range(stacks)])
        self.feat = nn.ModuleList([nn.Sequential(Residual(ch, ch), nn.Conv2d(ch, ch, 1),
                                                 nn.BatchNorm2d(ch), nn.ReLU()) for _ in range(stacks)])
        self.heads = nn.ModuleList([nn.Conv2d(ch, L, 1) for _ in range(stacks)])
        self.merge_f = nn.ModuleList([nn.Conv2d(ch, ch, 1) for _ in range(stacks - 1)])
        self.merge_h = nn.ModuleList([nn.Conv2d(L, ch, 1) for _ in range(stacks - 1)])
        self.radius = nn.Sequential(nn.Linear(2 * L, 100), nn.ReLU(), nn.Linear(100, 100), nn.ReLU(),
                                    nn.Linear(100, 1))
        ys = torch.arange(H, dtype=torch.float32).view(1, 1, H, 1)
        xs = torch.arange(W, dtype=torch.float32).view(1, 1, 1, W)
        self.register_buffer("xs", xs)
        self.register_buffer("ys", ys)

    def forward(self, x):  # x: N,1,H,W
        x = self.pre(x)
        maps = []
        for k, hg in enumerate(self.hgs):
            f = self.feat[k](hg(x))
            hm = self.heads[k](f)
            maps.append(hm)
            if k < len(self.hgs) - 1:
                x = x + self.merge_f[k](f) + self.merge_h[k](hm)
        hm = maps[-1]
        n = hm.shape[0]
        prob = torch.softmax(hm.reshape(n, L, H * W) * BETA, dim=-1).reshape(n, L, H, W)
        lx = (prob * self.xs).sum(dim=(2, 3))
        ly = (prob * self.ys).sum(dim=(2, 3))
        lms = torch.stack([lx, ly], dim=-1)
        norm = (lms - torch.tensor([W / 2, H / 2], device=lms.device)) / torch.tensor([W / 2, H / 2], device=lms.device)
        radius = self.radius(norm.reshape(n, 2 * L))
        return maps, lms, radius


def gaussian_maps(lms, sigma=1.5):
    """Target heatmaps: a unit Gaussian at each landmark. lms: N,L,2 (torch)."""
    ys = torch.arange(H, device=lms.device, dtype=torch.float32).view(1, 1, H, 1)
    xs = torch.arange(W, device=lms.device, dtype=torch.float32).view(1, 1, 1, W)
    dx = xs - lms[..., 0].unsqueeze(-1).unsqueeze(-1)
    dy = ys - lms[..., 1].unsqueeze(-1).unsqueeze(-1)
    return torch.exp(-(dx * dx + dy * dy) / (2 * sigma * sigma))


def gaze_from_landmarks(lms, radius):
    """GazeML's demo: pitch and yaw from iris centre (16), eyeball centre (17) and radius."""
    i, e = lms[:, 16], lms[:, 17]
    theta = -np.arcsin(np.clip((i[:, 1] - e[:, 1]) / radius, -1, 1))
    phi = np.arcsin(np.clip((i[:, 0] - e[:, 0]) / (radius * -np.cos(theta)), -1, 1))
    return np.stack([theta, phi], axis=1)


def angular_error_deg(a, b):
    def vec(py):
        return np.stack([-np.cos(py[:, 0]) * np.sin(py[:, 1]), -np.sin(py[:, 0]),
                         -np.cos(py[:, 0]) * np.cos(py[:, 1])], axis=1)
    va, vb = vec(a), vec(b)
    cos = np.sum(va * vb, axis=1) / (np.linalg.norm(va, axis=1) * np.linalg.norm(vb, axis=1))
    return np.degrees(np.arccos(np.clip(cos, -1, 1)))


def _render_chunk(args):
    count, seed = args
    return render.render_many(count, seed)


def make_data(count, seed, workers=16):
    chunks = [(count // workers + (1 if k < count % workers else 0), seed * 1000 + k) for k in range(workers)]
    with Pool(workers) as pool:
        parts = pool.map(_render_chunk, chunks)
    return [np.concatenate([p[j] for p in parts]) for j in range(4)]


class Export(nn.Module):
    """NHWC in, NHWC heatmaps out, as GazeML's export."""

    def __init__(self, net):
        super().__init__()
        self.net = net

    def forward(self, eye):
        maps, lms, radius = self.net(eye.permute(0, 3, 1, 2))
        return lms, radius, maps[-1].permute(0, 2, 3, 1)


def export_onnx(net, path):
    net = net.eval().cpu()
    example = torch.zeros(2, H, W, 1)
    kwargs = dict(input_names=["eye"], output_names=["landmarks", "radius", "heatmaps"], opset_version=17)
    try:
        torch.onnx.export(Export(net), (example,), path, dynamo=False, **kwargs)
    except TypeError:
        torch.onnx.export(Export(net), (example,), path, **kwargs)
    m = onnx.load(path)
    g = m.graph
    eye_vi = [i for i in g.input if i.name == "eye"][0]
    idx = lambda name: onnx.helper.make_tensor_value_info(name, onnx.TensorProto.INT64, [2])
    inputs = [idx("eye_index"), eye_vi, idx("frame_index")]
    del g.input[:]
    g.input.extend(inputs)
    g.output.extend([onnx.helper.make_tensor_value_info("eye", onnx.TensorProto.FLOAT, [2, H, W, 1]),
                     idx("frame_index"), idx("eye_index")])
    onnx.checker.check_model(m)
    os.replace(path, path + ".plain")  # without pass-throughs, for ONNX Runtime
    onnx.save(m, path)


def evaluate(net, eyes, lms, radius, gaze, device):
    net.eval()
    out_l, out_r = [], []
    with torch.no_grad():
        for k in range(0, len(eyes), 512):
            x = torch.from_numpy(normalise(eyes[k:k + 512])).unsqueeze(1).to(device)
            _, l, r = net(x)
            out_l.append(l.cpu().numpy())
            out_r.append(r.cpu().numpy()[:, 0])
    pl, pr = np.concatenate(out_l), np.concatenate(out_r)
    lm_err = np.linalg.norm(pl - lms, axis=2).mean()
    r_err = (np.abs(pr - radius) / radius).mean()
    g_err = angular_error_deg(gaze_from_landmarks(pl, pr), gaze).mean()
    net.train()
    return lm_err, r_err, g_err


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--steps", type=int, default=6000)
    ap.add_argument("--train-count", type=int, default=80000)
    ap.add_argument("--heldout-count", type=int, default=400)
    ap.add_argument("--batch", type=int, default=128)
    ap.add_argument("--max-seconds", type=float, default=300, help="training time budget")
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    log = open(os.path.join(args.out, "train_log.txt"), "w")

    def say(*a):
        msg = " ".join(str(x) for x in a)
        print(msg, flush=True)
        log.write(msg + "\n")
        log.flush()

    torch.manual_seed(0)
    t0 = time.time()
    eyes, lms, radius, gaze = make_data(args.train_count, seed=1)
    heldout = make_data(args.heldout_count, seed=2, workers=4)
    np.savez_compressed(os.path.join(args.out, "heldout.npz"), eyes=heldout[0], landmarks=heldout[1],
                        radius=heldout[2], gaze=heldout[3])
    say(f"rendered {len(eyes)} training and {len(heldout[0])} held-out eyes in {time.time() - t0:.1f}s")
    device = "cuda"
    x_all = torch.from_numpy(normalise(eyes)).unsqueeze(1).to(device)
    l_all = torch.from_numpy(lms).to(device)
    r_all = torch.from_numpy(radius).to(device)
    net = ELG().to(device)
    # Time a few steps, then fit the schedule into the time budget.
    probe = torch.optim.SGD(net.parameters(), lr=0.0)
    torch.cuda.synchronize()
    tp = time.time()
    for _ in range(20):
        maps, pl, pr = net(x_all[:args.batch])
        (sum(m.mean() for m in maps) + pl.mean() + pr.mean()).backward()
        probe.step()
        probe.zero_grad()
    torch.cuda.synchronize()
    per_step = (time.time() - tp) / 20
    args.steps = max(500, min(args.steps, int(args.max_seconds / (per_step * 1.15))))
    say(f"{per_step * 1000:.1f} ms/step: training {args.steps} steps")
    opt = torch.optim.AdamW(net.parameters(), lr=2e-3, weight_decay=1e-4)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=2e-3, total_steps=args.steps, pct_start=0.1)
    t1 = time.time()
    n = len(eyes)
    for step in range(1, args.steps + 1):
        idx = torch.randint(0, n, (args.batch,), device=device)
        x, l, r = x_all[idx], l_all[idx], r_all[idx]
        # Augment: random flips of the patch would change eye chirality; use brightness jitter only.
        x = (x * torch.empty(len(x), 1, 1, 1, device=device).uniform_(0.9, 1.1)).clamp(-1, 1)
        maps, pl, pr = net(x)
        target = gaussian_maps(l)
        loss_h = sum(F.mse_loss(m, target) for m in maps) * 100
        loss_l = F.smooth_l1_loss(pl, l)
        loss_r = F.smooth_l1_loss(pr[:, 0], r)
        loss = loss_h + loss_l + 0.5 * loss_r
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        sched.step()
        if step % 500 == 0 or step == args.steps:
            lm, re, ge = evaluate(net, *heldout, device)
            say(f"step {step} loss {loss.item():.4f} (h {loss_h.item():.4f} l {loss_l.item():.3f} r {loss_r.item():.3f})"
                f" held-out: landmarks {lm:.3f}px radius {100 * re:.2f}% gaze {ge:.2f}deg  {time.time() - t1:.0f}s")
    torch.save(net.state_dict(), os.path.join(args.out, "elg.pt"))
    path = os.path.join(args.out, "elg.onnx")
    export_onnx(net, path)
    say("exported", path, os.path.getsize(path), "bytes")
    write_reference(path, heldout[0][:8], os.path.join(args.out, "elg_reference.npz"))
    say("ONNX Runtime reference for the first 8 held-out eyes written")


def write_reference(onnx_path, eyes_u8, out):
    """ONNX Runtime outputs for held-out eyes, two at a time: the independent check of the engine."""
    import onnxruntime as ort
    sess = ort.InferenceSession(onnx_path + ".plain", providers=["CPUExecutionProvider"])
    x = normalise(eyes_u8)[..., None]
    res = {"input": x}
    names = ["landmarks", "radius", "heatmaps"]
    outs = {k: [] for k in names}
    for k in range(0, len(x), 2):
        feeds = {"eye": x[k:k + 2]}
        for name, v in zip(names, sess.run(names, feeds)):
            outs[name].append(v)
    for name in names:
        res[name] = np.concatenate(outs[name])
    np.savez_compressed(out, **res)


if __name__ == "__main__":
    main()
