// Asking for access: any member may ask for a permission for a while; the organization's access-request workflows
// (triggered by event:access_requested, on_approve: grant) decide, and an approval makes the grant.
import { type ServiceContext, inTransaction } from "../../context.js";
import { actingUserId, isMemberOf } from "../access/index.js";
import { type Organization, resolveOrg } from "../orgs/index.js";
import {
  type Workflow,
  evaluateCondition,
  eventTypeKey,
  fileSetPatterns,
  parseCondition,
  triggeredWorkflows,
} from "../workflows/index.js";
import { ACCESS_REQUESTED, readAccessRequest } from "./access-request.js";
import { type EmitResult, assertMember, emitEvent } from "./run.service.js";
import { invalidAccessRequest, noAccessWorkflow } from "./task.errors.js";

/** What a member asks for. */
export interface AccessRequestInput {
  organization: string;
  permission: string;
  scope?: string | readonly string[] | undefined;
  duration: string;
  reason?: string | undefined;
  idempotencyKey?: string | undefined;
}

/** The event data of an access request, as workflows' conditions read it (`permission:org:deploys:write`). */
export function accessRequestData(input: Omit<AccessRequestInput, "organization" | "idempotencyKey">) {
  return {
    permission: input.permission,
    ...(input.scope === undefined ? {} : { scope: input.scope }),
    duration: input.duration,
    ...(input.reason === undefined ? {} : { reason: input.reason }),
  };
}

/**
 * The active access-request workflows of an organization that a request with this data would start: triggered by
 * event:access_requested, granting on approval, with a condition that holds.
 */
export async function accessWorkflowsFor(
  ctx: ServiceContext,
  org: Organization,
  data: Record<string, unknown>,
): Promise<Workflow[]> {
  const workflows = (await triggeredWorkflows(ctx, org, eventTypeKey(ACCESS_REQUESTED))).filter(
    (w) => w.onApprove === "grant",
  );
  const fileSets = workflows.some((w) => w.condition?.includes("files:"))
    ? await fileSetPatterns(ctx, org.id)
    : new Map<string, string[]>();
  return workflows.filter(
    (w) => w.condition === null || evaluateCondition(parseCondition(w.condition), data, fileSets).holds,
  );
}

/**
 * A member asks for a permission (optionally scoped) for a while: emits `access_requested` as them, which starts
 * the organization's access-request workflows; returns at once with the runs and who must decide. Refused when no
 * workflow would grant it, so nobody waits on a request that cannot succeed.
 */
export async function requestAccess(ctx: ServiceContext, input: AccessRequestInput): Promise<EmitResult> {
  assertMember(ctx, "ask for access");
  const data = accessRequestData(input);
  readAccessRequest(data);
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, input.organization);
    const granting = new Set((await accessWorkflowsFor(tx, org, data)).map((w) => w.id));
    const result = await emitEvent(
      tx,
      { organization: org.id, type: ACCESS_REQUESTED, data, idempotencyKey: input.idempotencyKey },
      // Any member may ask for access; the approvers decide whether they get it.
      async (t, o) => {
        if (!(await isMemberOf(t, o.id, actingUserId(t) as string)))
          throw invalidAccessRequest(`Only a member of ${o.slug} can ask for access in it.`, "organization_id");
      },
    );
    if (!result.duplicate && !result.runs.some((r) => granting.has(r.workflow.id))) throw noAccessWorkflow(org.slug);
    return result;
  });
}
