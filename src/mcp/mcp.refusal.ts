// Refusals a model can act on: a call denied for a missing permission answers which permission, which of the
// organization's access-request workflows could grant it, and the exact request_access arguments to ask with.
import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import type { ServiceContext } from "../context.js";
import type { ClerkError } from "../errors.js";
import { isMemberOf } from "../features/access/index.js";
import { type Organization, resolveOrg } from "../features/orgs/index.js";
import { accessWorkflowsFor } from "../features/tasks/index.js";

/** How the caller could ask for a permission: the tool call to make and the workflows that would decide it. */
export interface AskFor {
  tool: "request_access";
  arguments: { organization_id: string; permission: string; scope?: string; duration: string; reason: string };
  workflows: { id: string; name: string; stages: { name: string; approved_by_holders_of: string }[] }[];
}

/** The duration suggested to a model: short, as temporary access should be. */
const SUGGESTED_DURATION = "1h";

/** Whether the caller is a member of the organization: only members ask there, and only they learn its workflows. */
const isMember = async (ctx: ServiceContext, org: Organization) =>
  ctx.actor.type === "user" && ctx.actor.id !== null && (await isMemberOf(ctx, org.id, ctx.actor.id));

/**
 * How the caller (a member) could ask for one of `permissions` in the organization, or null when no access-request
 * workflow would take the request (or the caller is no member there: an instance key already may do anything, and
 * an outsider learns nothing of the organization's workflows).
 */
export async function askFor(
  ctx: ServiceContext,
  org: Organization,
  permissions: readonly string[],
  resource?: string,
): Promise<AskFor | null> {
  if (!(await isMember(ctx, org))) return null;
  for (const permission of permissions) {
    const args = {
      organization_id: org.slug,
      permission,
      ...(resource ? { scope: resource } : {}),
      duration: SUGGESTED_DURATION,
      reason: "<why you need it, in one sentence, for the people who decide>",
    };
    const workflows = await accessWorkflowsFor(ctx, org, args);
    if (workflows.length > 0)
      return {
        tool: "request_access",
        arguments: args,
        workflows: workflows.map((w) => ({
          id: w.id,
          name: w.name,
          stages: w.stages.map((s) => ({ name: s.name, approved_by_holders_of: s.requiresRole.key })),
        })),
      };
  }
  return null;
}

/** The sentence that tells a model what to do with `ask`. */
export function askText(ask: AskFor | null, permissions: readonly string[], organization: string): string {
  if (!ask)
    return `No access-request workflow of ${organization} would grant ${permissions.join(" or ")}: do not try another way; tell your user that a person must grant it (or set up an access-request workflow, see docs/agents.md).`;
  const who = ask.workflows
    .map(
      (w) => `${w.name} (${w.stages.map((s) => `${s.name}: a holder of ${s.approved_by_holders_of}`).join(", then ")})`,
    )
    .join("; ");
  return `You can ask for it: call request_access with ${JSON.stringify(ask.arguments)}, putting your reason in reason. ${who} decides. It returns at once; follow the run with get_run and try again only once it is approved.`;
}

/** The missing permissions and organization a permission.denied error names. */
function missingOf(error: ClerkError): { permissions: string[]; organization: string } | undefined {
  const d = error.details as { permission?: unknown; permissions?: unknown; organization?: unknown };
  const permissions =
    typeof d.permission === "string"
      ? [d.permission]
      : Array.isArray(d.permissions)
        ? d.permissions.filter((p): p is string => typeof p === "string")
        : [];
  if (permissions.length === 0 || typeof d.organization !== "string") return undefined;
  return { permissions, organization: d.organization };
}

/** A ClerkError as a tool error the model can act on: the code, the message, and the field when there is one. */
export function toolError(error: ClerkError, extra: Record<string, unknown> = {}, text?: string): CallToolResult {
  return {
    isError: true,
    content: [{ type: "text", text: `${error.code}: ${error.message}${text ? `\n${text}` : ""}` }],
    structuredContent: {
      error: { code: error.code, message: error.message, ...(error.param ? { param: error.param } : {}) },
      ...extra,
    },
  };
}

/**
 * A denial for a missing permission, as a structured refusal: `missing` (organization and permissions) and `ask`
 * (the request_access call and the workflows that decide it, or null when none would), in words as well.
 */
export async function refusal(ctx: ServiceContext, error: ClerkError, canAsk: boolean): Promise<CallToolResult> {
  const missing = error.code === "permission.denied" ? missingOf(error) : undefined;
  if (!missing) return toolError(error);
  const org = await resolveOrg(ctx, missing.organization).catch(() => undefined);
  if (!org || !(await isMember(ctx, org))) return toolError(error);
  const ask = canAsk ? await askFor(ctx, org, missing.permissions) : null;
  return toolError(
    error,
    { missing, ask },
    canAsk
      ? askText(ask, missing.permissions, missing.organization)
      : "This server does not offer request_access; tell your user which permission is missing.",
  );
}
