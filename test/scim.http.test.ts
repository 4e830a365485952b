// SCIM 2.0 provisioning over HTTP (issue 21), on both stores, with request bodies as Okta and Microsoft Entra ID
// publish them: Okta's SCIM 2.0 test plan (create, get, filter by userName, update, deactivate, reactivate, group
// push), Entra's string booleans, capitalised ops, member-remove path and userName/e-mail matching; and the refusals.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { addMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createPermission } from "../src/features/permissions/index.js";
import { createRole } from "../src/features/roles/index.js";
import { createScimToken, mapGroup } from "../src/features/scim/index.js";
import { createSession, issueToken } from "../src/features/sessions/index.js";
import { emitEvent, getTask } from "../src/features/tasks/index.js";
import { addStage, createWorkflow } from "../src/features/workflows/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { snapshot } from "./helpers/snapshot.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const PATCH = "urn:ietf:params:scim:api:messages:2.0:PatchOp";
const USER = "urn:ietf:params:scim:schemas:core:2.0:User";
const GROUP = "urn:ietf:params:scim:schemas:core:2.0:Group";
const ENTERPRISE = "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User";

for (const dialect of DIALECTS) {
  describe(`${dialect}: SCIM 2.0 provisioning`, () => {
    let t: TestStore;
    let api: TestApi;
    let tokenA: string;
    let tokenB: string;
    let orgA: string;
    let orgB: string;

    const scim = async (
      method: string,
      path: string,
      body?: unknown,
      options: { token?: string; org?: string; headers?: Record<string, string> } = {},
    ) => {
      const res = await fetch(`${api.url}/scim/v2/${options.org ?? orgA}${path}`, {
        method,
        headers: {
          authorization: `Bearer ${options.token ?? tokenA}`,
          ...(body === undefined ? {} : { "content-type": "application/scim+json" }),
          ...options.headers,
        },
        body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
      });
      const text = await res.text();
      return { status: res.status, headers: res.headers, text, body: (text ? JSON.parse(text) : undefined) as Json };
    };
    const check = async (userId: string, permission: string) => {
      const res = await fetch(`${api.url}/v1/check`, {
        method: "POST",
        headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
        body: JSON.stringify({ organization_id: orgA, user_id: userId, permission }),
      });
      return ((await res.json()) as { allowed: boolean }).allowed;
    };
    const audit = async (action: string) =>
      t.store.db
        .selectFrom("audit_events")
        .selectAll()
        .where("action", "=", action)
        .where("organization_id", "=", orgA)
        .execute();

    beforeAll(async () => {
      t = await openTestStore(dialect);
      orgA = (await createOrg(t.ctx, { name: "Acme", createdBy: undefined })).id;
      orgB = (await createOrg(t.ctx, { name: "Beta" })).id;
      await addMember(t.ctx, { organization: "acme", email: "owner@acme.test", roles: "org:admin" });
      await addMember(t.ctx, { organization: "beta", email: "secret-b@beta.test", roles: "org:admin" });
      await createPermission(t.ctx, { key: "org:deploys:approve" });
      await createRole(t.ctx, { name: "Tech Lead", organization: "acme", permissions: "org:deploys:approve" });
      await mapGroup(t.ctx, { organization: "acme", group: "Engineering Leads", role: "Tech Lead" });
      tokenA = (await createScimToken(t.ctx, { organization: "acme", name: "Okta" })).secret;
      tokenB = (await createScimToken(t.ctx, { organization: "beta", name: "Entra" })).secret;
      api = await startApi(t, { rateLimitPerMinute: 100_000 });
    });
    afterAll(async () => {
      await api.app.close();
      await t.close();
    });

    it("serves discovery: ServiceProviderConfig, ResourceTypes, Schemas as application/scim+json", async () => {
      const config = await scim("GET", "/ServiceProviderConfig");
      expect(config.status).toBe(200);
      expect(config.headers.get("content-type")).toMatch(/^application\/scim\+json/);
      expect(config.body).toMatchObject({
        patch: { supported: true },
        filter: { supported: true, maxResults: 1000 },
        etag: { supported: true },
      });
      const types = await scim("GET", "/ResourceTypes");
      expect(types.body.Resources.map((r: Json) => r.id)).toEqual(["User", "Group"]);
      const schemas = await scim("GET", "/Schemas");
      expect(schemas.body.Resources.map((r: Json) => r.id)).toEqual([USER, GROUP, ENTERPRISE]);
      // Each is also served alone, by its id; an unknown id is a SCIM 404.
      const user = await scim("GET", "/ResourceTypes/User");
      expect(user.status).toBe(200);
      expect(user.body).toMatchObject({ id: "User", endpoint: "/Users", schemaExtensions: [{ schema: ENTERPRISE }] });
      const enterprise = await scim("GET", `/Schemas/${ENTERPRISE}`);
      expect(enterprise.status).toBe(200);
      expect(enterprise.body.id).toBe(ENTERPRISE);
      expect(enterprise.body.attributes.map((a: Json) => a.name)).toContain("employeeNumber");
      const unknown = await scim("GET", "/ResourceTypes/Device");
      expect(unknown.status).toBe(404);
      expect(unknown.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "404" });
      expect((await scim("GET", "/Schemas/urn:example:nothing")).status).toBe(404);
    });

    it("runs Okta's test plan: create, get, filter by userName, update, deactivate (access cut at once), reactivate, group push", async () => {
      // Okta's create body, password and empty groups included.
      const created = await scim("POST", "/Users", {
        schemas: [USER],
        userName: "test.user@okta.local",
        name: { givenName: "Test", familyName: "User" },
        emails: [{ primary: true, value: "test.user@okta.local", type: "work" }],
        displayName: "Test User",
        locale: "en-US",
        externalId: "00ujl29u0le5T6Aj10h7",
        groups: [],
        password: "1mz050nq",
        active: true,
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      expect(created.body).toMatchObject({
        userName: "test.user@okta.local",
        active: true,
        externalId: "00ujl29u0le5T6Aj10h7",
        meta: { resourceType: "User", version: 'W/"1"' },
      });
      expect(created.body.password).toBeUndefined();
      expect(created.headers.get("location")).toMatch(new RegExp(`/scim/v2/${orgA}/Users/${id}$`));
      const userId = (
        await t.store.db
          .selectFrom("users")
          .select("id")
          .where("email_normalized", "=", "test.user@okta.local")
          .executeTakeFirstOrThrow()
      ).id;

      expect((await scim("GET", `/Users/${id}`)).body.name).toEqual({ givenName: "Test", familyName: "User" });
      const found = await scim(
        "GET",
        `/Users?filter=${encodeURIComponent('userName eq "TEST.user@okta.local"')}&startIndex=1&count=100`,
      );
      expect(found.body).toMatchObject({ totalResults: 1, startIndex: 1, itemsPerPage: 1, Resources: [{ id }] });
      const none = await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "nobody@okta.local"')}`);
      expect(none.body).toMatchObject({ totalResults: 0, Resources: [] });

      // Okta updates with PUT, the whole resource.
      const put = await scim("PUT", `/Users/${id}`, {
        ...created.body,
        name: { givenName: "Another", familyName: "User" },
      });
      expect(put.status).toBe(200);
      expect(put.body.name.givenName).toBe("Another");
      expect(put.body.meta.version).toBe('W/"2"');

      // Group push: the group's members get the mapped role, so the member may approve deploys.
      const group = await scim("POST", "/Groups", { schemas: [GROUP], displayName: "Engineering Leads", members: [] });
      expect(group.status).toBe(201);
      expect(await check(userId, "org:deploys:approve")).toBe(false);
      const added = await scim("PATCH", `/Groups/${group.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: "add", path: "members", value: [{ value: id, display: "test.user@okta.local" }] }],
      });
      expect(added.body.members.map((m: Json) => m.value)).toEqual([id]);
      expect(await check(userId, "org:deploys:approve")).toBe(true);
      const whoBefore = await fetch(`${api.url}/v1/organizations/${orgA}/who_can?permission=org:deploys:approve`, {
        headers: { authorization: `Bearer ${api.secret}` },
      });
      expect(await whoBefore.text()).toContain("test.user@okta.local");

      // A session token exists; deactivation revokes its session and checks deny in the next request.
      const session = await createSession(t.ctx, { user: userId, activeOrganization: orgA });
      await issueToken(t.ctx, { sessionId: session.id, organization: orgA });
      const off = await scim("PATCH", `/Users/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: "replace", value: { active: false } }],
      });
      expect(off.body.active).toBe(false);
      expect(await check(userId, "org:deploys:approve")).toBe(false);
      expect(await check(userId, "org:sys_memberships:read")).toBe(false);
      await expect(issueToken(t.ctx, { sessionId: session.id, organization: orgA })).rejects.toMatchObject({
        code: "session.not_active",
      });
      // A fresh session of the person (not revoked) still gets no token for the organization.
      const fresh = await createSession(t.ctx, { user: userId });
      await expect(issueToken(t.ctx, { sessionId: fresh.id, organization: orgA })).rejects.toMatchObject({
        code: "session.not_member",
      });
      const [event] = await audit("scim.user_deactivated");
      expect(event).toMatchObject({ actor_label: "Okta", target_label: "test.user@okta.local" });
      expect(JSON.parse(event!.after as string)).toMatchObject({ active: false, sessions_revoked: [session.id] });
      const who = await fetch(`${api.url}/v1/organizations/${orgA}/who_can?permission=org:deploys:approve`, {
        headers: { authorization: `Bearer ${api.secret}` },
      });
      expect(who.status).toBe(200);
      expect(await who.text()).not.toContain("test.user@okta.local");

      // Reactivated with the roles it had.
      const on = await scim("PATCH", `/Users/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: "replace", value: { active: true } }],
      });
      expect(on.body.active).toBe(true);
      expect(await check(userId, "org:deploys:approve")).toBe(true);

      // Removed from the group: the mapped role goes.
      const removed = await scim("PATCH", `/Groups/${group.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: "remove", path: `members[value eq "${id}"]` }],
      });
      expect(removed.body.members).toEqual([]);
      expect(await check(userId, "org:deploys:approve")).toBe(false);
      expect(await check(userId, "org:sys_memberships:read")).toBe(true);
      const renamed = await scim("PATCH", `/Groups/${group.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: "replace", value: { id: group.body.id, displayName: "Engineering Leads" } }],
      });
      expect(renamed.status).toBe(200);
    });

    it("takes Entra ID's bodies: string booleans, capitalised ops, member-remove path, replace without path, userName ≠ e-mail", async () => {
      const upn = "Test_User_ab6490ee-1e48-479e-a20b-2d77186b5dd1";
      const mail = "Test_User_fd0ea19b-0777-472c-9f96-4f70d2226f2e@testuser.com";
      const created = await scim("POST", "/Users", {
        schemas: [USER, ENTERPRISE],
        externalId: "0a21f0f2-8d2a-4f8e-bf98-7363c4aed4ef",
        userName: upn,
        active: true,
        emails: [{ primary: true, type: "work", value: mail }],
        meta: { resourceType: "User" },
        name: { formatted: "givenName familyName", familyName: "familyName", givenName: "givenName" },
        roles: [],
        [ENTERPRISE]: { department: "Tour Operations", employeeNumber: "701984" },
      });
      expect(created.status).toBe(201);
      const id = created.body.id as string;
      // The clerk user is the e-mail; Entra's matching query by userName still finds it, and so does one by e-mail.
      const user = await t.store.db
        .selectFrom("users")
        .select("id")
        .where("email_normalized", "=", mail.toLowerCase())
        .executeTakeFirstOrThrow();
      expect((await scim("GET", `/Users?filter=${encodeURIComponent(`userName eq "${upn}"`)}`)).body.totalResults).toBe(
        1,
      );
      expect(
        (await scim("GET", `/Users?filter=${encodeURIComponent(`emails[type eq "work"].value eq "${mail}"`)}`)).body
          .Resources[0].id,
      ).toBe(id);
      const ext = await scim("GET", `/Users/${id}?attributes=userName,${ENTERPRISE}:department`);
      expect(ext.body).toEqual({
        schemas: [USER, ENTERPRISE],
        id,
        userName: upn,
        [ENTERPRISE]: { department: "Tour Operations" },
        meta: expect.any(Object),
      });

      // Entra without aadOptscim062020: "Replace" with a path and "False" as a string; schema-qualified paths.
      const off = await scim("PATCH", `/Users/${id}`, {
        schemas: [PATCH],
        Operations: [
          { op: "Replace", path: "active", value: "False" },
          { op: "Add", path: `${ENTERPRISE}:manager`, value: "mgr-1" },
          { op: "replace", path: 'emails[type eq "work"].value', value: mail },
        ],
      });
      expect(off.status).toBe(200);
      expect(off.body).toMatchObject({ active: false, [ENTERPRISE]: { manager: { value: "mgr-1" } } });
      expect(await check(user.id, "org:sys_memberships:read")).toBe(false);
      // Replace without a path, "True" as a string.
      const on = await scim("PATCH", `/Users/${id}`, {
        schemas: [PATCH],
        Operations: [{ op: "Replace", value: { active: "True", displayName: "Renamed" } }],
      });
      expect(on.body).toMatchObject({ active: true, displayName: "Renamed" });
      expect(await check(user.id, "org:sys_memberships:read")).toBe(true);

      // Entra's group: members added with "Add", removed with path "members" and a value list (only those go).
      const other = await scim("POST", "/Users", { schemas: [USER], userName: "other@testuser.com", active: true });
      const group = await scim("POST", "/Groups", {
        schemas: [GROUP],
        externalId: "8aa1a0c0-c4c3-4bc0-b4a5-2ef676900159",
        displayName: "Group1DisplayName",
        meta: { resourceType: "Group" },
      });
      await scim("PATCH", `/Groups/${group.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: "Add", path: "members", value: [{ value: id }, { value: other.body.id }] }],
      });
      const after = await scim("PATCH", `/Groups/${group.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: "Remove", path: "members", value: [{ value: other.body.id }] }],
      });
      expect(after.body.members.map((m: Json) => m.value)).toEqual([id]);
      const listed = await scim(
        "GET",
        `/Groups?excludedAttributes=members&filter=${encodeURIComponent('displayName eq "Group1DisplayName"')}`,
      );
      expect(listed.body.Resources).toEqual([expect.not.objectContaining({ members: expect.anything() })]);
      expect((await scim("GET", `/Users/${id}`)).body.groups.map((g: Json) => g.display)).toEqual([
        "Group1DisplayName",
      ]);
    });

    it("deprovisioning hands the person's open tasks to another holder of the stage's role", async () => {
      const lead1 = await scim("POST", "/Users", { schemas: [USER], userName: "lead1@acme.test", active: true });
      const lead2 = await scim("POST", "/Users", { schemas: [USER], userName: "lead2@acme.test", active: true });
      await mapGroup(t.ctx, { organization: "acme", group: "Release Leads", role: "Tech Lead" });
      const pushed = await scim("POST", "/Groups", {
        schemas: [GROUP],
        displayName: "release leads",
        members: [{ value: lead1.body.id }, { value: lead2.body.id }],
      });
      expect(pushed.status).toBe(201);
      await createWorkflow(t.ctx, { organization: "acme", name: "Deploy", trigger: "event:deployment_requested" });
      await addStage(t.ctx, "deploy", { name: "Lead Review", requiresRole: "Tech Lead" });
      const emitted = await emitEvent(t.ctx, {
        organization: "acme",
        type: "deployment_requested",
        requester: "owner@acme.test",
        data: {},
      });
      const taskRow = await t.store.db
        .selectFrom("tasks")
        .selectAll()
        .where("run_id", "=", emitted.runs[0]!.id)
        .executeTakeFirstOrThrow();
      const holder = taskRow.assignee_id as string;
      const holderScim = (
        await t.store.db.selectFrom("scim_users").select("id").where("user_id", "=", holder).executeTakeFirstOrThrow()
      ).id;
      const gone = await scim("DELETE", `/Users/${holderScim}`);
      expect(gone.status).toBe(204);
      expect((await scim("GET", `/Users/${holderScim}`)).status).toBe(404);
      const task = await getTask(t.ctx, taskRow.id);
      expect(task.assignee).not.toBeNull();
      expect(task.assignee).not.toBe(
        (await t.store.db.selectFrom("users").select("email").where("id", "=", holder).executeTakeFirstOrThrow()).email,
      );
      expect(await audit("approval.reassigned")).toHaveLength(1);
    });

    it("adopts an existing member by e-mail, and refuses to deactivate the organization's last manager", async () => {
      const owner = await scim("POST", "/Users", { schemas: [USER], userName: "owner@acme.test", active: true });
      expect(owner.status).toBe(201);
      const [adopted] = (await audit("scim.user_created")).filter((e) => e.target_id === owner.body.id);
      expect(JSON.parse(adopted!.after as string)).toMatchObject({ adopted: true });
      const before = await snapshot(t.store);
      const off = await scim("PATCH", `/Users/${owner.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: "replace", path: "active", value: false }],
      });
      expect(off.body).toMatchObject({ status: "400", scimType: "mutability" });
      expect(await snapshot(t.store)).toEqual(before);
    });

    it("the person's clerk user takes the name and e-mail the IdP pushes, unless another organization holds them too", async () => {
      const userOf = async (id: string) =>
        t.store.db.selectFrom("users").select(["name", "email"]).where("id", "=", id).executeTakeFirstOrThrow();
      const created = await scim("POST", "/Users", {
        schemas: [USER],
        userName: "rita.r@acme.test",
        name: { givenName: "Rita", familyName: "Ray" },
        emails: [{ primary: true, value: "rita.r@acme.test", type: "work" }],
      });
      expect(created.status).toBe(201);
      const rows = await audit("scim.user_created");
      const userId = JSON.parse(rows.find((e) => e.target_id === created.body.id)!.after as string).user_id as string;
      expect(await userOf(userId)).toEqual({ name: "Rita Ray", email: "rita.r@acme.test" });
      // A marriage and a new address: Okta sends both in one PATCH, without a path.
      const renamed = await scim("PATCH", `/Users/${created.body.id}`, {
        schemas: [PATCH],
        Operations: [
          {
            op: "replace",
            value: {
              name: { givenName: "Rita", familyName: "Stone" },
              emails: [{ primary: true, value: "rita.stone@acme.test", type: "work" }],
            },
          },
        ],
      });
      expect(renamed.status).toBe(200);
      expect(await userOf(userId)).toEqual({ name: "Rita Stone", email: "rita.stone@acme.test" });
      const updates = await t.store.db
        .selectFrom("audit_events")
        .select("after")
        .where("action", "=", "user.updated")
        .where("target_id", "=", userId)
        .execute();
      expect(updates.map((u) => JSON.parse(u.after as string))).toContainEqual({
        name: "Rita Stone",
        email: "rita.stone@acme.test",
        source: "scim:acme",
      });
      // An address that is another user's is refused, and nothing moves.
      const before = await snapshot(t.store);
      const taken = await scim("PATCH", `/Users/${created.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: "replace", path: "emails", value: [{ primary: true, value: "owner@acme.test" }] }],
      });
      expect(taken.body).toMatchObject({ status: "409", scimType: "uniqueness" });
      expect(await snapshot(t.store)).toEqual(before);
      // B's admin, adopted into A by e-mail, is not A's to rename or re-address.
      const foreign = await scim("POST", "/Users", {
        schemas: [USER],
        userName: "secret-b@beta.test",
        name: { givenName: "Mallory", familyName: "Renamed" },
      });
      expect(foreign.status).toBe(201);
      await scim("PATCH", `/Users/${foreign.body.id}`, {
        schemas: [PATCH],
        Operations: [{ op: "replace", path: "emails", value: [{ primary: true, value: "mallory@acme.test" }] }],
      });
      const b = await t.store.db
        .selectFrom("users")
        .select(["name", "email"])
        .where("email", "=", "secret-b@beta.test")
        .executeTakeFirst();
      expect(b).toEqual({ name: null, email: "secret-b@beta.test" });
      await scim("DELETE", `/Users/${foreign.body.id}`);
    });

    it("ETags: If-Match with an old version is 412 and changes nothing", async () => {
      const u = await scim("POST", "/Users", { schemas: [USER], userName: "etag@acme.test" });
      const stale = await scim(
        "PUT",
        `/Users/${u.body.id}`,
        { schemas: [USER], userName: "etag2@acme.test" },
        { headers: { "if-match": 'W/"7"' } },
      );
      expect(stale.status).toBe(412);
      expect(stale.body).toMatchObject({ schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"], status: "412" });
      const ok = await scim(
        "PATCH",
        `/Users/${u.body.id}`,
        { schemas: [PATCH], Operations: [{ op: "add", path: "title", value: "Boss" }] },
        { headers: { "if-match": u.headers.get("etag")! } },
      );
      expect(ok.status).toBe(200);
      expect(ok.headers.get("etag")).toBe('W/"2"');
    });

    it("refuses bad requests with SCIM errors and writes nothing", async () => {
      const before = await snapshot(t.store);
      const cases: [string, string, unknown, number, string | undefined][] = [
        ["GET", `/Users?filter=${encodeURIComponent('userName eqq "x"')}`, undefined, 400, "invalidFilter"],
        ["GET", `/Users?filter=${encodeURIComponent("(userName eq")}`, undefined, 400, "invalidFilter"],
        ["POST", "/Users", { schemas: [USER], userName: "x@acme.test", shoeSize: 44 }, 400, "invalidValue"],
        ["POST", "/Users", { schemas: [USER], userName: "x@acme.test", active: "maybe" }, 400, "invalidValue"],
        ["POST", "/Users", { schemas: [USER], userName: "not-an-email" }, 400, "invalidValue"],
        ["POST", "/Users", { userName: "x@acme.test" }, 400, "invalidSyntax"],
        ["POST", "/Users", "{not json", 400, "invalidSyntax"],
        ["POST", "/Users", { schemas: [USER], userName: "test.user@okta.local" }, 409, "uniqueness"],
        [
          "POST",
          "/Groups",
          { schemas: [GROUP], displayName: "G", members: [{ value: "scimu_nope" }] },
          400,
          "invalidValue",
        ],
        [
          "PATCH",
          "/Users/scimu_nope",
          { schemas: [PATCH], Operations: [{ op: "replace", value: { active: false } }] },
          404,
          undefined,
        ],
        [
          "POST",
          "/Users",
          JSON.stringify({ schemas: [USER], userName: "big@acme.test", title: "x".repeat(1_100_000) }),
          413,
          undefined,
        ],
      ];
      for (const [method, path, body, status, scimType] of cases) {
        const res = await scim(method, path, body);
        expect({ path, body: res.body }).toMatchObject({
          body: {
            schemas: ["urn:ietf:params:scim:api:messages:2.0:Error"],
            status: String(status),
            ...(scimType ? { scimType } : {}),
          },
        });
        expect(res.body.detail).toEqual(expect.any(String));
      }
      const patchBad = (await scim("GET", `/Users?filter=${encodeURIComponent('userName eq "test.user@okta.local"')}`))
        .body.Resources[0].id;
      const badPath = await scim("PATCH", `/Users/${patchBad}`, {
        schemas: [PATCH],
        Operations: [{ op: "replace", path: "bogus", value: 1 }],
      });
      expect(badPath.body).toMatchObject({ status: "400", scimType: "invalidPath" });
      // count above maxResults is held to it.
      expect((await scim("GET", "/Users?count=5000")).body.itemsPerPage).toBeLessThanOrEqual(1000);
      expect(await snapshot(t.store)).toEqual(before);
    });

    it("a token works only on its own organization's endpoints, and never on /v1", async () => {
      expect((await scim("GET", "/ServiceProviderConfig", undefined, { org: "beta", token: tokenB })).status).toBe(200);
      const before = await snapshot(t.store);
      for (const [method, path] of [
        ["GET", "/Users"],
        ["POST", "/Users"],
        ["GET", "/Groups"],
        ["GET", "/ServiceProviderConfig"],
      ]) {
        const res = await scim(
          method!,
          path!,
          method === "POST" ? { schemas: [USER], userName: "intruder@acme.test" } : undefined,
          { org: orgB, token: tokenA },
        );
        expect(res.status).toBe(401);
        expect(res.text).not.toContain("secret-b");
        expect(res.text).not.toContain(orgB);
      }
      expect((await scim("GET", "/Users", undefined, { token: tokenB })).status).toBe(401);
      expect((await scim("GET", "/Users", undefined, { token: "scim_nope" })).status).toBe(401);
      const v1 = await fetch(`${api.url}/v1/organizations/${orgA}/memberships`, {
        headers: { authorization: `Bearer ${tokenA}` },
      });
      expect(v1.status).toBe(401);
      // B's own token sees B's directory only.
      const mine = await scim("GET", "/Users", undefined, { org: "beta", token: tokenB });
      expect(mine.body.totalResults).toBe(0);
      expect(await snapshot(t.store)).toEqual(before);
    });
  });
}
