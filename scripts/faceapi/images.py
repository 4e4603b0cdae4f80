"""Writes the comparison images as raw RGB bytes plus an index for reference.mjs and compare.py.

  /usr/bin/python3 images.py OUT_DIR [--video FILE]...

Images: scikit-image's astronaut (NASA, public domain), and, when Debian's opencv-doc is installed,
its sample photos messi5.jpg (faces) and fruits.jpg (no face). Videos are decoded to rgb24 with the
ffmpeg command-line tool (or, without it, OpenCV's Python binding); Megamind.avi from opencv-doc
by default when present.
"""

import json
import os
import subprocess
import sys

import numpy as np

OPENCV_DATA = '/usr/share/doc/opencv-doc/examples/data'


def still_images():
    from skimage import data, io
    yield 'astronaut', data.astronaut()[:, :, :3]
    for name in ('messi5.jpg', 'fruits.jpg'):
        path = os.path.join(OPENCV_DATA, name)
        if os.path.isfile(path):
            yield name.split('.')[0], io.imread(path)[:, :, :3]


def video_frames(path):
    import shutil
    if not shutil.which('ffmpeg'):
        # GPU host: no ffmpeg tool, but opencv-python (whose videoio uses FFmpeg).
        import cv2
        cap = cv2.VideoCapture(path)
        frames = []
        shape = None
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            shape = bgr.shape
            frames.append(np.ascontiguousarray(bgr[:, :, ::-1]).tobytes())
        if not frames:
            raise SystemExit(f'cannot decode {path}')
        return shape[1], shape[0], b''.join(frames)
    probe = subprocess.run(['ffprobe', '-v', 'error', '-select_streams', 'v:0', '-show_entries',
                            'stream=width,height', '-of', 'csv=p=0', path],
                           check=True, capture_output=True, text=True).stdout.strip().split(',')
    width, height = int(probe[0]), int(probe[1])
    # passthrough: one output frame per decoded frame (the default may duplicate frames for a
    # constant rate, which shifts frame numbers against other decoders).
    raw = subprocess.run(['ffmpeg', '-v', 'error', '-i', path, '-fps_mode', 'passthrough', '-f', 'rawvideo',
                          '-pix_fmt', 'rgb24', '-'],
                         check=True, capture_output=True).stdout
    return width, height, raw


def main(argv):
    out = argv[0]
    videos = [argv[i + 1] for i, a in enumerate(argv) if a == '--video']
    if not videos and os.path.isfile(os.path.join(OPENCV_DATA, 'Megamind.avi')):
        videos = [os.path.join(OPENCV_DATA, 'Megamind.avi')]
    os.makedirs(out, exist_ok=True)
    index = []
    for name, rgb in still_images():
        rgb = np.ascontiguousarray(rgb, np.uint8)
        rgb.tofile(os.path.join(out, name + '.rgb'))
        index.append({'name': name, 'file': name + '.rgb', 'width': rgb.shape[1], 'height': rgb.shape[0]})
    for v in videos:
        width, height, raw = video_frames(v)
        name = os.path.basename(v)
        with open(os.path.join(out, name + '.rgb'), 'wb') as f:
            f.write(raw)
        index.append({'name': name, 'file': name + '.rgb', 'width': width, 'height': height,
                      'frames': len(raw) // (width * height * 3)})
    with open(os.path.join(out, 'index.json'), 'w') as f:
        json.dump(index, f, indent=1)
    for e in index:
        print(e)


if __name__ == '__main__':
    main(sys.argv[1:])
