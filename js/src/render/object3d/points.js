// Point clouds: float32 xyz (+ uint8 rgb or category 1..14) payload buffers -> THREE.Points.
// A small shader keeps logged colours exact (three's built-in materials would treat vertex
// colours as linear and brighten them) and sizes points in pixels at the framing distance,
// shrinking and growing with zoom (size attenuation).
import * as THREE from "three";
import { toBytes, toTyped } from "../../lib/buffers.js";
import { CATEGORY_COLORS } from "../../lib/palette.js";

export const DEFAULT_POINT_COLOR = [168, 199, 250];

const VERTEX = /* glsl */ `
  uniform float uSize;
  uniform float uScale;
  #ifdef USE_POINT_COLOR
  attribute vec3 color;
  #endif
  varying vec3 vColor;
  uniform vec3 uColor;
  void main() {
    #ifdef USE_POINT_COLOR
    vColor = color;
    #else
    vColor = uColor;
    #endif
    vec4 mvPosition = modelViewMatrix * vec4(position, 1.0);
    gl_Position = projectionMatrix * mvPosition;
    gl_PointSize = clamp(uSize * uScale / max(-mvPosition.z, 1e-6), 1.0, 64.0);
  }
`;

const FRAGMENT = /* glsl */ `
  varying vec3 vColor;
  void main() {
    vec2 offset = gl_PointCoord - vec2(0.5);
    if (dot(offset, offset) > 0.25) discard;
    gl_FragColor = vec4(vColor, 1.0);
  }
`;

/** Every k-th point so that at most `maxPoints` are drawn; k = 1 when within budget. */
export function thinningStride(numPoints, maxPoints) {
  const budget = Math.max(1, Math.floor(maxPoints) || 1);
  return numPoints > budget ? Math.ceil(numPoints / budget) : 1;
}

function strided(array, itemSize, stride, count) {
  if (stride === 1) return array;
  const out = new array.constructor(count * itemSize);
  for (let i = 0, j = 0; i < count; i++, j += stride * itemSize) {
    for (let c = 0; c < itemSize; c++) out[i * itemSize + c] = array[j + c];
  }
  return out;
}

function categoryRgb(categories) {
  const lut = new Uint8Array(256 * 3);
  for (let c = 0; c < 256; c++) lut.set(CATEGORY_COLORS[(c - 1 + 14 * 20) % 14], c * 3);
  const rgb = new Uint8Array(categories.length * 3);
  for (let i = 0; i < categories.length; i++) {
    const base = categories[i] * 3;
    rgb[i * 3] = lut[base];
    rgb[i * 3 + 1] = lut[base + 1];
    rgb[i * 3 + 2] = lut[base + 2];
  }
  return rgb;
}

/**
 * @param {object} payload  object3d v1 with kind "points" or "scene"
 * @param {{maxPoints: number, pointSize: number}} view
 * @returns {{object: THREE.Points, shown: number, total: number, stride: number,
 *            setPointSize(px: number): void, setScale(pixels: number): void}}
 */
export function buildPoints(payload, view) {
  const total = payload.num_points;
  const xyzAll = toTyped(payload.buffers.xyz, Float32Array);
  if (xyzAll.length !== total * 3) {
    throw new Error(`object3d payload: "xyz" holds ${xyzAll.length / 3} points, num_points says ${total}`);
  }
  const stride = thinningStride(total, view.maxPoints);
  const shown = Math.ceil(total / stride);
  const geometry = new THREE.BufferGeometry();
  geometry.setAttribute("position", new THREE.BufferAttribute(strided(xyzAll, 3, stride, shown), 3));

  let colors = null;
  if (payload.color_mode === "rgb") {
    colors = strided(toBytes(payload.buffers.rgb), 3, stride, shown);
  } else if (payload.color_mode === "category") {
    colors = categoryRgb(strided(toBytes(payload.buffers.category), 1, stride, shown));
  }
  if (colors) geometry.setAttribute("color", new THREE.BufferAttribute(colors, 3, true));
  const [min, max] = payload.bounds;
  geometry.boundingBox = new THREE.Box3(new THREE.Vector3(...min), new THREE.Vector3(...max));
  geometry.boundingSphere = geometry.boundingBox.getBoundingSphere(new THREE.Sphere());

  const material = new THREE.ShaderMaterial({
    vertexShader: VERTEX,
    fragmentShader: FRAGMENT,
    defines: colors ? { USE_POINT_COLOR: "" } : {},
    uniforms: {
      uSize: { value: view.pointSize },
      uScale: { value: 1 },
      uColor: { value: new THREE.Vector3(...DEFAULT_POINT_COLOR.map((v) => v / 255)) },
    },
  });
  const object = new THREE.Points(geometry, material);
  object.name = "points";
  return {
    object,
    shown,
    total,
    stride,
    setPointSize(px) {
      material.uniforms.uSize.value = px;
    },
    /** Pixels per world unit at distance 1, times the framing distance: size is in px there. */
    setScale(value) {
      material.uniforms.uScale.value = value;
    },
  };
}
