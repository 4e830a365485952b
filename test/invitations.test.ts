// Invitations on both stores: one pending per address, expiry by the clock, the role and escalation guards, revoke, bulk, the role delete guard.
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { auditEventsOf } from "../src/features/audit/index.js";
import {
  acceptInvitation,
  createInvitation,
  createInvitations,
  getInvitation,
  listInvitations,
  revokeInvitation,
} from "../src/features/invitations/index.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg, deleteOrg } from "../src/features/orgs/index.js";
import { createRole, deleteRole } from "../src/features/roles/index.js";
import { resolveUser } from "../src/features/users/index.js";
import { fireAtOnce, tally } from "./helpers/concurrency.js";
import {
  DIALECTS,
  type TestStore,
  actingAs as actingAsMember,
  openTestStore,
  refusedUnchanged,
} from "./helpers/store.js";

const DAY = 24 * 60 * 60 * 1000;
const ORG = "engineering-team";

for (const dialect of DIALECTS) {
  describe(`${dialect}: invitations`, () => {
    let t: TestStore;
    let orgId: string;
    beforeEach(async () => {
      t = await openTestStore(dialect);
      orgId = (await createOrg(t.ctx, { name: "Engineering Team" })).id;
      await createOrg(t.ctx, { name: "Sales" });
      await createRole(t.ctx, { name: "Developer", organization: ORG, permissions: "read:code,write:code" });
      await createRole(t.ctx, { name: "Closer", organization: "sales", permissions: "close:deals" });
    });
    afterEach(async () => {
      await t.close();
    });

    const refusedWithoutChange = (op: () => Promise<unknown>, code: string) => refusedUnchanged(t, op, code);
    const actingAs = (email: string) => actingAsMember(t, email);
    const invite = (email: string, extra: { role?: string; expiresInDays?: number } = {}) =>
      createInvitation(t.ctx, { organization: ORG, email, role: "Developer", ...extra });

    it("invites an address (lowercased) with a role for 30 days from the clock, and audits it", async () => {
      const i = await createInvitation(t.ctx, {
        organization: ORG,
        email: "Dana@Acme.com",
        role: "org:developer",
        publicMetadata: { team: "web" },
        redirectUrl: "https://app.acme.com/welcome",
      });
      expect(i.id).toMatch(/^orginv_[0-9A-Za-z]{27}$/);
      expect(i).toMatchObject({
        emailAddress: "dana@acme.com",
        role: { key: "org:developer", name: "Developer" },
        status: "pending",
        inviter: null,
        publicMetadata: { team: "web" },
        redirectUrl: "https://app.acme.com/welcome",
        expiresAt: t.clock.now() + 30 * DAY,
        createdAt: t.clock.now(),
      });
      expect((await invite("erin@acme.com", { expiresInDays: 7 })).expiresAt).toBe(t.clock.now() + 7 * DAY);
      const events = await auditEventsOf(t.ctx, orgId);
      expect(events.filter((e) => e.action === "invitation.created").map((e) => [e.target.id, e.after])).toEqual([
        [
          i.id,
          {
            email: "dana@acme.com",
            role: "org:developer",
            status: "pending",
            inviter: null,
            expiresAt: i.expiresAt,
            emailed: false,
          },
        ],
        [expect.stringMatching(/^orginv_/), expect.objectContaining({ email: "erin@acme.com" })],
      ]);
    });

    it("gives the default role when none is named", async () => {
      expect((await createInvitation(t.ctx, { organization: ORG, email: "x@acme.com" })).role.key).toBe("org:member");
    });

    it.each([
      ["0 days", { expiresInDays: 0 }],
      ["366 days", { expiresInDays: 366 }],
      ["a fraction of a day", { expiresInDays: 1.5 }],
    ])("refuses an expiry of %s and writes nothing", async (_label, extra) => {
      await refusedWithoutChange(() => invite("dana@acme.com", extra), "input.invalid");
    });

    it("refuses an address that is not one, and a redirect that is not a URL", async () => {
      await refusedWithoutChange(() => invite("dana.acme.com"), "input.invalid");
      await refusedWithoutChange(
        () => createInvitation(t.ctx, { organization: ORG, email: "dana@acme.com", redirectUrl: "not a url" }),
        "input.invalid",
      );
    });

    it("keeps one pending invitation per address and organization, whatever the case", async () => {
      await invite("dana@acme.com");
      await refusedWithoutChange(() => invite("DANA@acme.com"), "invitation.not_unique");
      await expect(
        createInvitation(t.ctx, { organization: "sales", email: "dana@acme.com", role: "Closer" }),
      ).resolves.toMatchObject({ status: "pending" });
    });

    it("allows a new invitation once the last one is revoked or has expired", async () => {
      const first = await invite("dana@acme.com");
      await revokeInvitation(t.ctx, { organization: ORG, invitation: first.id });
      t.clock.advance(1000);
      const second = await invite("dana@acme.com", { expiresInDays: 1 });
      t.clock.advance(DAY);
      expect((await getInvitation(t.ctx, ORG, second.id)).status).toBe("expired");
      const third = await invite("dana@acme.com");
      expect(third.status).toBe("pending");
      const all = await listInvitations(t.ctx, { organization: ORG, orderBy: "created_at" });
      expect(all.data.map((i) => i.status)).toEqual(["revoked", "expired", "pending"]);
    });

    it("refuses a role not usable in the organization, and an address that is already a member", async () => {
      await refusedWithoutChange(() => invite("dana@acme.com", { role: "Closer" }), "role.not_found");
      await addMember(t.ctx, { organization: ORG, email: "alice@acme.com", roles: "Developer" });
      await refusedWithoutChange(() => invite("ALICE@acme.com"), "invitation.already_member");
    });

    it("holds a member who invites to org:sys_memberships:manage and to the role's permissions (the escalation guard)", async () => {
      await addMember(t.ctx, { organization: ORG, email: "dev@acme.com", roles: "Developer" });
      await createRole(t.ctx, {
        name: "Recruiter",
        organization: ORG,
        permissions: "org:sys_memberships:manage,org:sys_memberships:read,read:code",
      });
      await addMember(t.ctx, { organization: ORG, email: "rec@acme.com", roles: "Recruiter" });
      const dev = await actingAs("dev@acme.com");
      const rec = await actingAs("rec@acme.com");
      await refusedWithoutChange(
        () => createInvitation(dev, { organization: ORG, email: "x@acme.com", role: "org:member" }),
        "permission.denied",
      );
      await refusedWithoutChange(
        () => createInvitation(rec, { organization: ORG, email: "x@acme.com", role: "Developer" }),
        "permission.escalation",
      );
      await expect(
        createInvitation(rec, { organization: ORG, email: "x@acme.com", role: "Developer" }),
      ).rejects.toThrow(/org:code:write/);
      const someoneElse = await resolveUser(t.ctx, "dev@acme.com");
      await refusedWithoutChange(
        () =>
          createInvitation(rec, {
            organization: ORG,
            email: "x@acme.com",
            role: "org:member",
            inviterUserId: someoneElse.id,
          }),
        "input.invalid",
      );
      const ok = await createInvitation(rec, { organization: ORG, email: "x@acme.com", role: "org:member" });
      expect(ok.inviter).toMatchObject({ id: (await resolveUser(t.ctx, "rec@acme.com")).id, email: "rec@acme.com" });
      await refusedWithoutChange(
        () => revokeInvitation(dev, { organization: ORG, invitation: ok.id }),
        "permission.denied",
      );
      await expect(listInvitations(dev, { organization: "sales" })).rejects.toMatchObject({ code: "org.not_found" });
    });

    it("takes a named inviter from an instance admin only when that user may manage members there", async () => {
      await addMember(t.ctx, { organization: ORG, email: "admin@acme.com", roles: "org:admin" });
      await addMember(t.ctx, { organization: ORG, email: "dev@acme.com", roles: "Developer" });
      const dev = await resolveUser(t.ctx, "dev@acme.com");
      const admin = await resolveUser(t.ctx, "admin@acme.com");
      await refusedWithoutChange(
        () => createInvitation(t.ctx, { organization: ORG, email: "x@acme.com", inviterUserId: dev.id }),
        "permission.denied",
      );
      await refusedWithoutChange(
        () => createInvitation(t.ctx, { organization: ORG, email: "x@acme.com", inviterUserId: "user_nobody" }),
        "user.not_found",
      );
      expect(
        (await createInvitation(t.ctx, { organization: ORG, email: "x@acme.com", inviterUserId: admin.id })).inviter
          ?.id,
      ).toBe(admin.id);
    });

    it("revokes only a pending invitation, audited with before and after", async () => {
      const i = await invite("dana@acme.com");
      t.clock.advance(1000);
      const revoked = await revokeInvitation(t.ctx, { organization: ORG, invitation: "dana@acme.com" });
      expect(revoked).toMatchObject({ id: i.id, status: "revoked", updatedAt: t.clock.now() });
      await refusedWithoutChange(
        () => revokeInvitation(t.ctx, { organization: ORG, invitation: i.id }),
        "invitation.not_pending",
      );
      const event = (await auditEventsOf(t.ctx, orgId)).at(-1);
      expect(event).toMatchObject({
        action: "invitation.revoked",
        target: { type: "invitation", id: i.id, label: "dana@acme.com" },
        before: { status: "pending" },
        after: { status: "revoked" },
      });
    });

    it("reads a pending invitation past its expiry as expired, and refuses to revoke it", async () => {
      const i = await invite("dana@acme.com", { expiresInDays: 2 });
      t.clock.advance(2 * DAY - 1);
      expect((await getInvitation(t.ctx, ORG, i.id)).status).toBe("pending");
      t.clock.advance(1);
      expect((await getInvitation(t.ctx, ORG, i.id)).status).toBe("expired");
      expect((await listInvitations(t.ctx, { organization: ORG, status: ["expired"] })).totalCount).toBe(1);
      expect((await listInvitations(t.ctx, { organization: ORG, status: ["pending"] })).totalCount).toBe(0);
      await refusedWithoutChange(
        () => revokeInvitation(t.ctx, { organization: ORG, invitation: i.id }),
        "invitation.not_pending",
      );
    });

    it("does not find an invitation of another organization, or one that does not exist", async () => {
      const sales = await createInvitation(t.ctx, { organization: "sales", email: "dana@acme.com", role: "Closer" });
      await expect(getInvitation(t.ctx, ORG, sales.id)).rejects.toMatchObject({ code: "invitation.not_found" });
      await refusedWithoutChange(
        () => revokeInvitation(t.ctx, { organization: ORG, invitation: sales.id }),
        "invitation.not_found",
      );
      await expect(getInvitation(t.ctx, ORG, "orginv_0000000000000000000000000000")).rejects.toMatchObject({
        code: "invitation.not_found",
      });
    });

    it("lists by status, address and order, with totals and pages", async () => {
      for (const email of ["carol@acme.com", "alice@acme.com", "bob@acme.com"]) {
        await invite(email);
        t.clock.advance(1000);
      }
      await revokeInvitation(t.ctx, { organization: ORG, invitation: "bob@acme.com" });
      const newest = await listInvitations(t.ctx, { organization: ORG });
      expect(newest.data.map((i) => i.emailAddress)).toEqual(["bob@acme.com", "alice@acme.com", "carol@acme.com"]);
      const page = await listInvitations(t.ctx, { organization: ORG, orderBy: "email_address", limit: 2, offset: 1 });
      expect([page.totalCount, page.data.map((i) => i.emailAddress)]).toEqual([3, ["bob@acme.com", "carol@acme.com"]]);
      const pending = await listInvitations(t.ctx, { organization: ORG, status: ["pending"] });
      expect([pending.totalCount, pending.data.map((i) => i.emailAddress)]).toEqual([
        2,
        ["alice@acme.com", "carol@acme.com"],
      ]);
      expect((await listInvitations(t.ctx, { organization: ORG, status: ["pending", "revoked"] })).totalCount).toBe(3);
      expect(
        (await listInvitations(t.ctx, { organization: ORG, emailAddress: "ALICE@acme.com" })).data.map(
          (i) => i.emailAddress,
        ),
      ).toEqual(["alice@acme.com"]);
      await expect(listInvitations(t.ctx, { organization: ORG, orderBy: "role" })).rejects.toMatchObject({
        code: "input.invalid",
      });
    });

    it("lists across organizations only those a member may read", async () => {
      await invite("dana@acme.com");
      await createInvitation(t.ctx, { organization: "sales", email: "erin@acme.com", role: "Closer" });
      expect((await listInvitations(t.ctx, {})).totalCount).toBe(2);
      await addMember(t.ctx, { organization: ORG, email: "dev@acme.com", roles: "org:member" });
      const dev = await actingAs("dev@acme.com");
      const mine = await listInvitations(dev, {});
      expect(mine.data.map((i) => [i.emailAddress, i.organization.slug])).toEqual([["dana@acme.com", ORG]]);
    });

    it("revoked and accepted at once, exactly one wins: a revoked invitation never makes a member", async () => {
      for (let round = 0; round < 3; round++) {
        const email = `race${round}@acme.com`;
        const i = await invite(email);
        const token = new URL(i.acceptUrl as string).searchParams.get("token") as string;
        const outcomes = await fireAtOnce<unknown>(24, (n) =>
          n % 2 ? acceptInvitation(t.ctx, token) : revokeInvitation(t.ctx, { organization: ORG, invitation: i.id }),
        );
        expect(outcomes.filter((o) => o.ok)).toHaveLength(1);
        expect(tally(outcomes)["invitation.not_pending"]).toBe(23);
        const final = await getInvitation(t.ctx, ORG, i.id);
        const events = (await auditEventsOf(t.ctx, orgId)).filter((e) => e.target.id === i.id).map((e) => e.action);
        expect(events).toEqual(["invitation.created", `invitation.${final.status}`]);
        const members = (await t.store.db.selectFrom("users").select("email").where("email", "=", email).execute())
          .length;
        if (final.status === "revoked") expect(members).toBe(0);
        else expect(final.status).toBe("accepted");
      }
    });

    it("creates up to ten at once, all or none", async () => {
      const many = Array.from({ length: 11 }, (_, n) => ({ email: `p${n}@acme.com`, role: "Developer" }));
      await refusedWithoutChange(() => createInvitations(t.ctx, ORG, many), "invitation.bulk_size_exceeded");
      await refusedWithoutChange(() => createInvitations(t.ctx, ORG, []), "input.invalid");
      await refusedWithoutChange(
        () =>
          createInvitations(t.ctx, ORG, [{ email: "a@acme.com" }, { email: "b@acme.com" }, { email: "A@acme.com" }]),
        "invitation.not_unique",
      );
      await refusedWithoutChange(
        () => createInvitations(t.ctx, ORG, [{ email: "a@acme.com" }, { email: "b@acme.com", role: "Closer" }]),
        "role.not_found",
      );
      const created = await createInvitations(t.ctx, ORG, many.slice(0, 10));
      expect(created.map((i) => i.emailAddress)).toEqual(many.slice(0, 10).map((m) => m.email));
      expect((await auditEventsOf(t.ctx, orgId)).filter((e) => e.action === "invitation.created")).toHaveLength(10);
    });

    it("refuses to delete a role a pending invitation names, until it is revoked or expires", async () => {
      await createRole(t.ctx, { name: "Intern", organization: ORG, permissions: "read:code" });
      const a = await invite("a@acme.com", { role: "Intern" });
      const b = await invite("b@acme.com", { role: "Intern", expiresInDays: 1 });
      await refusedWithoutChange(() => deleteRole(t.ctx, "Intern", ORG), "role.in_invitations");
      await expect(deleteRole(t.ctx, "Intern", ORG)).rejects.toThrow(/2 pending invitation/);
      await revokeInvitation(t.ctx, { organization: ORG, invitation: a.id });
      await refusedWithoutChange(() => deleteRole(t.ctx, "Intern", ORG), "role.in_invitations");
      t.clock.advance(DAY);
      await deleteRole(t.ctx, "Intern", ORG);
      // The invitations outlive the role: they keep its key, and the name falls back to it.
      expect(await getInvitation(t.ctx, ORG, b.id)).toMatchObject({
        status: "expired",
        role: { id: null, key: "org:intern", name: "org:intern" },
      });
    });

    it("goes with its organization when the organization is deleted", async () => {
      await invite("dana@acme.com");
      await deleteOrg(t.ctx, ORG);
      expect(await t.store.db.selectFrom("organization_invitations").select("id").execute()).toEqual([]);
    });
  });
}
