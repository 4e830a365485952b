// Search queries on both stores take `%`, `_` and `\` literally (issue 24 item 11: they acted as LIKE wildcards).
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { addDomain, listDomains } from "../src/features/domains/index.js";
import { createInvitation, listInvitations } from "../src/features/invitations/index.js";
import { createOrg, listOrganizations } from "../src/features/orgs/index.js";
import { createUser, listUsers } from "../src/features/users/index.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

for (const dialect of DIALECTS) {
  describe(`${dialect}: search queries are literal`, () => {
    let t: TestStore;
    beforeEach(async () => {
      t = await openTestStore(dialect);
    });
    afterEach(async () => {
      await t.close();
    });

    const orgNames = async (query: string) =>
      (await listOrganizations(t.ctx, { limit: 50, offset: 0, query, orderBy: "name" })).data.map((o) => o.name);

    it("finds organizations whose name holds %, _ or \\ and nothing else", async () => {
      const names = ["Team_1", "Team 1", "TeamX1", "100% Club", "100 Club", "Back\\slash", "Backslash"];
      for (const [i, name] of names.entries()) await createOrg(t.ctx, { name, slug: `org-${i}` });
      expect(await orgNames("m_1")).toEqual(["Team_1"]);
      expect(await orgNames("_")).toEqual(["Team_1"]);
      expect(await orgNames("%")).toEqual(["100% Club"]);
      expect(await orgNames("0% c")).toEqual(["100% Club"]);
      expect(await orgNames("k\\s")).toEqual(["Back\\slash"]);
      expect((await orgNames("team")).sort()).toEqual(["Team 1", "TeamX1", "Team_1"]);
    });

    it("finds users whose address holds _ literally", async () => {
      await createUser(t.ctx, { email: "a_b@example.com" });
      await createUser(t.ctx, { email: "axb@example.com" });
      const found = await listUsers(t.ctx, { limit: 50, offset: 0, query: "a_b" });
      expect(found.data.map((u) => u.email)).toEqual(["a_b@example.com"]);
      expect((await listUsers(t.ctx, { limit: 50, offset: 0, query: "%" })).totalCount).toBe(0);
    });

    it("finds invitations and domains by literal text", async () => {
      await createOrg(t.ctx, { name: "Acme" });
      await createInvitation(t.ctx, { organization: "acme", email: "j_doe@example.com" });
      await createInvitation(t.ctx, { organization: "acme", email: "jxdoe@example.com" });
      const invitations = await listInvitations(t.ctx, { organization: "acme", query: "j_d" });
      expect(invitations.data.map((i) => i.emailAddress)).toEqual(["j_doe@example.com"]);
      await addDomain(t.ctx, { organization: "acme", name: "acme.com" });
      expect((await listDomains(t.ctx, { query: "%" })).totalCount).toBe(0);
      expect((await listDomains(t.ctx, { query: "_" })).totalCount).toBe(0);
      expect((await listDomains(t.ctx, { query: "me.c" })).totalCount).toBe(1);
    });
  });
}
