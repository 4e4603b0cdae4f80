"""Compares the exported networks with face-api.js itself on the same images.

  python3 compare.py DATA_DIR FACEAPI.json RESULT.json [--onnxruntime MODEL_DIR | --torch FACE_API_MODEL_DIR]

DATA_DIR holds images.py's raw RGB files and index.json; FACEAPI.json is reference.mjs's output.
The networks run through face-api's own pre/post-processing (pipeline.py), with PyTorch (this
repository's rebuild) or ONNX Runtime (the committed ONNX files). Pass: every face-api face has a
face of ours with IoU >= 0.95 and all 68 landmarks within 0.5 px, and no extra faces; for videos, the
number of frames with a face. Exit status 1 when a check fails.
"""

import json
import os
import sys

import numpy as np

import pipeline

IOU_MIN = 0.95
LANDMARK_PX_MAX = 0.5


def runners(argv):
    if '--onnxruntime' in argv:
        import onnxruntime as ort
        d = argv[argv.index('--onnxruntime') + 1]
        det = ort.InferenceSession(os.path.join(d, 'face_detector.onnx'), providers=['CPUExecutionProvider'])
        lm = ort.InferenceSession(os.path.join(d, 'face_landmarks68.onnx'), providers=['CPUExecutionProvider'])
        return ('onnxruntime ' + ort.__version__,
                lambda x: det.run(None, {'image': x.astype(np.float32)})[0],
                lambda x: lm.run(None, {'face': x.astype(np.float32)})[0])
    import torch
    import facenets
    d = argv[argv.index('--torch') + 1] if '--torch' in argv else os.path.join(
        os.path.dirname(os.path.abspath(__file__)), 'node_modules/@vladmandic/face-api/model')
    det, lm = facenets.build(d)

    def wrap(net):
        def run(x):
            with torch.no_grad():
                return net(torch.from_numpy(np.ascontiguousarray(x, np.float32))).numpy()
        return run
    return 'torch ' + torch.__version__, wrap(det), wrap(lm)


def box_iou(a, b):
    return pipeline.iou(a, b)


def compare_still(rgb, ref, run_det, run_lm):
    ours = pipeline.detect_all(rgb, run_det, run_lm)
    res = {'faces_faceapi': len(ref['faces']), 'faces_ours': len(ours), 'faces': []}
    ok = len(ours) == len(ref['faces'])
    for f in ref['faces']:
        best = max(ours, key=lambda o: box_iou(o['box'], f['box']), default=None)
        iou = box_iou(best['box'], f['box']) if best else 0.0
        d = (np.hypot(*(np.asarray(best['landmarks']) - np.asarray(f['landmarks'])).T).max()
             if best else float('inf'))
        res['faces'].append({'box_faceapi': f['box'], 'box_ours': [round(v, 4) for v in best['box']] if best else None,
                             'iou': round(float(iou), 6), 'landmark_max_px': round(float(d), 4),
                             'score_faceapi': f['score'], 'score_ours': round(best['score'], 4) if best else None})
        ok = ok and iou >= IOU_MIN and d <= LANDMARK_PX_MAX
    grid = run_det(pipeline.detector_input(rgb))[0]
    ref_grid = np.asarray(ref['grid'], np.float32).reshape(13, 13, 25).transpose(2, 0, 1)
    res['grid_max_abs_diff'] = float(np.abs(grid - ref_grid).max())
    res['pass'] = bool(ok)
    return res


def compare_video(raw, entry, ref, run_det):
    w, h = entry['width'], entry['height']
    n = min(entry['frames'], len(ref['frames']))  # decoders may disagree on a trailing frame
    ours_with = ref_with = agree = 0
    worst_iou = 1.0
    for i in range(n):
        rgb = np.frombuffer(raw, np.uint8, w * h * 3, i * w * h * 3).reshape(h, w, 3)
        ours = pipeline.faces(rgb, run_det)
        theirs = ref['frames'][i]
        ours_with += bool(ours)
        ref_with += bool(theirs)
        agree += len(ours) == len(theirs)
        for f in theirs:
            worst_iou = min(worst_iou, max((box_iou(o['box'], f['box']) for o in ours), default=0.0))
    return {'frames': n, 'frames_decoded': entry['frames'], 'frames_faceapi': len(ref['frames']), 'frames_with_face_faceapi': ref_with, 'frames_with_face_ours': ours_with,
            'frames_same_face_count': agree, 'worst_box_iou': round(worst_iou, 6),
            'pass': bool(agree == n and worst_iou >= IOU_MIN)}


def main(argv):
    data_dir, ref_file, out_file = argv[:3]
    what, run_det, run_lm = runners(argv)
    ref = {e['name']: e for e in json.load(open(ref_file))['images']}
    result = {'runtime': what, 'faceapi': json.load(open(ref_file))['faceapi'],
              'criteria': {'box_iou_min': IOU_MIN, 'landmark_max_px': LANDMARK_PX_MAX}, 'images': {}}
    for entry in json.load(open(os.path.join(data_dir, 'index.json'))):
        if entry['name'] not in ref:
            continue
        raw = open(os.path.join(data_dir, entry['file']), 'rb').read()
        if entry.get('frames'):
            r = compare_video(raw, entry, ref[entry['name']], run_det)
        else:
            rgb = np.frombuffer(raw, np.uint8).reshape(entry['height'], entry['width'], 3)
            r = compare_still(rgb, ref[entry['name']], run_det, run_lm)
        result['images'][entry['name']] = r
        print(entry['name'], json.dumps(r))
    result['pass'] = all(r['pass'] for r in result['images'].values())
    with open(out_file, 'w') as f:
        json.dump(result, f, indent=1)
    print('PASS' if result['pass'] else 'FAIL', what, '->', out_file)
    return 0 if result['pass'] else 1


if __name__ == '__main__':
    if len(sys.argv) < 4:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
