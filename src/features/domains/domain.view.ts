// The OrganizationDomain object of Clerk's Backend API (@clerk/backend returns it as raw snake_case JSON).
import { z } from "zod";
import { deletedObjectSchema, millis } from "../../operations/index.js";
import type { Domain } from "./domain.service.js";
import { enrollmentModeSchema } from "./domain.schema.js";

/** How a verified domain was verified: always by an admin, since clerk sends no verification e-mails. */
const verificationSchema = z
  .object({
    status: z.literal("verified"),
    strategy: z.literal("admin"),
    attempts: z.null(),
    expire_at: z.null(),
    verified_at: z.null().describe("Always null: the time of an admin verification is not recorded"),
  })
  .nullable()
  .describe("An admin verification when the domain is verified, null when it is not");

/** `object: "organization_domain"`; a verified domain carries an admin verification, an unverified one null. */
export const domainSchema = z.object({
  object: z.literal("organization_domain"),
  id: z.string(),
  organization_id: z.string(),
  name: z.string().describe("The host name, e.g. acme.com"),
  enrollment_mode: enrollmentModeSchema.describe("How users with an address at the domain join"),
  affiliation_email_address: z.null().describe("Always null: clerk sends no affiliation e-mails"),
  verification: verificationSchema,
  affiliation_verification: verificationSchema,
  ownership_verification: verificationSchema,
  total_pending_invitations: z.number().int().min(0).describe("Always 0: not counted yet"),
  total_pending_suggestions: z.number().int().min(0).describe("Always 0: not counted yet"),
  public_organization_data: z.object({
    id: z.string(),
    name: z.string(),
    slug: z.string(),
    image_url: z.string().describe("Always empty: clerk keeps no images"),
    has_image: z.boolean().describe("Always false"),
  }),
  created_at: millis,
  updated_at: millis,
});

export type DomainObject = z.infer<typeof domainSchema>;

export function domainObject(d: Domain): DomainObject {
  const verification = d.verified
    ? { status: "verified" as const, strategy: "admin" as const, attempts: null, expire_at: null, verified_at: null }
    : null;
  return {
    object: "organization_domain",
    id: d.id,
    organization_id: d.organization.id,
    name: d.name,
    enrollment_mode: d.enrollmentMode,
    affiliation_email_address: null,
    verification,
    affiliation_verification: verification,
    ownership_verification: verification,
    total_pending_invitations: 0,
    total_pending_suggestions: 0,
    public_organization_data: {
      id: d.organization.id,
      name: d.organization.name,
      slug: d.organization.slug,
      image_url: "",
      has_image: false,
    },
    created_at: d.createdAt,
    updated_at: d.updatedAt,
  };
}

/** The removal answer: Clerk's DeletedObject. */
export const deletedDomainSchema = deletedObjectSchema("organization_domain");
