// Impersonation leaves a trace (issue 25, item 11): an approval made by an instance key with Clerk-Act-As, or by
// the local operator with --as, records the member acted as and who acted, in the hashed row, list and export.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Api, localApi, remoteApi } from "../src/cli/api.js";
import { openLocal } from "../src/cli/context.js";
import { auditOperations } from "../src/features/audit/audit.operations.js";
import { verifyAudit } from "../src/features/audit/audit.verify.js";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { createRole } from "../src/features/roles/index.js";
import { taskOperations } from "../src/features/tasks/task.operations.js";
import { workflowOperations } from "../src/features/workflows/workflow.operations.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { tamper } from "./helpers/audit.js";
import { DIALECTS, type TestStore, freshLocation, openTestStore } from "./helpers/store.js";

/** A one-stage review with rev@acme.com as its reviewer, and the open task of a run started by dev@acme.com. */
async function openTask(admin: Api): Promise<string> {
  await admin.call(workflowOperations.create, {
    params: { organization_id: "eng" },
    body: { name: "Review", trigger: "event:pull_request_opened" },
  });
  await admin.call(workflowOperations.addStage, {
    params: { workflow_id: "review" },
    body: { name: "Code", requires_role: "Code Reviewer" },
  });
  const event = await admin.call(taskOperations.emit, {
    body: { organization_id: "eng", type: "pull_request_opened", requester: "dev@acme.com" },
  });
  return event.runs[0]!.stages[0]!.tasks[0]!.id;
}

async function seed(ctx: TestStore["ctx"]): Promise<void> {
  await createOrganization(ctx, { name: "Eng" });
  await createRole(ctx, { name: "Code Reviewer", organization: "eng" });
  await addMember(ctx, { organization: "eng", email: "rev@acme.com", roles: "Code Reviewer" });
  await addMember(ctx, { organization: "eng", email: "dev@acme.com" });
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: impersonation in the audit log`, () => {
    let t: TestStore;
    let api: TestApi;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await seed(t.ctx);
      api = await startApi(t);
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    it("records the instance key behind Clerk-Act-As on the approval, in the list, the export and the hash", async () => {
      const admin = remoteApi({ url: api.url, secretKey: api.secret });
      const rev = remoteApi({ url: api.url, secretKey: api.secret, actAs: "rev@acme.com" });
      const taskId = await openTask(admin);
      await rev.call(taskOperations.approve, { params: { id: taskId }, body: { comment: "ok" } });

      const page = await admin.call(auditOperations.list, {
        query: { organization_id: "eng", filter: "action:approval.granted" },
      });
      expect(page.data).toHaveLength(1);
      const granted = page.data[0]!;
      expect(granted.actor).toMatchObject({ type: "user", label: "rev@acme.com" });
      expect(granted.via).toMatchObject({ type: "api_key", label: expect.stringMatching(/…/) });
      expect(granted.via!.label.endsWith(api.secret.slice(-4))).toBe(true);
      expect(granted.via!.id).toMatch(/^key_/);
      // Without Clerk-Act-As the key acts as itself: nobody acted for it.
      const created = await admin.call(auditOperations.list, {
        query: { organization_id: "eng", filter: "action:workflow.created" },
      });
      expect(created.data.map((e) => [e.actor.type, e.via])).toEqual([["api_key", null]]);

      const exported = async (format: string) =>
        (
          await api.app.inject({
            method: "GET",
            url: `/v1/audit_events/export?organization_id=eng&format=${format}&filter=action:approval.granted`,
            headers: { authorization: `Bearer ${api.secret}` },
          })
        ).body;
      expect(JSON.parse(await exported("jsonl"))).toMatchObject({ actor: { label: "rev@acme.com" }, via: granted.via });
      const [header, row] = (await exported("csv")).trim().split("\n");
      expect(header).toMatch(/,via_type,via_id,via_label,checkpoint_seq$/);
      expect(row).toContain(`,api_key,${granted.via!.id},${granted.via!.label},`);

      // Dropping the trace from the stored row breaks the chain.
      expect((await verifyAudit(t.ctx, { organization: "eng" })).ok).toBe(true);
      await tamper(t, [
        `update audit_events set via_type = null, via_id = null, via_label = null where id = '${granted.id}'`,
      ]);
      expect((await verifyAudit(t.ctx, { organization: "eng" })).chains[0]!.problem).toMatchObject({
        kind: "edited",
        id: granted.id,
      });
    });
  });

  describe(`${dialect}: impersonation from the local CLI (--as)`, () => {
    it("records the local operator behind --as on the approval", async () => {
      const dir = mkdtempSync(join(tmpdir(), "clerk-as-"));
      const database = await freshLocation(dialect, join(dir, "clerk.db"));
      const operator = await openLocal({ database });
      try {
        await seed(operator.ctx);
      } finally {
        await operator.store.close();
      }
      const admin = await openLocal({ database });
      const taskId = await openTask(localApi(admin.ctx)).finally(() => admin.store.close());

      const rev = await openLocal({ database, as: "rev@acme.com" });
      try {
        expect(rev.ctx.actor).toMatchObject({
          type: "user",
          label: "rev@acme.com",
          via: { type: "operator", id: null, label: expect.stringMatching(/^operator:/) },
        });
        await localApi(rev.ctx).call(taskOperations.approve, { params: { id: taskId }, body: {} });
      } finally {
        await rev.store.close();
      }

      const reader = await openLocal({ database });
      try {
        const page = await localApi(reader.ctx).call(auditOperations.list, {
          query: { organization_id: "eng", filter: "action:approval.granted" },
        });
        expect(page.data.map((e) => [e.actor.label, e.via?.type, e.via?.label.startsWith("operator:")])).toEqual([
          ["rev@acme.com", "operator", true],
        ]);
      } finally {
        await reader.store.close();
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
}
