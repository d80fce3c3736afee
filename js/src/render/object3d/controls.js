// Camera interaction: orbit (left drag), pan (right drag or ctrl/shift + drag), zoom (wheel),
// and keys on the focused view (arrows orbit, +/- zoom, R resets). The camera is reported as
// {position, target} when an interaction ends (debounced: a wheel burst is one report), never
// per frame.
import { OrbitControls } from "three/examples/jsm/controls/OrbitControls.js";
import { listen } from "../../lib/dom.js";

const KEY_ANGLE = Math.PI / 24;
const REPORT_DELAY_MS = 150;

const round = (v) => Math.round(v * 1e6) / 1e6;

/** {position, target} of a camera + orbit controls, rounded so equality checks are stable. */
export function cameraState(camera, controls) {
  return {
    position: camera.position.toArray().map(round),
    target: controls.target.toArray().map(round),
  };
}

export function sameCamera(a, b) {
  if (!a || !b || !a.position || !b.position) return false;
  const close = (x, y) => x.every((v, i) => Math.abs(v - y[i]) <= 1e-5 * Math.max(1, Math.abs(v)));
  return close(a.position, b.position) && close(a.target, b.target);
}

/**
 * @param {object} viewer  from createViewer
 * @param {HTMLElement} focusTarget  element that takes keyboard focus (tabindex=0)
 * @param {{onCameraChange: (state) => void, onReset: () => void}} hooks
 */
export function createControls(viewer, focusTarget, hooks) {
  const { camera, renderer } = viewer;
  const controls = new OrbitControls(camera, renderer.domElement);
  controls.enableDamping = false; // damping needs a permanent animation loop
  controls.screenSpacePanning = true;
  let reportTimer = 0;

  const report = () => {
    clearTimeout(reportTimer);
    reportTimer = setTimeout(() => {
      reportTimer = 0;
      hooks.onCameraChange(cameraState(camera, controls));
    }, REPORT_DELAY_MS);
  };
  const onChange = () => viewer.requestRender();
  controls.addEventListener("change", onChange);
  controls.addEventListener("end", report);

  const onKey = (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key;
    if (key === "ArrowLeft") controls.rotateLeft(-KEY_ANGLE);
    else if (key === "ArrowRight") controls.rotateLeft(KEY_ANGLE);
    else if (key === "ArrowUp") controls.rotateUp(-KEY_ANGLE);
    else if (key === "ArrowDown") controls.rotateUp(KEY_ANGLE);
    else if (key === "+" || key === "=") controls.dollyIn(1.2);
    else if (key === "-" || key === "_") controls.dollyOut(1.2);
    else if (key === "r" || key === "R") {
      hooks.onReset();
      event.preventDefault();
      return;
    } else return;
    event.preventDefault();
    event.stopPropagation();
    report();
  };
  const removeKey = listen(focusTarget, "keydown", onKey);
  // The context menu would cover the view at the end of every right-drag pan.
  const removeMenu = listen(renderer.domElement, "contextmenu", (event) => event.preventDefault());

  return {
    controls,
    /** Move the view; `report` says whether to tell the host (not when the host asked). */
    set(position, target, report_ = false) {
      camera.position.set(...position);
      controls.target.set(...target);
      controls.update();
      viewer.requestRender();
      if (report_) hooks.onCameraChange(cameraState(camera, controls));
    },
    state: () => cameraState(camera, controls),
    dispose() {
      clearTimeout(reportTimer);
      controls.removeEventListener("change", onChange);
      controls.removeEventListener("end", report);
      removeKey();
      removeMenu();
      controls.dispose();
    },
  };
}
