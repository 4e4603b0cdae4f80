"""face-api.js's tiny face detector and 68-point landmark net rebuilt in PyTorch.

Written from the architecture as face-api.js (@vladmandic/face-api 1.7.15, MIT) describes it in its
TypeScript sources (tinyYolov2/TinyYolov2Base.ts, faceFeatureExtractor/denseBlock.ts, ...); the
weights are read from the package's uint8-quantized .bin files through their manifests.

TensorFlow's 'same' padding differs from PyTorch's: with stride 2 on an even size the one extra
row/column goes after (bottom/right) only, and a 2x2 'same' max-pool pads at the end. Those pads
are written out explicitly here so that the ONNX graph matches face-api.js exactly.

Both networks take float32 NCHW RGB images with values 0..255 and keep face-api's mean/255
normalization inside the graph:
  TinyFaceDetector  [N,3,416,416] -> 'grid' [N,25,13,13] raw (channel = anchor*5 + k, k = x,y,w,h,score)
  FaceLandmark68Net [N,3,112,112] -> 'landmarks' [N,136] (x,y pairs relative to the 112x112 input)
"""

import json
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

# From face-api's tinyFaceDetector/const.ts and faceFeatureExtractor/FaceFeatureExtractor.ts.
DETECTOR_MEAN_RGB = (117.001, 114.697, 97.404)
LANDMARK_MEAN_RGB = (122.782, 117.001, 104.298)
ANCHORS = ((1.603231, 2.094468), (6.041143, 7.080126), (2.882459, 3.518061),
           (4.266906, 5.178857), (9.041765, 10.66308))
DETECTOR_SIZE = 416
LANDMARK_SIZE = 112


def load_weights(model_dir, name):
    """Dequantized weights of `name` (e.g. 'tiny_face_detector_model') by manifest name, TF layout."""
    with open(os.path.join(model_dir, name + '-weights_manifest.json')) as f:
        manifest = json.load(f)
    out = {}
    for group in manifest:
        blob = b''.join(open(os.path.join(model_dir, p), 'rb').read() for p in group['paths'])
        pos = 0
        for w in group['weights']:
            n = int(np.prod(w['shape'])) if w['shape'] else 1
            q = w.get('quantization')
            if q:
                if q['dtype'] != 'uint8':
                    raise ValueError(f"{w['name']}: quantization {q['dtype']} not handled")
                raw = np.frombuffer(blob, np.uint8, n, pos).astype(np.float64)
                vals = (raw * q['scale'] + q['min']).astype(np.float32)
                pos += n
            else:
                if w['dtype'] != 'float32':
                    raise ValueError(f"{w['name']}: dtype {w['dtype']} not handled")
                vals = np.frombuffer(blob, np.float32, n, pos).copy()
                pos += 4 * n
            out[w['name']] = vals.reshape(w['shape'])
        if pos != len(blob):
            raise ValueError(f'{name}: manifest covers {pos} of {len(blob)} bytes')
    return out


def conv_weight(w):
    """TF [kh,kw,in,out] -> torch [out,in,kh,kw]."""
    return torch.from_numpy(np.ascontiguousarray(w.transpose(3, 2, 0, 1)))


def depthwise_weight(w):
    """TF depthwise [kh,kw,in,1] -> torch [in,1,kh,kw]."""
    return torch.from_numpy(np.ascontiguousarray(w.transpose(2, 3, 0, 1)))


class Normalize(nn.Module):
    """(x - mean_rgb) / 255 on NCHW RGB."""

    def __init__(self, mean):
        super().__init__()
        self.register_buffer('mean', torch.tensor(mean, dtype=torch.float32).view(1, 3, 1, 1))

    def forward(self, x):
        return (x - self.mean) / 255.0


class SeparableConv(nn.Module):
    """Depthwise 3x3 then pointwise 1x1, one bias at the end (tf.separableConv2d + bias)."""

    def __init__(self, w, prefix, stride=1, pad=(1, 1, 1, 1)):
        super().__init__()
        dw = depthwise_weight(w[prefix + '/depthwise_filter'])
        pw = conv_weight(w[prefix + '/pointwise_filter'])
        # A symmetric pad is the convolution's own padding; only TF's asymmetric stride-2 'same'
        # needs an explicit Pad.
        symmetric = pad == (1, 1, 1, 1)
        self.dw = nn.Conv2d(dw.shape[0], dw.shape[0], 3, stride, 1 if symmetric else 0,
                            groups=dw.shape[0], bias=False)
        self.pw = nn.Conv2d(pw.shape[1], pw.shape[0], 1, 1, 0, bias=True)
        self.dw.weight.data.copy_(dw)
        self.pw.weight.data.copy_(pw)
        self.pw.bias.data.copy_(torch.from_numpy(w[prefix + '/bias']))
        self.pad = None if symmetric else pad

    def forward(self, x):
        return self.pw(self.dw(x if self.pad is None else F.pad(x, self.pad)))


