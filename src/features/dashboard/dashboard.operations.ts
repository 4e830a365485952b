// Sign-in tokens as Clerk's Backend API has them: create (a one-time link for a user) and revoke.
import { z } from "zod";
import { operation } from "../../operations/index.js";
import { isInstanceAdmin } from "../access/index.js";
import { createSignInToken, revokeSignInToken } from "./sign-in-token.service.js";
import { signInTokenObject, signInTokenSchema } from "./dashboard.view.js";

const tag = "Sign-in Tokens";

const createBody = z
  .object({
    user_id: z.string().min(1).describe("the user the link signs in (id or e-mail)"),
    expires_in_seconds: z
      .number()
      .int()
      .min(1)
      .max(365 * 24 * 3600)
      .nullable()
      .optional()
      .describe("how long the link works (default 2592000, 30 days)"),
  })
  .strict();
const tokenParams = z.object({ sign_in_token_id: z.string().describe("the sign-in token's id") });

const whoAmISchema = z.object({
  object: z.literal("dashboard_session"),
  actor_type: z.enum(["operator", "user", "api_key", "system"]),
  user_id: z.string().nullable().describe("The signed-in user; null for a key or the operator"),
  label: z.string().describe("The user's e-mail, or the key's label"),
  instance_admin: z.boolean().describe("Whether every instance-wide page is open to this caller"),
  session_id: z.string().nullable().describe("The session a session token or cookie speaks for; null for a key"),
});

/** The sign-in token operations and the dashboard's "who am I", served under /v1 and called by the CLI. */
export const dashboardOperations = {
  whoAmI: operation(
    {
      method: "GET",
      url: "/dashboard/session",
      tag: "Dashboard",
      summary: "Who the caller is (the dashboard's signed-in user), and whether an instance admin",
      output: whoAmISchema,
    },
    async ({ ctx }) => ({
      object: "dashboard_session" as const,
      actor_type: ctx.actor.type,
      user_id: ctx.actor.type === "user" ? ctx.actor.id : null,
      label: ctx.actor.label,
      instance_admin: isInstanceAdmin(ctx),
      session_id: ctx.actor.sessionId ?? null,
    }),
  ),

  createSignInToken: operation(
    {
      method: "POST",
      url: "/sign_in_tokens",
      tag,
      summary: "Create a one-time sign-in link for a user (its url signs them in once, then is spent)",
      body: createBody,
      output: signInTokenSchema,
    },
    async ({ ctx, body }) =>
      signInTokenObject(
        await createSignInToken(ctx, { user: body.user_id, expiresInSeconds: body.expires_in_seconds }),
      ),
  ),

  revokeSignInToken: operation(
    {
      method: "POST",
      url: "/sign_in_tokens/:sign_in_token_id/revoke",
      tag,
      summary: "Revoke a pending sign-in token; its link then signs nobody in",
      params: tokenParams,
      output: signInTokenSchema,
    },
    async ({ ctx, params }) => signInTokenObject(await revokeSignInToken(ctx, params.sign_in_token_id)),
  ),
};
