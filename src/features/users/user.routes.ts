// Clerk-compatible /users: enough of Clerk's User object for the SDK, and for memberships to reference users.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { undeclaredRoute as route } from "../../http/route.js";
import { assertAllowedNow, isInstanceAdmin } from "../access/index.js";
import { userNotFound } from "./user.errors.js";
import { type User, countUsers, createUser, listUsers, resolveUser } from "./index.js";

/** Clerk's User object: one verified e-mail address; no passwords, phones or external accounts (yet). */
function userObject(u: User) {
  const [first, ...rest] = (u.name ?? "").split(" ");
  const emailId = `idn_${u.id.slice("user_".length)}`;
  return {
    object: "user" as const,
    id: u.id,
    kind: u.kind,
    username: null,
    first_name: first || null,
    last_name: rest.join(" ") || null,
    image_url: "",
    has_image: false,
    primary_email_address_id: emailId,
    primary_phone_number_id: null,
    primary_web3_wallet_id: null,
    email_addresses: [
      {
        object: "email_address",
        id: emailId,
        email_address: u.email,
        verification: { status: "verified", strategy: "admin", attempts: null, expire_at: null },
        linked_to: [],
      },
    ],
    phone_numbers: [],
    web3_wallets: [],
    external_accounts: [],
    enterprise_accounts: [],
    password_enabled: false,
    totp_enabled: false,
    backup_code_enabled: false,
    two_factor_enabled: false,
    banned: false,
    locked: false,
    external_id: null,
    public_metadata: {},
    private_metadata: {},
    unsafe_metadata: {},
    last_sign_in_at: null,
    last_active_at: null,
    create_organization_enabled: true,
    delete_self_enabled: false,
    created_at: u.createdAt,
    updated_at: u.updatedAt,
  };
}

const createBody = z
  .object({
    email_address: z
      .array(z.string())
      .min(1, "must name at least one e-mail address")
      .max(1, "only one e-mail address per user is supported"),
    first_name: z.string().max(100).optional(),
    last_name: z.string().max(100).optional(),
    kind: z.enum(["human", "agent"]).optional(),
  })
  .strict();
const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
    query: z.string().optional(),
    email_address: z.union([z.string(), z.array(z.string())]).optional(),
  })
  .loose();
const countQuery = listQuery.omit({ limit: true, offset: true });

const filters = (q: { query?: string | undefined; email_address?: string | string[] | undefined }) => ({
  query: q.query,
  emails: q.email_address === undefined ? undefined : [q.email_address].flat(),
});

export function registerUserRoutes(app: FastifyInstance): void {
  const tag = "Users";
  route(
    app,
    {
      method: "POST",
      url: "/users",
      tag,
      summary: "Create a user (person or agent) by e-mail address",
      body: createBody,
    },
    async ({ ctx, body }) => {
      assertAllowedNow(ctx, { kind: "instance_admin", what: "create users", why: "users are instance-wide" });
      const name = [body.first_name, body.last_name].filter((x) => x).join(" ");
      return userObject(
        await createUser(ctx, {
          email: body.email_address[0] as string,
          name: name || undefined,
          kind: body.kind ?? "human",
        }),
      );
    },
  );

  // Clerk answers the user list with a bare array; the SDK takes the total from /users/count.
  route(
    app,
    { method: "GET", url: "/users", tag, summary: "List users, newest first (bare array, as Clerk)", query: listQuery },
    async ({ ctx, query }) => {
      assertAllowedNow(ctx, { kind: "instance_admin", what: "list users", why: "users are instance-wide" });
      return (await listUsers(ctx, { limit: query.limit, offset: query.offset, ...filters(query) })).data.map(
        userObject,
      );
    },
  );

  route(
    app,
    { method: "GET", url: "/users/count", tag, summary: "Count users matching the same filters", query: countQuery },
    async ({ ctx, query }) => {
      assertAllowedNow(ctx, { kind: "instance_admin", what: "count users", why: "users are instance-wide" });
      return { object: "total_count", total_count: await countUsers(ctx, filters(query)) };
    },
  );

  route(
    app,
    {
      method: "GET",
      url: "/users/:user_id",
      tag,
      summary: "Get a user by id or e-mail address",
      params: z.object({ user_id: z.string() }),
    },
    async ({ ctx, params }) => {
      if (isInstanceAdmin(ctx)) return userObject(await resolveUser(ctx, params.user_id));
      // A member reads their own record only; anyone else's is "not found", looked up or not, so the answer
      // says nothing about who exists.
      const self = await resolveUser(ctx, ctx.actor.id as string);
      const ref = params.user_id.trim();
      if (ref !== self.id && ref.toLowerCase() !== self.email.toLowerCase()) throw userNotFound(ref);
      assertAllowedNow(ctx, { kind: "self_or_instance_admin", userId: self.id, what: "read users" });
      return userObject(self);
    },
  );
}
