// molecule renderer (3Dmol.js): pdb, pqr, mmcif, mcif, cif, sdf, sd, gro, mol2 and mmtf files.
// Payload: molecule v1 (format, caption, num_atoms, buffers.file; see
// src/filmstrip/media/molecule.py). View state: representation = "auto" | "cartoon" | "stick" |
// "sphere" | "line" ("auto": cartoon for proteins with chains, sticks otherwise).
import * as $3Dmol from "3dmol";
import { h, listen } from "../lib/dom.js";
import { toBytes } from "../lib/buffers.js";

export const STYLES = ["cartoon", "stick", "sphere", "line"];
// 3Dmol's parser names for the ten formats (it has no "mmcif" or "sd" parser key).
const PARSER = { pdb: "pdb", pqr: "pqr", mmcif: "cif", mcif: "mcif", cif: "cif", sdf: "sdf", sd: "sdf",
  gro: "gro", mol2: "mol2", mmtf: "mmtf" };
const STYLE_SPECS = {
  cartoon: { cartoon: { color: "spectrum" } },
  stick: { stick: { radius: 0.18 }, sphere: { scale: 0.22 } },
  sphere: { sphere: {} },
  line: { line: { linewidth: 2 } },
};
const KEY_DEGREES = 10;

const CSS = `
.fs-mol-stage { position: relative; width: 100%; height: var(--fs-mol-height, 400px); border: 1px solid #d0d7de;
  border-radius: 4px; overflow: hidden; background: #fff; }
.fs-mol-stage:focus-visible { outline: 2px solid #0969da; outline-offset: 1px; }
.fs-mol-styles { display: inline-flex; gap: 4px; }
.fs-mol-styles button[aria-pressed="true"] { background: #0969da; border-color: #0969da; color: #fff; }
.fs-mol-styles button[aria-pressed="false"] { opacity: 1; text-decoration: none; }
.fs-mol-help { margin: 4px 0 0; font-size: 12px; }
`;

/**
 * Run `build` and return every listener it added anywhere, so destroy() can remove them:
 * 3Dmol binds window/body/canvas listeners without keeping references it could release.
 */
function recordingListeners(build) {
  const proto = EventTarget.prototype;
  const original = proto.addEventListener;
  const added = [];
  proto.addEventListener = function record(type, handler, options) {
    added.push([this, type, handler, options]);
    return original.call(this, type, handler, options);
  };
  try {
    return { result: build(), added };
  } finally {
    proto.addEventListener = original;
  }
}

/** Model text (or bytes for binary mmtf) in the form 3Dmol's parsers take. */
function modelData(payload) {
  const bytes = toBytes(payload.buffers.file);
  return payload.format === "mmtf" ? bytes : new TextDecoder().decode(bytes);
}

function describeAtom(atom) {
  const parts = [`${atom.atom || atom.elem || "atom"}${atom.elem && atom.elem !== atom.atom ? ` (${atom.elem})` : ""}`];
  if (atom.resn) parts.push(`${atom.resn}${atom.resi !== undefined && atom.resi !== "" ? ` ${atom.resi}` : ""}`);
  if (atom.chain && atom.chain.trim()) parts.push(`chain ${atom.chain}`);
  return parts.join(" · ");
}

