// Builds the app into ../relay/webapp_dist, which the relay package ships and serves.
// Deterministic: the same sources and lockfile give the same bytes (CI checks it).
import { build } from "esbuild";
import { createHash } from "node:crypto";
import { copyFileSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "relay", "webapp_dist");
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

await build({
  entryPoints: [join(here, "src", "app.ts")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2022", "chrome110", "firefox115", "safari16"],
  outfile: join(out, "app.js"),
  legalComments: "eof",
  logLevel: "warning",
});

for (const name of readdirSync(join(here, "static"))) {
  if (name !== "sw.js") copyFileSync(join(here, "static", name), join(out, name));
}
// The service worker's cache is named after what it caches: a new build, a new cache.
const digest = createHash("sha256");
for (const name of readdirSync(out).sort()) digest.update(name).update(readFileSync(join(out, name)));
const sw = readFileSync(join(here, "static", "sw.js"), "utf8").replace("__VERSION__", digest.digest("hex").slice(0, 16));
writeFileSync(join(out, "sw.js"), sw);
