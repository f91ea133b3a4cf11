// esbuild: the modeler bundle and its stylesheet (run by `make assets`; output not committed).
import { build } from "esbuild";

const out = process.argv[2] || "app/web/static/vendor/designer";
await build({
  entryPoints: ["assets/designer/index.js"],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2020"],
  legalComments: "linked",
  outfile: `${out}/designer.bundle.js`,
  logLevel: "warning"
});
await build({
  entryPoints: ["assets/designer/designer.css"],
  bundle: true,
  minify: true,
  loader: { ".woff": "dataurl", ".woff2": "dataurl", ".ttf": "dataurl", ".eot": "dataurl", ".svg": "dataurl" },
  outfile: `${out}/designer.bundle.css`,
  logLevel: "warning"
});
