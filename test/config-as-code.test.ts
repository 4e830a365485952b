// Configuration as code (issue 20): export → apply → export round trips, plans of exactly the change made,
// drift, prune of managed objects only, file:line:col errors, and refused applies that change nothing.
import { readFileSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { localApi } from "../src/cli/api.js";
import { auditEventsOf } from "../src/features/audit/index.js";
import {
  type Config,
  applyConfig,
  configOperations,
  configJsonSchema,
  configText,
  exportConfig,
  parseConfigText,
  planConfig,
} from "../src/features/config/index.js";
import { addMember, updateMemberRoles } from "../src/features/members/index.js";
import { addRule, configureProvider } from "../src/features/notifications/index.js";
import { updateTokenSettings } from "../src/features/sessions/index.js";
import { emitEvent } from "../src/features/tasks/index.js";
import {
  addStage,
  createForm,
  createWorkflow,
  saveFileSet,
  setAssignment,
  setEscalation,
  updateStage,
} from "../src/features/workflows/index.js";
import { createOrg, resolveOrg, updateOrg } from "../src/features/orgs/index.js";
import { assignPermission, createRole, setRoleDefaults, updateRole } from "../src/features/roles/index.js";
import { createPermission } from "../src/features/permissions/index.js";
import { startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, actingAs, openTestStore, refusedUnchanged } from "./helpers/store.js";

/** The seed walkthrough's state: nested organizations, roles with inheritance, scopes and expiry, defaults. */
async function seedWalkthrough(t: TestStore): Promise<void> {
  const ctx = t.ctx;
  await createOrg(ctx, { name: "ACME Engineering", description: "All engineering departments" });
  await createOrg(ctx, { name: "Frontend Guild", parent: "acme-engineering" });
  await createOrg(ctx, { name: "Platform Team", parent: "acme-engineering", inheritAncestorRead: false });
  await createPermission(ctx, { key: "read:code", name: "Read code", description: "Clone and browse" });
  await createRole(ctx, { name: "Developer", organization: "acme-engineering", permissions: "read:code,write:code" });
  await createRole(ctx, {
    name: "Code Reviewer",
    organization: "acme-engineering",
    extends: "Developer",
    permissions: "approve:pull-requests",
  });
  await assignPermission(ctx, {
    role: "Code Reviewer",
    organization: "acme-engineering",
    permission: "approve:pull-requests",
    scope: ["repository:*-app", "environment:staging"],
    expires: "2026-06-30",
  });
  await createRole(ctx, { name: "Release Manager", organization: "frontend-guild", extends: "Code Reviewer" });
  await createRole(ctx, { name: "Viewer", permissions: "read:code" });
  await setRoleDefaults(ctx, { default: "Viewer" });
}

/** The seed's workflows on top: file sets, a form, two workflows with stages, escalation, notification rules,
 * a Slack provider (its webhook only ever as ${env:…}) and token settings. */
async function seedWorkflows(t: TestStore): Promise<void> {
  const ctx = t.ctx;
  for (const name of ["Security Lead", "Tech Lead", "Senior Reviewer"])
    await createRole(ctx, { name, organization: "acme-engineering" });
  await saveFileSet(ctx, {
    organization: "acme-engineering",
    name: "security-sensitive",
    paths: ["src/auth/**", "**/*.pem"],
  });
  await createForm(ctx, {
    organization: "acme-engineering",
    name: "rollout-plan",
    description: "How it rolls out",
    schema: { type: "object", required: ["steps"], properties: { steps: { type: "string" } } },
  });
  await createWorkflow(ctx, {
    organization: "acme-engineering",
    name: "Pull Request Approval",
    trigger: "event:pull_request_opened",
  });
  const pr = "pull-request-approval";
  await addStage(
    ctx,
    pr,
    { name: "Technical Review", requiresRole: "Code Reviewer", timeout: "24h" },
    "acme-engineering",
  );
  await addStage(
    ctx,
    pr,
    { name: "Security Approval", requiresRole: "Security Lead", condition: "files:touched:security-sensitive" },
    "acme-engineering",
  );
  await setAssignment(ctx, pr, { strategy: "least-loaded", role: "Code Reviewer" }, "acme-engineering");
  await setEscalation(
    ctx,
    pr,
    { stage: "Technical Review", after: "48h", escalateTo: "Senior Reviewer", notify: "tech-lead@acme.com" },
    "acme-engineering",
  );
  await createWorkflow(ctx, {
    organization: "acme-engineering",
    name: "Production Deploy Gate",
    trigger: "event:deployment_requested",
    condition: "environment:production",
  });
  await addStage(
    ctx,
    "production-deploy-gate",
    { name: "Change Record", requiresRole: "Tech Lead", form: "change-request-template", approvals: 2 },
    "acme-engineering",
  );
  await configureProvider(ctx, { kind: "slack", webhook: SLACK, channel: "#code-reviews", allowInsecure: true });
  await addRule(ctx, {
    workflow: pr,
    organization: "acme-engineering",
    on: "stage:assigned",
    message: "You have a new pull request to review: {pr.url}",
    channel: "slack:#code-reviews",
  });
  await updateTokenSettings(ctx, { tokenLifetimeSeconds: 120, issuer: "https://clerk.acme.com" });
}

const SLACK = "https://127.0.0.1/services/T000/B000/XXXX";
const ENV = { SLACK_CODE_REVIEWS_WEBHOOK: SLACK };

const yamlOf = (config: Config) => configText(config, "yaml");

for (const dialect of DIALECTS) {
  describe(`${dialect}: configuration as code`, () => {
    let t: TestStore;
    let u: TestStore | undefined;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      await seedWalkthrough(t);
    });
    afterEach(async () => {
      await t.close();
      await u?.close();
      u = undefined;
    });

    it("export → apply to an empty store → export is byte-identical, and a second apply changes nothing", async () => {
      await seedWorkflows(t);
      const first = yamlOf(await exportConfig(t.ctx));
      // Every kind is in the file; the Slack webhook only as the variable that holds it.
      for (const part of ["workflows:", "file_sets:", "forms:", "notification_providers:", "settings:", "escalation:"])
        expect(first).toContain(part);
      expect(first).toContain("webhook: ${env:SLACK_CODE_REVIEWS_WEBHOOK}");
      expect(first).not.toContain("127.0.0.1");
      u = await openTestStore(dialect);
      const config = parseConfigText("seed.yaml", first, ENV);
      const applied = await applyConfig(u.ctx, config, { env: ENV });
      expect(applied.changes.length).toBeGreaterThan(0);
      expect(yamlOf(await exportConfig(u.ctx))).toBe(first);
      const events = (await auditEventsOf(u.ctx, null)).filter((e) => e.action === "config.applied");
      expect(events).toHaveLength(1);
      expect(events[0]?.target.label).toBe(applied.hash);
      expect((await planConfig(u.ctx, config, { env: ENV })).changes).toEqual([]);
      expect((await applyConfig(u.ctx, config, { env: ENV })).changes).toEqual([]);
      expect((await auditEventsOf(u.ctx, null)).filter((e) => e.action === "config.applied")).toHaveLength(1);
      // The source store too: its own export plans nothing.
      expect((await planConfig(t.ctx, config, { prune: true, env: ENV })).changes).toEqual([]);
      // Each change was made by its service, audited as its own event.
      const acmeId = (await resolveOrg(u.ctx, "acme-engineering")).id;
      const actions = (await auditEventsOf(u.ctx, acmeId)).map((e) => e.action);
      for (const action of [
        "workflow.created",
        "workflow.stage_added",
        "workflow.escalation_set",
        "workflow.notify_rule_added",
      ])
        expect(actions).toContain(action);
      // A rotated secret in the environment is a change, shown without its value.
      const rotated = await planConfig(u.ctx, config, { env: { SLACK_CODE_REVIEWS_WEBHOOK: `${SLACK}/v2` } });
      expect(rotated.changes).toEqual([
        {
          action: "update",
          kind: "notification_provider",
          organization: null,
          key: "slack:#code-reviews",
          fields: [{ field: "webhook", before: "(secret)", after: "(secret, from the environment)" }],
        },
      ]);
      expect(JSON.stringify(rotated)).not.toContain("127.0.0.1");
    });

    it("a changed workflow plans exactly that change; open runs keep the stages they started with", async () => {
      await seedWorkflows(t);
      await addMember(t.ctx, { organization: "acme-engineering", email: "dev@acme.com", roles: "Developer" });
      const run = await emitEvent(t.ctx, {
        organization: "acme-engineering",
        type: "pull_request_opened",
        requester: "dev@acme.com",
        data: { pr: { number: 1, title: "PR 1" }, files: ["src/auth/login.ts"] },
      });
      expect(run.runs).toHaveLength(1);
      const text = yamlOf(await exportConfig(t.ctx)).replace("timeout: 24h", "timeout: 12h");
      const config = parseConfigText("changed.yaml", text, ENV);
      const plan = await planConfig(t.ctx, config, { env: ENV });
      expect(plan.changes).toEqual([
        {
          action: "update",
          kind: "workflow",
          organization: "acme-engineering",
          key: "pull-request-approval",
          fields: [{ field: "stages[Technical Review].timeout", before: "24h", after: "12h" }],
        },
      ]);
      await applyConfig(t.ctx, config, { env: ENV });
      expect((await planConfig(t.ctx, config, { env: ENV })).changes).toEqual([]);
      // A workflow with an open run is not pruned: refused whole.
      const dropped = structuredClone(config);
      const acme = dropped.organizations?.find((o) => o.slug === "acme-engineering");
      if (acme) acme.workflows = acme.workflows?.filter((w) => w.name !== "Pull Request Approval");
      await refusedUnchanged(
        t,
        () => applyConfig(t.ctx, dropped, { prune: true, env: ENV }),
        "config.workflow_has_open_runs",
      );
    });

    it("workflow drift made with the services shows in the next plan, and apply puts it back", async () => {
      await seedWorkflows(t);
      const config = await exportConfig(t.ctx);
      await updateStage(t.ctx, "pull-request-approval", "Security Approval", { approvals: 2 }, "acme-engineering");
      await saveFileSet(
        t.ctx,
        { organization: "acme-engineering", name: "security-sensitive", paths: ["src/auth/**"] },
        { replace: true },
      );
      const plan = await planConfig(t.ctx, config, { env: ENV });
      expect(plan.changes.map((c) => [c.kind, c.key, c.fields])).toEqual([
        [
          "file_set",
          "security-sensitive",
          [{ field: "patterns", before: ["src/auth/**"], after: ["src/auth/**", "**/*.pem"] }],
        ],
        ["workflow", "pull-request-approval", [{ field: "stages[Security Approval].approvals", before: 2, after: 1 }]],
      ]);
      await applyConfig(t.ctx, config, { env: ENV });
      expect((await planConfig(t.ctx, config, { env: ENV })).changes).toEqual([]);
    });

    it("stages move, rules change, and --prune removes only the listed organization's unlisted forms and file sets", async () => {
      await seedWorkflows(t);
      await createForm(t.ctx, {
        organization: "frontend-guild",
        name: "kept",
        schema: { type: "object", properties: {} },
      });
      const config = await exportConfig(t.ctx);
      const acme = config.organizations?.find((o) => o.slug === "acme-engineering");
      const pr = acme?.workflows?.find((w) => w.name === "Pull Request Approval");
      if (!acme || !pr?.stages || !pr.notifications) throw new Error("seed incomplete");
      pr.stages.reverse();
      (pr.notifications[0] as { message: string }).message = "Review please: {pr.url}";
      acme.forms = [];
      acme.file_sets = [];
      // The condition naming the file set goes too, or the stage would ask for a set that no longer exists.
      delete (pr.stages[0] as { condition?: string }).condition;
      const plan = await planConfig(t.ctx, config, { prune: true, env: ENV });
      expect(plan.changes.map((c) => [c.action, c.kind, c.organization, c.key])).toEqual([
        ["delete", "file_set", "acme-engineering", "security-sensitive"],
        ["delete", "form", "acme-engineering", "rollout-plan"],
        ["update", "workflow", "acme-engineering", "pull-request-approval"],
      ]);
      expect(plan.changes[2]?.fields.map((f) => f.field)).toEqual([
        "stages[Security Approval].condition",
        "stages.order",
        "notifications[stage:assigned slack:#code-reviews]",
      ]);
      await applyConfig(t.ctx, config, { prune: true, env: ENV });
      expect((await planConfig(t.ctx, config, { prune: true, env: ENV })).changes).toEqual([]);
      const after = await exportConfig(t.ctx);
      const wf = after.organizations?.find((o) => o.slug === "acme-engineering")?.workflows?.[1];
      expect(wf?.stages?.map((st) => st.name)).toEqual(["Security Approval", "Technical Review"]);
      expect(wf?.stages?.[1]?.escalation?.escalate_to).toBe("org:senior_reviewer");
      expect(after.organizations?.find((o) => o.slug === "frontend-guild")?.forms?.map((f) => f.name)).toEqual([
        "kept",
      ]);
      const acmeId = (await resolveOrg(t.ctx, "acme-engineering")).id;
      const actions = (await auditEventsOf(t.ctx, acmeId)).map((e) => e.action);
      expect(actions).toEqual(expect.arrayContaining(["workflow.form_deleted", "workflow.fileset_deleted"]));
    });

    it("an unknown role in a stage names the nearest match; a missing ${env:X} names file:line", async () => {
      await seedWorkflows(t);
      const text = yamlOf(await exportConfig(t.ctx));
      const typo = parseConfigText(
        "typo.yaml",
        text.replace("requires_role: org:security_lead", "requires_role: org:security_leed"),
        ENV,
      );
      await expect(planConfig(t.ctx, typo, { env: ENV })).rejects.toMatchObject({
        code: "role.not_found",
        message: expect.stringMatching(/org:security_leed.*Security Approval.*Did you mean "org:security_lead"/),
      });
      await refusedUnchanged(t, () => applyConfig(t.ctx, typo, { env: ENV }), "role.not_found");
      const line = text.split("\n").findIndex((l) => l.includes("${env:SLACK_CODE_REVIEWS_WEBHOOK}")) + 1;
      expect(() => parseConfigText("team.yaml", text, {})).toThrow(
        new RegExp(
          `^team\\.yaml:${line}:\\d+: notification_providers\\[0\\]\\.webhook: \\$\\{env:SLACK_CODE_REVIEWS_WEBHOOK\\} is not set`,
        ),
      );
      // Over the API too, without a position: the variable and the field are named, nothing is written.
      await refusedUnchanged(t, () => applyConfig(t.ctx, parseConfigText("team.yaml", text)), "input.invalid");
    });

    it("--with-members: members with roles and direct grants round-trip; removing the last manager is refused whole", async () => {
      await addMember(t.ctx, { organization: "acme-engineering", email: "lead@acme.com", roles: "org:admin" });
      await addMember(t.ctx, { organization: "acme-engineering", email: "dev@acme.com", roles: "Developer" });
      const { grantToMember } = await import("../src/features/members/index.js");
      await grantToMember(t.ctx, {
        organization: "acme-engineering",
        email: "dev@acme.com",
        permission: "org:code:deploy",
        scope: ["environment:staging"],
      });
      const without = await exportConfig(t.ctx);
      expect(JSON.stringify(without)).not.toContain("dev@acme.com");
      const withMembers = await exportConfig(t.ctx, undefined, true);
      const first = yamlOf(withMembers);
      expect(first).toContain("email: dev@acme.com");
      expect(first).toContain("environment:staging");
      u = await openTestStore(dialect);
      await applyConfig(u.ctx, withMembers, { withMembers: true });
      expect(yamlOf(await exportConfig(u.ctx, undefined, true))).toBe(first);
      expect((await planConfig(u.ctx, withMembers, { withMembers: true, prune: true })).changes).toEqual([]);
      // Members listed are ignored without the flag.
      expect((await planConfig(t.ctx, withMembers)).changes).toEqual([]);

      const demoted = structuredClone(withMembers);
      const acme = demoted.organizations?.find((o) => o.slug === "acme-engineering");
      const lead = acme?.members?.find((m) => m.email === "lead@acme.com");
      if (lead) lead.roles = ["org:developer"];
      acme?.roles?.push({ key: "org:extra", name: "Extra" });
      await expect(planConfig(t.ctx, demoted, { withMembers: true })).rejects.toMatchObject({
        code: "member.last_manager",
      });
      await refusedUnchanged(t, () => applyConfig(t.ctx, demoted, { withMembers: true }), "member.last_manager");
      const removed = structuredClone(withMembers);
      const acme2 = removed.organizations?.find((o) => o.slug === "acme-engineering");
      if (acme2) acme2.members = acme2.members?.filter((m) => m.email !== "lead@acme.com");
      await refusedUnchanged(
        t,
        () => applyConfig(t.ctx, removed, { withMembers: true, prune: true }),
        "member.last_manager",
      );
      // A drift in roles made with the services shows in the next plan.
      await updateMemberRoles(t.ctx, {
        organization: "acme-engineering",
        email: "dev@acme.com",
        roles: "Code Reviewer",
      });
      expect(
        (await planConfig(t.ctx, withMembers, { withMembers: true })).changes.map((c) => [c.kind, c.key, c.fields]),
      ).toEqual([
        ["member", "dev@acme.com", [{ field: "roles", before: ["org:code_reviewer"], after: ["org:developer"] }]],
      ]);
    });

    it("a renamed role keeps its key only when the name gives that key", async () => {
      const text = yamlOf(await exportConfig(t.ctx)).replace("name: Release Manager", "name: Release Captain");
      await refusedUnchanged(t, () => applyConfig(t.ctx, parseConfigText("renamed.yaml", text)), "input.invalid");
      const recased = yamlOf(await exportConfig(t.ctx)).replace("name: Release Manager", "name: Release manager");
      expect((await applyConfig(t.ctx, parseConfigText("recased.yaml", recased))).changes).toHaveLength(1);
    });

    it("a change in the file plans exactly that change, and applying it converges", async () => {
      const text = yamlOf(await exportConfig(t.ctx)).replace(
        "name: Release Manager",
        "name: Release Manager\n        description: Ships the frontend",
      );
      const config = parseConfigText("changed.yaml", text);
      const plan = await planConfig(t.ctx, config);
      expect(plan.changes).toEqual([
        {
          action: "update",
          kind: "role",
          organization: "frontend-guild",
          key: "org:release_manager",
          fields: [{ field: "description", before: "", after: "Ships the frontend" }],
        },
      ]);
      await applyConfig(t.ctx, config);
      expect((await planConfig(t.ctx, config)).changes).toEqual([]);
    });

    it("an exported grant that has since expired still plans as no change", async () => {
      const config = await exportConfig(t.ctx);
      t.clock.set(Date.parse("2026-08-01T00:00:00.000Z"));
      expect((await planConfig(t.ctx, config)).changes).toEqual([]);
    });

    it("drift made with the services shows in the next plan", async () => {
      const config = await exportConfig(t.ctx);
      await updateOrg(t.ctx, "frontend-guild", { description: "UI work" });
      await updateRole(t.ctx, "Developer", { organization: "acme-engineering", removePermissions: "write:code" });
      const plan = await planConfig(t.ctx, config);
      expect(plan.changes.map((c) => [c.action, c.kind, c.key, c.fields])).toEqual([
        ["update", "organization", "frontend-guild", [{ field: "description", before: "UI work", after: "" }]],
        [
          "update",
          "role",
          "org:developer",
          [{ field: "permissions.org:code:write", before: null, after: "org:code:write" }],
        ],
      ]);
    });

    it("prune deletes only what the file manages: the roles of the organizations it lists", async () => {
      await createOrg(t.ctx, { name: "Sales" });
      await createRole(t.ctx, { name: "Closer", organization: "sales" });
      await createRole(t.ctx, { name: "Intern", organization: "acme-engineering" });
      const all = await exportConfig(t.ctx);
      const managed: Config = {
        version: 1,
        organizations: (all.organizations ?? [])
          .filter((o) => o.slug === "acme-engineering")
          .map((o) => ({ ...o, roles: (o.roles ?? []).filter((r) => r.key !== "org:intern") })),
      };
      expect((await planConfig(t.ctx, managed)).changes).toEqual([]);
      const plan = await planConfig(t.ctx, managed, { prune: true });
      expect(plan.changes.map((c) => [c.action, c.organization, c.key])).toEqual([
        ["delete", "acme-engineering", "org:intern"],
      ]);
      await applyConfig(t.ctx, managed, { prune: true });
      const after = await exportConfig(t.ctx);
      const rolesOf = (slug: string) => after.organizations?.find((o) => o.slug === slug)?.roles?.map((r) => r.key);
      expect(rolesOf("acme-engineering")).toEqual(["org:code_reviewer", "org:developer"]);
      expect(rolesOf("sales")).toEqual(["org:closer"]);
      expect(rolesOf("frontend-guild")).toEqual(["org:release_manager"]);
      expect(after.roles?.map((r) => r.key)).toContain("org:viewer");
    });

    it("a refused apply changes nothing: a cycle, a role still held, a stale plan", async () => {
      const base = await exportConfig(t.ctx);
      const acme = (c: Config) => c.organizations?.find((o) => o.slug === "acme-engineering");
      const cycle = structuredClone(base);
      const developer = acme(cycle)?.roles?.find((r) => r.key === "org:developer");
      if (developer) developer.extends = ["org:code_reviewer"];
      cycle.organizations?.push({ slug: "new-team", name: "New Team" });
      await refusedUnchanged(t, () => applyConfig(t.ctx, cycle), "role.inheritance_cycle");

      await createRole(t.ctx, { name: "Tester", organization: "acme-engineering" });
      await addMember(t.ctx, { organization: "acme-engineering", email: "alice@acme.com", roles: "Tester" });
      const dropHeld = structuredClone(base);
      dropHeld.organizations?.push({ slug: "another-team", name: "Another Team" });
      await refusedUnchanged(t, () => applyConfig(t.ctx, dropHeld, { prune: true }), "role.has_members");

      const plan = await planConfig(t.ctx, {
        ...base,
        organizations: [...(base.organizations ?? []), { slug: "x", name: "X" }],
      });
      await createRole(t.ctx, { name: "Meanwhile", organization: "acme-engineering" });
      await refusedUnchanged(
        t,
        () =>
          applyConfig(
            t.ctx,
            { ...base, organizations: [...(base.organizations ?? []), { slug: "x", name: "X" }] },
            {
              base: plan.base,
            },
          ),
        "config.stale_plan",
      );
    });

    it("an unknown role is named with its nearest match, before anything is written", async () => {
      const config = await exportConfig(t.ctx);
      const guild = config.organizations?.find((o) => o.slug === "frontend-guild");
      if (guild?.roles?.[0]) guild.roles[0].extends = ["org:code_reviewr"];
      await expect(planConfig(t.ctx, config)).rejects.toMatchObject({
        code: "role.not_found",
        message: expect.stringContaining('Did you mean "org:code_reviewer"'),
      });
      await refusedUnchanged(t, () => applyConfig(t.ctx, config), "role.not_found");
      // Roles the file does not list still count as long as they stay (no prune).
      const partial: Config = { version: 1, roles: [{ key: "org:x", name: "X", extends: ["org:member"] }] };
      expect((await planConfig(t.ctx, partial)).changes.map((c) => [c.action, c.key])).toEqual([["create", "org:x"]]);
      await expect(planConfig(t.ctx, partial, { prune: true })).rejects.toMatchObject({ code: "role.not_found" });
    });

    it("plan and apply are operations for instance admins: the API answers in its schema, a member is refused", async () => {
      const config = await exportConfig(t.ctx);
      const api = localApi(t.ctx);
      const plan = await api.call(configOperations.plan, { query: { prune: true }, body: config });
      expect(plan).toMatchObject({ object: "config_plan", prune: true, applied: false, changes: [] });
      await addMember(t.ctx, { organization: "acme-engineering", email: "bob@acme.com", roles: "org:admin" });
      const bob = await actingAs(t, "bob@acme.com");
      await expect(planConfig(bob, config)).rejects.toMatchObject({ code: "auth.instance_admin_required" });
      await refusedUnchanged(t, () => applyConfig(bob, config), "auth.instance_admin_required");

      const server = await startApi(t);
      try {
        const changed = structuredClone(config);
        changed.organizations?.push({ slug: "http-team", name: "HTTP Team", parent: "acme-engineering" });
        const post = (path: string) =>
          fetch(`${server.url}/v1/config/${path}`, {
            method: "POST",
            headers: { authorization: `Bearer ${server.secret}`, "content-type": "application/json" },
            body: JSON.stringify(changed),
          });
        const planned = (await (await post("plan")).json()) as { changes: { key: string }[] };
        expect(planned.changes.map((c) => c.key)).toEqual(["http-team"]);
        const applied = (await (await post("apply")).json()) as { applied: boolean };
        expect(applied.applied).toBe(true);
        const bad = await fetch(`${server.url}/v1/config/plan`, {
          method: "POST",
          headers: { authorization: `Bearer ${server.secret}`, "content-type": "application/json" },
          body: JSON.stringify({ version: 2 }),
        });
        expect(bad.status).toBe(422);
        // A secret reference the body's env lacks: a 422 naming the variable and the field, nothing written.
        const secret = await fetch(`${server.url}/v1/config/apply`, {
          method: "POST",
          headers: { authorization: `Bearer ${server.secret}`, "content-type": "application/json" },
          body: JSON.stringify({
            version: 1,
            notification_providers: [{ kind: "slack", channel: "#ops", webhook: "${env:OPS_HOOK}" }],
          }),
        });
        expect(secret.status).toBe(422);
        expect(JSON.stringify(await secret.json())).toContain(
          "notification_providers[slack:#ops].webhook: ${env:OPS_HOOK} is not set",
        );
      } finally {
        await server.app.close();
      }
    });
  });
}

