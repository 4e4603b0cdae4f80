#!/usr/bin/env python3
"""Makes the GazeML runner's bundled samples and the preprocessing reference for the Java tests.

    python3 scripts/gazeml/make_samples.py     (numpy + OpenCV; runs on any CPU)

Writes
  models/gazeml/samples/eye_region.png   two rendered eyes on a skin-like eye region (the runner's
                                         bundled sample: no face, so the runner finds the eyes
                                         with the eye cascade)
  models/gazeml/samples/eye_patch_*.png  four held-out-style eye patches (for --eye-patches)
  examples/gazeml/src/test/resources/gazeml/preprocess_reference.npz
      specs  [2,5]   cx, cy, eye width, roll (radians), flip (1 for the image-left eye), float32
      affine [2,2,3] image-to-patch maps, computed here (in float64, stored as float32)
                     independently of the Java code
      input  [2,36,60,1] float32: warpAffine (bilinear, replicated border) -> equalizeHist ->
             v * 2/255 - 1, GazeML's preprocessing, by OpenCV's Python binding
"""
import math
import os
import sys

import cv2
import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render  # noqa: E402

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PW, PH, SCALE = 60, 36, 1.5


def patch_affine(cx, cy, width, roll, flip):
    """Image -> patch: eye centre to the patch centre, 1.5 eye widths across, roll undone."""
    s = PW / (SCALE * width)
    c, si = math.cos(-roll) * s, math.sin(-roll) * s
    px, py = (PW - 1) / 2.0, (PH - 1) / 2.0
    m = np.array([[c, -si, px - (c * cx - si * cy)], [si, c, py - (si * cx + c * cy)]])
    if flip:
        m = np.array([[-1, 0, PW - 1], [0, 1, 0]]) @ np.vstack([m, [0, 0, 1]])
    return m


def preprocess(gray, m):
    patch = cv2.warpAffine(gray, m, (PW, PH), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    eq = cv2.equalizeHist(patch)
    return eq.astype(np.float32) * np.float32(2.0 / 255.0) - np.float32(1.0)


def eye_region(rng):
    h, w = 220, 520
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    skin = 150 + 30 * (xx / w - 0.5) - 20 * (yy / h - 0.5)
    skin += cv2.GaussianBlur(rng.normal(0, 1, (h, w)).astype(np.float32), (0, 0), 6) * 40
    roll = math.radians(4)
    centres = [(150.0, 118.0), (370.0, 118.0 + 220 * math.tan(roll))]
    specs = []
    for k, (cx, cy) in enumerate(centres):
        p = render.sample_params(rng)
        p.update(c=np.array([29.5, 17.5]), roll=0.0, w=34.0, r_e=34 * 0.55, pitch=math.radians(-5),
                 yaw=math.radians(12), open_u=0.36, open_l=0.18, head=0.0)
        p["r_i"] = 0.44 * p["r_e"]
        eye, _, _, _ = render.render(p, rng)
        big = cv2.resize(eye, (180, 108), interpolation=cv2.INTER_CUBIC).astype(np.float32)
        if k == 0:
            big = big[:, ::-1]  # the image-left eye is the mirror image
        rot = cv2.getRotationMatrix2D((89.5, 53.5), -math.degrees(roll), 1.0)
        big = cv2.warpAffine(big, rot, (180, 108), borderMode=cv2.BORDER_REPLICATE)
        alpha = np.zeros((108, 180), np.float32)
        cv2.ellipse(alpha, (90, 54), (80, 44), -math.degrees(roll) * 0 + math.degrees(roll), 0, 360, 1.0, -1)
        alpha = cv2.GaussianBlur(alpha, (0, 0), 8)
        x0, y0 = int(round(cx - 89.5)), int(round(cy - 53.5))
        region = skin[y0:y0 + 108, x0:x0 + 180]
        skin[y0:y0 + 108, x0:x0 + 180] = region * (1 - alpha) + big * alpha
        brow = np.zeros((h, w), np.float32)
        cv2.ellipse(brow, (int(cx), int(cy) - 58), (70, 22), math.degrees(roll), 200, 340, 1.0, 9)
        skin *= 1 - 0.45 * cv2.GaussianBlur(brow, (0, 0), 4)
        specs.append((cx, cy, 34.0 * 3, roll, 1 if k == 0 else 0))
    img = np.clip(skin, 0, 255).astype(np.uint8)
    return cv2.cvtColor(img, cv2.COLOR_GRAY2BGR), specs


def main():
    rng = np.random.default_rng(7)
    samples = os.path.join(ROOT, "models", "gazeml", "samples")
    os.makedirs(samples, exist_ok=True)
    img, specs = eye_region(rng)
    cv2.imwrite(os.path.join(samples, "eye_region.png"), img)
    eyes, _, _, _ = render.render_many(4, 99)
    for k in range(4):
        cv2.imwrite(os.path.join(samples, f"eye_patch_{k}.png"), eyes[k])
    gray = cv2.cvtColor(img, cv2.COLOR_BGR2GRAY)
    # The specs are stored as float32; compute from the same rounded values Java will read.
    specs = np.array(specs, np.float32)
    affines = np.stack([patch_affine(*(float(v) for v in s[:4]), bool(s[4])) for s in specs])
    inputs = np.stack([preprocess(gray, m) for m in affines])[..., None]
    res = os.path.join(ROOT, "examples", "gazeml", "src", "test", "resources", "gazeml")
    os.makedirs(res, exist_ok=True)
    np.savez(os.path.join(res, "preprocess_reference.npz"), specs=specs,
             affine=affines.astype(np.float32), input=inputs)
    cv2.imwrite(os.path.join(res, "eye_region.png"), img)
    # Diagnostic: does OpenCV's eye cascade find the two eyes? (CASCADE_DIR overrides the path.)
    cdir = os.environ.get("CASCADE_DIR") or getattr(getattr(cv2, "data", None), "haarcascades", "")
    casc = cv2.CascadeClassifier(os.path.join(cdir, "haarcascade_eye.xml"))
    if casc.empty():
        print("no eye cascade found; set CASCADE_DIR for the detection check")
        return
    eq = cv2.equalizeHist(gray)
    found = casc.detectMultiScale(eq, 1.1, 3, 0, (max(12, gray.shape[1] // 12),) * 2)
    print("OpenCV", cv2.__version__, "eye cascade on eye_region.png:", [tuple(int(v) for v in f) for f in found])


if __name__ == "__main__":
    main()
