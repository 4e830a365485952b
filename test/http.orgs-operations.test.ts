// The organization, domain and instance status operations answer the same over HTTP (written by the serializer
// from their output schemas) as in-process, and the OpenAPI document publishes each one's answer.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { domainOperations } from "../src/features/domains/domain.operations.js";
import { orgOperations } from "../src/features/orgs/org.operations.js";
import { settingsOperations } from "../src/features/settings/settings.operations.js";
import { ensureUser } from "../src/features/users/index.js";
import { type Operation, invoke } from "../src/operations/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

type Json = Record<string, unknown> & { data: Record<string, unknown>[] };

for (const dialect of DIALECTS) {
  describe(`${dialect}: organization, domain and status operations`, () => {
    let t: TestStore;
    let api: TestApi;
    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${api.secret}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    /** The in-process answer of the same operation, as JSON. */
    const local = async (op: unknown, raw: { params?: unknown; query?: unknown; body?: unknown }) =>
      JSON.parse(JSON.stringify(await invoke(op as Operation, t.ctx, raw))) as Json;

    beforeEach(async () => {
      t = await openTestStore(dialect);
      api = await startApi(t);
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    it("answers every read over HTTP exactly as in-process, optional and nested fields included", async () => {
      const ada = await ensureUser(t.ctx, "ada@acme.com");
      const parent = (
        await call("POST", "/organizations", {
          name: "ACME Engineering",
          created_by: ada.id,
          public_metadata: { plan: { tier: "gold", seats: [1, 2] } },
        })
      ).body;
      const child = (await call("POST", "/organizations", { name: "Frontend Guild", parent_id: parent.id })).body;
      expect((await call("POST", `/organizations/${parent.id}/domains`, { name: "acme.com" })).status).toBe(200);
      expect(
        (await call("POST", `/organizations/${child.id}/domains`, { name: "guild.example.com", verified: false }))
          .status,
      ).toBe(200);

      const id = { organization_id: parent.id };
      const reads: [string, unknown, { params?: unknown; query?: unknown }][] = [
        ["/organizations?include_members_count=true", orgOperations.list, { query: { include_members_count: "true" } }],
        ["/organizations", orgOperations.list, {}],
        [
          `/organizations/${parent.id}?include_members_count=true`,
          orgOperations.get,
          { params: id, query: { include_members_count: "true" } },
        ],
        [`/organizations/${parent.id}/children`, orgOperations.children, { params: id }],
        [`/organizations/${parent.id}/info`, orgOperations.info, { params: id }],
        ["/organization_tree", orgOperations.tree, {}],
        [`/organizations/${child.id}/domains`, domainOperations.list, { params: { organization_id: child.id } }],
        ["/organization_domains", domainOperations.listAll, {}],
        ["/instance/status", settingsOperations.status, {}],
      ];
      for (const [path, op, raw] of reads) {
        const over = await call("GET", path);
        expect(over.status, path).toBe(200);
        expect(over.body, path).toEqual(await local(op, raw));
      }

      const listed = (await call("GET", "/organizations?include_members_count=true")).body.data;
      expect(listed.map((o) => [o.slug, o.members_count]).sort()).toEqual([
        ["acme-engineering", 1],
        ["frontend-guild", 0],
      ]);
      expect((await call("GET", "/organizations")).body.data.every((o) => !("members_count" in o))).toBe(true);
      expect((await call("GET", `/organizations/${parent.id}`)).body.public_metadata).toEqual({
        plan: { tier: "gold", seats: [1, 2] },
      });
      expect((await call("GET", `/organizations/${parent.id}/info`)).body).toMatchObject({
        members_count: 1,
        parent: null,
        children: [{ id: child.id, slug: "frontend-guild", name: "Frontend Guild" }],
        workflows_count: 0,
      });
      expect((await call("GET", "/organization_tree")).body.data.map((o) => [o.slug, o.depth])).toEqual([
        ["acme-engineering", 0],
        ["frontend-guild", 1],
      ]);
      expect((await call("GET", `/organizations/${child.id}/domains`)).body.data).toMatchObject([
        { name: "guild.example.com", verification: null, affiliation_email_address: null },
      ]);
    });

    it("answers writes with the organization, and a recursive delete with Clerk's DeletedObject, children gone too", async () => {
      const parent = (await call("POST", "/organizations", { name: "ACME Engineering" })).body;
      const child = (await call("POST", "/organizations", { name: "Frontend Guild", parent_id: parent.id })).body;
      const merged = await call("PATCH", `/organizations/${parent.id}/metadata`, {
        private_metadata: { billing: { id: "cus_1" } },
      });
      expect(merged.body).toMatchObject({ object: "organization", private_metadata: { billing: { id: "cus_1" } } });
      const moved = await call("PATCH", `/organizations/${child.id}`, {
        parent_id: null,
        inherit_ancestor_read: false,
      });
      expect(moved.body).toMatchObject({ parent_id: null, inherit_ancestor_read: false });
      await call("PATCH", `/organizations/${child.id}`, { parent_id: parent.id });
      const deleted = await call("DELETE", `/organizations/${parent.id}?recursive=true`);
      expect(deleted.body).toEqual({ object: "organization", id: parent.id, deleted: true });
      expect((await call("GET", `/organizations/${child.id}`)).status).toBe(404);
      expect((await call("GET", `/organizations/${parent.id}`)).status).toBe(404);
    });

    it("publishes the answer of every organization, domain and status operation in the OpenAPI document", async () => {
      const doc = (await (await fetch(`${api.url}/v1/openapi.json`)).json()) as {
        paths: Record<
          string,
          Record<
            string,
            { responses: Record<string, { content: Record<string, { schema: Record<string, unknown> }> }> }
          >
        >;
      };
      const ops = [
        ...Object.values(orgOperations),
        ...Object.values(domainOperations),
        ...Object.values(settingsOperations),
      ] as unknown as Operation[];
      for (const op of ops) {
        const path = `/v1${op.spec.url.replace(/:([a-z_]+)/g, "{$1}")}`;
        const schema =
          doc.paths[path]?.[op.spec.method.toLowerCase()]?.responses["200"]?.content["application/json"]?.schema;
        expect(schema, `${op.spec.method} ${path}`).toMatchObject({ type: "object" });
        expect(Object.keys((schema as { properties: object }).properties).length).toBeGreaterThan(1);
      }
      const organization = doc.paths["/v1/organizations/{organization_id}"]?.get?.responses["200"]?.content[
        "application/json"
      ]?.schema as { required: string[]; properties: Record<string, unknown> };
      expect(organization.properties).toHaveProperty("members_count");
      expect(organization.required).not.toContain("members_count");
      expect(organization.required).toContain("inherit_ancestor_read");
    });
  });
}
