// Mesh files (obj, gltf, glb, stl) from the payload's "file" buffer -> a THREE.Object3D, with a
// default material where the file brings none (OBJ materials live in separate .mtl files that
// are not logged; STL has no materials).
import * as THREE from "three";
import { GLTFLoader } from "three/examples/jsm/loaders/GLTFLoader.js";
import { OBJLoader } from "three/examples/jsm/loaders/OBJLoader.js";
import { STLLoader } from "three/examples/jsm/loaders/STLLoader.js";
import { toBytes } from "../../lib/buffers.js";

export const MESH_COLOR = 0xb8c2cc;

function defaultMaterial(vertexColors = false) {
  return new THREE.MeshStandardMaterial({
    color: vertexColors ? 0xffffff : MESH_COLOR,
    vertexColors,
    roughness: 0.6,
    metalness: 0.05,
    side: THREE.DoubleSide,
  });
}

/** An ArrayBuffer holding exactly these bytes (the loaders take whole ArrayBuffers). */
function exactArrayBuffer(bytes) {
  if (bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength) return bytes.buffer;
  return bytes.slice().buffer;
}

function parseGltf(data) {
  return new Promise((resolve, reject) => {
    new GLTFLoader().parse(data, "", (gltf) => resolve(gltf.scene), (error) =>
      reject(error instanceof Error ? error : new Error(String(error?.message || error))));
  });
}

/**
 * @param {object} payload  object3d v1 with kind "mesh"
 * @returns {Promise<THREE.Object3D>}
 */
export async function loadMesh(payload) {
  const bytes = toBytes(payload.buffers.file);
  const format = payload.format;
  if (format === "glb") return parseGltf(exactArrayBuffer(bytes));
  if (format === "gltf") return parseGltf(new TextDecoder().decode(bytes));
  if (format === "obj") {
    const root = new OBJLoader().parse(new TextDecoder().decode(bytes));
    root.traverse((node) => {
      if (!node.isMesh) return;
      const old = Array.isArray(node.material) ? node.material : [node.material];
      old.forEach((m) => m?.dispose());
      if (!node.geometry.attributes.normal) node.geometry.computeVertexNormals();
      node.material = defaultMaterial(Boolean(node.geometry.attributes.color));
    });
    return root;
  }
  if (format === "stl") {
    const geometry = new STLLoader().parse(exactArrayBuffer(bytes));
    if (!geometry.attributes.normal) geometry.computeVertexNormals();
    return new THREE.Mesh(geometry, defaultMaterial(Boolean(geometry.hasColors)));
  }
  throw new Error(`object3d: mesh format "${format}" cannot be shown; supported: obj, gltf, glb, stl`);
}

/** Lights for meshes: soft ambient fill plus a key light that follows the camera. */
export function addLights(scene, camera) {
  const ambient = new THREE.HemisphereLight(0xffffff, 0x444450, 1.4);
  const key = new THREE.DirectionalLight(0xffffff, 2.2);
  key.position.set(0.5, 1, 0.8);
  key.target.position.set(0, 0, -5);
  camera.add(key);
  camera.add(key.target);
  scene.add(ambient);
  return () => {
    camera.remove(key);
    camera.remove(key.target);
    scene.remove(ambient);
    key.dispose();
    ambient.dispose();
  };
}
