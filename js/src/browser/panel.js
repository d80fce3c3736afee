// One panel of the run browser: a logged key, with one cell per run (runs side by side), or one
// chart overlaying every run for a scalar key. A cell shows the media of the current step, or of
// the nearest earlier step with a note saying which step that is. A histogram key's cell also
// shows the heatmap of all its steps above the current bars (fetched once per run and step
// count, like a scalar series); charts over steps mark the browser's current step.
import { h } from "../lib/dom.js";
import { classColor, cssColor } from "../lib/palette.js";
import { stepFor } from "./model.js";

/** A renderer for a plain logged value (a string or number at a step). */
const valueRenderer = {
  mount(el, payload) {
    const box = h("pre", { class: "fs-browser-value" });
    const show = (p) => {
      box.textContent = p && p.value !== undefined ? String(p.value) : "";
    };
    show(payload);
    el.append(box);
    return { update: show, destroy: () => box.remove() };
  },
};

/** Mounts one renderer per item for a list of payloads that has no composite renderer. */
function stackRenderer(resolve) {
  return {
    mount(el, items, options) {
      const views = [];
      const wrap = h("div", { class: "fs-browser-stack" });
      el.append(wrap);
      let generation = 0;
      const build = async (list, opts) => {
        const mine = ++generation;
        for (const v of views.splice(0)) v.view.destroy();
        wrap.replaceChildren();
        for (const item of list) {
          const mod = await resolve(item.type);
          if (mine !== generation) return;
          const slot = h("div", { class: "fs-browser-stack-item" });
          wrap.append(slot);
          views.push({ view: mod.mount(slot, item, opts), item });
        }
      };
      build(items, options);
      return {
        update(list, opts) {
          if (list === items) {
            for (const v of views) v.view.update(v.item, opts);
          } else {
            items = list;
            build(list, opts);
          }
        },
        destroy() {
          generation++;
          for (const v of views.splice(0)) v.view.destroy();
          wrap.remove();
        },
      };
    },
  };
}

/**
 * A cell that shows one payload at a time, remounting the renderer only when the type changes.
 * `resolve(type)` -> Promise<renderer module>.
 */
function rendererSlot(el, resolve) {
  let view = null;
  let viewType = null;
  let current = null;
  let generation = 0;
  const stack = stackRenderer(resolve);
  const typeOf = (payload) => (Array.isArray(payload) ? "$list" : payload && payload.type);

  return {
    async show(payload, options) {
      const mine = ++generation;
      const type = typeOf(payload);
      if (view && payload === current) return true;
      if (view && type === viewType) {
        current = payload;
        view.update(payload, options);
        return true;
      }
      const mod = type === "$list" ? stack : type === "value" ? valueRenderer : await resolve(type);
      if (mine !== generation) return false;
      if (view) view.destroy();
      el.replaceChildren();
      current = payload;
      viewType = type;
      view = mod.mount(el, payload, options);
      return true;
    },
    options(options) {
      if (view) view.update(current, options);
    },
    clear() {
      generation++;
      if (view) view.destroy();
      view = null;
      viewType = null;
      current = null;
      el.replaceChildren();
    },
    get payload() {
      return current;
    },
  };
}

function errorBox(message) {
  return h("div", { class: "fs-error", role: "alert" }, message);
}

/**
 * The heatmap's options: the panel's own `heatmap_log_scale` (so its log toggle is independent of
 * the bars' `log_scale`) and the marker at the browser's current step.
 */
function heatmapOptions(ctx, key, step) {
  const base = ctx.options(key);
  return {
    log_scale: Boolean(base.heatmap_log_scale),
    current_step: step,
    onChange: (patch) => {
      if ("log_scale" in patch) base.onChange({ heatmap_log_scale: patch.log_scale });
    },
  };
}

