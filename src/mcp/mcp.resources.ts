// The caller's own state as MCP resources: what they may do (clerk://me/permissions) and what they are waiting on
// (clerk://me/requests), read as the caller at the moment of reading.
import type { ServiceContext } from "../context.js";
import { formatScope } from "../engine/index.js";
import { effectivePermissionsOf } from "../features/access/index.js";
import { findOrgById } from "../features/orgs/index.js";
import { organizationIdsOfUser } from "../features/policy/index.js";
import { listRuns } from "../features/tasks/index.js";

/** One resource as resources/list shows it. */
export interface McpResource {
  uri: string;
  name: string;
  title: string;
  description: string;
  mimeType: "application/json";
  read(ctx: ServiceContext): Promise<unknown>;
}

async function myOrganizations(ctx: ServiceContext): Promise<{ id: string; slug: string }[]> {
  if (ctx.actor.id === null) return [];
  const out = [];
  for (const id of await organizationIdsOfUser(ctx.db, ctx.actor.id)) {
    const row = await findOrgById(ctx.db, id);
    if (row) out.push({ id: row.id, slug: row.slug });
  }
  return out;
}

/** An instance key (or the operator) names no member: it may do everything and asks for nothing. */
const isMember = (ctx: ServiceContext) =>
  ctx.actor.type === "user" && ctx.actor.id !== null && ctx.actor.admin !== true;
const ADMIN_NOTE = "You act with an instance key: every permission in every organization, nothing to ask for.";

export const RESOURCES: readonly McpResource[] = Object.freeze([
  {
    uri: "clerk://me/permissions",
    name: "my-permissions",
    title: "My permissions",
    description:
      "Every permission you hold, per organization you belong to, with its scopes, expiry and where it comes from (role or direct grant). Read it before asking for access you may already have.",
    mimeType: "application/json",
    async read(ctx) {
      if (!isMember(ctx)) return { member: ctx.actor.label, instance_admin: true, note: ADMIN_NOTE };
      const organizations = [];
      for (const org of await myOrganizations(ctx)) {
        const held = await effectivePermissionsOf(ctx, org.id, ctx.actor.id as string);
        organizations.push({
          organization: org.slug,
          organization_id: org.id,
          permissions: held.map((p) => ({
            permission: p.permission,
            scopes: p.scopes.map(formatScope),
            expires_at: p.expiresAt,
            from: p.sources,
          })),
        });
      }
      return { member: ctx.actor.label, organizations };
    },
  },
  {
    uri: "clerk://me/requests",
    name: "my-open-requests",
    title: "My open requests",
    description:
      "Your approval requests (access requests and others) still open, per organization: the current stage, who must decide and by when.",
    mimeType: "application/json",
    async read(ctx) {
      if (!isMember(ctx)) return { member: ctx.actor.label, instance_admin: true, open: [], note: ADMIN_NOTE };
      const open = [];
      for (const org of await myOrganizations(ctx)) {
        const { data } = await listRuns(ctx, {
          organization: org.id,
          requester: ctx.actor.id as string,
          status: "open",
          limit: 100,
        });
        for (const run of data) {
          const stage = run.stages.find((s) => s.status === "active");
          open.push({
            run_id: run.id,
            organization: org.slug,
            workflow: run.workflow.slug,
            event_type: run.event.type,
            asked: run.event.data,
            current_stage: run.currentStage,
            waiting_on: (stage?.tasks ?? []).filter((t) => t.status === "open").map((t) => t.assignee?.email ?? null),
            due_at: stage?.dueAt ?? null,
            blocked_reason: run.blockedReason,
            created_at: run.createdAt,
          });
        }
      }
      return { member: ctx.actor.label, open };
    },
  },
]);
