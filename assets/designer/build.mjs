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
  // FEEL is not SiteCase's expression language: its editors stay out (see feel_stub.js).
  alias: {
    "@bpmn-io/feel-editor": "./assets/designer/feel_stub.js",
    "@bpmn-io/feelers-editor": "./assets/designer/feel_stub.js"
  },
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
