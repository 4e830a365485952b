// Who may define workflows, read them, and emit the events that start them.
import type { ServiceContext } from "../../context.js";
import { assertAllowed, authorize } from "../access/index.js";
import type { Organization } from "../orgs/index.js";

/** Organization admins manage workflows as they manage the profile; so does whoever holds org:workflows:manage (or admin). */
export const MANAGE_WORKFLOWS = ["org:workflows:manage", "org:sys_profile:manage"] as const;
/** Whoever holds org:workflows:read may read workflows and runs; so may every member (see assertMayReadWorkflows). */
export const READ_WORKFLOWS = ["org:workflows:read", ...MANAGE_WORKFLOWS] as const;
/** CI systems and agents hold org:events:emit; managers may emit too. */
export const EMIT_EVENTS = ["org:events:emit", ...MANAGE_WORKFLOWS] as const;

/** Whether the actor holds one of `permissions` in the organization (the operator, keys and the system always do). */
export async function actorHoldsAny(
  ctx: ServiceContext,
  org: Organization,
  permissions: readonly string[],
): Promise<boolean> {
  return (await authorize(ctx, { kind: "permission", organization: org, anyOf: permissions })).allowed;
}

async function assertAny(
  ctx: ServiceContext,
  org: Organization,
  permissions: readonly string[],
  what: string,
): Promise<void> {
  await assertAllowed(ctx, { kind: "permission", organization: org, anyOf: permissions, what });
}

export const assertMayManageWorkflows = (ctx: ServiceContext, org: Organization, what: string) =>
  assertAny(ctx, org, MANAGE_WORKFLOWS, what);
/**
 * Every member of the organization reads its workflows, runs and tasks, whatever their roles: reviewers must
 * see what they are asked to approve, requesters what they asked for. Others need org:workflows:read.
 */
export async function assertMayReadWorkflows(ctx: ServiceContext, org: Organization): Promise<void> {
  await assertAllowed(ctx, {
    kind: "member_or_permission",
    organization: org,
    anyOf: READ_WORKFLOWS,
    what: "read workflows",
  });
}
export const assertMayEmit = (ctx: ServiceContext, org: Organization) =>
  assertAny(ctx, org, EMIT_EVENTS, "emit events");
