// lidar/beta scenes: 3D boxes as their 12 edges in the box colour with an HTML label, and
// vectors as arrows. Labels are user text: they go into the page only via textContent.
import * as THREE from "three";
import { h } from "../../lib/dom.js";

export const DEFAULT_VECTOR_COLOR = [255, 255, 255];

function srgb([r, g, b]) {
  return new THREE.Color().setRGB(r / 255, g / 255, b / 255, THREE.SRGBColorSpace);
}

/**
 * The 12 edges (index pairs) of a box given by 8 corners in any order — the same rule as the
 * Python side's box_edges: every corner is corner 0 plus a subset sum of three edge vectors;
 * corners whose subsets differ in one vector share an edge. Flat boxes fall back to
 * "each corner to its three nearest".
 */
export function boxEdges(corners) {
  const d = corners.slice(1).map((c) => [c[0] - corners[0][0], c[1] - corners[0][1], c[2] - corners[0][2]]);
  const scale = Math.max(1e-12, ...d.flat().map(Math.abs));
  const close = (a, b) => Math.max(Math.abs(a[0] - b[0]), Math.abs(a[1] - b[1]), Math.abs(a[2] - b[2])) <= 1e-6 * scale;
  for (let a = 0; a < 7; a++) for (let b = a + 1; b < 7; b++) for (let c = b + 1; c < 7; c++) {
    const basis = [d[a], d[b], d[c]];
    const codes = [0];
    for (let i = 0; i < 7; i++) {
      for (let mask = 1; mask < 8; mask++) {
        const sum = [0, 0, 0];
        for (let bit = 0; bit < 3; bit++) if ((mask >> bit) & 1) for (let k = 0; k < 3; k++) sum[k] += basis[bit][k];
        if (close(sum, d[i])) { codes[i + 1] = mask; break; }
      }
    }
    if (codes.filter((x) => x !== undefined).length === 8 && new Set(codes).size === 8) {
      const edges = [];
      for (let i = 0; i < 8; i++) for (let j = i + 1; j < 8; j++) {
        const x = codes[i] ^ codes[j];
        if (x && (x & (x - 1)) === 0) edges.push([i, j]);
      }
      return edges;
    }
  }
  const seen = new Set();
  const edges = [];
  corners.forEach((p, i) => {
    const order = corners
      .map((q, j) => [j, Math.hypot(p[0] - q[0], p[1] - q[1], p[2] - q[2])])
      .filter(([j]) => j !== i)
      .sort((x, y) => x[1] - y[1]);
    for (const [j] of order.slice(0, 3)) {
      const key = i < j ? `${i}-${j}` : `${j}-${i}`;
      if (!seen.has(key)) { seen.add(key); edges.push(i < j ? [i, j] : [j, i]); }
    }
  });
  return edges;
}

/**
 * @param {object} payload  object3d v1 with kind "scene"
 * @param {HTMLElement} labelLayer  absolutely positioned layer over the canvas
 * @returns {{object: THREE.Group, placeLabels(camera, width, height): void, destroy(): void}}
 */
export function buildSceneExtras(payload, labelLayer) {
  const group = new THREE.Group();
  group.name = "scene-extras";
  const labels = [];
  for (const box of payload.boxes || []) {
    const corners = box.corners;
    const positions = [];
    for (const [i, j] of boxEdges(corners)) positions.push(...corners[i], ...corners[j]);
    const geometry = new THREE.BufferGeometry();
    geometry.setAttribute("position", new THREE.Float32BufferAttribute(positions, 3));
    const color = box.color || [255, 255, 255];
    group.add(new THREE.LineSegments(geometry, new THREE.LineBasicMaterial({ color: srgb(color) })));
    if (box.label) {
      // Anchor the label above the box's highest corner (z is up in lidar scenes).
      const top = corners.reduce((best, c) => (c[2] > best[2] ? c : best), corners[0]);
      const node = h("span", {
        class: "fs-3d-label",
        style: { borderColor: `rgb(${color.join(",")})` },
        text: box.label,
      });
      labelLayer.append(node);
      labels.push({ node, anchor: new THREE.Vector3(...top) });
    }
  }
  for (const vector of payload.vectors || []) {
    const start = new THREE.Vector3(...vector.start);
    const direction = new THREE.Vector3(...vector.end).sub(start);
    const length = direction.length();
    if (length === 0) continue;
    const color = srgb(vector.color || DEFAULT_VECTOR_COLOR);
    const arrow = new THREE.ArrowHelper(direction.normalize(), start, length, color, length * 0.2, length * 0.08);
    group.add(arrow);
  }
  const projected = new THREE.Vector3();
  return {
    object: group,
    labelCount: labels.length,
    placeLabels(camera, width, height) {
      for (const { node, anchor } of labels) {
        projected.copy(anchor).project(camera);
        const visible = projected.z < 1 && Math.abs(projected.x) <= 1.2 && Math.abs(projected.y) <= 1.2;
        node.style.display = visible ? "" : "none";
        if (visible) {
          node.style.transform = `translate(${((projected.x + 1) / 2) * width}px, ${((1 - projected.y) / 2) * height}px) translate(-50%, -120%)`;
        }
      }
    },
    destroy() {
      for (const { node } of labels) node.remove();
    },
  };
}
