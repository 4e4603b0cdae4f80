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
    m = fold_pads(onnx.load(path))
    onnx.checker.check_model(m)
    m.producer_name = 'trt4j scripts/faceapi/export.py'
    m.doc_string = ('weights of @vladmandic/face-api 1.7.15 (MIT, Copyright (c) Vladimir Mandic; a fork of'
                    ' face-api.js by justadudewhohacks), network rebuilt in PyTorch by trt4j'
                    ' scripts/faceapi; input NCHW RGB 0..255')
    onnx.save(m, path)
    print(f'wrote {path} ({os.path.getsize(path)} bytes)')


def fold_pads(model):
    """Replaces the small constant subgraphs torch 1.13 emits for F.pad's pads (Slice with step -1,
    which its exporter does not fold) by initializers, so that every Pad has constant pads."""
    import onnx
    from onnx import numpy_helper
    g = model.graph
    known = {i.name: numpy_helper.to_array(i) for i in g.initializer}

    def ev(n, a):
        t = n.op_type
        attrs = {x.name: x for x in n.attribute}
        if t == 'Constant':
            return numpy_helper.to_array(attrs['value'].t)
        if t == 'ConstantOfShape':
            v = numpy_helper.to_array(attrs['value'].t) if 'value' in attrs else np.zeros(1, np.float32)
            return np.full(a[0].astype(np.int64), v.reshape(-1)[0], v.dtype)
        if t == 'Concat':
            return np.concatenate(a, attrs['axis'].i)
        if t == 'Reshape':
            shape = [d if d != 0 else a[0].shape[i] for i, d in enumerate(a[1])]
            return a[0].reshape(shape)
        if t == 'Transpose':
            return np.transpose(a[0], list(attrs['perm'].ints))
        if t == 'Cast':
            to = attrs['to'].i
            np_type = (onnx.helper.tensor_dtype_to_np_dtype(to) if hasattr(onnx.helper, 'tensor_dtype_to_np_dtype')
                       else onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[to])
            return a[0].astype(np_type)
        if t == 'Slice':
            x, starts, ends = a[0], a[1], a[2]
            axes = a[3] if len(a) > 3 else range(len(starts))
            steps = a[4] if len(a) > 4 else [1] * len(starts)
            idx = [slice(None)] * x.ndim
            for st, en, ax, sp in zip(starts, ends, axes, steps):
                n_ = x.shape[ax]
                en = max(min(en, n_), -n_ - 1) if sp < 0 else min(en, n_)
                idx[ax] = slice(int(st), None if en < -n_ else int(en), int(sp))
            return x[tuple(idx)]
        return None

    for n in g.node:
        if all(i in known for i in n.input if i):
            v = ev(n, [known[i] for i in n.input if i])
            if v is not None:
                known[n.output[0]] = v
    keep, pads = [], {}
    for n in g.node:
        if n.op_type == 'Pad':
            pads[n.input[1]] = known[n.input[1]].astype(np.int64)
    used = {i for n in g.node if n.output[0] not in known for i in n.input}
    for n in g.node:
        if n.output[0] in known:
            continue  # constant: dropped, its value becomes an initializer where still used
        keep.append(n)
    del g.node[:]
    g.node.extend(keep)
    have = {i.name for i in g.initializer}
    for name in sorted(used - have):
        if name in known:
            g.initializer.append(numpy_helper.from_array(np.asarray(known[name]), name))
    for name, v in pads.items():
        print('  Pad', name, v.tolist())
    return model


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
    # The landmark net's raw output for the first face's crop, face-api's way.
    face = [b * s for b, s in zip(boxes[0][1:], (rgb.shape[1], rgb.shape[0]) * 2)]
    with torch.no_grad():
        lm_raw = lm(torch.from_numpy(pipeline.landmark_input(rgb, face)[None])).numpy()
    # boxes: score, x, y, w, h relative to the image; the Java tests decode 'grid' and compare, and
    # replay 'grid'/'landmarks_raw' as recorded network outputs ('input_mean': per RGB plane).
    np.savez_compressed(os.path.join(out_dir, 'detector_reference.npz'), grid=grid.astype(np.float32),
                        width=np.int64(rgb.shape[1]), height=np.int64(rgb.shape[0]),
                        boxes=np.asarray(boxes, np.float32).reshape(-1, 5),
                        input_mean=x[0].astype(np.float64).mean(axis=(1, 2)).astype(np.float32),
                        landmarks_raw=lm_raw.astype(np.float32),
                        landmarks=pipeline.landmarks_to_image(lm_raw[0], face, rgb.shape[1], rgb.shape[0]).astype(np.float32))
    print('astronaut boxes (score, x, y, w, h relative):', boxes)


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
