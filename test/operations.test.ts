// One definition per operation (issue 15 item 3): the served document is valid OpenAPI 3.1, every operation in it
// publishes the schema of its answer, and no operation or service reaches into a transport.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type TestApi, startApi } from "./helpers/api.js";
import { type TestStore, openTestStore } from "./helpers/store.js";

interface OpenApi {
  paths: Record<
    string,
    Record<string, { responses: Record<string, { content?: Record<string, { schema?: unknown }> }> }>
  >;
}

describe("operations: the OpenAPI document", () => {
  let t: TestStore;
  let api: TestApi;
  let doc: OpenApi;
  beforeAll(async () => {
    t = await openTestStore("sqlite");
    api = await startApi(t);
    doc = (await (await fetch(`${api.url}/v1/openapi.json`)).json()) as OpenApi;
  });
  afterAll(async () => {
    await api.app.close();
    await t.store.close();
  });

  it("is valid OpenAPI 3.1", async () => {
    const result = await new Validator().validate(doc as unknown as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it("gives every operation a schema for its success answer", () => {
    const missing: string[] = [];
    let operations = 0;
    for (const [path, methods] of Object.entries(doc.paths))
      for (const [method, op] of Object.entries(methods)) {
        operations += 1;
        // The success status is 200, or another 2xx the operation declares (201 for a created connection).
        const success = Object.keys(op.responses).find((status) => status.startsWith("2")) ?? "200";
        const content = op.responses[success]?.content ?? {};
        const schemas = Object.values(content).map((c) => c.schema);
        // An undeclared output is published as the empty schema `{}`, which describes nothing.
        if (schemas.length === 0 || schemas.some((s) => !s || Object.keys(s).length === 0))
          missing.push(`${method.toUpperCase()} ${path}`);
      }
    expect(operations).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});

const ROOT = join(import.meta.dirname, "..");
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

describe("operations: transport-neutral features", () => {
  it("no feature file but its commands imports http/ or cli/, and none imports fastify", () => {
    const offenders = sources(join(ROOT, "src/features"))
      .filter((path) => !path.endsWith(".commands.ts"))
      .flatMap((path) => {
        const text = readFileSync(path, "utf8");
        const imports = [...text.matchAll(/from "([^"]+)"/g)].map((m) => m[1] as string);
        return imports
          .filter((i) => /\/(http|cli)\//.test(i) || i === "fastify" || i.startsWith("@fastify/"))
          .map((i) => `${relative(ROOT, path)} imports ${i}`);
      });
    expect(offenders).toEqual([]);
  });

  it("every feature's operations live in <feature>.operations.ts and are in the catalogue", () => {
    const catalogue = readFileSync(join(ROOT, "src/features/operations.ts"), "utf8");
    const files = sources(join(ROOT, "src/features")).filter((p) => p.endsWith(".operations.ts"));
    expect(files.length).toBeGreaterThan(0);
    for (const file of files) {
      const name = relative(join(ROOT, "src/features"), file).replace(/\.ts$/, ".js");
      expect(catalogue, `${name} is not in src/features/operations.ts`).toContain(`./${name}`);
    }
    expect(sources(join(ROOT, "src/features")).filter((p) => p.endsWith(".routes.ts"))).toEqual([]);
  });
});