/** The heatmap of one run's histogram key over all its steps (refetched when the count grows). */
function heatmapSlot(ctx, run, key) {
  const el = h("div", { class: "fs-browser-heatmap" });
  const slot = rendererSlot(el, ctx.resolve);
  let count = null;
  let step = null;
  let token = 0;
  return {
    el,
    show(newStep, newCount) {
      step = newStep;
      if (newCount === count) {
        slot.options(heatmapOptions(ctx, key, step));
        return;
      }
      count = newCount;
      const mine = ++token;
      if (!count) {
        slot.clear();
        return;
      }
      ctx.loadSeries(run.uid, key, count).then(
        async (payload) => {
          if (mine !== token) return;
          const ok = await slot.show(payload, heatmapOptions(ctx, key, step));
          if (ok && mine === token) el.setAttribute("data-shown-count", String(payload.steps.length));
        },
        (err) => {
          if (mine !== token) return;
          count = null; // try again on the next refresh
          slot.clear();
          el.replaceChildren(errorBox(`could not load the steps of ${key}: ${err.message || err}`));
        },
      );
    },
    options() {
      slot.options(heatmapOptions(ctx, key, step));
    },
    destroy() {
      token++;
      slot.clear();
      el.remove();
    },
  };
}

/**
 * A media cell: one run's value of one key.
 * ctx: {load(runUid, key, step) -> Promise, peek(runUid, key, step), resolve(type), options(key)}
 */
function mediaCell(ctx, run, key, withHeatmap) {
  const note = h("div", { class: "fs-step-note fs-muted", "aria-live": "polite" });
  const body = h("div", { class: "fs-browser-body" });
  const heatmap = withHeatmap ? heatmapSlot(ctx, run, key) : null;
  const el = h("div", { class: "fs-browser-cell", "data-run": run.uid }, heatmap && heatmap.el, note, body);
  const slot = rendererSlot(body, ctx.resolve);
  let token = 0;

  const render = async (payload, target, mine) => {
    try {
      const ok = await slot.show(payload, ctx.options(key));
      if (ok && mine === token) el.setAttribute("data-shown-step", String(target));
    } catch (err) {
      if (mine === token) body.replaceChildren(errorBox(`${key}: ${err.message || err}`));
    }
  };

  return {
    el,
    /** Show the value at `step` given this run's index entry of the key (null: not logged). */
    show(step, info) {
      const steps = info ? info.steps : null;
      if (heatmap) heatmap.show(step, info ? info.count : 0);
      const mine = ++token;
      const where = stepFor(steps, step);
      if (where.none) {
        slot.clear();
        el.removeAttribute("data-shown-step");
        note.textContent = where.first === null
          ? `${key} was not logged in this run (yet)`
          : `no ${key} at or before step ${step}; first logged at step ${where.first}`;
        return;
      }
      note.textContent = where.earlier
        ? `showing step ${where.step}, the nearest earlier step (none at step ${step})`
        : "";
      el.toggleAttribute("data-earlier", Boolean(where.earlier));
      const cached = ctx.peek(run.uid, key, where.step);
      if (cached !== undefined) {
        render(cached, where.step, mine);
        return;
      }
      el.setAttribute("aria-busy", "true");
      ctx.load(run.uid, key, where.step).then(
        (payload) => {
          if (mine !== token) return;
          el.removeAttribute("aria-busy");
          render(payload, where.step, mine);
        },
        (err) => {
          if (mine !== token) return;
          el.removeAttribute("aria-busy");
          slot.clear();
          body.replaceChildren(errorBox(`could not load ${key} at step ${where.step}: ${err.message || err}`));
        },
      );
    },
    options() {
      slot.options(ctx.options(key));
      if (heatmap) heatmap.options();
    },
    destroy() {
      token++;
      if (heatmap) heatmap.destroy();
      slot.clear();
      el.remove();
    },
  };
}

/**
 * A panel for one key. `runs` = the index entries of the runs shown (columns).
 * ctx also has loadSeries(runUid, key, count) for scalar keys.
 */
