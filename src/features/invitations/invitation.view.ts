// The OrganizationInvitation object of Clerk's Backend API (what @clerk/backend's OrganizationInvitation.fromJSON reads).
import { z } from "zod";
import { metadata, millis } from "../../operations/index.js";
import { invitationStatusSchema } from "./invitation.schema.js";
import type { Invitation } from "./invitation.service.js";

/** `object: "organization_invitation"` with Clerk's fields; `url` (the accept link) is shown only by the call that created it. */
export const invitationSchema = z.object({
  object: z.literal("organization_invitation"),
  id: z.string(),
  email_address: z.string(),
  role: z.string().describe("The role's key"),
  role_name: z.string(),
  organization_id: z.string(),
  inviter_id: z.string().nullable().describe("The member it was sent on behalf of, if any"),
  public_inviter_data: z
    .object({
      user_id: z.string(),
      first_name: z.string().nullable(),
      last_name: z.string().nullable(),
      image_url: z.literal(""),
      has_image: z.literal(false),
      identifier: z.string().describe("The inviter's e-mail address"),
    })
    .nullable(),
  status: invitationStatusSchema,
  public_metadata: metadata,
  private_metadata: metadata,
  url: z
    .string()
    .nullable()
    .describe("The accept link (it holds a secret token): only in the answer to the call that created it"),
  expires_at: millis,
  created_at: millis,
  updated_at: millis,
});

export type InvitationObject = z.infer<typeof invitationSchema>;

/** The instance-wide list's form (Clerk's OrganizationInvitationWithPublicOrganizationData): the organization too. */
export const invitationWithOrganizationSchema = invitationSchema.extend({
  public_organization_data: z.object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    image_url: z.literal(""),
    has_image: z.literal(false),
  }),
});

/** An invitation with its organization's public data, as the instance-wide list answers it. */
export function invitationWithOrganizationObject(i: Invitation): z.infer<typeof invitationWithOrganizationSchema> {
  return {
    ...invitationObject(i),
    public_organization_data: {
      id: i.organization.id,
      name: i.organization.name,
      slug: i.organization.slug,
      image_url: "",
      has_image: false,
    },
  };
}

export function invitationObject(i: Invitation): InvitationObject {
  const [first, ...rest] = (i.inviter?.name ?? "").split(" ");
  return {
    object: "organization_invitation",
    id: i.id,
    email_address: i.emailAddress,
    role: i.role.key,
    role_name: i.role.name,
    organization_id: i.organization.id,
    inviter_id: i.inviter?.id ?? null,
    public_inviter_data: i.inviter && {
      user_id: i.inviter.id,
      first_name: first || null,
      last_name: rest.join(" ") || null,
      image_url: "",
      has_image: false,
      identifier: i.inviter.email ?? "",
    },
    status: i.status,
    public_metadata: i.publicMetadata,
    private_metadata: i.privateMetadata,
    url: i.acceptUrl ?? null,
    expires_at: i.expiresAt,
    created_at: i.createdAt,
    updated_at: i.updatedAt,
  };
}
