// One table of authorization cases, run by several implementations (the access service, POST /v1/check).
import type { ServiceContext } from "../../src/context.js";
import type { Requirement } from "../../src/features/access/index.js";
import { addMember, grantToMember } from "../../src/features/members/index.js";
import { createOrg } from "../../src/features/orgs/index.js";
import { assignPermission, createRole } from "../../src/features/roles/index.js";

/** The organizations and members the cases speak of, by name. */
export interface World {
  orgs: Record<"eng" | "frontend" | "sales", string>;
  users: Record<"alice" | "bob" | "carol" | "dave" | "erin", string>;
}

/** Builds the world every implementation answers about (2026-01-01 by the test clock). */
export async function buildWorld(ctx: ServiceContext): Promise<World> {
  const eng = await createOrg(ctx, { name: "Engineering" });
  const frontend = await createOrg(ctx, { name: "Frontend", parent: eng.id });
  const sales = await createOrg(ctx, { name: "Sales" });
  await createRole(ctx, { name: "Developer", organization: eng.id, permissions: "read:code" });
  await assignPermission(ctx, {
    role: "Developer",
    organization: eng.id,
    permission: "read:code",
    scope: "repository:*-app",
  });
  await createRole(ctx, {
    name: "Reviewer",
    organization: eng.id,
    extends: "Developer",
    permissions: "approve:pull_requests",
  });
  await createRole(ctx, { name: "Writer", organization: eng.id });
  await assignPermission(ctx, { role: "Writer", organization: eng.id, permission: "write:code", scope: "path:docs/" });
  await createRole(ctx, { name: "Code Admin", organization: eng.id, permissions: "admin:code" });
  await createRole(ctx, { name: "Contractor", organization: eng.id });
  await assignPermission(ctx, {
    role: "Contractor",
    organization: eng.id,
    permission: "read:code",
    scope: "repository:partner",
    expires: "2026-06-30",
  });
  const alice = (await addMember(ctx, { organization: eng.id, email: "alice@acme.com", roles: "Reviewer" })).user.id;
  const bob = (await addMember(ctx, { organization: eng.id, email: "bob@acme.com", roles: "Writer" })).user.id;
  const carol = (await addMember(ctx, { organization: eng.id, email: "carol@acme.com", roles: "Code Admin" })).user.id;
  const dave = (await addMember(ctx, { organization: eng.id, email: "dave@acme.com", roles: "Contractor" })).user.id;
  const erin = (await addMember(ctx, { organization: sales.id, email: "erin@acme.com", roles: "org:member" })).user.id;
  await grantToMember(ctx, {
    organization: sales.id,
    email: "erin@acme.com",
    permission: "write:deployments",
    scope: "environment:staging",
    expires: "2026-03-01",
  });
  return { orgs: { eng: eng.id, frontend: frontend.id, sales: sales.id }, users: { alice, bob, carol, dave, erin } };
}

/** One question and its answer. */
export interface AuthorizationCase {
  name: string;
  org: keyof World["orgs"];
  user: keyof World["users"];
  permission: string;
  resource?: string;
  /** ISO time; default 2026-01-15. */
  at?: string;
  allowed: boolean;
}

export const AUTHORIZATION_CASES: readonly AuthorizationCase[] = [
  {
    name: "a wildcard scope allows a matching repository",
    org: "eng",
    user: "alice",
    permission: "org:code:read",
    resource: "repository:web-app",
    allowed: true,
  },
  {
    name: "a wildcard scope does not cross a slash",
    org: "eng",
    user: "alice",
    permission: "org:code:read",
    resource: "repository:web-app/x",
    allowed: false,
  },
  {
    name: "a scoped grant does not allow a check without a resource",
    org: "eng",
    user: "alice",
    permission: "org:code:read",
    allowed: false,
  },
  {
    name: "a parent role's grant reaches the child role",
    org: "eng",
    user: "alice",
    permission: "org:code:read",
    resource: "repository:api-app",
    allowed: true,
  },
  {
    name: "the child role's own grant applies",
    org: "eng",
    user: "alice",
    permission: "org:pull_requests:approve",
    allowed: true,
  },
  {
    name: "read does not imply write",
    org: "eng",
    user: "alice",
    permission: "org:code:write",
    resource: "repository:web-app",
    allowed: false,
  },
  {
    name: "a path prefix allows a file below it",
    org: "eng",
    user: "bob",
    permission: "org:code:write",
    resource: "path:docs/guide.md",
    allowed: true,
  },
  {
    name: "a path that climbs out of the prefix is denied",
    org: "eng",
    user: "bob",
    permission: "org:code:write",
    resource: "path:docs/../secrets.txt",
    allowed: false,
  },
  {
    name: "the prefix itself without its slash is denied",
    org: "eng",
    user: "bob",
    permission: "org:code:write",
    resource: "path:docs",
    allowed: false,
  },
  {
    name: "admin on a feature implies any action on it",
    org: "eng",
    user: "carol",
    permission: "org:code:delete",
    allowed: true,
  },
  {
    name: "admin on a feature implies nothing on another",
    org: "eng",
    user: "carol",
    permission: "org:deployments:write",
    allowed: false,
  },
  {
    name: "an expiring grant applies before its date",
    org: "eng",
    user: "dave",
    permission: "org:code:read",
    resource: "repository:partner",
    at: "2026-06-30T23:59:59Z",
    allowed: true,
  },
  {
    name: "an expiring grant ends at the end of its day",
    org: "eng",
    user: "dave",
    permission: "org:code:read",
    resource: "repository:partner",
    at: "2026-07-01T00:00:00Z",
    allowed: false,
  },
  {
    name: "a member of the parent reads in the child",
    org: "frontend",
    user: "alice",
    permission: "org:code:read",
    resource: "repository:web-app",
    allowed: true,
  },
  {
    name: "a member of the parent cannot approve in the child",
    org: "frontend",
    user: "alice",
    permission: "org:pull_requests:approve",
    allowed: false,
  },
  {
    name: "a member of another organization gets nothing",
    org: "eng",
    user: "erin",
    permission: "org:sys_memberships:read",
    allowed: false,
  },
  {
    name: "a direct grant applies on its scope",
    org: "sales",
    user: "erin",
    permission: "org:deployments:write",
    resource: "environment:staging",
    allowed: true,
  },
  {
    name: "a direct grant does not apply elsewhere",
    org: "sales",
    user: "erin",
    permission: "org:deployments:write",
    resource: "environment:production",
    allowed: false,
  },
  {
    name: "a direct grant expires",
    org: "sales",
    user: "erin",
    permission: "org:deployments:write",
    resource: "environment:staging",
    at: "2026-03-02T00:00:00Z",
    allowed: false,
  },
  {
    name: "the default role reads members",
    org: "sales",
    user: "erin",
    permission: "org:sys_memberships:read",
    allowed: true,
  },
];