export function createPanel(ctx, key, info) {
  const isScalar = info && info.type === "scalar";
  const withHeatmap = Boolean(info && info.type === "histogram" && !info.gallery);
  const title = h("div", { class: "fs-panel-title" },
    h("span", { class: "fs-panel-key", text: key }),
    h("span", { class: "fs-muted fs-panel-type", text: info ? (info.gallery ? `${info.type} ×N` : info.type) : "" }));
  const grid = h("div", { class: "fs-panel-grid" });
  const el = h("section", { class: "fs-panel", "data-key": key, "aria-label": key }, title, grid);
  let cells = new Map(); // run uid -> cell
  let runs = [];
  let step = 0;
  let visible = false;
  let chart = null;
  let chartBody = null;
  let chartToken = 0;

  const layoutCells = (index) => {
    runs = index;
    if (isScalar) {
      if (!chart) {
        chartBody = h("div", { class: "fs-browser-body" });
        // minmax(0, ...): the canvas's own width must not widen the column past the panel
        grid.style.gridTemplateColumns = "minmax(0, 1fr)";
        grid.append(chartBody);
        chart = rendererSlot(chartBody, ctx.resolve);
      }
      return;
    }
    const wanted = new Set(runs.map((r) => r.uid));
    for (const [uid, cell] of cells) {
      if (!wanted.has(uid)) {
        cell.destroy();
        cells.delete(uid);
      }
    }
    grid.style.gridTemplateColumns = `repeat(${Math.max(1, runs.length)}, minmax(0, 1fr))`;
    const ordered = new Map();
    for (const run of runs) {
      let cell = cells.get(run.uid);
      if (!cell) {
        cell = mediaCell(ctx, run, key, withHeatmap);
        if (runs.length > 1) {
          cell.el.prepend(h("div", { class: "fs-cell-run" },
            h("span", { class: "fs-swatch", style: { background: cssColor(classColor(run.position)) } }),
            h("span", { text: ` ${run.name}` })));
        }
      }
      ordered.set(run.uid, cell);
      grid.append(cell.el);
    }
    cells = ordered;
  };

  let chartSignature = "";
  const chartOptions = () => ({ ...ctx.options(key), current_step: step });
  const refreshChart = async () => {
    const having = runs.filter((r) => r.keys && r.keys[key]);
    const signature = having.map((r) => `${r.uid}:${r.keys[key].count}`).join(",");
    if (signature === chartSignature) {
      chart.options(chartOptions()); // the step may have moved while the panel was off screen
      return;
    }
    chartSignature = signature;
    const mine = ++chartToken;
    try {
      const parts = await Promise.all(having.map((r) => ctx.loadSeries(r.uid, key, r.keys[key].count)));
      if (mine !== chartToken) return;
      const series = [];
      parts.forEach((p, i) => {
        for (const s of p.series || []) series.push({ ...s, run: having.length > 1 ? having[i].name : null });
      });
      await chart.show({ type: "scalars", v: 1, series }, chartOptions());
      if (mine === chartToken) el.setAttribute("data-shown-count", String(series.reduce((n, s) => n + s.steps.length, 0)));
    } catch (err) {
      if (mine !== chartToken) return;
      chartSignature = "";
      chart.clear();
      chartBody.replaceChildren(errorBox(`could not load ${key}: ${err.message || err}`));
    }
  };

  const refresh = () => {
    if (!visible) return;
    if (isScalar) {
      refreshChart();
      return;
    }
    for (const run of runs) {
      const infoR = run.keys && run.keys[key];
      cells.get(run.uid).show(step, infoR || null);
    }
  };

  return {
    el,
    key,
    isScalar,
    setRuns(index) {
      layoutCells(index);
      refresh();
    },
    setStep(newStep) {
      step = newStep;
      if (!isScalar) refresh();
      else if (chart && visible) chart.options(chartOptions()); // moves the marker only
    },
    setVisible(flag) {
      const was = visible;
      visible = flag;
      if (flag && !was) refresh();
    },
    options() {
      if (chart) chart.options(chartOptions());
      for (const cell of cells.values()) cell.options();
    },
    destroy() {
      chartToken++;
      if (chart) chart.clear();
      for (const cell of cells.values()) cell.destroy();
      cells.clear();
      el.remove();
    },
  };
}

/** A summary media cell (the overview section). */
export function summaryCell(ctx, run, key) {
  const body = h("div", { class: "fs-browser-body" });
  const el = h("div", { class: "fs-summary-media", "data-key": key },
    h("div", { class: "fs-panel-key", text: key }), body);
  const slot = rendererSlot(body, ctx.resolve);
  let alive = true;
  ctx.loadSummary(run.uid, key).then(
    (payload) => alive && slot.show(payload, ctx.options(key)),
    (err) => alive && body.replaceChildren(errorBox(`could not load summary ${key}: ${err.message || err}`)),
  );
  return {
    el,
    options: () => slot.options(ctx.options(key)),
    destroy() {
      alive = false;
      slot.clear();
      el.remove();
    },
  };
}
