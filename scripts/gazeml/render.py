#!/usr/bin/env python3
"""Renders synthetic 60x36 grey eye images with exact GazeML-style labels.

Every eye is drawn from a small geometric model, so its labels are exact:
  landmarks 0-7   eyelid contour: corner, three upper-lid points, other corner, three lower-lid points
  landmarks 8-15  iris edge (the projected iris circle), in order around it
  landmark 16     iris centre
  landmark 17     eyeball centre
  radius          eyeball radius in patch pixels
  gaze            (pitch, yaw) in radians, GazeML's convention: the iris centre lies at
                  eyeball_centre + radius * (-cos(pitch) * sin(yaw), -sin(pitch))
Coordinates are patch pixels with pixel centres at integers (x right, y down).

The picture: skin with lighting gradient and texture, sclera with shading, a textured iris with a
limbal ring, pupil and specular highlight, clipped by the eyelids, an upper-lid shadow and lash
line, then blur, noise, contrast and gamma changes. Gaze, eyelid opening, eye size, position, roll
and a head-yaw offset of the eyeball centre vary from eye to eye.

    python3 render.py OUT.npz COUNT SEED      # writes eyes uint8 [N,36,60] and labels
"""
import math
import sys

import cv2
import numpy as np

W, H = 60, 36
SS = 4  # supersampling factor


def _rot(a):
    c, s = math.cos(a), math.sin(a)
    return np.array([[c, -s], [s, c]])


def sample_params(rng):
    p = {}
    p["w"] = rng.uniform(28, 40)  # corner-to-corner eye width
    p["c"] = np.array([W / 2 - 0.5 + rng.uniform(-3, 3), H / 2 - 0.5 + rng.uniform(-2.5, 2.5)])
    p["roll"] = math.radians(rng.uniform(-10, 10))
    p["head"] = rng.uniform(-1, 1)  # head yaw: shifts eyeball centre and lid peak together
    p["r_e"] = p["w"] * rng.uniform(0.52, 0.58)
    p["r_i"] = 0.44 * p["r_e"]
    p["pitch"] = math.radians(rng.uniform(-25, 25))
    p["yaw"] = math.radians(rng.uniform(-35, 35))
    p["open_u"] = rng.uniform(0.22, 0.42)
    p["open_l"] = rng.uniform(0.12, 0.22)
    return p


def geometry(p):
    """Eyelid curves, landmarks, radius and gaze for parameters p."""
    R = _rot(p["roll"])
    c, w, head = p["c"], p["w"], p["head"]
    e = c + R @ np.array([0.10 * w * head, 0.10 * w])  # eyeball centre
    r_e, r_i, th, ph = p["r_e"], p["r_i"], p["pitch"], p["yaw"]
    gaze2d = np.array([-math.cos(th) * math.sin(ph), -math.sin(th)])
    i = e + r_e * gaze2d  # iris centre
    # Upper lid follows the gaze's pitch: looking down lowers it.
    hu = w * p["open_u"] * (1 + 0.7 * math.sin(th))
    hl = w * p["open_l"] * (1 - 0.3 * math.sin(th))
    peak = 0.25 * head

    def lid(s, h, upper):
        # s in [-1, 1] from one corner to the other; peak shifted by the head offset.
        t = (s - peak) / (1 - peak * s) if abs(1 - peak * s) > 1e-6 else s
        y = h * max(0.0, 1 - t * t) ** 0.85
        local = np.array([s * w / 2, -y if upper else y])
        return c + R @ local

    ss = np.linspace(-1, 1, 64)
    upper = np.array([lid(s, hu, True) for s in ss])
    lower = np.array([lid(s, hl, False) for s in ss])
    eyelid = [lid(-1, hu, True)] + [lid(s, hu, True) for s in (-0.5, 0, 0.5)] + \
             [lid(1, hu, True)] + [lid(s, hl, False) for s in (0.5, 0, -0.5)]
    # Iris edge: a circle on the eyeball, seen orthographically: an ellipse around i whose minor
    # axis (along the gaze's image direction) shrinks by cos of the angle to the camera.
    n = np.linalg.norm(gaze2d)
    d = gaze2d / n if n > 1e-6 else np.array([1.0, 0.0])
    perp = np.array([-d[1], d[0]])
    cos_a = math.cos(th) * math.cos(ph)
    iris = [i + r_i * (math.cos(k * math.pi / 4) * perp + math.sin(k * math.pi / 4) * cos_a * d)
            for k in range(8)]
    landmarks = np.array(eyelid + iris + [i, e], dtype=np.float32)
    return dict(upper=upper, lower=lower, landmarks=landmarks, iris_c=i, d=d, perp=perp,
                cos_a=cos_a, r_i=r_i, radius=np.float32(r_e),
                gaze=np.array([th, ph], dtype=np.float32))


def _hi(pt):
    return (np.asarray(pt) + 0.5) * SS - 0.5


def visible(p):
    """Whether the iris centre lies inside the eye opening (at least 1 px from the lids)."""
    g = geometry(p)
    poly = np.concatenate([g["upper"], g["lower"][::-1]]).astype(np.float32)
    return cv2.pointPolygonTest(poly, tuple(float(v) for v in g["iris_c"]), True) >= 1.0


