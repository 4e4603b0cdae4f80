"""Exports face-api.js's tiny face detector and 68-point landmark net to ONNX.

  python3 export.py FACE_API_MODEL_DIR OUT_DIR

FACE_API_MODEL_DIR is the model/ folder of @vladmandic/face-api 1.7.15 (npm; e.g.
scripts/faceapi/node_modules/@vladmandic/face-api/model after `npm ci` here). Writes
OUT_DIR/face_detector.onnx and OUT_DIR/face_landmarks68.onnx (opset 17, dynamic batch) and
OUT_DIR/detector_reference.npz: the astronaut's detector input and raw grid from PyTorch, which the
Java CPU tests decode and compare with this script's box decoding. Runs with torch 1.13 (Debian)
and torch 2.x.
"""

import os
import sys

import numpy as np
import torch

import facenets
import pipeline


def export(model, example, path, in_name, out_name):
    kwargs = {}
    try:
        import inspect
        if 'dynamo' in inspect.signature(torch.onnx.export).parameters:
            kwargs['dynamo'] = False  # torch 2.x: keep the TorchScript exporter (same graph as 1.13)
    except (TypeError, ValueError):
        pass
    torch.onnx.export(model, example, path, input_names=[in_name], output_names=[out_name],
                      dynamic_axes={in_name: {0: 'batch'}, out_name: {0: 'batch'}},
                      opset_version=17, do_constant_folding=True, **kwargs)
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    m.producer_name = 'trt4j scripts/faceapi/export.py'
    m.doc_string = ('weights of @vladmandic/face-api 1.7.15 (MIT, Copyright (c) Vladimir Mandic; a fork of'
                    ' face-api.js by justadudewhohacks), network rebuilt in PyTorch by trt4j'
                    ' scripts/faceapi; input NCHW RGB 0..255')
    onnx.save(m, path)
    print(f'wrote {path} ({os.path.getsize(path)} bytes)')


def main(model_dir, out_dir):
    torch.manual_seed(0)
    det, lm = facenets.build(model_dir)
    os.makedirs(out_dir, exist_ok=True)
    export(det, torch.zeros(1, 3, facenets.DETECTOR_SIZE, facenets.DETECTOR_SIZE),
           os.path.join(out_dir, 'face_detector.onnx'), 'image', 'grid')
    export(lm, torch.zeros(1, 3, facenets.LANDMARK_SIZE, facenets.LANDMARK_SIZE),
           os.path.join(out_dir, 'face_landmarks68.onnx'), 'face', 'landmarks')

    from skimage import data
    rgb = data.astronaut()[:, :, :3]
    x = pipeline.detector_input(rgb)
    with torch.no_grad():
        grid = det(torch.from_numpy(x)).numpy()
    boxes = pipeline.nms(pipeline.decode(grid[0], rgb.shape[1], rgb.shape[0]))
    # score, x, y, w, h relative to the image; the Java test decodes 'grid' and compares.
    np.savez_compressed(os.path.join(out_dir, 'detector_reference.npz'), grid=grid.astype(np.float32),
                        width=np.int64(rgb.shape[1]), height=np.int64(rgb.shape[0]),
                        boxes=np.asarray(boxes, np.float32).reshape(-1, 5))
    print('astronaut boxes (score, x, y, w, h relative):', boxes)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
