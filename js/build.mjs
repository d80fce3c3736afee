// Bundles the ES module entry points into ../src/filmstrip/static (git-ignored, shipped in the wheel).
// The core bundle holds the 2D renderers; three.js and 3Dmol live in their own bundles so a run
// without 3D media never loads them.
import * as esbuild from "esbuild";
import { fileURLToPath } from "node:url";
import path from "node:path";
import { existsSync } from "node:fs";

const here = path.dirname(fileURLToPath(import.meta.url));
const outdir = path.join(here, "..", "src", "filmstrip", "static");

const entryPoints = {
  widgets: "src/widgets/media.js",
  object3d: "src/widgets/object3d.js",
  molecule: "src/widgets/molecule.js",
  browser: "src/widgets/browser.js",
  export: "src/host/export.js",
};

// Entry points are added as their issues land; build only those that exist.
const present = Object.fromEntries(
  Object.entries(entryPoints).filter(([, file]) => existsSync(path.join(here, file))),
);

const options = {
  entryPoints: present,
  bundle: true,
  format: "esm",
  minify: true,
  sourcemap: false,
  target: ["es2022"],
  outdir,
  logLevel: "info",
  legalComments: "none",
  loader: { ".css": "text" },
};

if (process.argv.includes("--watch")) {
  const ctx = await esbuild.context(options);
  await ctx.watch();
} else {
  await esbuild.build(options);
}
