// Deeply nested or oversized JSON fields are a 422 naming the field, never a 500 (issue 24 item 10: a RangeError
// from JSON.stringify on 10 000-deep public_metadata and event data).
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKey } from "../src/features/keys/index.js";
import { createOrg, listOrganizations } from "../src/features/orgs/index.js";
import { emitEvent } from "../src/features/tasks/index.js";
import { buildApp } from "../src/http/app.js";
import { MAX_JSON_DEPTH, jsonDepth } from "../src/json-limits.js";
import { DIALECTS, type TestStore, openTestStore, refusedUnchanged } from "./helpers/store.js";
import { snapshot } from "./helpers/snapshot.js";

/** `levels` nested arrays around a number: `[[[1]]]` is 3 levels. */
const nestedArray = (levels: number): unknown => {
  let value: unknown = 1;
  for (let i = 0; i < levels; i++) value = [value];
  return value;
};
/** A JSON object field `levels` deep: `{ a: [[…]] }`. */
const deepObject = (levels: number): Record<string, unknown> => ({ a: nestedArray(levels - 1) });
/** The JSON text of {@link deepObject}, written out: JSON.stringify itself overflows on 10 000 levels. */
const deepJson = (levels: number): string => `{"a":${"[".repeat(levels - 1)}1${"]".repeat(levels - 1)}}`;
/** A request body's JSON text: `fields` and one field holding {@link deepJson}. */
const bodyWithDeep = (fields: Record<string, unknown>, field: string, levels: number): string =>
  `${JSON.stringify({ ...fields, [field]: 0 }).slice(0, -2)}${deepJson(levels)}}`;

describe("jsonDepth", () => {
  it.each([
    ["a scalar", 1, 0],
    ["an empty object", {}, 1],
    ["an object holding an array", { a: [] }, 2],
    ["the deepest branch", { a: 1, b: { c: [[1]] }, d: [] }, 4],
  ])("counts %s", (_name, value, depth) => {
    expect(jsonDepth(value)).toBe(depth);
  });

  it("gives up just past the limit on a 10 000-deep array without overflowing", () => {
    expect(jsonDepth(nestedArray(10_000))).toBe(MAX_JSON_DEPTH + 1);
  });
});

for (const dialect of DIALECTS) {
  describe(`${dialect}: JSON depth and size limits`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let url: string;
    let secret: string;
    const call = async (method: string, path: string, body: unknown) => {
      const res = await fetch(`${url}/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: typeof body === "string" ? body : JSON.stringify(body),
      });
      return {
        status: res.status,
        body: (await res.json()) as {
          errors?: { code: string; message: string; meta?: { param_name?: string } }[];
        } & Record<string, unknown>,
      };
    };

    beforeEach(async () => {
      t = await openTestStore(dialect);
      app = await buildApp({ store: t.store, clock: t.clock, runtime: { caches: new Map() } });
      url = await app.listen({ port: 0, host: "127.0.0.1" });
      secret = (await createKey(t.ctx, {})).secret;
    });
    afterEach(async () => {
      await app.close();
      await t.close();
    });

    it.each([
      ["10 000-deep public_metadata on create", "POST", "/organizations", "public_metadata", 10_000],
      ["33-deep private_metadata on create", "POST", "/organizations", "private_metadata", MAX_JSON_DEPTH + 1],
      ["10 000-deep event data", "POST", "/events", "data", 10_000],
      ["33-deep event data", "POST", "/events", "data", MAX_JSON_DEPTH + 1],
    ])("answers 422 naming the field for %s, and stores nothing", async (_name, method, path, field, levels) => {
      const fields = path === "/events" ? { organization_id: "acme", type: "deploy" } : { name: "Deep" };
      const body = bodyWithDeep(fields, field, levels);
      const before = await snapshot(t.store);
      const res = await call(method, path, body);
      expect(res.status).toBe(422);
      expect(res.body.errors?.[0]).toMatchObject({ code: "form_param_format_invalid", meta: { param_name: field } });
      expect(res.body.errors?.[0]?.message).toContain(`${field}: must nest at most 32 levels`);
      expect(await snapshot(t.store)).toEqual(before);
    });

    it("refuses 10 000-deep metadata on the metadata endpoint and a deep body that is an array", async () => {
      const org = (await call("POST", "/organizations", { name: "Acme" })).body as { id: string };
      const patched = await call(
        "PATCH",
        `/organizations/${org.id}/metadata`,
        bodyWithDeep({}, "public_metadata", 10_000),
      );
      expect(patched.status).toBe(422);
      expect(patched.body.errors?.[0]?.meta?.param_name).toBe("public_metadata");
      const array = await call("POST", "/organizations", "[".repeat(10_000) + "]".repeat(10_000));
      expect(array.status).toBe(422);
      expect(array.body.errors?.[0]?.meta?.param_name).toBe("body");
    });

    it("accepts metadata exactly 32 levels deep and gives it back whole", async () => {
      const res = await call("POST", "/organizations", { name: "Acme", public_metadata: deepObject(MAX_JSON_DEPTH) });
      expect(res.status).toBe(200);
      expect(res.body.public_metadata).toEqual(deepObject(MAX_JSON_DEPTH));
    });

    it("answers 422 for metadata over 64 KB", async () => {
      const res = await call("POST", "/organizations", { name: "Big", public_metadata: { blob: "x".repeat(70_000) } });
      expect(res.status).toBe(422);
      expect(res.body.errors?.[0]?.message).toContain("public_metadata: must be at most 64 KB of JSON");
    });

    it("refuses deep metadata and event data through the services too (the CLI's path)", async () => {
      await refusedUnchanged(
        t,
        () => createOrg(t.ctx, { name: "Deep", publicMetadata: deepObject(10_000) }),
        "input.invalid",
      );
      await createOrg(t.ctx, { name: "Acme" });
      await refusedUnchanged(
        t,
        () => emitEvent(t.ctx, { organization: "acme", type: "deploy", data: deepObject(10_000) }),
        "input.invalid",
      );
      expect((await listOrganizations(t.ctx, { limit: 10, offset: 0 })).totalCount).toBe(1);
    });
  });
}
