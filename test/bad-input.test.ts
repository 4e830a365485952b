// Bad input is a 4xx on both stores, never a 500 (issue 25 item 6): NUL bytes anywhere, integers past their column,
// and transactions the store undid for a deadlock, which run once more before answering 409 store.conflict.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { inTransaction } from "../src/context.js";
import { createOrganization } from "../src/features/members/index.js";
import { emitEvent } from "../src/features/tasks/index.js";
import { createWorkflow } from "../src/features/workflows/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { snapshot } from "./helpers/snapshot.js";
import { DIALECTS, type TestStore, openTestStore, refusedUnchanged } from "./helpers/store.js";

const NUL = "\u0000";

for (const dialect of DIALECTS) {
  describe(`${dialect}: bad input`, () => {
    let t: TestStore;
    let api: TestApi;
    let orgId: string;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      orgId = (await createOrganization(t.ctx, { name: "Eng" })).id;
      await createWorkflow(t.ctx, { organization: "eng", name: "Review", trigger: "event:pull_request_opened" });
      api = await startApi(t);
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    async function send(method: string, path: string, body?: unknown) {
      const res = await fetch(`${api.url}/v1${path}`, {
        method,
        headers: {
          authorization: `Bearer ${api.secret}`,
          ...(body === undefined ? {} : { "content-type": "application/json" }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const json = (await res.json()) as { errors?: { meta?: { clerk_code?: string; param_name?: string } }[] };
      return {
        status: res.status,
        code: json.errors?.[0]?.meta?.clerk_code,
        param: json.errors?.[0]?.meta?.param_name,
      };
    }

    const nulCases: [string, string, string, unknown, string][] = [
      ["in a name", "POST", "/organizations", { name: `Ops${NUL}` }, "name"],
      ["in a description", "PATCH", `/organizations/ORG`, { description: `a${NUL}b` }, "description"],
      ["in an id", "GET", `/organizations/org_${encodeURIComponent(NUL)}x`, undefined, "organization_id"],
      ["in a query", "GET", `/organizations?query=a${encodeURIComponent(NUL)}`, undefined, "query"],
      [
        "deep in event data",
        "POST",
        "/events",
        { organization_id: "eng", type: "pull_request_opened", data: { files: ["a", `b${NUL}`] } },
        "data.files.1",
      ],
      [
        "in a key of event data",
        "POST",
        "/events",
        { organization_id: "eng", type: "pull_request_opened", data: { [`k${NUL}`]: 1 } },
        `data.k${NUL}`,
      ],
    ];
    for (const [name, method, path, body, param] of nulCases) {
      it(`refuses a NUL byte ${name} with a 422 naming the field, changing nothing`, async () => {
        const before = await snapshot(t.store);
        const answer = await send(method, path.replace("ORG", orgId), body);
        expect(answer).toEqual({ status: 422, code: "input.invalid", param });
        expect(await snapshot(t.store)).toEqual(before);
      });
    }

    it("refuses a NUL byte in service input too (the CLI's local path), naming the field", async () => {
      await refusedUnchanged(t, () => createOrganization(t.ctx, { name: `Ops${NUL}` }), "input.invalid");
      await expect(
        emitEvent(t.ctx, { organization: "eng", type: "pull_request_opened", data: { title: `x${NUL}` } }),
      ).rejects.toMatchObject({ code: "input.invalid", param: "data.title" });
    });

    it("bounds max_allowed_memberships by its 32-bit column: 2^31 is a 422, 2^31 - 1 is kept", async () => {
      const before = await snapshot(t.store);
      expect(await send("PATCH", `/organizations/${orgId}`, { max_allowed_memberships: 2 ** 31 })).toEqual({
        status: 422,
        code: "input.invalid",
        param: "max_allowed_memberships",
      });
      expect(await send("POST", "/organizations", { name: "Big", max_allowed_memberships: 2 ** 40 })).toMatchObject({
        status: 422,
        param: "max_allowed_memberships",
      });
      expect(await snapshot(t.store)).toEqual(before);
      expect(await send("PATCH", `/organizations/${orgId}`, { max_allowed_memberships: 2 ** 31 - 1 })).toMatchObject({
        status: 200,
      });
    });

    it("runs a transaction the store undid for a deadlock once more, and keeps its change once", async () => {
      let calls = 0;
      const result = await inTransaction(t.ctx, async (tx) => {
        calls += 1;
        await tx.db
          .updateTable("organizations")
          .set({ description: `try ${calls}` })
          .where("id", "=", orgId)
          .execute();
        if (calls === 1) throw Object.assign(new Error("deadlock detected"), { code: "40P01" });
        return calls;
      });
      expect(result).toBe(2);
      const row = await t.store.db.selectFrom("organizations").select("description").where("id", "=", orgId).execute();
      expect(row).toEqual([{ description: "try 2" }]);
    });

    it("answers store.conflict when the retry fails the same way, with nothing written", async () => {
      let calls = 0;
      await refusedUnchanged(
        t,
        () =>
          inTransaction(t.ctx, async (tx) => {
            calls += 1;
            await tx.db.updateTable("organizations").set({ description: "lost" }).where("id", "=", orgId).execute();
            throw Object.assign(new Error("could not serialize access"), { code: "40001" });
          }),
        "store.conflict",
      );
      expect(calls).toBe(2);
    });

    if (dialect === "postgres") {
      it("survives a real deadlock: two transactions locking two rows in opposite orders both commit", async () => {
        const other = (await createOrganization(t.ctx, { name: "Ops" })).id;
        let arrived = 0;
        let release: () => void = () => undefined;
        const bothLocked = new Promise<void>((resolve) => (release = resolve));
        const meet = async () => {
          arrived += 1;
          if (arrived === 2) release();
          await bothLocked;
        };
        const lockBoth = (first: string, second: string, label: string) =>
          inTransaction(t.ctx, async (tx) => {
            await tx.db.updateTable("organizations").set({ description: label }).where("id", "=", first).execute();
            await meet();
            await tx.db.updateTable("organizations").set({ description: label }).where("id", "=", second).execute();
            return label;
          });
        const results = await Promise.allSettled([lockBoth(orgId, other, "a"), lockBoth(other, orgId, "b")]);
        expect(results.map((r) => r.status)).toEqual(["fulfilled", "fulfilled"]);
        const rows = await t.store.db
          .selectFrom("organizations")
          .select("description")
          .where("id", "in", [orgId, other])
          .execute();
        // Whichever committed last wrote both rows.
        expect(new Set(rows.map((r) => r.description)).size).toBe(1);
      });
    }
  });
}
