// Clerk's OrganizationMembership object as we answer it, embedding the organization and the member's public data.
import { z } from "zod";
import type { ServiceContext } from "../../context.js";
import { metadata, millis } from "../../operations/index.js";
import { effectivePermissionsOf } from "../access/index.js";
import { type Organization, organizationObject } from "../orgs/index.js";
import type { Membership } from "./member.service.js";

// The organization object as organizationObject writes it without a member count.
// TODO(issue 15): use the orgs feature's schema once it publishes one.
const organizationSchema = z.object({
  object: z.literal("organization"),
  id: z.string(),
  name: z.string(),
  slug: z.string(),
  image_url: z.string().describe('Always ""'),
  has_image: z.boolean().describe("Always false"),
  max_allowed_memberships: z.number().int().describe("0 means no limit"),
  admin_delete_enabled: z.boolean().describe("Always true"),
  public_metadata: metadata,
  private_metadata: metadata,
  created_by: z.string().describe('The creator\'s user id, or "" when none'),
  created_at: millis,
  updated_at: millis,
  description: z.string().nullable(),
  parent_id: z.string().nullable(),
  inherit_ancestor_read: z.boolean(),
});

/** `object: "organization_membership"`: the first role is Clerk's `role`; every role, and the effective permissions, follow. */
export const membershipSchema = z.object({
  object: z.literal("organization_membership"),
  id: z.string(),
  role: z.string().describe('The first role\'s key ("" when the member holds none)'),
  role_name: z.string().describe("The first role's name"),
  roles: z.array(z.string()).describe("Not Clerk's: the keys of every role held"),
  role_names: z.array(z.string()).describe("Not Clerk's: the names of every role held"),
  permissions: z.array(z.string()).describe("Every permission the member holds, by roles or direct grants"),
  public_metadata: metadata,
  private_metadata: metadata,
  organization: organizationSchema,
  public_user_data: z.object({
    user_id: z.string(),
    first_name: z.string().nullable(),
    last_name: z.string().nullable(),
    image_url: z.literal(""),
    has_image: z.literal(false),
    profile_image_url: z.null(),
    identifier: z.string().describe("The member's e-mail address"),
  }),
  created_at: millis,
  updated_at: millis,
});

export type MembershipObject = z.infer<typeof membershipSchema>;

/** The API form of a membership; its permissions are read from the organization's compiled policy. */
export async function membershipObject(
  ctx: ServiceContext,
  org: Organization,
  m: Membership,
): Promise<MembershipObject> {
  const permissions = (await effectivePermissionsOf(ctx, org.id, m.user.id)).map((p) => p.permission);
  const [first, ...rest] = (m.user.name ?? "").split(" ");
  return {
    object: "organization_membership",
    id: m.id,
    role: m.roles[0]?.key ?? "",
    role_name: m.roles[0]?.name ?? "",
    roles: m.roles.map((r) => r.key),
    role_names: m.roles.map((r) => r.name),
    permissions,
    public_metadata: m.publicMetadata,
    private_metadata: m.privateMetadata,
    organization: organizationObject(org),
    public_user_data: {
      user_id: m.user.id,
      first_name: first || null,
      last_name: rest.join(" ") || null,
      image_url: "",
      has_image: false,
      profile_image_url: null,
      identifier: m.user.email,
    },
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}

/** One effective permission of a member: its scopes, expiry and every source (role, inheritance, direct grant). */
export const effectivePermissionSchema = z.object({
  permission: z.string(),
  scopes: z.array(z.string()).describe("type:pattern; empty means everywhere"),
  expires_at: millis.nullable(),
  sources: z.array(z.string()).describe('Where it comes from, e.g. "role Developer" or "direct grant"'),
});
