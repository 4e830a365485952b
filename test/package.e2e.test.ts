// The package's main entry, as an app imports it: the built dist/index.js opens a store, creates an
// organization with a role and a member, and answers an access check.
import { resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import type * as Clerk from "../src/index.js";

type Entry = typeof Clerk;

describe("the package entry (dist/index.js)", () => {
  it("opens an in-memory store, creates an organization and checks access", async () => {
    const clerk: Entry = await import(pathToFileURL(resolve("dist/index.js")).href);
    expect(clerk.VERSION).toMatch(/^\d+\.\d+\.\d+/);
    const app = await clerk.openClerk({ database: ":memory:" });
    try {
      const org = await clerk.createOrg(app.ctx, { name: "Engineering Team" });
      expect(org.slug).toBe("engineering-team");
      await clerk.createRole(app.ctx, { name: "Developer", organization: org.slug, permissions: "read:code" });
      const member = await clerk.addMember(app.ctx, {
        organization: org.slug,
        email: "alice@acme.com",
        roles: "Developer",
      });
      const ask = (permission: string) =>
        clerk.checkAccess(app.ctx, { organizationId: org.id, userId: member.user.id, permission });
      expect(await ask("org:code:read")).toMatchObject({ allowed: true });
      expect(await ask("org:code:write")).toMatchObject({ allowed: false });
      const audited = await clerk.auditEventsOf(app.ctx, org.id);
      expect(audited.map((e: { action: string }) => e.action)).toContain("role.created");
      expect(typeof clerk.engine.compilePolicy).toBe("function");
    } finally {
      await app.close();
    }
  });
});
