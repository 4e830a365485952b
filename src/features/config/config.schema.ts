// The configuration-as-code format: an instance's desired organizations, roles, custom permissions, role defaults,
// workflows, file sets, forms, notification providers, token settings and (optionally) members, as YAML or JSON.
// One zod schema validates files and API bodies and gives the published JSON Schema.
import { z } from "zod";

const text = (max: number) => z.string().max(max);

const permissionKey = z
  .string()
  .min(1, "must not be empty")
  .describe("a permission key, org:<feature>:<action> (the shorthand <action>:<feature> is accepted)");

/** One grant of a role: a permission key, or the key with scopes and an expiry. */
export const grantEntrySchema = z.union([
  permissionKey,
  z
    .object({
      permission: permissionKey,
      scopes: z.array(z.string().min(1)).optional().describe("type:pattern, e.g. repository:*-app"),
      expires_at: z.string().optional().describe("an ISO time with a zone, or a date (the grant ends after it)"),
    })
    .strict(),
]);

export const configRoleSchema = z
  .object({
    key: z
      .string()
      .regex(/^org:[a-z0-9_]+$/, 'must be org:<name> with lowercase letters, digits and _, e.g. "org:developer"')
      .describe("identifies the role: org:<name>, the key of its name (Code Reviewer → org:code_reviewer)"),
    name: text(128).min(1, "must not be empty").describe("the role's name"),
    description: text(2000).optional().describe("what the role is for (default empty)"),
    extends: z.array(z.string().min(1)).optional().describe("keys of roles this role holds the grants of"),
    permissions: z
      .array(grantEntrySchema)
      .optional()
      .describe("the role's own grants, exactly these: keys, or { permission, scopes, expires_at }"),
  })
  .strict();

/** A secret: only ever a reference to an environment variable, resolved at plan/apply time. */
export const ENV_REF = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;
const envRef = z
  .string()
  .regex(ENV_REF, "must be ${env:NAME}: secrets never go in the file, only the variable that holds them")
  .describe("${env:NAME}: the environment variable holding the secret, read when the file is planned or applied");

const strategy = z
  .enum(["round-robin", "least-loaded", "manual"])
  .describe("how the stage's tasks are assigned (default round-robin)");

export const configStageSchema = z
  .object({
    name: text(128).min(1, "must not be empty").describe("identifies the stage within its workflow"),
    requires_role: z.string().min(1).describe("the key of the role whose holders decide, e.g. org:code_reviewer"),
    condition: text(1000).optional().describe("key:value facts joined by , (e.g. files:touched:security-sensitive)"),
    timeout: text(32).optional().describe("how long before the stage is overdue, e.g. 24h"),
    approvals: z.number().int().min(1).max(20).optional().describe("distinct approvers needed (default 1)"),
    form: text(128).optional().describe("the form the approver fills (a form of the organization or built in)"),
    assignment: strategy.optional(),
    escalation: z
      .object({
        after: text(32).describe("e.g. 48h"),
        escalate_to: z.string().min(1).describe("the key of the role open tasks go to"),
        notify: text(320).optional().describe("an e-mail address told of the escalation"),
      })
      .strict()
      .optional()
      .describe("after how long open tasks go to another role, and who is told"),
  })
  .strict();

export const configNotificationRuleSchema = z
  .object({
    on: z
      .enum(["stage:assigned", "stage:overdue", "stage:escalated", "run:approved", "run:rejected"])
      .describe("the signal of a run that sends the message"),
    channel: z.string().min(1).describe("slack:#channel, email:<address> or webhook:<name>"),
    message: text(4000).min(1).describe("the message; placeholders such as {pr.url}, {elapsed}"),
  })
  .strict();

export const configWorkflowSchema = z
  .object({
    name: text(128).min(1, "must not be empty").describe("its name; the workflow is known by the slug of it"),
    description: text(2000).optional().describe("default empty"),
    trigger: text(200).describe("event:<type>, e.g. event:pull_request_opened"),
    condition: text(1000).optional().describe("key:value facts the event must carry, joined by ,"),
    paused: z.boolean().optional().describe("events start no runs of it (default false)"),
    stages: z.array(configStageSchema).optional().describe("in order; open runs keep the stages they started with"),
    notifications: z.array(configNotificationRuleSchema).optional().describe("messages sent on the run's signals"),
  })
  .strict();

const itemName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be lowercase letters, digits, "-" or "_" (e.g. security-sensitive)');

export const configFileSetSchema = z
  .object({
    name: itemName.describe("identifies the file set; conditions name it as files:touched:<name>"),
    patterns: z.array(z.string().min(1)).min(1).describe("glob patterns, e.g. src/auth/**"),
  })
  .strict();

export const configFormSchema = z
  .object({
    name: itemName.describe("identifies the form; stages name it in form:"),
    description: text(2000).optional().describe("default empty"),
    schema: z.record(z.string(), z.unknown()).describe('a JSON Schema of an object: {"type": "object", …}'),
  })
  .strict();

export const configMemberSchema = z
  .object({
    email: z.string().min(3).max(320).describe("the member's e-mail (a new user is created)"),
    roles: z.array(z.string().min(1)).min(1).describe("keys of the member's roles"),
    permissions: z.array(grantEntrySchema).optional().describe("direct grants beside the roles"),
  })
  .strict();

