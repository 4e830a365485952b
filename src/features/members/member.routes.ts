// Clerk-compatible membership endpoints, addressed by user id, embedding the organization and public user data.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import type { ServiceContext } from "../../context.js";
import { parseRequest } from "../../http/validate.js";
import { effectivePermissionsOf } from "../access/index.js";
import { type Organization, organizationObject, resolveOrg } from "../orgs/index.js";
import { type Membership, addMember, getMember, listMembers, removeMember, updateMemberRoles } from "./index.js";

async function membershipObject(ctx: ServiceContext, org: Organization, m: Membership) {
  const permissions = (await effectivePermissionsOf(ctx, org.id, m.user.id)).map((p) => p.permission);
  const [first, ...rest] = (m.user.name ?? "").split(" ");
  return {
    object: "organization_membership" as const,
    id: m.id,
    role: m.roles[0]?.key ?? "",
    role_name: m.roles[0]?.name ?? "",
    roles: m.roles.map((r) => r.key),
    permissions,
    public_metadata: {},
    private_metadata: {},
    organization: organizationObject(org),
    public_user_data: {
      user_id: m.user.id,
      first_name: first || null,
      last_name: rest.join(" ") || null,
      image_url: "",
      has_image: false,
      profile_image_url: null,
      identifier: m.user.email,
    },
    created_at: m.createdAt,
    updated_at: m.updatedAt,
  };
}

const params = z.object({ organization_id: z.string() });
const memberParams = z.object({ organization_id: z.string(), user_id: z.string() });
const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
    order_by: z.string().optional(),
  })
  .loose();
const createBody = z
  .object({ user_id: z.string(), role: z.string(), public_metadata: z.record(z.string(), z.unknown()).optional(), private_metadata: z.record(z.string(), z.unknown()).optional() })
  .strict();
const updateBody = z.object({ role: z.string() }).strict();

export function registerMemberRoutes(app: FastifyInstance): void {
  app.get("/organizations/:organization_id/memberships", async (request) => {
    const { organization_id } = parseRequest(params, request.params);
    const q = parseRequest(listQuery, request.query);
    const org = await resolveOrg(request.ctx, organization_id);
    const all = await listMembers(request.ctx, org.id);
    const desc = (q.order_by ?? "-created_at").startsWith("-");
    const key = (q.order_by ?? "-created_at").replace(/^[+-]/, "");
    const sorted = [...all].sort((a, b) => {
      const av = key === "email_address" ? a.user.email : a.createdAt;
      const bv = key === "email_address" ? b.user.email : b.createdAt;
      return (av < bv ? -1 : av > bv ? 1 : a.id.localeCompare(b.id)) * (desc ? -1 : 1);
    });
    const page = sorted.slice(q.offset, q.offset + q.limit);
    return { data: await Promise.all(page.map((m) => membershipObject(request.ctx, org, m))), total_count: all.length };
  });

  app.post("/organizations/:organization_id/memberships", async (request) => {
    const { organization_id } = parseRequest(params, request.params);
    const body = parseRequest(createBody, request.body);
    const org = await resolveOrg(request.ctx, organization_id);
    const m = await addMember(request.ctx, { organization: org.id, userId: body.user_id, roles: [body.role] });
    return membershipObject(request.ctx, org, m);
  });

  app.patch("/organizations/:organization_id/memberships/:user_id", async (request) => {
    const { organization_id, user_id } = parseRequest(memberParams, request.params);
    const body = parseRequest(updateBody, request.body);
    const org = await resolveOrg(request.ctx, organization_id);
    const m = await updateMemberRoles(request.ctx, { organization: org.id, email: user_id, roles: [body.role] });
    return membershipObject(request.ctx, org, m);
  });

  app.delete("/organizations/:organization_id/memberships/:user_id", async (request) => {
    const { organization_id, user_id } = parseRequest(memberParams, request.params);
    const org = await resolveOrg(request.ctx, organization_id);
    const existing = await membershipObject(request.ctx, org, await getMember(request.ctx, org.id, user_id));
    await removeMember(request.ctx, { organization: org.id, email: user_id });
    return existing;
  });
}