export function mount(el, payload, options = {}) {
  let opts = { representation: "auto", ...options };
  const cleanups = [];
  const buttons = new Map(STYLES.map((name) => [name, h("button", {
    type: "button", "aria-pressed": "false", "data-style": name, title: `Draw as ${name}`,
  }, name)]));
  const styleGroup = h("div", { class: "fs-mol-styles", role: "group", "aria-label": "Molecule style" },
    ...buttons.values());
  const info = h("span", { class: "fs-muted fs-mol-info" });
  const stage = h("div", {
    class: "fs-mol-stage", tabindex: "0", role: "application",
    "aria-label": "Molecule view: drag to rotate, wheel to zoom; arrow keys rotate, + and - zoom, R resets",
  });
  const tooltip = h("div", { class: "fs-tooltip", role: "status" });
  tooltip.style.display = "none";
  const caption = h("p", { class: "fs-caption" });
  const help = h("p", { class: "fs-mol-help fs-muted" },
    "Drag: rotate · right-drag: zoom · middle/ctrl-drag: translate · hover an atom for its name · keys: arrows rotate, +/− zoom, R reset");
  const root = h("div", { class: "fs-mol" }, h("style", {}, CSS),
    h("div", { class: "fs-controls" }, h("span", {}, "Style"), styleGroup, info), stage, help, caption);
  el.append(root);

  let viewer = null;
  let added = [];
  let current = null;
  let autoStyle = "stick";
  let initialView = null;
  let destroyed = false;

  const fail = (message) => {
    stage.replaceChildren(h("div", { class: "fs-error", role: "alert" }, message));
    styleGroup.style.display = "none";
  };

  try {
    ({ result: viewer, added } = recordingListeners(() => $3Dmol.createViewer(stage, {
      backgroundColor: "white", antialias: true, hoverDuration: 80,
    })));
  } catch (error) {
    fail("This molecule view needs WebGL, which is disabled or unavailable in this browser. " +
      `The logged ${payload?.format || ""} file is intact.`);
  }
  stage.append(tooltip);

  // 3Dmol's zoomTo fits the molecule to the view's height; in a view narrower than it is tall
  // (a panel in a grid) that crops it at the sides, so zoom out by the aspect ratio.
  const frame = () => {
    viewer.zoomTo();
    const aspect = stage.clientWidth / Math.max(1, stage.clientHeight);
    if (aspect > 0 && aspect < 1) viewer.zoom(aspect);
  };

  const resolvedStyle = () => (opts.representation && opts.representation !== "auto" ? opts.representation : autoStyle);

  const applyStyle = (draw = true) => {
    const style = resolvedStyle();
    for (const [name, button] of buttons) button.setAttribute("aria-pressed", String(name === style));
    if (!viewer) return;
    viewer.setStyle({}, STYLE_SPECS[style]);
    // Cartoons hide ligands and waters: keep hetero atoms visible as sticks.
    if (style === "cartoon") viewer.setStyle({ hetflag: true }, STYLE_SPECS.stick);
    if (draw) viewer.render();
  };

  const setContent = (p) => {
    current = p;
    caption.textContent = p?.caption || "";
    caption.hidden = !p?.caption;
    if (!viewer) return;
    viewer.clear();
    tooltip.style.display = "none";
    const parser = PARSER[p.format];
    if (!parser) {
      fail(`filmstrip cannot show molecule format "${p.format}"; supported: ${Object.keys(PARSER).join(", ")}`);
      return;
    }
    let model;
    try {
      model = viewer.addModel(modelData(p), parser, { keepH: true });
    } catch (error) {
      fail(`filmstrip could not read this ${p.format} file: ${error?.message || error}`);
      return;
    }
    const atoms = model.selectedAtoms({});
    if (!atoms.length) {
      fail(`filmstrip found no atoms in this ${p.format} file`);
      return;
    }
    const alphaCarbons = model.selectedAtoms({ atom: "CA", hetflag: false });
    autoStyle = alphaCarbons.length >= 2 ? "cartoon" : "stick";
    info.textContent = `${atoms.length.toLocaleString("en-US")} atoms · ${p.format}`;
    viewer.setHoverable({}, true, (atom) => {
      if (destroyed || !atom) return;
      const at = viewer.modelToScreen(atom);
      tooltip.textContent = describeAtom(atom);
      tooltip.style.display = "";
      tooltip.style.left = `${Math.round(at.x + 10)}px`;
      tooltip.style.top = `${Math.round(at.y + 10)}px`;
    }, () => {
      tooltip.style.display = "none";
    });
    applyStyle(false);
    frame();
    viewer.render(); // one draw: SwiftShader and weak GPUs pay for each
    initialView = viewer.getView();
  };

  for (const [name, button] of buttons) {
    cleanups.push(listen(button, "click", () => {
      opts = { ...opts, representation: name };
      applyStyle();
      opts.onChange?.({ representation: name });
    }));
  }
  cleanups.push(listen(stage, "keydown", (event) => {
    if (!viewer || event.altKey || event.ctrlKey || event.metaKey) return;
    const key = event.key;
    if (key === "ArrowLeft") viewer.rotate(-KEY_DEGREES, "y");
    else if (key === "ArrowRight") viewer.rotate(KEY_DEGREES, "y");
    else if (key === "ArrowUp") viewer.rotate(-KEY_DEGREES, "x");
    else if (key === "ArrowDown") viewer.rotate(KEY_DEGREES, "x");
    else if (key === "+" || key === "=") viewer.zoom(1.2);
    else if (key === "-" || key === "_") viewer.zoom(1 / 1.2);
    else if ((key === "r" || key === "R") && initialView) viewer.setView(initialView);
    else return;
    event.preventDefault();
    event.stopPropagation();
    viewer.render();
  }));
  cleanups.push(listen(stage, "pointerdown", () => stage.focus({ preventScroll: true })));

  // A panel often gets its final width after the first draw (grids, tabs, the run browser):
  // re-frame then, unless the user has already turned or zoomed the view.
  let lastWidth = 0;
  let pending = 0;
  const resizeObserver = new ResizeObserver(() => {
    cancelAnimationFrame(pending);
    pending = requestAnimationFrame(() => {
      const width = stage.clientWidth;
      if (!viewer || destroyed || !width || width === lastWidth) return;
      const untouched = initialView && JSON.stringify(viewer.getView()) === JSON.stringify(initialView);
      lastWidth = width;
      viewer.resize();
      if (untouched) {
        frame();
        initialView = viewer.getView();
      }
      viewer.render();
    });
  });
  resizeObserver.observe(stage);
  cleanups.push(() => {
    resizeObserver.disconnect();
    cancelAnimationFrame(pending);
  });

  setContent(payload);

  return {
    update(nextPayload, nextOptions = {}) {
      const previousStyle = opts.representation;
      opts = { representation: "auto", ...nextOptions };
      if (nextPayload !== current) setContent(nextPayload);
      else if (opts.representation !== previousStyle) applyStyle();
    },
    destroy() {
      destroyed = true;
      for (const remove of cleanups) remove();
      if (viewer) {
        viewer.clear();
        viewer.divwatcher?.disconnect();
        viewer.intwatcher?.disconnect();
        for (const [target, type, handler, options] of added) target.removeEventListener(type, handler, options);
        const canvas = viewer.getCanvas?.();
        const gl = canvas && (canvas.getContext("webgl2") || canvas.getContext("webgl"));
        gl?.getExtension("WEBGL_lose_context")?.loseContext();
        viewer = null;
      }
      root.remove();
    },
  };
}
