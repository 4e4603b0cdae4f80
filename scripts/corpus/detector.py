"""The corpus's small detector, written with onnx.helper and NumPy weights (no torch needed), and
the NumPy NMS that its references and their robustness checks use.

Graph (random He-initialised weights, seeded):
    image float[1,3,H,W] -> 3x (Conv 3x3 stride 2 + Relu) -> Conv 1x1 -> [1, 4+C, H/8*W/8]
    boxes  float[1,N,4]  (x1,y1,x2,y2): centre = (cell + sigmoid(t)) * 8, side = 12 + 36*sigmoid(t):
                          always x2 > x1 and y2 > y1, and neighbouring boxes overlap
    scores float[1,C,N]  sigmoid(3 * class logit / its std on a calibration image): spread over (0, 1), continuous
Three heads on that trunk:
    raw        outputs boxes, scores (fixed shapes; the reference for the NMS plugin and the
               fixed-size twin for measuring what data-dependent outputs cost per call)
    nms        ONNX NonMaxSuppression -> selected_indices int64[K,3] (K data-dependent), plus
               selected_boxes float[K,4] (Gather) and selected_scores float[K] (GatherND)
    effnms     scores transposed to [1,N,C] -> EfficientNMS_TRT (TensorRT's standard plugin) ->
               num_detections int32[1,1], detection_boxes float[1,K,4], detection_scores float[1,K],
               detection_classes int32[1,K]
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

H = W = 128
STRIDE = 8
C = 4
N = (H // STRIDE) * (W // STRIDE)
IOU = 0.5
SCORE = 0.9
PER_CLASS = 50      # NonMaxSuppression's max_output_boxes_per_class
EFF_K = 100         # EfficientNMS_TRT's max_output_boxes (over all classes)
OPSET = 17


def _he(rng, shape):
    fan_in = int(np.prod(shape[1:]))
    return (rng.standard_normal(shape) * np.sqrt(2.0 / fan_in)).astype(np.float32)


def _trunk(seed, calib):
    """Nodes and initializers up to boxes [1,N,4] and scores [1,C,N]; calib(logits) -> (mean, std)
    standardises the class logits (computed on a calibration image by the caller)."""
    rng = np.random.default_rng(seed)
    inits, nodes = [], []

    def init(name, arr):
        inits.append(numpy_helper.from_array(np.asarray(arr), name))
        return name

    x = "image"
    chans = [3, 16, 32, 32]
    for k in range(3):
        w = init(f"c{k}.w", _he(rng, (chans[k + 1], chans[k], 3, 3)))
        b = init(f"c{k}.b", (rng.standard_normal(chans[k + 1]) * 0.1).astype(np.float32))
        nodes.append(helper.make_node("Conv", [x, w, b], [f"c{k}"], kernel_shape=[3, 3],
                                      strides=[2, 2], pads=[1, 1, 1, 1]))
        nodes.append(helper.make_node("Relu", [f"c{k}"], [f"r{k}"]))
        x = f"r{k}"
    hw = init("head.w", _he(rng, (4 + C, 32, 1, 1)))
    hb = init("head.b", np.zeros(4 + C, np.float32))
    nodes.append(helper.make_node("Conv", [x, hw, hb], ["head"], kernel_shape=[1, 1]))
    init("shape_flat", np.array([1, 4 + C, N], np.int64))
    nodes.append(helper.make_node("Reshape", ["head", "shape_flat"], ["flat"]))  # [1,4+C,N]
    init("split", np.array([1, 1, 1, 1, C], np.int64))
    nodes.append(helper.make_node("Split", ["flat", "split"], ["tx", "ty", "tw", "th", "cls"],
                                  axis=1))
    gy, gx = np.meshgrid(np.arange(H // STRIDE), np.arange(W // STRIDE), indexing="ij")
    init("gx", gx.reshape(1, 1, N).astype(np.float32))
    init("gy", gy.reshape(1, 1, N).astype(np.float32))
    init("stride", np.array(STRIDE, np.float32))
    init("half", np.array(0.5, np.float32))
    init("side_min", np.array(12.0, np.float32))
    init("side_span", np.array(36.0, np.float32))
    for t in ("tx", "ty", "tw", "th"):
        nodes.append(helper.make_node("Sigmoid", [t], [t + "_s"]))
    nodes += [
        helper.make_node("Add", ["gx", "tx_s"], ["cx0"]),
        helper.make_node("Mul", ["cx0", "stride"], ["cx"]),
        helper.make_node("Add", ["gy", "ty_s"], ["cy0"]),
        helper.make_node("Mul", ["cy0", "stride"], ["cy"]),
        helper.make_node("Mul", ["tw_s", "side_span"], ["w0"]),
        helper.make_node("Add", ["w0", "side_min"], ["bw"]),
        helper.make_node("Mul", ["th_s", "side_span"], ["h0"]),
        helper.make_node("Add", ["h0", "side_min"], ["bh"]),
        helper.make_node("Mul", ["bw", "half"], ["hw2"]),
        helper.make_node("Mul", ["bh", "half"], ["hh2"]),
        helper.make_node("Sub", ["cx", "hw2"], ["x1"]),
        helper.make_node("Sub", ["cy", "hh2"], ["y1"]),
        helper.make_node("Add", ["cx", "hw2"], ["x2"]),
        helper.make_node("Add", ["cy", "hh2"], ["y2"]),
        helper.make_node("Concat", ["x1", "y1", "x2", "y2"], ["boxes_t"], axis=1),  # [1,4,N]
        helper.make_node("Transpose", ["boxes_t"], ["boxes"], perm=[0, 2, 1]),      # [1,N,4]
    ]
    mean, std = calib
    init("cls_mean", np.asarray(mean, np.float32).reshape(1, C, 1))
    init("cls_gain", (3.0 / np.asarray(std, np.float32)).reshape(1, C, 1))
    nodes += [
        helper.make_node("Sub", ["cls", "cls_mean"], ["cls_c"]),
        helper.make_node("Mul", ["cls_c", "cls_gain"], ["cls_n"]),
        helper.make_node("Sigmoid", ["cls_n"], ["scores"]),                            # [1,C,N]
    ]
    return nodes, inits


def _model(name, nodes, inits, outputs):
    graph = helper.make_graph(
        nodes, name, [helper.make_tensor_value_info("image", TensorProto.FLOAT, [1, 3, H, W])],
        outputs, inits)
    m = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                          producer_name="trt4j scripts/corpus")
    m.ir_version = 8
    return m


def _raw_outputs():
    return [helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [1, N, 4]),
            helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, C, N])]


def calibration_logits(seed, run_model):
    """The class logits' centre and per-class std on a calibration image: run_model(model, feeds)
    runs an ONNX model (ONNX Runtime) and returns its outputs by name."""
    nodes, inits = _trunk(seed, (np.zeros(C), np.full(C, 3.0)))  # gain 1: scores = sigmoid(cls)
    m = _model("calib", nodes, inits,
               [helper.make_tensor_value_info("cls", TensorProto.FLOAT, [1, C, N])])
    img = image(np.random.default_rng(seed + 1000), 1.0)
    cls = run_model(m, {"image": img})["cls"][0]
    # Centre 0, not the mean: a faint image then scores below the threshold everywhere.
    return np.zeros(C), cls.std(axis=1) + 1e-6


def build(seed, calib):
    """The three models (raw, nms, effnms) as ModelProtos."""
    nodes, inits = _trunk(seed, calib)
    raw = _model("det_raw", list(nodes), list(inits), _raw_outputs())

    n2 = list(nodes)
    i2 = list(inits)
    i2 += [numpy_helper.from_array(np.array([PER_CLASS], np.int64), "max_per_class"),
           numpy_helper.from_array(np.array([IOU], np.float32), "iou_threshold"),
           numpy_helper.from_array(np.array([SCORE], np.float32), "score_threshold"),
           numpy_helper.from_array(np.array(2, np.int64), "col_box"),
           numpy_helper.from_array(np.array([0], np.int64), "axis0")]
    n2 += [
        helper.make_node("NonMaxSuppression",
                         ["boxes", "scores", "max_per_class", "iou_threshold", "score_threshold"],
                         ["selected_indices"], center_point_box=0),
        helper.make_node("Squeeze", ["boxes", "axis0"], ["boxes0"]),                 # [N,4]
        helper.make_node("Gather", ["selected_indices", "col_box"], ["sel_box"], axis=1),  # [K]
        helper.make_node("Gather", ["boxes0", "sel_box"], ["selected_boxes"], axis=0),      # [K,4]
        helper.make_node("GatherND", ["scores", "selected_indices"], ["selected_scores"]),   # [K]
    ]
    nms = _model("det_nms", n2, i2, [
        helper.make_tensor_value_info("selected_indices", TensorProto.INT64, ["K", 3]),
        helper.make_tensor_value_info("selected_boxes", TensorProto.FLOAT, ["K", 4]),
        helper.make_tensor_value_info("selected_scores", TensorProto.FLOAT, ["K"])])

    n3 = list(nodes)
    n3 += [
        helper.make_node("Transpose", ["scores"], ["scores_nc"], perm=[0, 2, 1]),    # [1,N,C]
        helper.make_node(
            "EfficientNMS_TRT", ["boxes", "scores_nc"],
            ["num_detections", "detection_boxes", "detection_scores", "detection_classes"],
            name="efficient_nms", background_class=-1, box_coding=0, iou_threshold=IOU,
            max_output_boxes=EFF_K, plugin_version="1", score_activation=0,
            score_threshold=SCORE),
    ]
    eff = _model("det_effnms", n3, list(inits), [
        helper.make_tensor_value_info("num_detections", TensorProto.INT32, [1, 1]),
        helper.make_tensor_value_info("detection_boxes", TensorProto.FLOAT, [1, EFF_K, 4]),
        helper.make_tensor_value_info("detection_scores", TensorProto.FLOAT, [1, EFF_K]),
        helper.make_tensor_value_info("detection_classes", TensorProto.INT32, [1, EFF_K])])
    return raw, nms, eff


def image(rng, amplitude):
    """A smooth random image: low-resolution noise upsampled 8x, times amplitude, plus fine noise."""
    low = rng.standard_normal((1, 3, H // 8, W // 8)).astype(np.float32)
    img = np.repeat(np.repeat(low, 8, axis=2), 8, axis=3)
    img += 0.3 * rng.standard_normal(img.shape).astype(np.float32)
    return (amplitude * img).astype(np.float32)


# ---------------------------------------------------------------- NumPy NMS and its margins

def iou_matrix(b):
    b = b.astype(np.float64)
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    ix = np.clip(np.minimum(b[:, None, 2], b[None, :, 2]) - np.maximum(b[:, None, 0], b[None, :, 0]), 0, None)
    iy = np.clip(np.minimum(b[:, None, 3], b[None, :, 3]) - np.maximum(b[:, None, 1], b[None, :, 1]), 0, None)
    inter = ix * iy
    return inter / (area[:, None] + area[None, :] - inter)


def nms_class(boxes, s, iou_thr, score_thr):
    """Greedy NMS of one class: candidates with score > score_thr, in descending score order, a
    candidate is suppressed by a kept one with IoU > iou_thr. Returns kept box indices in order and
    the decision margins (how far each decision was from flipping)."""
    cand = np.nonzero(s > score_thr)[0]
    margins = {"score": float(np.min(np.abs(s - score_thr))) if len(s) else 1.0,
               "iou": 1.0, "order": 1.0}
    if len(cand) == 0:
        return [], margins
    cand = cand[np.argsort(-s[cand], kind="stable")]
    ious = iou_matrix(boxes[cand])
    kept = []
    for a in range(len(cand)):
        ok = True
        for k in kept:
            margins["iou"] = min(margins["iou"], abs(ious[a, k] - iou_thr))
            if ious[a, k] > iou_thr:
                ok = False
                break
        if ok:
            kept.append(a)
    # Pairs that interact (overlap near or above the threshold): their order decides who survives.
    near = np.triu(ious > iou_thr - 0.05, 1)
    ia, ib = np.nonzero(near)
    if len(ia):
        sc = s[cand]
        margins["order"] = float(np.min(np.abs(sc[ia] - sc[ib])))
    return [int(cand[a]) for a in kept], margins


def nms_onnx(boxes, scores, per_class=PER_CLASS, iou_thr=IOU, score_thr=SCORE):
    """ONNX NonMaxSuppression for batch 1: rows (0, class, box), and the smallest margins, where
    the per-class cap adds the score gap between the last kept box and the next."""
    rows, m = [], {"score": 1.0, "iou": 1.0, "order": 1.0, "cap": 1.0}
    for c in range(scores.shape[1]):
        kept, mc = nms_class(boxes[0], scores[0, c], iou_thr, score_thr)
        for k in ("score", "iou", "order"):
            m[k] = min(m[k], mc[k])
        if len(kept) > per_class:
            s = scores[0, c]
            m["cap"] = min(m["cap"], float(abs(s[kept[per_class - 1]] - s[kept[per_class]])))
        rows += [(0, c, b) for b in kept[:per_class]]
    return np.array(rows, np.int64).reshape(-1, 3), m


def nms_efficient(boxes, scores_nc, k=EFF_K, iou_thr=IOU, score_thr=SCORE):
    """What EfficientNMS_TRT computes for batch 1 (per-class NMS, then the best k over all
    classes by score): count, boxes [k,4], scores [k], classes [k] (zero-padded), and margins."""
    rows, m = [], {"score": 1.0, "iou": 1.0, "order": 1.0, "cap": 1.0}
    for c in range(scores_nc.shape[2]):
        kept, mc = nms_class(boxes[0], scores_nc[0, :, c], iou_thr, score_thr)
        for key in ("score", "iou", "order"):
            m[key] = min(m[key], mc[key])
        rows += [(float(scores_nc[0, b, c]), c, b) for b in kept]
    rows.sort(key=lambda r: -r[0])
    if len(rows) > k:
        m["cap"] = min(m["cap"], abs(rows[k - 1][0] - rows[k][0]))
    rows = rows[:k]
    det_boxes = np.zeros((1, k, 4), np.float32)
    det_scores = np.zeros((1, k), np.float32)
    det_classes = np.zeros((1, k), np.int32)
    for j, (s, c, b) in enumerate(rows):
        det_boxes[0, j] = boxes[0, b]
        det_scores[0, j] = s
        det_classes[0, j] = c
    return (np.array([[len(rows)]], np.int32), det_boxes, det_scores, det_classes), m


def efficient_with_torchvision(boxes, scores_nc, k=EFF_K, iou_thr=IOU, score_thr=SCORE):
    """The same reference through torchvision.ops.batched_nms (None where torchvision is absent)."""
    try:
        import torch
        import torchvision
    except ImportError:
        return None
    b = torch.from_numpy(boxes[0]).double()
    s = torch.from_numpy(scores_nc[0]).double()            # [N,C]
    idx, cls = torch.nonzero(s > score_thr, as_tuple=True)
    keep = torchvision.ops.batched_nms(b[idx], s[idx, cls], cls, iou_thr)[:k]
    return (len(keep), [(int(cls[j]), int(idx[j])) for j in keep.tolist()])


def robust(margins, eps=1e-4):
    """Whether no NMS decision lies within eps of flipping (score, IoU, order or cap)."""
    return all(v > eps for v in margins.values())
