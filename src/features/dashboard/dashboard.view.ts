// The JSON shape of a sign-in token: Clerk's `object: "sign_in_token"`.
import { z } from "zod";
import { millis } from "../../operations/index.js";
import type { SignInToken } from "./sign-in-token.service.js";

/**
 * Clerk's SignInToken, exactly (no expiry field: the spec forbids extra properties); `token` and `url` only in the
 * answer that created it (only a hash is kept).
 */
export const signInTokenSchema = z.object({
  object: z.literal("sign_in_token"),
  id: z.string(),
  status: z.enum(["pending", "accepted", "revoked"]),
  user_id: z.string(),
  token: z.string().optional().describe("The one-time token; shown once, when created"),
  url: z.string().nullable().describe("The link that signs the user in (null after creation: it is not kept)"),
  created_at: millis,
  updated_at: millis,
});

export type SignInTokenObject = z.infer<typeof signInTokenSchema>;

export function signInTokenObject(t: SignInToken): SignInTokenObject {
  return {
    object: "sign_in_token",
    id: t.id,
    // Clerk's enum has no "expired": a link past its time is as unusable as a revoked one.
    status: t.status === "expired" ? "revoked" : t.status,
    user_id: t.userId,
    ...(t.token === undefined ? {} : { token: t.token }),
    url: t.url ?? null,
    created_at: t.createdAt,
    updated_at: t.updatedAt,
  };
}
