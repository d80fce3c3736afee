// object3d renderer (three.js): point clouds, lidar/beta scenes (points + boxes + vectors) and
// meshes (obj, gltf, glb, stl). Payload: object3d v1 (see src/filmstrip/media/object3d.py).
// View state: point_size (px at the framing distance), camera ({position, target} or {} for
// automatic framing), max_points (view budget; above it every k-th point is drawn and the
// panel says so — the payload itself is never thinned).
import * as THREE from "three";
import { h, listen } from "../lib/dom.js";
import { createViewer, webglAvailable, framingFor, fitClipping, disposeTree } from "./object3d/viewer.js";
import { buildPoints } from "./object3d/points.js";
import { buildSceneExtras } from "./object3d/scene.js";
import { loadMesh, addLights } from "./object3d/meshes.js";
import { createControls, sameCamera } from "./object3d/controls.js";

const DEFAULTS = { point_size: 2, max_points: 2_000_000 };
const Z_UP = new THREE.Vector3(0, 0, 1);
const Y_UP = new THREE.Vector3(0, 1, 0);
// Lidar and point clouds are z-up (look from behind and above); glTF/OBJ/STL are y-up.
const VIEW_FROM = { z: new THREE.Vector3(1, -1.5, 1), y: new THREE.Vector3(1, 0.7, 1.6) };

const CSS = `
.fs-3d-stage { position: relative; width: 100%; height: var(--fs-3d-height, 420px); overflow: hidden;
  border-radius: 4px; background: #15181c; touch-action: none; }
.fs-3d-stage:focus-visible { outline: 2px solid #0969da; outline-offset: 1px; }
.fs-3d-stage canvas { display: block; width: 100%; height: 100%; }
.fs-3d-labels { position: absolute; inset: 0; pointer-events: none; overflow: hidden; }
.fs-3d-label { position: absolute; left: 0; top: 0; padding: 1px 5px; font-size: 12px; color: #fff;
  background: rgba(0,0,0,.65); border: 1px solid; border-radius: 3px; white-space: pre; }
.fs-3d-status { position: absolute; left: 8px; top: 8px; color: #d0d7de; }
.fs-3d-help { margin: 4px 0 0; font-size: 12px; }
.fs-3d-note[data-thinned="true"] { color: #9a6700; font-weight: 600; }
`;

const fmt = (n) => Number(n).toLocaleString("en-US");
const ordinal = (k) => `${k}${k % 10 === 2 && k % 100 !== 12 ? "nd" : k % 10 === 3 && k % 100 !== 13 ? "rd" : k % 10 === 1 && k % 100 !== 11 ? "st" : "th"}`;
const hasCamera = (c) => Boolean(c && Array.isArray(c.position) && Array.isArray(c.target));

function sceneBounds(payload) {
  const [min, max] = payload.bounds.map((v) => v.slice());
  const grow = (p) => p.forEach((v, i) => { min[i] = Math.min(min[i], v); max[i] = Math.max(max[i], v); });
  for (const box of payload.boxes || []) box.corners.forEach(grow);
  for (const vector of payload.vectors || []) { grow(vector.start); grow(vector.end); }
  return [min, max];
}

