// The run browser shell: toolbar with the global step slider, an overview section, and one panel
// per logged key grouped by key prefix ("train/"), with runs side by side in columns. It reads and
// writes state only through a data source (js/src/host/source.js), so the same shell serves the
// live widget and the HTML export.
import { h, listen, releaseWidgetRoot, widgetRoot } from "../lib/dom.js";
import { rendererFor } from "../render/index.js";
import css from "./browser.css";
import { payloadCache } from "./cache.js";
import { floorIndex, groupKeys, keyInfo, matchesSearch, shownKeys, sliderSteps } from "./model.js";
import { buildOverview } from "./overview.js";
import { createPanel } from "./panel.js";
import { createStepBar } from "./stepbar.js";

/** Renderers that live in their own bundles, loaded on first need. */
const HEAVY_BUNDLES = { object3d: "object3d.js", molecule: "molecule.js" };
const OVERVIEW = "#overview";
const PREFETCH_AHEAD = 2;
const PREFETCH_BEHIND = 1;

/**
 * Mount the browser into `el`, reading everything through `source`.
 * @returns {{destroy(): void}}
 */
export function mountBrowser(el, source) {
  widgetRoot(el, "fs-browser");
  if (!el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
  const style = h("style", { "data-fs-browser": "" }, css);
  const idPrefix = `fsb-${Math.random().toString(36).slice(2, 9)}`;
  const cache = payloadCache();
  const heavy = new Map();
  const offs = [];
  let destroyed = false;

  // ---- state -------------------------------------------------------------------------------
  const get = (name, fallback) => {
    const v = source.getState(name);
    return v === undefined || v === null ? fallback : v;
  };
  let runs = [];
  let keys = [];
  let stops = new Int32Array(0);
  const panels = new Map(); // key -> panel
  const visible = new Set(); // panels currently on screen
  let optionsCache = new Map();
  let playTimer = null;

  const currentStep = () => {
    const s = source.getState("step");
    if (typeof s === "number") return s;
    return stops.length ? stops[stops.length - 1] : 0;
  };
  const goTo = (step) => {
    if (step !== source.getState("step")) source.setState({ step });
  };

  // ---- panel context -------------------------------------------------------------------------
  const entryKey = (...parts) => parts.join("\u0000");
  const ctx = {
    load: (uid, key, step) => cache.get(entryKey(uid, key, step), () => source.fetch(uid, key, step)),
    peek: (uid, key, step) => cache.peek(entryKey(uid, key, step)),
    loadSeries: (uid, key, count) => cache.get(entryKey(uid, key, "series", count), () => source.fetch(uid, key, null)),
    loadSummary: (uid, key) => {
      const run = runs.find((r) => r.uid === uid);
      const version = run && run.summary_version !== undefined ? run.summary_version : 0;
      return cache.get(entryKey(uid, key, "summary", version), () => source.fetchSummary(uid, key));
    },
    resolve(type) {
      const bundle = HEAVY_BUNDLES[type];
      if (!bundle) return Promise.resolve(rendererFor(type));
      if (!heavy.has(bundle)) {
        const loading = source.loadBundle(bundle).then((mod) => {
          if (!mod || typeof mod.mount !== "function") throw new Error(`${bundle} has no mount export`);
          return mod;
        });
        loading.catch(() => heavy.delete(bundle));
        heavy.set(bundle, loading);
      }
      return heavy.get(bundle);
    },
    options(key) {
      let opts = optionsCache.get(key);
      if (!opts) {
        const state = get("panel_state", {})[key] || {};
        opts = { ...state, onChange: (patch) => changePanelState(key, patch) };
        optionsCache.set(key, opts);
      }
      return opts;
    },
  };

  const changePanelState = (key, patch) => {
    if (destroyed) return;
    const all = get("panel_state", {});
    source.setState({ panel_state: { ...all, [key]: { ...(all[key] || {}), ...patch } } });
  };

  // ---- DOM -------------------------------------------------------------------------------------
  const bar = createStepBar({
    idPrefix,
    onStep: goTo,
    onPlay: (playing) => source.setState({ playing }),
    onSpeed: (speed) => source.setState({ speed }),
    onSearch: (search) => source.setState({ search }),
  });
  const overviewBody = h("div", { class: "fs-overview-body", id: `${idPrefix}-overview` });
  const overviewToggle = h("button", { type: "button", class: "fs-group-toggle", "aria-expanded": "true", "aria-controls": overviewBody.id, "data-group": OVERVIEW }, "Overview");
  const overviewSection = h("section", { class: "fs-group fs-overview" }, overviewToggle, overviewBody);
  const groupsEl = h("div", { class: "fs-groups" });
  const empty = h("div", { class: "fs-empty", text: "Nothing logged yet: panels appear as the run logs." });
  el.append(style, bar.el, overviewSection, groupsEl, empty);

  const groups = new Map(); // group -> {section, toggle, body}
  let overview = null;
  let overviewSignature = "";

  const observer = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      const panel = panels.get(entry.target.getAttribute("data-key"));
      if (!panel) continue;
      if (entry.isIntersecting) visible.add(panel);
      else visible.delete(panel);
      panel.setVisible(entry.isIntersecting);
    }
    prefetch();
  }, { rootMargin: "300px 0px" });

  const groupFor = (name) => {
    let group = groups.get(name);
    if (!group) {
      const body = h("div", { class: "fs-group-body", id: `${idPrefix}-g-${groups.size}` });
      const toggle = h("button", { type: "button", class: "fs-group-toggle", "aria-expanded": "true", "aria-controls": body.id, "data-group": name },
        h("span", { text: name ? `${name}/` : "ungrouped" }), h("span", { class: "fs-muted fs-group-count" }));
      const section = h("section", { class: "fs-group", "data-group": name }, toggle, body);
      group = { section, toggle, body };
      groups.set(name, group);
    }
    return group;
  };

  // ---- applying state ---------------------------------------------------------------------------
  const applyIndex = () => {
    const index = get("index", []);
    runs = index.map((run, position) => ({ ...run, position }));
    el.style.setProperty("--fs-runs", String(Math.max(1, runs.length)));
    keys = shownKeys(index, get("shown_keys", []));
    stops = sliderSteps(index, keys);

    const wanted = new Set(keys);
    for (const [key, panel] of panels) {
      if (!wanted.has(key)) {
        observer.unobserve(panel.el);
        visible.delete(panel);
        panel.destroy();
        panels.delete(key);
      }
    }
    const order = groupKeys(keys);
    const usedGroups = new Set();
    groupsEl.replaceChildren();
    for (const [name, groupKeysList] of order) {
      const group = groupFor(name);
      usedGroups.add(name);
      group.toggle.querySelector(".fs-group-count").textContent = ` ${groupKeysList.length}`;
      for (const key of groupKeysList) {
        let panel = panels.get(key);
        if (!panel) {
          const info = keyInfo(index, key);
          if (info) {
            panel = createPanel(ctx, key, info);
          } else {
            panel = createPanel(ctx, key, null);
          }
          panels.set(key, panel);
          observer.observe(panel.el);
        }
        group.body.append(panel.el);
      }
      groupsEl.append(group.section);
    }
    for (const [name, group] of groups) {
      if (!usedGroups.has(name)) {
        group.section.remove();
        groups.delete(name);
      }
    }
    for (const panel of panels.values()) panel.setRuns(runs);
    empty.hidden = keys.length > 0;

    const signature = JSON.stringify(runs.map((r) => [r.uid, r.name, r.status, r.error, r.config, r.summary, r.summary_version]));
    if (signature !== overviewSignature) {
      overviewSignature = signature;
      if (overview) overview.destroy();
      overview = buildOverview(ctx, overviewBody, runs);
    }
    applySearch();
    applyCollapsed();
    applyStep();
  };

  const applyStep = () => {
    const step = currentStep();
    const position = floorIndex(stops, step);
    bar.set({
      stops, step, index: position, playing: Boolean(get("playing", false)),
      speedValue: get("speed", 4), searchText: get("search", ""),
    });
    el.setAttribute("data-step", String(step));
    for (const panel of panels.values()) panel.setStep(step);
    prefetch();
  };

  /** Fetch the neighbouring steps of every visible media panel so stepping paints from cache. */
  const prefetch = () => {
    const step = currentStep();
    for (const panel of visible) {
      if (panel.isScalar) continue;
      for (const run of runs) {
        const info = run.keys && run.keys[panel.key];
        if (!info || !info.steps || !info.steps.length) continue;
        const i = floorIndex(info.steps, step);
        const around = [];
        for (let d = 1; d <= PREFETCH_AHEAD; d++) around.push(i + d);
        for (let d = 1; d <= PREFETCH_BEHIND; d++) around.push(i - d);
        for (const j of around) {
          if (j < 0 || j >= info.steps.length) continue;
          ctx.load(run.uid, panel.key, info.steps[j]).catch(() => {});
        }
      }
    }
  };

  const applySearch = () => {
    const search = get("search", "");
    for (const [name, group] of groups) {
      let shown = 0;
      for (const panel of group.body.children) {
        const match = matchesSearch(panel.getAttribute("data-key"), search);
        panel.hidden = !match;
        if (match) shown++;
      }
      group.section.hidden = shown === 0;
      void name;
    }
  };

  const applyCollapsed = () => {
    const collapsed = new Set(get("collapsed", []));
    const set = (toggle, body, isCollapsed) => {
      toggle.setAttribute("aria-expanded", isCollapsed ? "false" : "true");
      body.hidden = isCollapsed;
    };
    set(overviewToggle, overviewBody, collapsed.has(OVERVIEW));
    for (const [name, group] of groups) set(group.toggle, group.body, collapsed.has(name));
  };

  const applyPanelState = () => {
    optionsCache = new Map();
    for (const panel of panels.values()) panel.options();
    if (overview) overview.options();
  };

  const schedulePlay = () => {
    clearTimeout(playTimer);
    playTimer = null;
    if (!get("playing", false) || destroyed) return;
    const speed = Math.max(0.1, Number(get("speed", 4)) || 4);
    playTimer = setTimeout(() => {
      playTimer = null;
      const position = floorIndex(stops, currentStep());
      if (position + 1 < stops.length) {
        goTo(stops[position + 1]);
        schedulePlay();
      } else {
        source.setState({ playing: false });
      }
    }, 1000 / speed);
  };

  // ---- events ---------------------------------------------------------------------------------------
  const toggleGroup = (name) => {
    const collapsed = new Set(get("collapsed", []));
    if (collapsed.has(name)) collapsed.delete(name);
    else collapsed.add(name);
    source.setState({ collapsed: [...collapsed] });
  };
  offs.push(listen(el, "click", (event) => {
    const toggle = event.target.closest && event.target.closest(".fs-group-toggle");
    if (toggle && el.contains(toggle)) toggleGroup(toggle.getAttribute("data-group"));
  }));

  const step = (delta) => {
    if (!stops.length) return;
    const position = floorIndex(stops, currentStep());
    const target = Math.min(stops.length - 1, Math.max(0, position + delta));
    goTo(stops[target]);
  };
  // The slider's keys are handled here rather than natively: notebook front ends cancel arrow
  // keys on focused controls in command mode, which would leave a native range input dead.
  const SLIDER_KEYS = { ArrowLeft: -1, ArrowDown: -1, ArrowRight: 1, ArrowUp: 1, PageDown: -10, PageUp: 10 };
  offs.push(listen(el, "keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey) return;
    const target = event.target;
    const key = event.key;
    if (target === bar.slider) {
      if (key in SLIDER_KEYS || key === "Home" || key === "End") {
        event.preventDefault();
        if (key in SLIDER_KEYS) step(SLIDER_KEYS[key]);
        else if (stops.length) goTo(key === "Home" ? stops[0] : stops[stops.length - 1]);
        return;
      }
    }
    if (event.defaultPrevented && target !== el) return; // a renderer used this key
    const editable = target.closest && target.closest("input, select, textarea, [contenteditable='true'], [contenteditable='']");
    if (key === "ArrowLeft" || key === "ArrowRight" || key === "Home" || key === "End") {
      if (editable) return; // other inputs (opacity sliders, search) keep their keys
      event.preventDefault();
      if (key === "ArrowLeft") step(-1);
      else if (key === "ArrowRight") step(1);
      else if (stops.length) goTo(key === "Home" ? stops[0] : stops[stops.length - 1]);
    } else if (key === " " || key === "Spacebar") {
      if (editable && target !== bar.slider) return;
      if (!editable && target.closest("button, a, summary, audio, video, [role='button']")) return;
      event.preventDefault();
      source.setState({ playing: !get("playing", false) });
    }
  }));

  offs.push(source.onState("index", applyIndex));
  offs.push(source.onState("shown_keys", applyIndex));
  offs.push(source.onState("step", applyStep));
  offs.push(source.onState("search", () => {
    applySearch();
    applyStep();
  }));
  offs.push(source.onState("collapsed", applyCollapsed));
  offs.push(source.onState("panel_state", applyPanelState));
  offs.push(source.onState("playing", () => {
    applyStep();
    schedulePlay();
  }));
  offs.push(source.onState("speed", () => {
    applyStep();
    schedulePlay();
  }));
  if (source.onPush) {
    offs.push(source.onPush((uid, key, stepOrSeries, payload) => {
      const id = stepOrSeries && typeof stepOrSeries === "object"
        ? entryKey(uid, key, "series", stepOrSeries.count)
        : entryKey(uid, key, stepOrSeries);
      cache.put(id, payload);
    }));
  }

  applyIndex();
  schedulePlay();

  return {
    destroy() {
      destroyed = true;
      clearTimeout(playTimer);
      for (const off of offs) off();
      observer.disconnect();
      for (const panel of panels.values()) panel.destroy();
      panels.clear();
      visible.clear();
      if (overview) overview.destroy();
      bar.destroy();
      cache.clear();
      el.replaceChildren();
      releaseWidgetRoot(el);
    },
  };
}
