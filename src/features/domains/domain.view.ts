// The OrganizationDomain object of Clerk's Backend API (@clerk/backend returns it as raw snake_case JSON).
import { z } from "zod";
import { deletedObjectSchema, millis } from "../../operations/index.js";
import type { Domain } from "./domain.service.js";
import { enrollmentModeSchema } from "./domain.schema.js";

/** How a domain was verified (an admin vouched, a DNS TXT record, an e-mailed code), or the proof under way. */
const verificationSchema = z
  .object({
    status: z.enum(["unverified", "verified"]),
    strategy: z.enum(["admin", "dns_record", "email_code"]),
    attempts: z.number().int().min(0).nullable(),
    expire_at: z.number().int().nullable().describe("When a proof under way stops being accepted"),
    verified_at: z
      .number()
      .int()
      .nullable()
      .describe("When ownership was proven (DNS or e-mail); null for an admin's word, which records no time"),
  })
  .nullable()
  .describe("How the domain was verified, or the proof under way; null when unverified with none started");

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
  const v = d.verification;
  const verification = d.verified
    ? v && v.verifiedAt !== null
      ? {
          status: "verified" as const,
          strategy: v.strategy,
          attempts: v.attempts,
          expire_at: null,
          verified_at: v.verifiedAt,
        }
      : { status: "verified" as const, strategy: "admin" as const, attempts: null, expire_at: null, verified_at: null }
    : v && v.verifiedAt === null
      ? {
          status: "unverified" as const,
          strategy: v.strategy,
          attempts: v.attempts,
          expire_at: v.expireAt,
          verified_at: null,
        }
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

/** The answer to starting a proof: what to publish (DNS) or where the code went (e-mail), and the domain. */
export const verificationStartedSchema = z.object({
  object: z.literal("organization_domain_verification"),
  strategy: z.enum(["dns_record", "email_code"]),
  dns_record: z
    .object({ type: z.literal("TXT"), name: z.string(), value: z.string() })
    .nullable()
    .describe("dns_record: publish this TXT record, then attempt"),
  email_address: z.string().nullable().describe("email_code: where the code was sent"),
  expire_at: z.number().int().describe("When the proof stops being accepted"),
  domain: domainSchema,
});