export function mount(el, payload, options = {}) {
  let opts = { ...DEFAULTS, ...options };
  const cleanups = [];
  const sizeInput = h("input", {
    type: "range", min: "0.5", max: "20", step: "0.5", value: String(opts.point_size),
    class: "fs-3d-size", "aria-label": "Point size in pixels",
  });
  const sizeValue = h("output", { class: "fs-muted" }, String(opts.point_size));
  const sizeControl = h("label", {}, "Point size ", sizeInput, sizeValue);
  const resetButton = h("button", { type: "button", class: "fs-3d-reset", title: "Reset view (R)" }, "Reset view");
  const note = h("span", { class: "fs-3d-note fs-muted", role: "status" });
  const labelLayer = h("div", { class: "fs-3d-labels" });
  const status = h("div", { class: "fs-3d-status", role: "status" });
  const stage = h("div", {
    class: "fs-3d-stage", tabindex: "0", role: "application",
    "aria-label": "3D view: drag to orbit, right-drag or Ctrl+drag to pan, wheel to zoom; arrow keys orbit, + and - zoom, R resets",
  });
  const caption = h("p", { class: "fs-caption" });
  const help = h("p", { class: "fs-3d-help fs-muted" },
    "Drag: orbit · right-drag or Ctrl+drag: pan · wheel: zoom · keys: arrows orbit, +/− zoom, R reset");
  const root = h("div", { class: "fs-3d" }, h("style", {}, CSS),
    h("div", { class: "fs-controls" }, sizeControl, resetButton, note), stage, help, caption);
  el.append(root);

  const showCaption = (p) => {
    caption.textContent = p && p.caption ? p.caption : "";
    caption.hidden = !(p && p.caption);
  };
  showCaption(payload);

  if (!webglAvailable()) {
    stage.replaceWith(h("div", { class: "fs-error", role: "alert" },
      "This 3D view needs WebGL, which is disabled or unavailable in this browser. " +
      (payload && payload.num_points ? `The logged data (${fmt(payload.num_points)} points) is intact.` : "The logged data is intact.")));
    sizeControl.style.display = resetButton.style.display = "none";
    return { update(p) { showCaption(p); }, destroy() { root.remove(); } };
  }

  let content = null; // {group, points?, extras?, removeLights?}
  let framing = null;
  let upAxis = "z";
  let orbit = null;
  let current = null;
  let lastCamera = null;
  let loadToken = 0;
  let destroyed = false;

  const viewer = createViewer(stage, {
    onRender: () => content?.extras?.placeLabels(viewer.camera, stage.clientWidth, stage.clientHeight),
  });
  stage.append(labelLayer, status);

  const report = (patch) => opts.onChange?.(patch);

  const ensureControls = (axis) => {
    if (orbit && upAxis === axis) return;
    orbit?.dispose();
    upAxis = axis;
    viewer.camera.up.copy(axis === "z" ? Z_UP : Y_UP);
    orbit = createControls(viewer, stage, {
      onCameraChange: (state) => {
        lastCamera = state;
        report({ camera: state });
      },
      onReset: () => resetView(true),
    });
  };

  const applyFraming = () => {
    if (!framing) return;
    orbit.set(framing.position.toArray(), framing.center.toArray());
  };

  function resetView(fromUser) {
    applyFraming();
    if (fromUser) {
      lastCamera = null;
      report({ camera: {} });
    }
  }

  const applyCameraOption = () => {
    if (!framing) return;
    const wanted = opts.camera;
    if (hasCamera(wanted)) {
      if (!sameCamera(wanted, orbit.state())) orbit.set(wanted.position, wanted.target);
      lastCamera = wanted;
    } else if (lastCamera) {
      lastCamera = null;
      applyFraming();
    }
  };

  const frameBounds = (bounds) => {
    framing = framingFor(bounds, viewer.camera, VIEW_FROM[upAxis]);
    fitClipping(viewer.camera, framing.radius, framing.distance);
    orbit.controls.minDistance = framing.radius / 1000;
    orbit.controls.maxDistance = framing.distance * 50;
    content?.points?.setScale(framing.distance * viewer.pixelRatio);
    if (hasCamera(opts.camera)) {
      orbit.set(opts.camera.position, opts.camera.target);
      lastCamera = opts.camera;
    } else {
      applyFraming();
    }
  };

  const clearContent = () => {
    loadToken += 1;
    if (!content) return;
    viewer.scene.remove(content.group);
    disposeTree(content.group);
    content.extras?.destroy();
    content.removeLights?.();
    content = null;
  };

  const showPointsNote = (points) => {
    if (points.stride > 1) {
      note.textContent = `showing ${fmt(points.shown)} of ${fmt(points.total)} points (every ${ordinal(points.stride)}; raise max_points to show more)`;
      note.dataset.thinned = "true";
    } else {
      note.textContent = `${fmt(points.total)} point${points.total === 1 ? "" : "s"}`;
      note.dataset.thinned = "false";
    }
  };

  const setPoints = (p) => {
    if (content.points) {
      content.group.remove(content.points.object);
      disposeTree(content.points.object);
    }
    content.points = buildPoints(p, { maxPoints: opts.max_points, pointSize: opts.point_size });
    content.group.add(content.points.object);
    if (framing) content.points.setScale(framing.distance * viewer.pixelRatio);
    showPointsNote(content.points);
  };

  const fail = (error) => {
    status.textContent = "";
    stage.replaceChildren(h("div", { class: "fs-error", role: "alert" },
      `filmstrip could not show this 3D object: ${error && error.message ? error.message : error}`));
  };

  const setContent = (p) => {
    clearContent();
    current = p;
    showCaption(p);
    status.textContent = "";
    content = { group: new THREE.Group() };
    viewer.scene.add(content.group);
    try {
      if (p.kind === "points" || p.kind === "scene") {
        sizeControl.style.display = "";
        ensureControls("z");
        setPoints(p);
        if (p.kind === "scene") {
          content.extras = buildSceneExtras(p, labelLayer);
          content.group.add(content.extras.object);
        }
        frameBounds(p.kind === "scene" ? sceneBounds(p) : p.bounds);
        viewer.requestRender();
      } else if (p.kind === "mesh") {
        sizeControl.style.display = "none";
        note.textContent = `${String(p.format || "").toUpperCase()} mesh`;
        note.dataset.thinned = "false";
        ensureControls("y");
        content.removeLights = addLights(viewer.scene, viewer.camera);
        status.textContent = "Loading mesh…";
        const token = loadToken;
        const holder = content;
        loadMesh(p).then((object) => {
          if (destroyed || token !== loadToken) { disposeTree(object); return; }
          status.textContent = "";
          holder.group.add(object);
          const box = new THREE.Box3().setFromObject(object);
          if (box.isEmpty()) throw new Error("the mesh has no vertices");
          frameBounds([box.min.toArray(), box.max.toArray()]);
          viewer.requestRender();
        }).catch((error) => { if (!destroyed && token === loadToken) fail(error); });
      } else {
        throw new Error(`unknown object3d kind "${p.kind}" (expected points, scene or mesh)`);
      }
    } catch (error) {
      fail(error);
    }
  };

  const setPointSize = (px) => {
    sizeInput.value = String(px);
    sizeValue.textContent = String(px);
    content?.points?.setPointSize(px);
    viewer.requestRender();
  };

  cleanups.push(listen(sizeInput, "input", () => {
    const px = Number(sizeInput.value);
    opts = { ...opts, point_size: px };
    setPointSize(px);
    report({ point_size: px });
  }));
  cleanups.push(listen(resetButton, "click", () => resetView(true)));
  cleanups.push(listen(stage, "pointerdown", () => stage.focus({ preventScroll: true })));

  setContent(payload);

  return {
    update(nextPayload, nextOptions = {}) {
      const previous = opts;
      opts = { ...DEFAULTS, ...nextOptions };
      if (nextPayload !== current) {
        setContent(nextPayload);
        return;
      }
      if (opts.max_points !== previous.max_points && content?.points) {
        setPoints(current);
        viewer.requestRender();
      }
      if (opts.point_size !== previous.point_size || Number(sizeInput.value) !== opts.point_size) {
        setPointSize(opts.point_size);
      }
      applyCameraOption();
    },
    /** Draw one frame now and wait for the GPU to finish it; returns milliseconds (for benchmarks). */
    renderSync() {
      const start = performance.now();
      viewer.renderNow();
      const gl = viewer.renderer.getContext();
      gl.readPixels(0, 0, 1, 1, gl.RGBA, gl.UNSIGNED_BYTE, new Uint8Array(4));
      return performance.now() - start;
    },
    /** Orbit by an angle without reporting (for benchmarks). */
    orbitBy(angle) {
      orbit?.controls.rotateLeft(angle);
    },
    destroy() {
      destroyed = true;
      for (const remove of cleanups) remove();
      clearContent();
      orbit?.dispose();
      viewer.dispose();
      root.remove();
    },
  };
}
