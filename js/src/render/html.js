// Html renderer: the logged document in a sandboxed iframe (scripts run, but with an opaque
// origin, never the notebook's), optional default stylesheet, height following the content.
//
// Payload (html v1): meta `inject` (bool); buffers.html = utf-8 bytes of the document.
// The frame reports its height with postMessage from a small injected script; the parent
// only trusts messages whose source is this frame's window and that carry a per-mount token.
import { h, listen } from "../lib/dom.js";
import { toBytes } from "../lib/buffers.js";

/** Tallest the frame grows before it scrolls inside. */
export const MAX_HEIGHT = 800;
const MIN_HEIGHT = 24;

// Readable defaults, as the reference's "inject" does; marked so it can be recognised.
const DEFAULT_CSS = `body{font:14px/1.5 system-ui,-apple-system,"DejaVu Sans",sans-serif;color:#1f2328;margin:8px 10px;}
table{border-collapse:collapse}th,td{border:1px solid #d0d7de;padding:3px 8px;text-align:left}
th{background:#f6f8fa}img,video,canvas,svg{max-width:100%;height:auto}pre,code{font-family:"DejaVu Sans Mono",monospace;font-size:12px}
pre{background:#f6f8fa;padding:8px;overflow:auto}a{color:#0969da}`;

function randomToken() {
  const bytes = crypto.getRandomValues(new Uint8Array(12));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

function sizerScript(token) {
  // Runs inside the frame. Reports the scroll height on load and whenever it changes. The frame
  // starts MIN_HEIGHT tall, so the scroll height is the content's (it is never below the
  // viewport's): the frame grows to fit; a document that later shrinks keeps its height.
  return `<script data-filmstrip-sizer>(function(){var t=${JSON.stringify(token)};var last=-1;
function post(){var s=document.scrollingElement||document.documentElement;var hgt=Math.ceil(Math.max(s?s.scrollHeight:0,document.documentElement.scrollHeight));
if(hgt!==last){last=hgt;parent.postMessage({filmstripHtmlHeight:hgt,token:t},"*");}}
var ro=new ResizeObserver(post);ro.observe(document.documentElement);
addEventListener("DOMContentLoaded",function(){if(document.body)ro.observe(document.body);post();});addEventListener("load",post);})();</script>`;
}

/** The srcdoc: the user's document with our head content inserted where HTML allows it. */
export function buildSrcdoc(html, inject, token) {
  const extra = (inject ? `<style data-filmstrip-inject>${DEFAULT_CSS}</style>` : "") + sizerScript(token);
  // Insert after <head>, else after <html>, else after the doctype, else at the very start, so a
  // document that starts with <!doctype html> stays in standards mode.
  for (const pattern of [/<head(\s[^>]*)?>/i, /<html(\s[^>]*)?>/i, /<!doctype[^>]*>/i]) {
    const match = pattern.exec(html);
    if (match) {
      const at = match.index + match[0].length;
      return html.slice(0, at) + extra + html.slice(at);
    }
  }
  return extra + html;
}

export function mount(el, payload, options = {}) {
  const token = randomToken();
  const frame = h("iframe", {
    class: "fs-html-frame",
    sandbox: "allow-scripts",
    referrerpolicy: "no-referrer",
    title: "logged HTML (sandboxed)",
    style: {
      width: "100%", height: `${MIN_HEIGHT}px`, border: "1px solid #d0d7de",
      borderRadius: "4px", display: "block", background: "#fff",
    },
  });
  const root = h("div", { class: "fs-html" }, frame);
  el.append(root);

  const removeListener = listen(window, "message", (event) => {
    if (event.source !== frame.contentWindow) return;
    const data = event.data;
    if (!data || data.token !== token || typeof data.filmstripHtmlHeight !== "number") return;
    const height = Math.max(MIN_HEIGHT, Math.min(MAX_HEIGHT, Math.ceil(data.filmstripHtmlHeight) + 2));
    frame.style.height = `${height}px`;
    frame.dataset.contentHeight = String(data.filmstripHtmlHeight);
  });

  let shown = null;
  const show = (p) => {
    const bytes = p && p.buffers && p.buffers.html;
    const html = bytes === undefined ? "" : new TextDecoder("utf-8").decode(toBytes(bytes));
    const inject = p ? p.inject !== false : true;
    const key = `${inject}\u0000${html}`;
    if (key === shown) return; // option-only updates must not reload the frame
    shown = key;
    frame.srcdoc = buildSrcdoc(html, inject, token);
  };
  show(payload);

  return {
    update(p) {
      show(p);
    },
    destroy() {
      removeListener();
      frame.srcdoc = "";
      root.remove();
    },
  };
}
