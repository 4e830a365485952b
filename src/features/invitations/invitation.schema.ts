// Input shapes for invitations, parsed once at the edge (CLI flags, HTTP bodies).
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import { emailSchema } from "../users/index.js";

/** The statuses an invitation can be listed by. */
export const invitationStatusSchema = z.enum(["pending", "accepted", "revoked", "expired"]);

/** At most this many invitations in one bulk request (Clerk's limit). */
export const BULK_LIMIT = 10;

const metadata = jsonObject();

/** One invitation: who, to which organization, with which role, for how long. */
export const createInvitationSchema = z.object({
  organization: z.string().trim().min(1),
  email: emailSchema,
  /** Role id, key or name usable in the organization (default: the instance's default role). */
  role: z.string().trim().min(1).optional(),
  /** The member on whose behalf the invitation goes out; must be able to manage members. */
  inviterUserId: z.string().trim().min(1).optional(),
  expiresInDays: z
    .number()
    .int("must be a whole number of days")
    .min(1, "must be 1 to 365 days")
    .max(365, "must be 1 to 365 days")
    .default(30),
  publicMetadata: metadata.optional(),
  privateMetadata: metadata.optional(),
  redirectUrl: z.url({ message: "must be a URL such as https://app.acme.com/welcome" }).optional(),
  /** E-mail the invitation with an accept link (when an e-mail provider is configured). */
  notify: z.boolean().default(true),
});
export type CreateInvitationInput = z.input<typeof createInvitationSchema>;

/** One item of a bulk request: the organization comes from the request. */
export type BulkInvitationInput = Omit<CreateInvitationInput, "organization">;

/** A page of invitations: where, which statuses, which address, in what order. */
export const listInvitationsSchema = z.object({
  /** The organization, or undefined for every organization the actor may see. */
  organization: z.string().trim().min(1).optional(),
  status: z.array(invitationStatusSchema).optional(),
  /** Exact address (case-insensitive). */
  emailAddress: z.string().trim().min(1).optional(),
  /** Part of the address. */
  query: z.string().trim().optional(),
  orderBy: z
    .string()
    .regex(/^[+-]?(created_at|email_address)$/, "must be created_at or email_address with an optional + or - prefix")
    .default("-created_at"),
  limit: z.number().int().min(1).max(500).default(10),
  offset: z.number().int().min(0).default(0),
});
export type ListInvitationsInput = z.input<typeof listInvitationsSchema>;
