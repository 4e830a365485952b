// The configuration-as-code format: an instance's desired organizations, roles, custom permissions and role
// defaults, as YAML or JSON. One zod schema validates files and API bodies and gives the published JSON Schema.
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
      .regex(/^org:[a-z0-9_]+$/, 'must be org:<name> with lowercase letters, digits and _, e.g. "org:developer"'),
    name: text(128).min(1, "must not be empty"),
    description: text(2000).optional(),
    extends: z.array(z.string().min(1)).optional().describe("keys of roles this role holds the grants of"),
    permissions: z.array(grantEntrySchema).optional(),
  })
  .strict();

export const configOrganizationSchema = z
  .object({
    slug: z
      .string()
      .regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be lowercase letters, digits and single dashes, e.g. "engineering"')
      .max(128),
    name: text(256).min(1, "must not be empty"),
    description: text(2000).optional(),
    parent: z.string().optional().describe("the slug of the parent organization"),
    inherit_ancestor_read: z.boolean().optional().describe("members of ancestors read here (default true)"),
    max_allowed_memberships: z.number().int().min(0).max(2_147_483_647).optional().describe("0: no limit"),
    roles: z.array(configRoleSchema).optional().describe("the organization's own roles; listed, they are managed"),
  })
  .strict();

export const configPermissionSchema = z
  .object({
    key: permissionKey,
    name: text(256).optional(),
    description: text(2000).optional(),
  })
  .strict();

export const configSchema = z
  .object({
    $schema: z.string().optional().describe("the JSON Schema editors complete this file with"),
    version: z.literal(1),
    permissions: z.array(configPermissionSchema).optional().describe("custom permissions (system ones are built in)"),
    roles: z.array(configRoleSchema).optional().describe("instance-wide roles, usable in every organization"),
    role_defaults: z
      .object({
        creator: z.string().optional().describe("the instance-wide role given to whoever creates an organization"),
        default: z.string().optional().describe("the instance-wide role new members get"),
      })
      .strict()
      .optional(),
    organizations: z.array(configOrganizationSchema).optional(),
  })
  .strict();

export type Config = z.output<typeof configSchema>;
export type ConfigRole = z.output<typeof configRoleSchema>;
export type ConfigOrganization = z.output<typeof configOrganizationSchema>;
export type GrantEntry = z.output<typeof grantEntrySchema>;

/** The published JSON Schema (`clerk schema config`). */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...(z.toJSONSchema(configSchema, { target: "draft-2020-12" }) as Record<string, unknown>),
    title: "clerk configuration (version 1)",
  };
}
