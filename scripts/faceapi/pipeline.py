"""face-api.js's pre- and post-processing around the two networks, in numpy (the reference the Java
runner is checked against, and the glue for comparing the ONNX export with face-api.js itself).

Conventions, as face-api.js 1.7.15 has them (read from its sources):
  detector input   the RGB image padded with zeros at the bottom/right to a square, then resized
                   to 416x416 with TF's legacy bilinear resize (src = dst * in/out, no half-pixel
                   offset, indices clamped);
  boxes            sigmoid(x,y,score), exp(w,h) * anchor, cells of 1/13 of the square, corrected
                   to fractions of the image's own width/height; score > 0.5; NMS at IoU 0.4 by
                   descending score;
  landmark crop    the box clipped to the image and floored, padded with zeros to a square
                   (round(diff/2) after, the rest before), resized to 112x112 the same way;
  landmarks        (out*112 - diff*s/2) / (side*s), times the crop's width/height, plus the
                   detection box's (unfloored) x, y.
"""

import math

import numpy as np

from facenets import ANCHORS, DETECTOR_SIZE, LANDMARK_SIZE

SCORE_THRESHOLD = 0.5
IOU_THRESHOLD = 0.4


def resize_legacy(img, out):
    """TF/tfjs resizeBilinear(alignCorners=false, halfPixelCenters=false) of HxWxC float to out x out."""
    h, w = img.shape[:2]

    def axis(n_in):
        src = np.arange(out, dtype=np.float64) * (n_in / out)
        lo = np.floor(src).astype(np.int64)
        hi = np.minimum(np.ceil(src).astype(np.int64), n_in - 1)
        return lo, hi, (src - lo)

    y0, y1, fy = axis(h)
    x0, x1, fx = axis(w)
    img = img.astype(np.float64)
    top = img[y0][:, x0] + (img[y0][:, x1] - img[y0][:, x0]) * fx[None, :, None]
    bot = img[y1][:, x0] + (img[y1][:, x1] - img[y1][:, x0]) * fx[None, :, None]
    return (top + (bot - top) * fy[:, None, None]).astype(np.float32)


def js_round(v):
    return math.floor(v + 0.5)


def pad_square(img, centre):
    """face-api's padToSquare: zeros after (bottom/right); centred: round(diff/2) after, rest before."""
    h, w = img.shape[:2]
    if h == w:
        return img.astype(np.float32), 0
    diff = abs(h - w)
    after = js_round(diff * (0.5 if centre else 1))
    before = diff - after
    pads = ((0, 0), (before, after), (0, 0)) if h > w else ((before, after), (0, 0), (0, 0))
    return np.pad(img.astype(np.float32), pads), before


def detector_input(rgb):
    sq, _ = pad_square(rgb, False)
    return resize_legacy(sq, DETECTOR_SIZE).transpose(2, 0, 1)[None]


def sigmoid(v):
    return 1.0 / (1.0 + np.exp(-v))


def decode(grid, width, height, score_threshold=SCORE_THRESHOLD):
    """Raw [25,13,13] grid -> list of (score, x, y, w, h) boxes relative to the image, unsorted."""
    cells = grid.shape[-1]
    size = DETECTOR_SIZE
    scale = size / max(width, height)
    cx_fac = size / js_round(width * scale)
    cy_fac = size / js_round(height * scale)
    g = grid.reshape(len(ANCHORS), 5, cells, cells).astype(np.float64)
    out = []
    for row in range(cells):
        for col in range(cells):
            for a, (aw, ah) in enumerate(ANCHORS):
                score = sigmoid(g[a, 4, row, col])
                if score <= score_threshold:
                    continue
                cx = (col + sigmoid(g[a, 0, row, col])) / cells * cx_fac
                cy = (row + sigmoid(g[a, 1, row, col])) / cells * cy_fac
                bw = math.exp(g[a, 2, row, col]) * aw / cells * cx_fac
                bh = math.exp(g[a, 3, row, col]) * ah / cells * cy_fac
                out.append((float(score), cx - bw / 2, cy - bh / 2, bw, bh))
    return out


def iou(a, b):
    iw = max(0.0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    ih = max(0.0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def nms(boxes, threshold=IOU_THRESHOLD):
    """Greedy NMS by descending score; boxes are (score, x, y, w, h)."""
    order = sorted(range(len(boxes)), key=lambda i: boxes[i][0], reverse=True)
    keep = []
    while order:
        cur = order.pop(0)
        keep.append(boxes[cur])
        order = [i for i in order if iou(boxes[cur][1:], boxes[i][1:]) <= threshold]
    return keep


def faces(rgb, run_detector):
    """Detections in pixels: list of dict(score, box=[x,y,w,h])."""
    h, w = rgb.shape[:2]
    grid = run_detector(detector_input(rgb))[0]
    return [{'score': s, 'box': [x * w, y * h, bw * w, bh * h]} for s, x, y, bw, bh in nms(decode(grid, w, h))]


def crop_box(box, width, height):
    """face-api's Box.clipAtImageBorders(...).floor(): x, y, w, h integers (w or h may be <= 0)."""
    x, y, bw, bh = box
    cx, cy = max(x, 0.0), max(y, 0.0)
    cw = min(x + bw - cx, width - cx)
    ch = min(y + bh - cy, height - cy)
    return [math.floor(cx), math.floor(cy), math.floor(cw), math.floor(ch)]


def landmark_input(rgb, box):
    h, w = rgb.shape[:2]
    x, y, cw, ch = crop_box(box, w, h)
    sq, _ = pad_square(rgb[y:y + ch, x:x + cw], True)
    return resize_legacy(sq, LANDMARK_SIZE).transpose(2, 0, 1)


def landmarks_to_image(out, box, width, height):
    """136 raw outputs of one face -> 68 (x, y) image pixels, face-api's way."""
    _, _, cw, ch = crop_box(box, width, height)
    s = LANDMARK_SIZE / max(cw, ch)
    sw, sh = cw * s, ch * s
    pad_x = abs(sw - sh) / 2 if sw < sh else 0.0
    pad_y = abs(sw - sh) / 2 if sh < sw else 0.0
    o = np.asarray(out, np.float64).reshape(68, 2)
    px = (o[:, 0] * LANDMARK_SIZE - pad_x) / sw * cw + box[0]
    py = (o[:, 1] * LANDMARK_SIZE - pad_y) / sh * ch + box[1]
    return np.stack([px, py], 1)


def detect_all(rgb, run_detector, run_landmarks):
    """face-api's detectAllFaces(...).withFaceLandmarks() with the given network runners."""
    h, w = rgb.shape[:2]
    found = faces(rgb, run_detector)
    found = [f for f in found if min(crop_box(f['box'], w, h)[2:]) > 0]
    if found:
        batch = np.stack([landmark_input(rgb, f['box']) for f in found])
        outs = run_landmarks(batch)
        for f, o in zip(found, outs):
            f['landmarks'] = landmarks_to_image(o, f['box'], w, h).tolist()
    return found