def pool_same(x, stride):
    """TF's 2x2 'same' max-pool: the missing row/column is added at the end. Repeating the last
    row/column gives the same maxima as TF's -inf padding and exports to plain Slice/Concat."""
    h = x.shape[2]
    if stride == 1 or h % 2 == 1:
        x = torch.cat([x, x[:, :, :, -1:]], 3)
        x = torch.cat([x, x[:, :, -1:, :]], 2)
    return F.max_pool2d(x, 2, stride)


class TinyFaceDetector(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.norm = Normalize(DETECTOR_MEAN_RGB)
        self.conv0 = nn.Conv2d(3, 16, 3, 1, 0)  # 'valid', no padding (TinyYolov2Base.runMobilenet)
        self.conv0.weight.data.copy_(conv_weight(w['conv0/filters']))
        self.conv0.bias.data.copy_(torch.from_numpy(w['conv0/bias']))
        self.convs = nn.ModuleList([SeparableConv(w, f'conv{i}') for i in range(1, 6)])
        self.conv8 = nn.Conv2d(512, 25, 1)
        self.conv8.weight.data.copy_(conv_weight(w['conv8/filters']))
        self.conv8.bias.data.copy_(torch.from_numpy(w['conv8/bias']))

    def forward(self, x):
        x = F.leaky_relu(self.conv0(self.norm(x)), 0.1)
        x = pool_same(x, 2)
        for i, c in enumerate(self.convs):
            x = F.leaky_relu(c(x), 0.1)
            x = pool_same(x, 1 if i == 4 else 2)
        return self.conv8(x)


class DenseBlock4(nn.Module):
    """face-api's denseBlock4 with a stride-2 first conv (TF 'same': pad bottom/right by 1)."""

    def __init__(self, w, prefix, first):
        super().__init__()
        self.first = first
        if first:
            self.conv0 = nn.Conv2d(3, 32, 3, 2, 0)
            self.conv0.weight.data.copy_(conv_weight(w[prefix + '/conv0/filters']))
            self.conv0.bias.data.copy_(torch.from_numpy(w[prefix + '/conv0/bias']))
        else:
            self.conv0 = SeparableConv(w, prefix + '/conv0', 2, (0, 1, 0, 1))
        self.conv1 = SeparableConv(w, prefix + '/conv1')
        self.conv2 = SeparableConv(w, prefix + '/conv2')
        self.conv3 = SeparableConv(w, prefix + '/conv3')

    def forward(self, x):
        if self.first:
            x = F.pad(x, (0, 1, 0, 1))
        out1 = F.relu(self.conv0(x))
        out2 = self.conv1(out1)
        out3 = self.conv2(F.relu(out1 + out2))
        out4 = self.conv3(F.relu(out1 + out2 + out3))
        return F.relu(out1 + out2 + out3 + out4)


class FaceLandmark68Net(nn.Module):
    def __init__(self, w):
        super().__init__()
        self.norm = Normalize(LANDMARK_MEAN_RGB)
        self.dense = nn.ModuleList([DenseBlock4(w, f'dense{i}', i == 0) for i in range(4)])
        self.fc = nn.Linear(256, 136)
        self.fc.weight.data.copy_(torch.from_numpy(np.ascontiguousarray(w['fc/weights'].T)))
        self.fc.bias.data.copy_(torch.from_numpy(w['fc/bias']))

    def forward(self, x):
        x = self.norm(x)
        for d in self.dense:
            x = d(x)
        x = F.avg_pool2d(x, 7, 2)  # 7x7 -> 1x1
        return self.fc(torch.flatten(x, 1))


def build(model_dir):
    """Both networks with face-api's weights, in eval mode."""
    det = TinyFaceDetector(load_weights(model_dir, 'tiny_face_detector_model')).eval()
    lm = FaceLandmark68Net(load_weights(model_dir, 'face_landmark_68_model')).eval()
    return det, lm
