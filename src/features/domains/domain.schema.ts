// Input shapes for verified domains, parsed once at the edge (CLI flags, HTTP bodies).
import { z } from "zod";

/** How users with an address at the domain join. */
export const enrollmentModeSchema = z.enum([
  "manual_invitation",
  "automatic_invitation",
  "automatic_suggestion",
  "enterprise_sso",
]);

/** At most this many domains per organization (Clerk's limit). */
export const MAX_DOMAINS_PER_ORGANIZATION = 10;

/** Addresses at these providers say nothing about a user's organization, so they cannot be an organization's domain. */
export const COMMON_EMAIL_PROVIDERS: ReadonlySet<string> = Object.freeze(
  new Set([
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "yahoo.com",
    "aol.com",
    "icloud.com",
    "me.com",
    "proton.me",
    "protonmail.com",
    "pm.me",
    "ymail.com",
    "yahoo.co.uk",
    "hotmail.co.uk",
    "live.co.uk",
    "gmx.com",
    "gmx.de",
    "gmx.net",
    "web.de",
    "mail.com",
    "mail.ru",
    "yandex.com",
    "yandex.ru",
    "zoho.com",
    "fastmail.com",
    "hey.com",
    "tutanota.com",
    "qq.com",
    "163.com",
  ]),
);

const LABEL = "[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?";
/** Two or more labels, the last with a letter (so an IP address is not a host name). */
const HOST_NAME = new RegExp(`^(?:${LABEL}\\.)+(?=[a-z0-9-]*[a-z])${LABEL}$`);

/** A host name such as `acme.com`: trimmed, lowercased, without a trailing dot. */
export const domainNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .transform((v) => v.replace(/\.$/, ""))
  .pipe(
    z.string().max(253, "must be at most 253 characters").regex(HOST_NAME, 'must be a host name such as "acme.com"'),
  );

/** A new domain of an organization. */
export const createDomainSchema = z.object({
  organization: z.string().trim().min(1),
  name: domainNameSchema,
  enrollmentMode: enrollmentModeSchema.default("manual_invitation"),
  /** An instance admin vouches for the domain (Clerk's default; the SDK sends true unless told otherwise). */
  verified: z.boolean().default(true),
});
export type CreateDomainInput = z.input<typeof createDomainSchema>;

/** A change to a domain; what is left out stays. */
export const updateDomainSchema = z.object({
  name: domainNameSchema.optional(),
  enrollmentMode: enrollmentModeSchema.optional(),
  verified: z.boolean().optional(),
});
export type UpdateDomainInput = z.input<typeof updateDomainSchema>;

/** A page of domains: where, which ones, in what order. */
export const listDomainsSchema = z.object({
  /** The organization, or undefined for every organization the actor may see. */
  organization: z.string().trim().min(1).optional(),
  verified: z.boolean().optional(),
  /** Modes to include; a `-` prefix excludes that mode instead. */
  enrollmentModes: z
    .array(
      z
        .string()
        .regex(
          /^-?(manual_invitation|automatic_invitation|automatic_suggestion|enterprise_sso)$/,
          "must be an enrollment mode, optionally prefixed with -",
        ),
    )
    .optional(),
  /** Part of the name. */
  query: z.string().trim().optional(),
  /** Exact names. */
  names: z.array(z.string().trim().toLowerCase()).optional(),
  orderBy: z
    .string()
    .regex(/^[+-]?(created_at|name)$/, "must be created_at or name with an optional + or - prefix")
    .default("-created_at"),
  limit: z.number().int().min(1).max(500).default(10),
  offset: z.number().int().min(0).default(0),
});
export type ListDomainsInput = z.input<typeof listDomainsSchema>;