/** The instant a case asks about. */
export const caseTime = (c: AuthorizationCase) => Date.parse(c.at ?? "2026-01-15T00:00:00Z");

/** Who asks in a requirement case: an instance admin, or a member of the world by name. */
export type CaseActor = "operator" | "instance_key" | keyof World["users"];

/** One guard question for `authorize()`: the requirement, who asks, and the answer (with the denial's code). */
export interface RequirementCase {
  name: string;
  actor: CaseActor;
  requirement: (w: World) => Requirement;
  allowed: boolean;
  /** The one error `assertAllowed` throws for this kind of denial. */
  code?: string;
}

const eng = (w: World) => ({ id: w.orgs.eng, slug: "engineering" });

export const REQUIREMENT_CASES: readonly RequirementCase[] = [
  {
    name: "the operator meets an organization permission nobody granted it",
    actor: "operator",
    requirement: (w) => ({ kind: "permission", organization: eng(w), anyOf: ["org:sys_profile:manage"] }),
    allowed: true,
  },
  {
    name: "a member without the permission is refused with permission.denied",
    actor: "alice",
    requirement: (w) => ({ kind: "permission", organization: eng(w), anyOf: ["org:sys_profile:manage"] }),
    allowed: false,
    code: "permission.denied",
  },
  {
    name: "any one of several permissions is enough",
    actor: "alice",
    requirement: (w) => ({
      kind: "permission",
      organization: eng(w),
      anyOf: ["org:sys_profile:manage", "org:pull_requests:approve"],
    }),
    allowed: true,
  },
  {
    name: "membership of the organization itself is enough where membership is asked for",
    actor: "bob",
    requirement: (w) => ({
      kind: "member_or_permission",
      organization: eng(w),
      anyOf: ["org:workflows:read"],
      what: "read workflows",
    }),
    allowed: true,
  },
  {
    name: "a member of another organization is not a member here",
    actor: "erin",
    requirement: (w) => ({
      kind: "member_or_permission",
      organization: eng(w),
      anyOf: ["org:workflows:read"],
      what: "read workflows",
    }),
    allowed: false,
    code: "permission.denied",
  },
  {
    name: "a member is refused instance-wide operations with auth.instance_admin_required",
    actor: "carol",
    requirement: () => ({ kind: "instance_admin", what: "create API keys" }),
    allowed: false,
    code: "auth.instance_admin_required",
  },
  {
    name: "an instance secret key meets instance-wide operations",
    actor: "instance_key",
    requirement: () => ({ kind: "instance_admin", what: "create API keys" }),
    allowed: true,
  },
  {
    name: "a member reads their own user record",
    actor: "alice",
    requirement: (w) => ({ kind: "self_or_instance_admin", userId: w.users.alice, what: "read users" }),
    allowed: true,
  },
  {
    name: "a member does not read another user's record",
    actor: "alice",
    requirement: (w) => ({ kind: "self_or_instance_admin", userId: w.users.bob, what: "read users" }),
    allowed: false,
    code: "auth.instance_admin_required",
  },
  {
    name: "an instance secret key may act as a member",
    actor: "instance_key",
    requirement: () => ({ kind: "act_as" }),
    allowed: true,
  },
  {
    name: "an agent key (a member) may not act as another member",
    actor: "alice",
    requirement: () => ({ kind: "act_as" }),
    allowed: false,
    code: "auth.act_as_refused",
  },
];
