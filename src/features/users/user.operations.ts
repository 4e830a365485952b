// Clerk-compatible /users: enough of Clerk's User object for the SDK, and for memberships to reference users.
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import { operation } from "../../operations/index.js";
import { assertAllowedNow, isInstanceAdmin } from "../access/index.js";
import { userNotFound } from "./user.errors.js";
import { countUsers, createUser, listUsers, resolveUser, updateUser, updateUserMetadata } from "./user.service.js";
import { userObject, userSchema } from "./user.view.js";

const metadata = jsonObject();
const metadataFields = {
  public_metadata: metadata.optional().describe("Visible to your frontend and backend"),
  private_metadata: metadata.optional().describe("Your backend's (kind is clerk's and cannot be written)"),
  unsafe_metadata: metadata.optional().describe("Writable by the user's own frontend in Clerk"),
};
const metadataBody = z.object(metadataFields).strict();
const metadataInput = (b: z.infer<typeof metadataBody>) => ({
  publicMetadata: b.public_metadata,
  privateMetadata: b.private_metadata,
  unsafeMetadata: b.unsafe_metadata,
});

const createBody = z
  .object({
    email_address: z
      .array(z.string())
      .min(1, "must name at least one e-mail address")
      .max(1, "only one e-mail address per user is supported"),
    first_name: z.string().max(100).optional(),
    last_name: z.string().max(100).optional(),
    kind: z.enum(["human", "agent"]).optional(),
    ...metadataFields,
  })
  .strict();
const updateBody = z
  .object({
    first_name: z.string().max(100).nullable().optional(),
    last_name: z.string().max(100).nullable().optional(),
    ...metadataFields,
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
const userParams = z.object({ user_id: z.string() });

const filters = (q: { query?: string | undefined; email_address?: string | string[] | undefined }) => ({
  query: q.query,
  // Repeated (?email_address=a&email_address=b, as Clerk's SDK sends) or comma-separated (no address has a comma).
  emails: q.email_address === undefined ? undefined : [q.email_address].flat().flatMap((e) => e.split(",")),
});

const tag = "Users";

/** The user operations, served under /v1. */
export const userOperations = {
  create: operation(
    {
      method: "POST",
      url: "/users",
      tag,
      summary: "Create a user (person or agent) by e-mail address",
      body: createBody,
      output: userSchema,
    },
    async ({ ctx, body }) => {
      assertAllowedNow(ctx, { kind: "instance_admin", what: "create users", why: "users are instance-wide" });
      const name = [body.first_name, body.last_name].filter((x) => x).join(" ");
      return userObject(
        await createUser(ctx, {
          email: body.email_address[0] as string,
          name: name || undefined,
          kind: body.kind ?? "human",
          ...metadataInput(body),
        }),
      );
    },
  ),

  // Clerk answers the user list with a bare array; the SDK takes the total from /users/count.
  list: operation(
    {
      method: "GET",
      url: "/users",
      tag,
      summary: "List users, newest first (bare array, as Clerk)",
      query: listQuery,
      output: z.array(userSchema),
    },
    async ({ ctx, query }) => {
      assertAllowedNow(ctx, { kind: "instance_admin", what: "list users", why: "users are instance-wide" });
      return (await listUsers(ctx, { limit: query.limit, offset: query.offset, ...filters(query) })).data.map(
        userObject,
      );
    },
  ),

  count: operation(
    {
      method: "GET",
      url: "/users/count",
      tag,
      summary: "Count users matching the same filters",
      query: countQuery,
      output: z.object({
        object: z.literal("total_count"),
        total_count: z.number().int().min(0).describe("Users matching the filters"),
      }),
    },
    async ({ ctx, query }) => {
      assertAllowedNow(ctx, { kind: "instance_admin", what: "count users", why: "users are instance-wide" });
      return { object: "total_count" as const, total_count: await countUsers(ctx, filters(query)) };
    },
  ),

  get: operation(
    {
      method: "GET",
      url: "/users/:user_id",
      tag,
      summary: "Get a user by id or e-mail address",
      params: userParams,
      output: userSchema,
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
  ),

  update: operation(
    {
      method: "PATCH",
      url: "/users/:user_id",
      tag,
      summary: "Rename a user (first_name, last_name) or replace a metadata object; instance admins only",
      params: userParams,
      body: updateBody,
      output: userSchema,
    },
    async ({ ctx, params, body }) =>
      userObject(
        await updateUser(ctx, params.user_id, {
          firstName: body.first_name,
          lastName: body.last_name,
          ...metadataInput(body),
        }),
      ),
  ),

  mergeMetadata: operation(
    {
      method: "PATCH",
      url: "/users/:user_id/metadata",
      tag,
      summary: "Merge into a user's metadata (objects merge deeply, null deletes a key); instance admins only",
      params: userParams,
      body: metadataBody,
      output: userSchema,
    },
    async ({ ctx, params, body }) =>
      userObject(await updateUserMetadata(ctx, params.user_id, metadataInput(body), "merge")),
  ),

  replaceMetadata: operation(
    {
      method: "PUT",
      url: "/users/:user_id/metadata",
      tag,
      summary: "Replace the metadata objects named (the others stay); instance admins only",
      params: userParams,
      body: metadataBody,
      output: userSchema,
    },
    async ({ ctx, params, body }) =>
      userObject(await updateUserMetadata(ctx, params.user_id, metadataInput(body), "replace")),
  ),
};