export const configOrganizationSchema = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters, digits and single dashes, e.g. "engineering"')
      .max(128)
      .describe("identifies the organization; one the store lacks is created"),
    name: text(256).min(1, "must not be empty").describe("the organization's name"),
    description: text(2000).optional().describe("default empty"),
    parent: z.string().optional().describe("the slug of the parent organization"),
    inherit_ancestor_read: z.boolean().optional().describe("members of ancestors read here (default true)"),
    max_allowed_memberships: z.number().int().min(0).max(2_147_483_647).optional().describe("0: no limit"),
    roles: z.array(configRoleSchema).optional().describe("the organization's own roles; listed, they are managed"),
    file_sets: z.array(configFileSetSchema).optional().describe("named glob patterns for files:touched:<name>"),
    forms: z.array(configFormSchema).optional().describe("form templates stages ask approvers to fill"),
    workflows: z.array(configWorkflowSchema).optional().describe("approval workflows; listed, they are managed"),
    members: z
      .array(configMemberSchema)
      .optional()
      .describe("members with their roles and direct grants; read only with --with-members"),
  })
  .strict();

export const configPermissionSchema = z
  .object({
    key: permissionKey,
    name: text(256).optional().describe("default: made from the key"),
    description: text(2000).optional().describe("default empty"),
  })
  .strict();

export const configProviderSchema = z
  .object({
    kind: z.enum(["slack", "email", "webhook"]).describe("slack, email or webhook"),
    channel: z.string().optional().describe("slack: the channel it posts to, e.g. #code-reviews"),
    webhook: envRef.optional().describe("slack: ${env:NAME} holding the incoming-webhook URL"),
    smtp_host: z.string().optional().describe("email: the SMTP server"),
    smtp_port: z.number().int().min(1).max(65_535).optional().describe("email: default 587"),
    smtp_user: z.string().optional().describe("email: the SMTP user (needs smtp_password)"),
    smtp_password: envRef.optional().describe("email: ${env:NAME} holding the SMTP password"),
    from: z.string().optional().describe('email: the sender, e.g. "clerk <clerk@acme.com>"'),
    name: z.string().optional().describe("webhook: its name for rules (webhook:<name>, default default)"),
    url: envRef.optional().describe("webhook: ${env:NAME} holding the URL to POST to"),
    signing_secret: envRef.optional().describe("webhook: ${env:NAME} holding the whsec_ signing secret"),
    allow_insecure: z.boolean().optional().describe("allow http:// and loopback (tests only)"),
    allow_private_network: z.boolean().optional().describe("allow private addresses (an internal relay)"),
  })
  .strict();

export const configSettingsSchema = z
  .object({
    tokens: z
      .object({
        claims_version: z
          .union([z.literal(1), z.literal(2)])
          .optional()
          .describe("1: org_* claims; 2: Clerk's v2 o/fea claims (default 2)"),
        token_lifetime_seconds: z.number().int().min(1).optional().describe("default token lifetime (default 60)"),
        size_budget: z
          .number()
          .int()
          .min(512)
          .max(65_536)
          .optional()
          .describe("bytes a token may take before its permissions are left out (default 4096)"),
        signing_algorithm: z
          .enum(["RS256", "ES256", "EdDSA"])
          .optional()
          .describe("the algorithm of the next signing key (default RS256)"),
        issuer: z.string().min(1).max(512).optional().describe('the iss claim (default "clerk")'),
        session_lifetime_seconds: z
          .number()
          .int()
          .min(60)
          .optional()
          .describe("how long a session lasts (default 604800, 7 days)"),
      })
      .strict()
      .optional()
      .describe("session token settings (clerk token settings); listed fields are managed"),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional().describe("the JSON Schema editors complete this file with"),
    version: z.literal(1).describe("the format's version: 1"),
    permissions: z.array(configPermissionSchema).optional().describe("custom permissions (system ones are built in)"),
    roles: z.array(configRoleSchema).optional().describe("instance-wide roles, usable in every organization"),
    role_defaults: z
      .object({
        creator: z.string().optional().describe("the instance-wide role given to whoever creates an organization"),
        default: z.string().optional().describe("the instance-wide role new members get"),
      })
      .strict()
      .optional()
      .describe("the creator and default roles (keys of instance-wide roles)"),
    organizations: z
      .array(configOrganizationSchema)
      .optional()
      .describe("organizations, parents by slug; those not listed are never touched"),
    notification_providers: z
      .array(configProviderSchema)
      .optional()
      .describe("where notifications go; secrets only as ${env:NAME}"),
    settings: configSettingsSchema.optional().describe("instance settings; listed fields are managed"),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type ConfigRole = z.output<typeof configRoleSchema>;
export type ConfigOrganization = z.output<typeof configOrganizationSchema>;
export type GrantEntry = z.output<typeof grantEntrySchema>;
export type ConfigWorkflow = z.output<typeof configWorkflowSchema>;
export type ConfigStage = z.output<typeof configStageSchema>;
export type ConfigProvider = z.output<typeof configProviderSchema>;
export type ConfigMember = z.output<typeof configMemberSchema>;
export type ConfigSettings = z.output<typeof configSettingsSchema>;

/** The published JSON Schema (`clerk schema config`). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(configSchema, { target: "draft-2020-12" }) as Record<string, unknown>),
    title: "clerk configuration (version 1)",
  };
}
