// What the sessions endpoints accept: one set of zod schemas for validation, the OpenAPI document and the CLI.
import { z } from "zod";
import { SIGNING_ALGORITHMS } from "./signing-key.algorithms.js";

/** The longest token a request may ask for (a day); the default lifetime is a setting. */
const MAX_TOKEN_LIFETIME_SECONDS = 86_400;

const seconds = (what: string, min: number, max: number) =>
  z
    .number()
    .int(`${what} must be a whole number of seconds`)
    .min(min, `${what} must be at least ${min} seconds`)
    .max(max, `${what} must be at most ${max} seconds`);

export const createSessionBody = z
  .object({
    user_id: z.string().trim().min(1, "user_id must name a user by id or e-mail"),
    active_organization_id: z
      .string()
      .trim()
      .min(1)
      .optional()
      .describe("An organization the user is a member of, active in the session's tokens (id, slug or name)"),
  })
  .strict();

export const sessionParams = z.object({ session_id: z.string() });

export const listSessionsQuery = z
  .object({
    user_id: z.string().optional(),
    status: z.enum(["active", "revoked", "expired"], "status must be active, revoked or expired").optional(),
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
  })
  // @clerk/backend adds `paginated=true`; unknown query parameters are ignored, as Clerk does.
  .loose();

export const tokenBody = z
  .object({
    /** Id, slug or name; null makes no organization active. */
    organization_id: z.string().nullable().optional(),
    expires_in_seconds: seconds("expires_in_seconds", 1, MAX_TOKEN_LIFETIME_SECONDS).optional(),
    authorized_party: z
      .string()
      .trim()
      .min(1, "authorized_party must be an origin such as https://app.example.com")
      .max(2048)
      .optional(),
  })
  .strict();

/** The longest pre-announce window a rotation may ask for (a week). */
export const MAX_PRE_ANNOUNCE_SECONDS = 7 * 86_400;

export const rotateBody = z
  .object({
    algorithm: z.enum(SIGNING_ALGORITHMS, "algorithm must be RS256, ES256 or EdDSA").optional(),
    /** How long the new key is published before it signs. Default 600 (longer than verifiers cache a JWKS). */
    pre_announce_seconds: seconds("pre_announce_seconds", 1, MAX_PRE_ANNOUNCE_SECONDS).optional(),
    /** Emergency: the new key signs at once; verifiers may refuse its tokens until they refetch the JWKS. */
    now: z.boolean("now must be true or false").optional(),
  })
  .strict()
  .refine((b) => !(b.now === true && b.pre_announce_seconds !== undefined), {
    message: "now and pre_announce_seconds exclude each other: a key that signs now is not announced first",
    path: ["now"],
  });

export const tokenSettingsBody = z
  .object({
    claims_version: z
      .union([z.literal(1), z.literal(2)], "claims_version must be 1 (org_* claims) or 2 (Clerk's v2 o/fea claims)")
      .optional(),
    token_lifetime_seconds: seconds("token_lifetime_seconds", 1, MAX_TOKEN_LIFETIME_SECONDS).optional(),
    size_budget: z
      .number()
      .int("size_budget must be a whole number of bytes")
      .min(512, "size_budget must be at least 512 bytes (a token without permissions needs about that much)")
      .max(65_536, "size_budget must be at most 65536 bytes")
      .optional(),
    signing_algorithm: z.enum(SIGNING_ALGORITHMS, "signing_algorithm must be RS256, ES256 or EdDSA").optional(),
    issuer: z
      .string()
      .trim()
      .min(1, "issuer must not be empty")
      .max(512, "issuer must be at most 512 characters")
      .regex(/^\S+$/, "issuer must not contain spaces; use a URL such as https://clerk.example.com")
      .optional(),
    session_lifetime_seconds: seconds("session_lifetime_seconds", 60, 366 * 86_400).optional(),
  })
  .strict();
