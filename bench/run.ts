// Runs benchmarks: `npm run bench -- <name>` runs bench/<name>.ts, no name runs every one.
import { readdirSync } from "node:fs";

const here = new URL(".", import.meta.url);
const asked = process.argv[2];
const available = readdirSync(here)
  .filter((f) => f.endsWith(".ts") && f !== "run.ts")
  .map((f) => f.slice(0, -".ts".length));
if (asked !== undefined && !available.includes(asked)) {
  console.error(`No benchmark "${asked}"; available: ${available.join(", ")}.`);
  process.exit(2);
}
for (const name of asked === undefined ? available : [asked]) {
  const bench = (await import(new URL(`./${name}.ts`, here).href)) as { run?: () => Promise<void> };
  if (typeof bench.run === "function") await bench.run();
}
