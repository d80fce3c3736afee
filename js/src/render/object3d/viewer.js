// The three.js stage shared by every object3d kind: renderer, camera, scene, lights, framing,
// resizing and render-on-demand (one frame per change, no permanent animation loop).
import * as THREE from "three";

export const BACKGROUND = 0x15181c;

/** true when a WebGL context can be created here (false in browsers with WebGL disabled). */
export function webglAvailable() {
  try {
    const canvas = document.createElement("canvas");
    const gl = canvas.getContext("webgl2") || canvas.getContext("webgl");
    if (!gl) return false;
    gl.getExtension("WEBGL_lose_context")?.loseContext();
    return true;
  } catch {
    return false;
  }
}

/**
 * @param {HTMLElement} container  sized element the canvas fills
 * @param {{onRender?: (viewer) => void}} hooks  called after each frame (e.g. to place labels)
 */
export function createViewer(container, hooks = {}) {
  const renderer = new THREE.WebGLRenderer({ antialias: true, powerPreference: "high-performance" });
  renderer.setPixelRatio(Math.min(window.devicePixelRatio || 1, 2));
  renderer.setClearColor(BACKGROUND, 1);
  renderer.domElement.classList.add("fs-3d-canvas");
  container.append(renderer.domElement);

  const scene = new THREE.Scene();
  const camera = new THREE.PerspectiveCamera(50, 1, 0.01, 1000);
  scene.add(camera); // the key light rides on the camera, so the lit side is the one you see
  let frameHandle = 0;
  let disposed = false;
  const stats = { frames: 0, lastFrameMs: 0 };

  const draw = () => {
    frameHandle = 0;
    if (disposed) return;
    const start = performance.now();
    renderer.render(scene, camera);
    stats.frames += 1;
    stats.lastFrameMs = performance.now() - start;
    hooks.onRender?.(viewer);
  };

  const resize = () => {
    const width = Math.max(1, container.clientWidth);
    const height = Math.max(1, container.clientHeight);
    renderer.setSize(width, height, true);
    camera.aspect = width / height;
    camera.updateProjectionMatrix();
    viewer.requestRender();
  };
  const observer = new ResizeObserver(resize);
  observer.observe(container);

  const viewer = {
    THREE,
    renderer,
    scene,
    camera,
    stats,
    /** Schedule one frame (coalesces any number of calls before the next animation frame). */
    requestRender() {
      if (!frameHandle && !disposed) frameHandle = requestAnimationFrame(draw);
    },
    /** Draw now (used by measurements and right after data changes). */
    renderNow() {
      if (frameHandle) cancelAnimationFrame(frameHandle);
      draw();
    },
    resize,
    get pixelRatio() {
      return renderer.getPixelRatio();
    },
    get heightPx() {
      return renderer.domElement.height;
    },
    dispose() {
      disposed = true;
      if (frameHandle) cancelAnimationFrame(frameHandle);
      observer.disconnect();
      disposeTree(scene);
      renderer.dispose();
      renderer.forceContextLoss();
      renderer.domElement.remove();
    },
  };
  resize();
  return viewer;
}

/** Camera position and near/far planes that show a bounding sphere whole. */
export function framingFor(bounds, camera, viewDirection) {
  const [min, max] = bounds;
  const center = new THREE.Vector3(
    (min[0] + max[0]) / 2, (min[1] + max[1]) / 2, (min[2] + max[2]) / 2,
  );
  const half = new THREE.Vector3(max[0] - min[0], max[1] - min[1], max[2] - min[2]).multiplyScalar(0.5);
  const radius = Math.max(half.length(), 1e-3);
  const vfov = THREE.MathUtils.degToRad(camera.fov) / 2;
  const hfov = Math.atan(Math.tan(vfov) * camera.aspect);
  const distance = radius / Math.sin(Math.min(vfov, hfov));
  const position = center.clone().add(viewDirection.clone().normalize().multiplyScalar(distance));
  return { center, radius, distance, position };
}

/** Keep the depth range proportional to the scene so huge and tiny clouds both render. */
export function fitClipping(camera, radius, distance) {
  camera.near = Math.max(distance / 1000, radius / 10000, 1e-6);
  camera.far = distance + radius * 20;
  camera.updateProjectionMatrix();
}

/** Dispose geometries, materials and textures below `root` and detach them. */
export function disposeTree(root) {
  root.traverse((node) => {
    node.geometry?.dispose();
    const materials = Array.isArray(node.material) ? node.material : node.material ? [node.material] : [];
    for (const material of materials) {
      for (const value of Object.values(material)) {
        if (value && value.isTexture) value.dispose();
      }
      material.dispose();
    }
  });
}
