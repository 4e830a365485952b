// Clerk-compatible invitation operations: accept, create (one or a bulk of ten), list, pending, get, revoke, and the
// instance-wide list. The accept link's HTML page and form post are the server's (src/http/invitation-page.ts).
import { z } from "zod";
import { jsonObject } from "../../json-limits.js";
import { operation, pageOf } from "../../operations/index.js";
import { assertAllowedNow } from "../access/index.js";
import { resolveUser } from "../users/index.js";
import { type BulkInvitationInput, invitationStatusSchema } from "./invitation.schema.js";
import {
  acceptInvitation,
  createInvitation,
  createInvitations,
  getInvitation,
  listInvitations,
  revokeInvitation,
} from "./invitation.service.js";
import {
  invitationObject,
  invitationSchema,
  invitationWithOrganizationObject,
  invitationWithOrganizationSchema,
} from "./invitation.view.js";

const metadata = jsonObject();
// Clerk repeats the parameter (?status=pending&status=expired); a comma-separated value is accepted too.
const statuses = z
  .union([z.string(), z.array(z.string())])
  .transform((v) => (Array.isArray(v) ? v : [v]).flatMap((s) => s.split(",")).map((s) => s.trim()))
  .pipe(z.array(invitationStatusSchema))
  .describe("pending, accepted, revoked or expired: repeated, or comma-separated");
const pageFields = {
  limit: z.coerce.number().int().min(1).max(500).default(10),
  offset: z.coerce.number().int().min(0).default(0),
};

const params = z.object({ organization_id: z.string() });
const invitationParams = z.object({
  organization_id: z.string(),
  invitation_id: z.string().describe("The invitation's id, or the invited e-mail address"),
});
const orderBy = z
  .string()
  .optional()
  .describe("created_at or email_address, - first for descending (default -created_at)");
const listQuery = z
  .object({
    ...pageFields,
    status: statuses.optional(),
    email_address: z.string().optional().describe("Only invitations of this address (case-insensitive)"),
    order_by: orderBy,
  })
  .loose();
const instanceQuery = z
  .object({
    ...pageFields,
    status: statuses.optional(),
    query: z.string().optional().describe("Part of the invited address"),
    order_by: orderBy,
  })
  .loose();
const pendingQuery = z.object(pageFields).loose();
const createBody = z
  .object({
    email_address: z.string(),
    // Clerk requires it; left out here, the instance's default role is used.
    role: z.string().optional().describe("Role key, name or id (default: the default role)"),
    inviter_user_id: z
      .string()
      .nullable()
      .optional()
      .describe("The member it is sent on behalf of (e-mail or user id; must manage members)"),
    notify: z
      .boolean()
      .optional()
      .describe("E-mail the accept link when an e-mail provider is configured (default true)"),
    public_metadata: metadata.optional(),
    private_metadata: metadata.optional(),
    redirect_url: z.string().optional().describe("Where the accept link leads"),
    expires_in_days: z.number().int().optional().describe("1 to 365 (default 30)"),
  })
  .strict();
const bulkBody = z.array(createBody);
const revokeBody = z
  .object({
    requesting_user_id: z
      .string()
      .nullable()
      .optional()
      .describe("The member it is revoked on behalf of (must manage members)"),
  })
  .strict();

function toInput(b: z.output<typeof createBody>): BulkInvitationInput {
  return {
    email: b.email_address,
    role: b.role,
    inviterUserId: b.inviter_user_id ?? undefined,
    notify: b.notify,
    expiresInDays: b.expires_in_days,
    publicMetadata: b.public_metadata,
    privateMetadata: b.private_metadata,
    redirectUrl: b.redirect_url,
  };
}

const tag = "Invitations";
const base = "/organizations/:organization_id/invitations";

/**
 * Accepting by the e-mailed link's token: public (the token is the proof). The server mounts it beside the link's
 * page, in the one scope that reads HTML form bodies (src/http/invitation-page.ts), not with the catalogue.
 */
export const acceptInvitationOperation = operation(
  {
    method: "POST",
    url: "/invitations/accept",
    tag,
    summary:
      "Accept an invitation with the token of its e-mailed link (public: the token is the proof; JSON or an HTML form); the invitee becomes a member. GET on the same path only shows the form.",
    body: z.object({ token: z.string().min(1) }).strict(),
    output: invitationSchema,
  },
  async ({ ctx, body: b }) => invitationObject(await acceptInvitation(ctx, b.token)),
);

