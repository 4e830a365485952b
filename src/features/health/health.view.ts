// The findings of the health checks and the report that gathers them, as the API answers them.
import { z } from "zod";
import { millis } from "../../operations/index.js";

/** What every finding has: which check found it, where, one line for people, and the commands that would fix it. */
const findingBase = {
  organization: z.string().describe("The slug of the organization the finding is in"),
  summary: z.string().describe("One line for people"),
  fix: z.array(z.string()).describe("The commands that would fix it"),
};

/** A role nobody holds (`clerk role audit --filter no-members`). */
export const roleFindingSchema = z.object({
  check: z.literal("role.no_members"),
  ...findingBase,
  role: z.object({ id: z.string(), key: z.string(), name: z.string() }),
});
export type RoleFinding = z.infer<typeof roleFindingSchema>;

/** A granted permission unused for the window (`clerk permission audit --unused-for`). */
export const permissionFindingSchema = z.object({
  check: z.literal("permission.unused"),
  ...findingBase,
  permission: z.string(),
  last_used_at: millis.nullable().describe("The last allowed check that used it; null for never"),
  holders: z.array(z.object({ email: z.string(), via: z.string().describe("The role or direct grant it comes by") })),
});
export type PermissionFinding = z.infer<typeof permissionFindingSchema>;

/** A direct grant beyond a member's roles (`clerk member audit --filter over-permissioned`). */
export const overPermissionedFindingSchema = z.object({
  check: z.literal("member.over_permissioned"),
  ...findingBase,
  email: z.string(),
  permission: z.string(),
  scopes: z.array(z.string()),
  expires_at: millis.nullable(),
  reason: z.enum(["not_in_roles", "wider_scope", "later_expiry"]),
  role_grants: z.array(z.object({ via: z.string(), scopes: z.array(z.string()), expires_at: millis.nullable() })),
});
export type OverPermissionedFinding = z.infer<typeof overPermissionedFindingSchema>;

/** A grant past its expiry still stored (`clerk member audit --filter expired-grants`). */
export const expiredGrantFindingSchema = z.object({
  check: z.literal("grant.expired"),
  ...findingBase,
  holder: z.object({ type: z.enum(["role", "member"]), name: z.string() }),
  permission: z.string(),
  scopes: z.array(z.string()),
  expired_at: millis,
});
export type ExpiredGrantFinding = z.infer<typeof expiredGrantFindingSchema>;

/** An organization with one admin, or none (part of `clerk health`). */
export const adminFindingSchema = z.object({
  check: z.literal("organization.single_admin"),
  ...findingBase,
  admins: z.array(z.string()),
});
export type AdminFinding = z.infer<typeof adminFindingSchema>;

/** A finding of `clerk member audit`. */
export const memberFindingSchema = z.discriminatedUnion("check", [
  overPermissionedFindingSchema,
  expiredGrantFindingSchema,
]);
export type MemberFinding = z.infer<typeof memberFindingSchema>;

/** A workflow run that cannot proceed for lack of eligible reviewers (the tasks feature finds these). */
const blockedRunFindingSchema = z.object({
  check: z.literal("workflow.blocked"),
  ...findingBase,
  run: z.string(),
  workflow: z.string(),
  stage: z.string().nullable(),
  reason: z.string(),
});

/** A stage past its timeout with tasks still open (the tasks feature finds these). */
const overdueTaskFindingSchema = z.object({
  check: z.literal("task.overdue"),
  ...findingBase,
  run: z.string(),
  workflow: z.string(),
  stage: z.string(),
  overdue_since: millis,
  tasks: z.array(z.object({ id: z.string(), assignee: z.string().nullable() })),
});

/** A message undelivered past its maximum age (the notifications feature finds these). */
const deadLetteredFindingSchema = z.object({
  check: z.literal("notification.dead_lettered"),
  ...findingBase,
  notification: z.string(),
  last_error: z.string().nullable(),
});

/** A store file readable by its group or by everyone (instance admins only). */
const storeFileFindingSchema = z.object({
  check: z.literal("store.file_permissions"),
  organization: findingBase.organization,
  path: z.string(),
  mode: z.string().describe('The file\'s permission bits in octal, e.g. "0644"'),
  summary: findingBase.summary,
  fix: findingBase.fix,
});

/** One section of the report: a check's findings, or a check whose feature does not exist yet. */
export const healthSectionSchema = z.union([
  z.object({
    check: z.string(),
    title: z.string(),
    available: z.literal(true),
    findings: z.array(
      z.discriminatedUnion("check", [
        roleFindingSchema,
        permissionFindingSchema,
        overPermissionedFindingSchema,
        expiredGrantFindingSchema,
        adminFindingSchema,
        blockedRunFindingSchema,
        overdueTaskFindingSchema,
        deadLetteredFindingSchema,
        storeFileFindingSchema,
      ]),
    ),
  }),
  z.object({ check: z.string(), title: z.string(), available: z.literal(false), note: z.string() }),
]);
export type HealthSection = z.infer<typeof healthSectionSchema>;

/** `clerk health`: every check in one report. */
export const healthReportSchema = z.object({
  object: z.literal("health_report"),
  organization: z.string().describe("The organization's slug"),
  checked_at: millis,
  unused_for: z.string().describe("The window for unused permissions, e.g. 90d"),
  total_findings: z.number().int().min(0),
  sections: z.array(healthSectionSchema),
});
export type HealthReport = z.infer<typeof healthReportSchema>;
