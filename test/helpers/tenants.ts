// Two tenants for isolation tests: organization A (alpha) whose members attack, and B (beta) full of things to leak.
import type { ServiceContext } from "../../src/context.js";
import { addDomain } from "../../src/features/domains/index.js";
import { createInvitation } from "../../src/features/invitations/index.js";
import { createSignInToken } from "../../src/features/dashboard/index.js";
import { createKey } from "../../src/features/keys/index.js";
import { addMember, createOrganization, grantToMember } from "../../src/features/members/index.js";
import { createOrg } from "../../src/features/orgs/index.js";
import { createRole } from "../../src/features/roles/index.js";
import { createSession } from "../../src/features/sessions/index.js";
import { createConnection } from "../../src/features/sso/index.js";
import { emitEvent, listTasks } from "../../src/features/tasks/index.js";
import { addStage, createWorkflow, saveFileSet } from "../../src/features/workflows/index.js";

/** What the attackers in A hold: agent keys of a plain member, a manager and an admin, and their user ids. */
export interface TenantA {
  orgId: string;
  slug: string;
  users: { member: string; manager: string; admin: string };
  emails: { member: string; manager: string; admin: string };
  keys: { member: string; manager: string; admin: string };
}

/** B's ids by kind (to fill path parameters) and every string of B that must never reach A. */
export interface TenantB {
  orgId: string;
  childOrgId: string;
  slug: string;
  userId: string;
  reviewerId: string;
  email: string;
  roleId: string;
  roleKey: string;
  permissionKey: string;
  workflowId: string;
  stage: string;
  runId: string;
  taskId: string;
  invitationId: string;
  domainId: string;
  domainName: string;
  keyId: string;
  sessionId: string;
  fileSet: string;
  connectionId: string;
  signInTokenId: string;
  /** Strings only B's data contains: ids, e-mails, keys, names. */
  secrets: string[];
}

/** Builds A and B as the operator. */
export async function buildTenants(ctx: ServiceContext): Promise<{ a: TenantA; b: TenantB }> {
  const alpha = await createOrganization(ctx, { name: "Alpha", slug: "alpha" });
  await createRole(ctx, {
    name: "Alpha Manager",
    organization: alpha.id,
    permissions: ["org:sys_memberships:manage", "org:sys_memberships:read"],
  });
  const admin = await addMember(ctx, { organization: alpha.id, email: "ann@a.test", roles: "org:admin" });
  const manager = await addMember(ctx, { organization: alpha.id, email: "max@a.test", roles: "Alpha Manager" });
  const member = await addMember(ctx, { organization: alpha.id, email: "mo@a.test", roles: "org:member" });
  const key = async (email: string) => (await createKey(ctx, { agent: email })).secret;

  const beta = await createOrganization(ctx, { name: "Betacorp Zeta", slug: "betacorp-zeta" });
  const child = await createOrg(ctx, { name: "Betacorp Child", slug: "betacorp-child", parent: beta.id });
  const role = await createRole(ctx, {
    name: "Zeta Secret Reviewer",
    organization: beta.id,
    permissions: ["org:zeta_secret:read"],
  });
  const owner = await addMember(ctx, { organization: beta.id, email: "bea@zeta.test", roles: "org:admin" });
  const reviewer = await addMember(ctx, {
    organization: beta.id,
    email: "rex@zeta.test",
    roles: "Zeta Secret Reviewer",
  });
  await grantToMember(ctx, { organization: beta.id, email: "rex@zeta.test", permission: "org:zeta_direct:write" });
  const workflow = (
    await createWorkflow(ctx, { organization: beta.id, name: "Zeta Release", trigger: "event:zeta_release" })
  ).value;
  await addStage(ctx, workflow.id, { name: "Zeta Stage", requiresRole: "Zeta Secret Reviewer" }, beta.id);
  await saveFileSet(ctx, { organization: beta.id, name: "zeta-files", paths: ["zeta/**"] });
  const emitted = await emitEvent(ctx, {
    organization: beta.id,
    type: "zeta_release",
    requester: "bea@zeta.test",
    data: { pr: { number: 4242 }, note: "zeta payload" },
  });
  const runId = emitted.runs[0]?.id as string;
  const task = (await listTasks(ctx, { organization: beta.id })).data[0];
  const invitation = await createInvitation(ctx, { organization: beta.id, email: "ivy@zeta.test" });
  const domain = await addDomain(ctx, { organization: beta.id, name: "zeta-corp.test" });
  const betaKey = await createKey(ctx, { agent: "bea@zeta.test", name: "zeta key" });
  const session = await createSession(ctx, { user: "bea@zeta.test" });
  const connection = await createConnection(ctx, {
    name: "Zeta Okta",
    provider: "saml_okta",
    organization_id: beta.id,
    domains: ["zeta-sso.test"],
    saml: { idp_entity_id: "https://idp.zeta-sso.test/zeta", idp_sso_url: "https://idp.zeta-sso.test/sso" },
  });

  const signInToken = await createSignInToken(ctx, { user: "bea@zeta.test" });

  const a: TenantA = {
    orgId: alpha.id,
    slug: alpha.slug,
    users: { member: member.user.id, manager: manager.user.id, admin: admin.user.id },
    emails: { member: "mo@a.test", manager: "max@a.test", admin: "ann@a.test" },
    keys: { member: await key("mo@a.test"), manager: await key("max@a.test"), admin: await key("ann@a.test") },
  };
  const b: TenantB = {
    orgId: beta.id,
    childOrgId: child.id,
    slug: beta.slug,
    userId: owner.user.id,
    reviewerId: reviewer.user.id,
    email: "bea@zeta.test",
    roleId: role.id,
    roleKey: role.key,
    permissionKey: "org:zeta_secret:read",
    workflowId: workflow.id,
    stage: "Zeta Stage",
    runId,
    taskId: task?.id as string,
    invitationId: invitation.id,
    domainId: domain.id,
    domainName: domain.name,
    keyId: betaKey.key.id,
    sessionId: session.id,
    fileSet: "zeta-files",
    connectionId: connection.id,
    signInTokenId: signInToken.id,
    secrets: [],
  };
  b.secrets = [
    ...new Set([
      b.orgId,
      b.childOrgId,
      b.slug,
      "betacorp",
      "Betacorp",
      b.userId,
      b.reviewerId,
      "zeta.test",
      b.roleId,
      b.roleKey,
      "Zeta Secret Reviewer",
      "zeta_secret",
      "zeta_direct",
      b.workflowId,
      "Zeta Release",
      "zeta_release",
      "Zeta Stage",
      b.runId,
      b.taskId,
      b.invitationId,
      b.domainId,
      "zeta-corp",
      b.keyId,
      b.sessionId,
      "zeta-files",
      b.connectionId,
      "zeta-sso",
      b.signInTokenId,
      // Every name, e-mail and key of B carries "zeta": a catch-all for what the list above forgets.
      "zeta",
    ]),
  ].filter((s) => typeof s === "string" && s.length > 0);
  return { a, b };
}