describe("configuration files", () => {
  it("the published JSON Schema describes every field, so editors explain what they complete", () => {
    const missing: string[] = [];
    const walk = (node: Record<string, unknown> | undefined, path: string) => {
      if (!node || typeof node !== "object") return;
      for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Record<string, unknown>>)) {
        if (typeof child.description !== "string") missing.push(`${path}.${key}`);
        walk(child, `${path}.${key}`);
      }
      walk(node.items as Record<string, unknown> | undefined, `${path}[]`);
      for (const alt of (node.anyOf ?? []) as Record<string, unknown>[]) walk(alt, path);
    };
    const schema = configJsonSchema();
    walk(schema, "");
    expect(missing).toEqual([]);
    expect(JSON.stringify(schema)).toContain("escalate_to");
  });

  it("the complete example in docs/config-as-code.md is a valid file with every kind", () => {
    const md = readFileSync("docs/config-as-code.md", "utf8");
    const example = md.split("## The format (version 1)")[1]?.split("```yaml\n")[1]?.split("```")[0] ?? "";
    const env = {
      SLACK_CODE_REVIEWS_WEBHOOK: "x",
      SMTP_PASSWORD: "x",
      WEBHOOK_CI_URL: "x",
      WEBHOOK_CI_SIGNING_SECRET: "x",
    };
    const config = parseConfigText("docs.yaml", example, env);
    const acme = config.organizations?.[0];
    expect(Object.keys(config)).toEqual(
      expect.arrayContaining(["notification_providers", "settings", "role_defaults"]),
    );
    expect(Object.keys(acme ?? {})).toEqual(
      expect.arrayContaining(["roles", "file_sets", "forms", "workflows", "members"]),
    );
    expect(acme?.workflows?.[0]?.stages?.[0]?.escalation?.escalate_to).toBe("org:senior_reviewer");
  });

  it("a YAML syntax error names file:line:col", () => {
    expect(() =>
      parseConfigText("team.yaml", "version: 1\norganizations:\n  - slug: a\n    name: [unclosed\n"),
    ).toThrow(/^team\.yaml:\d+:\d+: /);
  });

  it("a wrong value names file:line:col and the field", () => {
    const text =
      "version: 1\norganizations:\n  - slug: eng\n    name: Eng\n    roles:\n      - key: developer\n        name: Dev\n";
    expect(() => parseConfigText("team.yaml", text)).toThrow(
      /^team\.yaml:6:14: organizations\[0\]\.roles\[0\]\.key: must be org:<name>/,
    );
  });

  it("an unknown field is named where it stands", () => {
    const text = "version: 1\norganizations:\n  - slug: eng\n    name: Eng\n    colour: blue\n";
    expect(() => parseConfigText("team.yaml", text)).toThrow(
      /^team\.yaml:5:5: organizations\[0\]\.colour: unknown field/,
    );
  });

  it("JSON files parse with the same positions", () => {
    expect(() => parseConfigText("team.json", '{\n  "version": 1,\n  "roles": [{ "key": "org:x" }]\n}')).toThrow(
      /^team\.json:3:\d+: roles\[0\]\.name: /,
    );
  });
});
