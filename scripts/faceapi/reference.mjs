// Runs face-api.js itself (tiny face detector + 68 landmarks) in Node on raw RGB images and writes
// its faces, boxes, landmarks and raw detector grids as JSON: the reference trt4j's ONNX export and
// Java runner are compared with.
//
//   node reference.mjs INDEX.json OUT.json [cpu|wasm]
//
// INDEX.json (written by images.py): [{"name", "file", "width", "height", "frames"?}]; "file" holds
// raw RGB bytes (frames of a video one after the other). The backend is tfjs's pure-JS "cpu"
// (default) or "wasm" from npm; nothing native is downloaded.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const faceapi = require('@vladmandic/face-api/dist/face-api.node-wasm.js');
const tf = faceapi.tf;

const [indexFile, outFile, backend = 'cpu'] = process.argv.slice(2);
if (!indexFile || !outFile) {
  console.error('usage: node reference.mjs INDEX.json OUT.json [cpu|wasm]');
  process.exit(2);
}

await tf.setBackend(backend);
await tf.ready();
const modelDir = path.join(path.dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
await faceapi.nets.tinyFaceDetector.loadFromDisk(modelDir);
await faceapi.nets.faceLandmark68Net.loadFromDisk(modelDir);
const options = new faceapi.TinyFaceDetectorOptions({ inputSize: 416, scoreThreshold: 0.5 });

const round = (v) => Math.round(v * 1e4) / 1e4;

async function detect(rgb, width, height, withGrid) {
  const image = tf.tensor3d(rgb, [height, width, 3], 'int32');
  const found = await faceapi.detectAllFaces(image, options).withFaceLandmarks();
  const result = {
    faces: found.map((f) => ({
      score: round(f.detection.score),
      box: [f.detection.box.x, f.detection.box.y, f.detection.box.width, f.detection.box.height].map(round),
      landmarks: f.landmarks.positions.map((p) => [round(p.x), round(p.y)]),
    })),
  };
  if (withGrid) {
    // The detector's raw output for the same image, NHWC [1,13,13,25].
    const grid = await faceapi.nets.tinyFaceDetector.forward(image, 416);
    result.grid = Array.from(await grid.data());
    grid.dispose();
  }
  image.dispose();
  return result;
}

const index = JSON.parse(fs.readFileSync(indexFile, 'utf8'));
const base = path.dirname(indexFile);
const out = { faceapi: require('@vladmandic/face-api/package.json').version, tfjs: tf.version_core, backend, images: [] };
for (const entry of index) {
  const bytes = fs.readFileSync(path.resolve(base, entry.file));
  const frameBytes = entry.width * entry.height * 3;
  const frames = entry.frames || 1;
  if (bytes.length !== frameBytes * frames) {
    throw new Error(`${entry.file}: ${bytes.length} bytes, expected ${frames} x ${entry.width}x${entry.height}x3`);
  }
  const t0 = Date.now();
  if (entry.frames) {
    const perFrame = [];
    for (let i = 0; i < frames; i++) {
      const rgb = new Uint8Array(bytes.buffer, bytes.byteOffset + i * frameBytes, frameBytes);
      const r = await detect(rgb, entry.width, entry.height, false);
      perFrame.push(r.faces.map((f) => ({ score: f.score, box: f.box })));
    }
    out.images.push({ name: entry.name, width: entry.width, height: entry.height, frames: perFrame });
    console.log(`${entry.name}: ${frames} frames, ${perFrame.filter((f) => f.length > 0).length} with a face (${Date.now() - t0} ms)`);
  } else {
    const r = await detect(new Uint8Array(bytes), entry.width, entry.height, true);
    out.images.push({ name: entry.name, width: entry.width, height: entry.height, ...r });
    console.log(`${entry.name}: ${r.faces.length} face(s) (${Date.now() - t0} ms)`);
  }
}
fs.writeFileSync(outFile, JSON.stringify(out));
console.log(`wrote ${outFile}`);