def render(p, rng):
    g = geometry(p)
    hw, hh = W * SS, H * SS
    yy, xx = np.mgrid[0:hh, 0:hw].astype(np.float32)
    # Skin: base tone, lighting gradient, low-frequency texture.
    base = rng.uniform(80, 190)
    ang = rng.uniform(0, 2 * math.pi)
    grad = (np.cos(ang) * (xx / hw - 0.5) + np.sin(ang) * (yy / hh - 0.5)) * rng.uniform(0, 70)
    tex = cv2.GaussianBlur(rng.normal(0, 1, (hh, hw)).astype(np.float32), (0, 0), SS * 2) * 60
    img = base + grad + tex
    # Eye opening mask.
    poly = np.concatenate([g["upper"], g["lower"][::-1]])
    mask = np.zeros((hh, hw), np.uint8)
    cv2.fillPoly(mask, [np.round(_hi(poly) * 16).astype(np.int32)], 255, cv2.LINE_AA, shift=4)
    m = mask.astype(np.float32) / 255
    # Sclera, darker towards the corners.
    sclera_level = rng.uniform(150, 235)
    cdist = np.abs((xx - _hi(g["landmarks"][16])[0]) / (g["landmarks"][4][0] - g["landmarks"][0][0] + 1e-3) / SS)
    sclera = sclera_level - 40 * np.clip(cdist, 0, 1.2) + rng.normal(0, 3, (hh, hw))
    # Iris: textured disk in the ellipse, limbal ring, pupil, highlight.
    ic = _hi(g["iris_c"])
    d, perp = g["d"], g["perp"]
    rx, ry = g["r_i"] * SS, g["r_i"] * SS * max(g["cos_a"], 0.05)
    dx, dy = xx - ic[0], yy - ic[1]
    u = (dx * perp[0] + dy * perp[1]) / rx
    v = (dx * d[0] + dy * d[1]) / ry
    rho = np.sqrt(u * u + v * v)
    theta = np.arctan2(v, u)
    iris_level = rng.uniform(25, 120)
    streaks = sum(rng.uniform(0, 12) * np.cos(k * theta + rng.uniform(0, 6.3)) for k in (7, 13, 23, 37))
    iris = iris_level + streaks * (0.4 + rho) - 35 * np.clip((rho - 0.8) / 0.2, 0, 1)
    pr = rng.uniform(0.3, 0.55)
    iris = np.where(rho < pr, rng.uniform(5, 30), iris)
    iris_a = np.clip((1.0 - rho) * rx / 1.5, 0, 1)
    eye = sclera * (1 - iris_a) + iris * iris_a
    hx, hy = ic[0] + rng.uniform(-0.4, 0.4) * rx, ic[1] + rng.uniform(-0.4, 0.4) * rx
    eye = eye + rng.uniform(0, 120) * np.exp(-((xx - hx) ** 2 + (yy - hy) ** 2) / (2 * (rng.uniform(0.6, 1.6) * SS) ** 2))
    # Upper-lid shadow inside the opening.
    shadow = np.zeros((hh, hw), np.uint8)
    cv2.polylines(shadow, [np.round(_hi(g["upper"]) * 16).astype(np.int32)], False, 255,
                  int(SS * rng.uniform(1, 2.5)), cv2.LINE_AA, shift=4)
    shadow = cv2.GaussianBlur(shadow.astype(np.float32) / 255, (0, 0), SS * rng.uniform(1.5, 4))
    eye = eye * (1 - rng.uniform(0.2, 0.6) * np.clip(shadow * 2, 0, 1))
    img = img * (1 - m) + eye * m
    # Lash line on the upper lid, thinner on the lower.
    lash = np.zeros((hh, hw), np.uint8)
    cv2.polylines(lash, [np.round(_hi(g["upper"]) * 16).astype(np.int32)], False, 255,
                  int(SS * rng.uniform(0.8, 2.2)), cv2.LINE_AA, shift=4)
    cv2.polylines(lash, [np.round(_hi(g["lower"]) * 16).astype(np.int32)], False, 128,
                  int(SS * rng.uniform(0.3, 1.0)), cv2.LINE_AA, shift=4)
    img = img * (1 - rng.uniform(0.3, 0.8) * lash.astype(np.float32) / 255)
    small = cv2.resize(img.astype(np.float32), (W, H), interpolation=cv2.INTER_AREA)
    # Camera: blur, contrast, gamma, noise.
    s = rng.uniform(0, 1.2)
    if s > 0.3:
        small = cv2.GaussianBlur(small, (0, 0), s)
    small = (small - small.mean()) * rng.uniform(0.6, 1.3) + small.mean() + rng.uniform(-30, 30)
    small = 255 * (np.clip(small, 0, 255) / 255) ** rng.uniform(0.7, 1.4)
    small = small + rng.normal(0, rng.uniform(0, 8), small.shape)
    out = np.clip(np.round(small), 0, 255).astype(np.uint8)
    return out, g["landmarks"], g["radius"], g["gaze"]


def render_many(count, seed):
    rng = np.random.default_rng(seed)
    eyes = np.zeros((count, H, W), np.uint8)
    lms = np.zeros((count, 18, 2), np.float32)
    radius = np.zeros((count,), np.float32)
    gaze = np.zeros((count, 2), np.float32)
    for k in range(count):
        p = sample_params(rng)
        while not visible(p):
            p = sample_params(rng)
        eyes[k], lms[k], radius[k], gaze[k] = render(p, rng)
    return eyes, lms, radius, gaze


if __name__ == "__main__":
    out, count, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    eyes, lms, radius, gaze = render_many(count, seed)
    np.savez_compressed(out, eyes=eyes, landmarks=lms, radius=radius, gaze=gaze)
    print(out, eyes.shape)
