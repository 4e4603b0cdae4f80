#!/usr/bin/env python3
"""Writes models/test/nms_plugin.onnx: one EfficientNMS_TRT node (TensorRT's standard NMS plugin, as
YOLO exports end), for trt4j's plugin tests. Needs only the onnx package:
    python3 scripts/make_plugin_models.py models/test

boxes float[1,64,4] (x1,y1,x2,y2) and scores float[1,64,3] in; num_detections int32[1,1],
detection_boxes float[1,20,4], detection_scores float[1,20], detection_classes int32[1,20] out.
Per-class NMS at IoU 0.5 above score 0.25, the best 20 over all classes. The GPU test compares
TensorRT's outputs with a NMS written in Java (PluginGpuTest), not with this script.
models/test/nms_plugin_v9.onnx is the same node asking for plugin version 9, which TensorRT lacks;
models/test/rotate_plugin.onnx is one node of a user plugin (scripts/plugins/rotate_plugin.cpp).
"""
import os
import sys

import onnx
from onnx import TensorProto, helper

N, C, K = 64, 3, 20


def main(out_dir):
    write(out_dir, "nms_plugin.onnx", "1")
    # The same node asking for a plugin version TensorRT does not have: refused by name and version.
    write(out_dir, "nms_plugin_v9.onnx", "9")
    rotate(out_dir)


def rotate(out_dir):
    """rotate_plugin.onnx: x float[16] -> Trt4jRotate (scripts/plugins/rotate_plugin.cpp, a user
    plugin library) -> y float[16], y[i] = x[(i + 1) % 16]."""
    node = helper.make_node("Trt4jRotate", ["x"], ["y"], name="rotate", plugin_version="1")
    graph = helper.make_graph(
        [node], "rotate_plugin",
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, [16])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, [16])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="trt4j make_plugin_models.py")
    model.ir_version = 8
    path = os.path.join(out_dir, "rotate_plugin.onnx")
    onnx.save(model, path)
    print("wrote", path, os.path.getsize(path), "bytes")


def write(out_dir, file, version):
    node = helper.make_node(
        "EfficientNMS_TRT", ["boxes", "scores"],
        ["num_detections", "detection_boxes", "detection_scores", "detection_classes"],
        name="nms", background_class=-1, box_coding=0, iou_threshold=0.5, max_output_boxes=K,
        plugin_version=version, score_activation=0, score_threshold=0.25)
    graph = helper.make_graph(
        [node], "nms_plugin",
        [helper.make_tensor_value_info("boxes", TensorProto.FLOAT, [1, N, 4]),
         helper.make_tensor_value_info("scores", TensorProto.FLOAT, [1, N, C])],
        [helper.make_tensor_value_info("num_detections", TensorProto.INT32, [1, 1]),
         helper.make_tensor_value_info("detection_boxes", TensorProto.FLOAT, [1, K, 4]),
         helper.make_tensor_value_info("detection_scores", TensorProto.FLOAT, [1, K]),
         helper.make_tensor_value_info("detection_classes", TensorProto.INT32, [1, K])])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                              producer_name="trt4j make_plugin_models.py")
    model.ir_version = 8
    path = os.path.join(out_dir, file)
    onnx.save(model, path)
    print("wrote", path, os.path.getsize(path), "bytes")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "models/test")
