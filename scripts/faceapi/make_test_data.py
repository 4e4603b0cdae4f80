"""Writes the CPU tests' reference data (run from the repository root; needs numpy and the ffmpeg
command-line tool):

  examples/gazeml/src/test/resources/face/inputs_reference.npz
      detector/landmark-net inputs of small random images, computed with pipeline.py's face-api
      conventions (TF legacy bilinear resize, zero padding), landmark mapping and crop boxes
  examples/gazeml/src/test/resources/face/astronaut_pan.mp4 / .avi
      a 10-frame 128x128 pan over models/face/samples/astronaut.png (H.264, and Motion-JPEG)
  examples/gazeml/src/test/resources/face/clips.json
      frame counts and per-frame mean B, G, R of both clips as the ffmpeg tool decodes them
"""

import json
import os
import subprocess
import sys

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import pipeline  # noqa: E402

OUT = 'examples/gazeml/src/test/resources/face'


def smooth_image(rng, h, w):
    """Random but smooth BGR image (8-bit), so that interpolation differences stay small."""
    small = rng.uniform(0, 255, (h // 4 + 2, w // 4 + 2, 3))
    ys = np.linspace(0, small.shape[0] - 1.001, h)
    xs = np.linspace(0, small.shape[1] - 1.001, w)
    y0, x0 = ys.astype(int), xs.astype(int)
    fy, fx = (ys - y0)[:, None, None], (xs - x0)[None, :, None]
    img = (small[y0][:, x0] * (1 - fy) * (1 - fx) + small[y0 + 1][:, x0] * fy * (1 - fx)
           + small[y0][:, x0 + 1] * (1 - fy) * fx + small[y0 + 1][:, x0 + 1] * fy * fx)
    return np.clip(np.round(img), 0, 255).astype(np.uint8)


def planar(hwc_rgb):
    return np.ascontiguousarray(hwc_rgb.transpose(2, 0, 1), np.float32)


def main():
    rng = np.random.default_rng(8)
    data = {}
    # Detector inputs: a wide image scaled down (size 32) and a tall one scaled up (size 64).
    for name, (h, w, size) in {'down': (70, 100, 32), 'up': (41, 23, 64)}.items():
        bgr = smooth_image(rng, h, w)
        rgb = bgr[:, :, ::-1]
        sq, _ = pipeline.pad_square(rgb, False)
        data[f'det_{name}_image'] = bgr
        data[f'det_{name}_input'] = planar(pipeline.resize_legacy(sq, size))
    # Landmark input: a face box inside a 90x80 image (odd padding), size 16.
    bgr = smooth_image(rng, 80, 90)
    box = [12.7, 9.2, 41.5, 48.9]
    x, y, cw, ch = pipeline.crop_box(box, 90, 80)
    sq, _ = pipeline.pad_square(bgr[y:y + ch, x:x + cw, ::-1], True)
    data['lm_image'] = bgr
    data['lm_box'] = np.asarray(box, np.float32)
    data['lm_crop'] = np.asarray([x, y, cw, ch], np.int64)
    data['lm_input'] = planar(pipeline.resize_legacy(sq, 16))
    # Landmark mapping: random network outputs for that box at size 112.
    out = rng.uniform(0, 1, 136).astype(np.float32)
    data['lm_out'] = out
    data['lm_points'] = pipeline.landmarks_to_image(out, box, 90, 80).astype(np.float32)
    # Crop boxes, including faces leaving the image: rows of x, y, w, h -> clipped, floored.
    boxes = np.asarray([[12.7, 9.2, 41.5, 48.9], [-10.4, -3.3, 40.0, 30.0], [70.2, 60.9, 50.0, 50.0],
                        [95.0, 10.0, 20.0, 20.0]], np.float32)
    data['crop_boxes'] = boxes
    data['crop_expected'] = np.asarray([pipeline.crop_box(b, 90, 80) for b in boxes], np.int64)
    np.savez_compressed(os.path.join(OUT, 'inputs_reference.npz'), **data)

    clips = {}
    mp4 = os.path.join(OUT, 'astronaut_pan.mp4')
    avi = os.path.join(OUT, 'astronaut_pan.avi')
    subprocess.run(['ffmpeg', '-v', 'error', '-y', '-loop', '1', '-i', 'models/face/samples/astronaut.png',
                    '-vf', "crop=256:256:'80+t*40':40,scale=128:128,format=yuv420p", '-t', '0.4',
                    '-r', '25', '-c:v', 'libx264', '-preset', 'veryslow', '-crf', '28', '-an', mp4], check=True)
    subprocess.run(['ffmpeg', '-v', 'error', '-y', '-i', mp4, '-c:v', 'mjpeg', '-q:v', '5', '-an', avi], check=True)
    for f in (mp4, avi):
        raw = subprocess.run(['ffmpeg', '-v', 'error', '-i', f, '-f', 'rawvideo', '-pix_fmt', 'bgr24', '-'],
                             check=True, capture_output=True).stdout
        frames = np.frombuffer(raw, np.uint8).reshape(-1, 128, 128, 3)
        clips[os.path.basename(f)] = {'frames': len(frames), 'width': 128, 'height': 128,
                                      'mean_bgr': [[round(float(v), 3) for v in fr.reshape(-1, 3).mean(0)]
                                                   for fr in frames]}
    with open(os.path.join(OUT, 'clips.json'), 'w') as fh:
        json.dump(clips, fh, indent=1)
    print({k: v['frames'] for k, v in clips.items()})


if __name__ == '__main__':
    main()
