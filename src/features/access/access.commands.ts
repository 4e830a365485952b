// `clerk check`, `clerk who-can` and `clerk member permissions`: asking the access engine from the shell.
import type { Command } from "commander";
import { organizationOrDefault } from "../../cli/context.js";
import { table, when, commandNamed } from "../../cli/output.js";
import { ExitWith, action } from "../../cli/run.js";
import { resolveOrg } from "../orgs/index.js";
import { normalizePermissionKey } from "../permissions/index.js";
import { resolveUser } from "../users/index.js";
import { effectivePermissionsOf, explainAccess, whoCanIn } from "./index.js";
import { ClerkError } from "../../errors.js";

/** `--at 2026-07-01` (start of that day, UTC) or an ISO time; any instant, past or future. */
function parseAt(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const at = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00.000Z`) : Date.parse(value);
  if (!Number.isFinite(at)) throw new ClerkError("input.invalid", `--at "${value}" is not a date (2026-07-01) or ISO time (2026-07-01T12:00:00Z).`, { param: "at" });
  return at;
}

export function registerAccessCommands(program: Command): void {
  program
    .command("check")
    .description("May a member do something (on a resource)? Exit 0 allowed, 4 denied.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--member <email>", "the member's e-mail address (or user id)")
    .requiredOption("--permission <permission>", "org:<feature>:<action> or <action>:<feature>")
    .option("--resource <resource>", "type:id, e.g. repository:frontend-app or path:docs/guide.md")
    .option("--at <when>", "decide as of this date or time instead of now")
    .option("--explain", "print the full path, or the nearest miss")
    .addHelpText("after", "\nExample:\n  clerk check --organization engineering-team --member alice@acme.com --permission write:deployments --resource environment:staging --explain")
    .action(
      action<{ organization?: string; member: string; permission: string; resource?: string; at?: string; explain?: boolean }>(async ({ ctx }, o) => {
        const org = await resolveOrg(ctx, organizationOrDefault(o.organization));
        const user = await resolveUser(ctx, o.member);
        const permission = normalizePermissionKey(o.permission);
        const result = await explainAccess(ctx, { organizationId: org.id, userId: user.id, permission, resource: o.resource, at: parseAt(o.at) });
        const json = { allowed: result.allowed, reason: result.reason, ...(o.explain ? { path: result.path, nearest_miss: result.nearestMiss ?? null } : {}) };
        const lines = [`${result.allowed ? "allowed" : "denied"}: ${result.reason}`];
        if (o.explain && result.path.length) lines.push(...result.path.map((s) => `  ${s.kind}: ${s.label}`));
        if (o.explain && result.nearestMiss) lines.push(`  nearest miss: ${result.nearestMiss}`);
        const output = { json, text: lines.join("\n") };
        if (!result.allowed) throw new ExitWith(output, 4);
        return output;
      }),
    );

  program
    .command("who-can")
    .description("Which members may do something (on a resource), and through what.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--permission <permission>", "org:<feature>:<action> or <action>:<feature>")
    .option("--resource <resource>", "type:id")
    .addHelpText("after", "\nExample:\n  clerk who-can --organization engineering-team --permission approve:pull-requests")
    .action(
      action<{ organization?: string; permission: string; resource?: string }>(async ({ ctx }, o) => {
        const org = await resolveOrg(ctx, organizationOrDefault(o.organization));
        const rows = await whoCanIn(ctx, org.id, normalizePermissionKey(o.permission), o.resource);
        return {
          json: rows.map((r) => ({ user_id: r.userId, email: r.label, reason: r.reason })),
          text: table(["MEMBER", "THROUGH"], rows.map((r) => [r.label, r.reason])),
        };
      }),
    );

  const member = commandNamed(program, "member");
  member
    .command("permissions")
    .description("Everything a member may do in an organization, with where each permission comes from.")
    .option("--organization <org>", "slug, id or name (default: clerk org use)")
    .requiredOption("--email <email>", "the member's e-mail address")
    .addHelpText("after", "\nExample:\n  clerk member permissions --organization engineering-team --email alice@acme.com")
    .action(
      action<{ organization?: string; email: string }>(async ({ ctx }, o) => {
        const org = await resolveOrg(ctx, organizationOrDefault(o.organization));
        const user = await resolveUser(ctx, o.email);
        const rows = await effectivePermissionsOf(ctx, org.id, user.id);
        return {
          json: rows.map((r) => ({ permission: r.permission, scopes: r.scopes.map((s) => `${s.type}:${s.pattern}`), expires_at: r.expiresAt, sources: r.sources })),
          text: table(
            ["PERMISSION", "SCOPES", "EXPIRES", "FROM"],
            rows.map((r) => [r.permission, r.scopes.map((s) => `${s.type}:${s.pattern}`).join(", ") || "(all)", when(r.expiresAt), r.sources.join("; ")]),
          ),
        };
      }),
    );
}