/** The invitation operations, served under /v1 and called by the CLI. */
export const invitationOperations = {
  create: operation(
    {
      method: "POST",
      url: base,
      tag,
      summary: "Invite an e-mail address with a role (default: the default role; one pending invitation per address)",
      params,
      body: createBody,
      output: invitationSchema,
    },
    async ({ ctx, params: p, body }) =>
      invitationObject(await createInvitation(ctx, { organization: p.organization_id, ...toInput(body) })),
  ),

  list: operation(
    {
      method: "GET",
      url: base,
      tag,
      summary: "List an organization's invitations (filter by status, address; order; page)",
      params,
      query: listQuery,
      output: pageOf(invitationSchema),
    },
    async ({ ctx, params: p, query: q }) => {
      const page = await listInvitations(ctx, {
        organization: p.organization_id,
        status: q.status,
        emailAddress: q.email_address,
        orderBy: q.order_by,
        limit: q.limit,
        offset: q.offset,
      });
      return { data: page.data.map(invitationObject), total_count: page.totalCount };
    },
  ),

  bulk: operation(
    {
      method: "POST",
      url: `${base}/bulk`,
      tag,
      summary: "Invite up to 10 addresses at once, all or none",
      params,
      body: bulkBody,
      output: pageOf(invitationSchema),
    },
    async ({ ctx, params: p, body }) => {
      const created = await createInvitations(ctx, p.organization_id, body.map(toInput));
      return { data: created.map(invitationObject), total_count: created.length };
    },
  ),

  pending: operation(
    {
      method: "GET",
      url: `${base}/pending`,
      tag,
      summary: "List pending invitations (older endpoint)",
      params,
      query: pendingQuery,
      output: pageOf(invitationSchema),
    },
    async ({ ctx, params: p, query: q }) => {
      const page = await listInvitations(ctx, {
        organization: p.organization_id,
        status: ["pending"],
        limit: q.limit,
        offset: q.offset,
      });
      return { data: page.data.map(invitationObject), total_count: page.totalCount };
    },
  ),

  get: operation(
    {
      method: "GET",
      url: `${base}/:invitation_id`,
      tag,
      summary: "Get an invitation",
      params: invitationParams,
      output: invitationSchema,
    },
    async ({ ctx, params: p }) => invitationObject(await getInvitation(ctx, p.organization_id, p.invitation_id)),
  ),

  revoke: operation(
    {
      method: "POST",
      url: `${base}/:invitation_id/revoke`,
      tag,
      summary: "Revoke a pending invitation (by id or by the invited address)",
      params: invitationParams,
      body: revokeBody,
      output: invitationSchema,
    },
    async ({ ctx, params: p, body }) =>
      invitationObject(
        await revokeInvitation(ctx, {
          organization: p.organization_id,
          invitation: p.invitation_id,
          requestingUserId: body.requesting_user_id ?? undefined,
        }),
      ),
  ),

  listAll: operation(
    {
      method: "GET",
      url: "/organization_invitations",
      tag,
      summary: "List invitations across the organizations the caller may read",
      query: instanceQuery,
      output: pageOf(invitationWithOrganizationSchema),
    },
    async ({ ctx, query: q }) => {
      const page = await listInvitations(ctx, {
        status: q.status,
        query: q.query,
        orderBy: q.order_by,
        limit: q.limit,
        offset: q.offset,
      });
      return { data: page.data.map(invitationWithOrganizationObject), total_count: page.totalCount };
    },
  ),

  ofUser: operation(
    {
      method: "GET",
      url: "/users/:user_id/organization_invitations",
      tag,
      summary: "List the invitations sent to a user's e-mail address (instance admins)",
      params: z.object({ user_id: z.string().describe("The user's id or e-mail address") }),
      query: z.object({ ...pageFields, status: statuses.optional() }).loose(),
      output: pageOf(invitationWithOrganizationSchema),
    },
    async ({ ctx, params: p, query: q }) => {
      assertAllowedNow(ctx, {
        kind: "instance_admin",
        what: "list a user's invitations",
        why: "they span organizations",
      });
      const user = await resolveUser(ctx, p.user_id);
      const page = await listInvitations(ctx, {
        emailAddress: user.email,
        status: q.status,
        limit: q.limit,
        offset: q.offset,
      });
      return { data: page.data.map(invitationWithOrganizationObject), total_count: page.totalCount };
    },
  ),
};
