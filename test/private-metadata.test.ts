// Private metadata is the instance backend's (as in Clerk, where only the Backend API's secret key reads it): a member
// reads users, organizations and memberships with it emptied, on HTTP and in-process alike; the instance key reads it.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { memberOperations } from "../src/features/members/member.operations.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole } from "../src/features/roles/index.js";
import { type Operation, invoke } from "../src/operations/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, actingAs, openTestStore } from "./helpers/store.js";

type Json = Record<string, unknown>;

for (const dialect of DIALECTS) {
  describe(`${dialect}: private metadata`, () => {
    let t: TestStore;
    let api: TestApi;
    let orgId: string;
    let bobId: string;
    const get = async (path: string, actAs?: string) => {
      const res = await fetch(`${api.url}/v1${path}`, {
        headers: { authorization: `Bearer ${api.secret}`, ...(actAs ? { "clerk-act-as": actAs } : {}) },
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const patch = async (path: string, body: unknown) => {
      const res = await fetch(`${api.url}/v1${path}`, {
        method: "PATCH",
        headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
        body: JSON.stringify(body),
      });
      expect(res.status, path).toBe(200);
    };

    beforeEach(async () => {
      t = await openTestStore(dialect);
      api = await startApi(t);
      const org = await createOrganization(t.ctx, { name: "Eng" });
      orgId = org.id;
      await createRole(t.ctx, { name: "Developer", organization: "eng", permissions: "read:code" });
      // Ann administers the organization, and still is not the instance's backend.
      await addMember(t.ctx, { organization: "eng", email: "ann@acme.com", roles: "org:admin" });
      bobId = (await addMember(t.ctx, { organization: "eng", email: "bob@acme.com", roles: "Developer" })).user.id;
      await patch(`/organizations/${orgId}/metadata`, { private_metadata: { billing_id: "cus_1" } });
      await patch(`/organizations/${orgId}/memberships/${bobId}/metadata`, { private_metadata: { salary_band: "L5" } });
      await patch(`/users/${bobId}/metadata`, { private_metadata: { employee_id: 42 } });
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    it("the instance key reads it whole; a member, even the organization's admin, reads every copy emptied (a user's kind stays)", async () => {
      const org = await get(`/organizations/${orgId}`);
      expect(org.body.private_metadata).toEqual({ billing_id: "cus_1" });
      const memberships = await get(`/organizations/${orgId}/memberships`);
      const bob = (memberships.body.data as Json[]).find((m) => (m.public_user_data as Json).user_id === bobId)!;
      expect(bob.private_metadata).toEqual({ salary_band: "L5" });
      expect((await get(`/users/${bobId}`)).body.private_metadata).toEqual({ employee_id: 42, kind: "human" });

      const asAnn = await get(`/organizations/${orgId}`, "ann@acme.com");
      expect(asAnn.status).toBe(200);
      expect(asAnn.body.private_metadata).toEqual({});
      expect(asAnn.body.name).toBe("Eng");
      const listed = await get(`/organizations/${orgId}/memberships`, "ann@acme.com");
      expect(listed.status).toBe(200);
      const rows = listed.body.data as Json[];
      expect(rows.length).toBe(2);
      for (const row of rows) expect(row.private_metadata).toEqual({});
      // Public metadata is for members to read, and stays.
      expect(rows.every((r) => typeof r.public_metadata === "object")).toBe(true);
      const user = await get(`/users/${bobId}`, "ann@acme.com");
      if (user.status === 200) expect(user.body.private_metadata).toEqual({ kind: "human" });
      else expect([403, 404]).toContain(user.status);

      // The same rule in-process (the CLI's --as and the MCP tools call operations the same way).
      const ann = await actingAs(t, "ann@acme.com");
      const local = (await invoke(memberOperations.list as Operation, ann, {
        params: { organization_id: orgId },
        query: {},
      })) as { data: Json[] };
      expect(local.data.map((m) => m.private_metadata)).toEqual([{}, {}]);
      const operator = (await invoke(memberOperations.list as Operation, t.ctx, {
        params: { organization_id: orgId },
        query: {},
      })) as { data: Json[] };
      expect(operator.data.map((m) => m.private_metadata)).toContainEqual({ salary_band: "L5" });
    });
  });
}
