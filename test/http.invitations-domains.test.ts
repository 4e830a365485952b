// Invitations and verified domains through the official @clerk/backend SDK against a running clerk server, on both stores.
import { type ClerkClient, createClerkClient } from "@clerk/backend";
import type { FastifyInstance } from "fastify";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createKey } from "../src/features/keys/index.js";
import { addMember } from "../src/features/members/index.js";
import { createRole } from "../src/features/roles/index.js";
import { ensureUser } from "../src/features/users/index.js";
import { apiFailure, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";
import { snapshot } from "./helpers/snapshot.js";

/** What the SDK hands back for domains: Clerk's raw JSON (it has no class for organization_domain). */
interface DomainJson {
  object: string;
  id: string;
  organization_id: string;
  name: string;
  enrollment_mode: string;
  verification: { status: string; strategy: string } | null;
  total_pending_invitations: number;
  created_at: number;
}

const DAY = 24 * 60 * 60 * 1000;

for (const dialect of DIALECTS) {
  describe(`${dialect}: invitations and domains through @clerk/backend`, () => {
    let t: TestStore;
    let app: FastifyInstance;
    let clerk: ClerkClient;
    let url: string;
    let secret: string;
    let orgId: string;

    beforeEach(async () => {
      t = await openTestStore(dialect);
      ({ app, url, secret, clerk } = await startApi(t, { rateLimitPerMinute: 10_000 }));
      orgId = (await clerk.organizations.createOrganization({ name: "Engineering Team" })).id;
      await createRole(t.ctx, { name: "Developer", organization: orgId, permissions: "read:code" });
    });
    afterEach(async () => {
      await app.close();
      await t.close();
    });

    const failure = apiFailure;
    const api = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${url}/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Record<string, unknown> };
    };

    it("creates, gets, lists and revokes invitations with Clerk's object and errors", async () => {
      const admin = await ensureUser(t.ctx, "admin@acme.com");
      await addMember(t.ctx, { organization: orgId, userId: admin.id, roles: "org:admin" });
      const inv = await clerk.organizations.createOrganizationInvitation({
        organizationId: orgId,
        emailAddress: "Dana@Acme.com",
        role: "org:developer",
        inviterUserId: admin.id,
        expiresInDays: 7,
        publicMetadata: { fooBar: 1 },
        redirectUrl: "https://app.acme.com/welcome",
      });
      expect(inv.id).toMatch(/^orginv_[0-9A-Za-z]{27}$/);
      expect(inv).toMatchObject({
        emailAddress: "dana@acme.com",
        role: "org:developer",
        roleName: "Developer",
        organizationId: orgId,
        status: "pending",
        publicMetadata: { fooBar: 1 },
        // The accept link, shown only to the call that created it.
        url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:3000\/v1\/invitations\/accept\?token=[\w-]{32}$/),
        createdAt: t.clock.now(),
        expiresAt: t.clock.now() + 7 * DAY,
      });
      expect(inv.raw).toMatchObject({
        object: "organization_invitation",
        inviter_id: admin.id,
        public_inviter_data: { user_id: admin.id, identifier: "admin@acme.com" },
      });
      expect(
        await clerk.organizations.getOrganizationInvitation({ organizationId: orgId, invitationId: inv.id }),
      ).toMatchObject({ id: inv.id, url: null });

      const dup = await failure(
        clerk.organizations.createOrganizationInvitation({
          organizationId: orgId,
          emailAddress: "dana@acme.com",
          role: "org:member",
        }),
      );
      expect([dup.status, dup.errors[0]?.code]).toEqual([400, "organization_invitation_not_unique"]);

      t.clock.advance(1000);
      const other = await clerk.organizations.createOrganizationInvitation({
        organizationId: orgId,
        emailAddress: "erin@acme.com",
        role: "org:member",
      });
      const revoked = await clerk.organizations.revokeOrganizationInvitation({
        organizationId: orgId,
        invitationId: other.id,
        requestingUserId: admin.id,
      });
      expect(revoked.status).toBe("revoked");
      const twice = await failure(
        clerk.organizations.revokeOrganizationInvitation({ organizationId: orgId, invitationId: other.id }),
      );
      expect([twice.status, twice.errors[0]?.code]).toEqual([404, "organization_invitation_not_pending"]);

      const all = await clerk.organizations.getOrganizationInvitationList({ organizationId: orgId });
      expect([all.totalCount, all.data.map((i) => i.emailAddress)]).toEqual([2, ["erin@acme.com", "dana@acme.com"]]);
      const pending = await clerk.organizations.getOrganizationInvitationList({
        organizationId: orgId,
        status: ["pending"],
      });
      expect([pending.totalCount, pending.data.map((i) => i.id)]).toEqual([1, [inv.id]]);
      const both = await clerk.organizations.getOrganizationInvitationList({
        organizationId: orgId,
        status: ["pending", "revoked"],
        limit: 1,
      });
      expect([both.totalCount, both.data.length]).toEqual([2, 1]);

      t.clock.advance(7 * DAY);
      expect(
        (await clerk.organizations.getOrganizationInvitation({ organizationId: orgId, invitationId: inv.id })).status,
      ).toBe("expired");
      const expired = await clerk.organizations.getOrganizationInvitationList({
        organizationId: orgId,
        status: ["expired"],
      });
      expect(expired.data.map((i) => i.id)).toEqual([inv.id]);

      const missing = await failure(
        clerk.organizations.getOrganizationInvitation({
          organizationId: orgId,
          invitationId: "orginv_0000000000000000000000000000",
        }),
      );
      expect([missing.status, missing.errors[0]?.code]).toEqual([404, "resource_not_found"]);
    });

    it("creates up to ten invitations in one bulk request, all or none", async () => {
      const items = (n: number) =>
        Array.from({ length: n }, (_, i) => ({ emailAddress: `p${i}@acme.com`, role: "org:member" }));
      const before = await snapshot(t.store);
      const tooMany = await failure(clerk.organizations.createOrganizationInvitationBulk(orgId, items(11)));
      expect([tooMany.status, tooMany.errors[0]?.code]).toEqual([400, "bulk_size_exceeded"]);
      const clash = await failure(
        clerk.organizations.createOrganizationInvitationBulk(orgId, [
          ...items(3),
          { emailAddress: "P0@acme.com", role: "org:member" },
        ]),
      );
      expect([clash.status, clash.errors[0]?.code]).toEqual([400, "organization_invitation_not_unique"]);
      const badRole = await failure(
        clerk.organizations.createOrganizationInvitationBulk(orgId, [
          ...items(2),
          { emailAddress: "x@acme.com", role: "org:ghost" },
        ]),
      );
      expect(badRole.status).toBe(404);
      expect(await snapshot(t.store)).toEqual(before);
      const created = await clerk.organizations.createOrganizationInvitationBulk(orgId, items(10));
      expect(created.totalCount).toBe(10);
      expect(created.data.map((i) => i.emailAddress)).toEqual(items(10).map((i) => i.emailAddress));
      expect(created.data.every((i) => i.status === "pending" && i.id.startsWith("orginv_"))).toBe(true);
      const listed = await clerk.organizations.getOrganizationInvitationList({
        organizationId: orgId,
        limit: 3,
        offset: 9,
      });
      expect([listed.totalCount, listed.data.length]).toEqual([10, 1]);
    });

    it("serves the pending list and the instance-wide list with public organization data", async () => {
      const sales = await clerk.organizations.createOrganization({ name: "Sales" });
      await clerk.organizations.createOrganizationInvitation({
        organizationId: orgId,
        emailAddress: "dana@acme.com",
        role: "org:member",
      });
      t.clock.advance(1000);
      await clerk.organizations.createOrganizationInvitation({
        organizationId: sales.id,
        emailAddress: "erin@acme.com",
        role: "org:member",
      });
      const pending = await api("GET", `/organizations/${orgId}/invitations/pending`);
      expect(pending.status).toBe(200);
      expect(pending.body).toMatchObject({
        total_count: 1,
        data: [{ object: "organization_invitation", email_address: "dana@acme.com" }],
      });
      const all = await api("GET", "/organization_invitations?status=pending&order_by=email_address");
      expect(all.body).toMatchObject({
        total_count: 2,
        data: [
          {
            email_address: "dana@acme.com",
            public_organization_data: { id: orgId, slug: "engineering-team", has_image: false },
          },
          { email_address: "erin@acme.com", public_organization_data: { id: sales.id, name: "Sales" } },
        ],
      });
      const unknown = await api("POST", `/organizations/${orgId}/invitations`, {
        email_address: "x@acme.com",
        role: "org:member",
        colour: "red",
      });
      expect(unknown).toMatchObject({
        status: 422,
        body: { errors: [{ code: "form_param_unknown", meta: { param_name: "colour" } }] },
      });
      const days = await api("POST", `/organizations/${orgId}/invitations`, {
        email_address: "x@acme.com",
        role: "org:member",
        expires_in_days: 400,
      });
      // The field is named as the request spelled it, though the service's own schema caught it.
      expect(days).toMatchObject({
        status: 422,
        body: { errors: [{ code: "form_param_format_invalid", meta: { param_name: "expires_in_days" } }] },
      });
      expect((days.body as { errors: { long_message: string }[] }).errors[0]?.long_message).toMatch(
        /^expires_in_days: must be 1 to 365 days/,
      );
    });

    it("refuses to delete a role while a pending invitation names it", async () => {
      const perm = await clerk.organizationPermissions.createOrganizationPermission({
        name: "Read invoices",
        key: "org:invoices:read",
      });
      const billing = await clerk.organizationRoles.createOrganizationRole({
        name: "Billing",
        key: "org:billing",
        permissions: [perm.id],
      });
      const inv = await clerk.organizations.createOrganizationInvitation({
        organizationId: orgId,
        emailAddress: "payer@acme.com",
        role: "org:billing",
      });
      const before = await snapshot(t.store);
      const held = await failure(clerk.organizationRoles.deleteOrganizationRole(billing.id));
      expect([held.status, held.errors[0]?.code]).toEqual([422, "organization_role_exists_in_invitations"]);
      expect(await snapshot(t.store)).toEqual(before);
      await clerk.organizations.revokeOrganizationInvitation({ organizationId: orgId, invitationId: inv.id });
      expect(await clerk.organizationRoles.deleteOrganizationRole(billing.id)).toMatchObject({
        id: billing.id,
        deleted: true,
      });
    });

    it("creates, lists, updates, verifies and deletes domains (raw JSON from the SDK)", async () => {
      const created = (await clerk.organizations.createOrganizationDomain({
        organizationId: orgId,
        name: "Acme.com",
        enrollmentMode: "automatic_invitation",
      })) as unknown as DomainJson;
      expect(created).toMatchObject({
        object: "organization_domain",
        organization_id: orgId,
        name: "acme.com",
        enrollment_mode: "automatic_invitation",
        verification: { status: "verified", strategy: "admin" },
        total_pending_invitations: 0,
        created_at: t.clock.now(),
      });
      expect(created.id).toMatch(/^orgdmn_[0-9A-Za-z]{27}$/);
      t.clock.advance(1000);
      const unverified = (await clerk.organizations.createOrganizationDomain({
        organizationId: orgId,
        name: "acme.io",
        enrollmentMode: "manual_invitation",
        verified: false,
      })) as unknown as DomainJson;
      expect(unverified.verification).toBeNull();

      const list = await clerk.organizations.getOrganizationDomainList({ organizationId: orgId });
      expect(list.totalCount).toBe(2);
      expect((list.data as unknown as DomainJson[]).map((d) => d.name)).toEqual(["acme.io", "acme.com"]);

      const updated = (await clerk.organizations.updateOrganizationDomain({
        organizationId: orgId,
        domainId: created.id,
        enrollmentMode: "automatic_suggestion",
      })) as unknown as DomainJson;
      expect(updated.enrollment_mode).toBe("automatic_suggestion");
      const verified = await api("POST", `/organizations/${orgId}/domains/${unverified.id}/verify_ownership`);
      expect(verified.body).toMatchObject({ id: unverified.id, verification: { status: "verified" } });

      const sales = await clerk.organizations.createOrganization({ name: "Sales" });
      const taken = await failure(
        clerk.organizations.createOrganizationDomain({
          organizationId: sales.id,
          name: "acme.com",
          enrollmentMode: "manual_invitation",
        }),
      );
      expect([taken.status, taken.errors[0]?.code]).toEqual([422, "organization_domain_already_exists"]);
      const same = await failure(
        clerk.organizations.createOrganizationDomain({
          organizationId: orgId,
          name: "ACME.com",
          enrollmentMode: "manual_invitation",
          verified: false,
        }),
      );
      expect([same.status, same.errors[0]?.code]).toEqual([
        422,
        "organization_domain_already_exists_same_organization",
      ]);
      const common = await failure(
        clerk.organizations.createOrganizationDomain({
          organizationId: orgId,
          name: "gmail.com",
          enrollmentMode: "manual_invitation",
        }),
      );
      expect([common.status, common.errors[0]?.code]).toEqual([422, "organization_domain_common"]);
      const bad = await failure(
        clerk.organizations.createOrganizationDomain({
          organizationId: orgId,
          name: "not a domain",
          enrollmentMode: "manual_invitation",
        }),
      );
      expect([bad.status, bad.errors[0]?.code, bad.errors[0]?.meta?.paramName]).toEqual([
        422,
        "form_param_format_invalid",
        "name",
      ]);

      const instance = await api("GET", "/organization_domains?verified=true&order_by=name");
      expect(instance.body).toMatchObject({
        total_count: 2,
        data: [{ name: "acme.com", public_organization_data: { id: orgId } }, { name: "acme.io" }],
      });

      const deleted = await clerk.organizations.deleteOrganizationDomain({
        organizationId: orgId,
        domainId: created.id,
      });
      expect(deleted).toMatchObject({ object: "organization_domain", id: created.id, deleted: true });
      const gone = await failure(
        clerk.organizations.deleteOrganizationDomain({ organizationId: orgId, domainId: created.id }),
      );
      expect([gone.status, gone.errors[0]?.code]).toEqual([404, "resource_not_found"]);
      const now = (await clerk.organizations.createOrganizationDomain({
        organizationId: sales.id,
        name: "acme.com",
        enrollmentMode: "manual_invitation",
      })) as unknown as DomainJson;
      expect(now.organization_id).toBe(sales.id);
    });

    it("gives an agent key 404 for another organization's invitations and domains, and 403 without the permission", async () => {
      const other = await clerk.organizations.createOrganization({ name: "Secret Project" });
      await clerk.organizations.createOrganizationDomain({
        organizationId: other.id,
        name: "secret.acme.com",
        enrollmentMode: "manual_invitation",
      });
      await addMember(t.ctx, { organization: orgId, email: "bot@acme.com", roles: "org:member", kind: "agent" });
      const agent = createClerkClient({
        secretKey: (await createKey(t.ctx, { agent: "bot@acme.com" })).secret,
        apiUrl: url,
      });
      const before = await snapshot(t.store);
      for (const attempt of [
        () => agent.organizations.getOrganizationInvitationList({ organizationId: other.id }),
        () =>
          agent.organizations.createOrganizationInvitation({
            organizationId: other.id,
            emailAddress: "x@acme.com",
            role: "org:member",
          }),
        () => agent.organizations.getOrganizationDomainList({ organizationId: other.id }),
      ]) {
        const e = await failure(attempt());
        expect([e.status, e.errors[0]?.code]).toEqual([404, "resource_not_found"]);
      }
      const invite = await failure(
        agent.organizations.createOrganizationInvitation({
          organizationId: orgId,
          emailAddress: "x@acme.com",
          role: "org:member",
        }),
      );
      expect([invite.status, invite.errors[0]?.code]).toEqual([403, "missing_organization_permission"]);
      const domain = await failure(
        agent.organizations.createOrganizationDomain({
          organizationId: orgId,
          name: "bot.acme.com",
          enrollmentMode: "manual_invitation",
        }),
      );
      expect(domain.status).toBe(403);
      expect(await snapshot(t.store)).toEqual(before);
      expect((await agent.organizations.getOrganizationInvitationList({ organizationId: orgId })).totalCount).toBe(0);
    });
  });
}
