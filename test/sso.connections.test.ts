// Enterprise connections through Clerk's API shape: created, read, updated, deleted by an instance admin only,
// audited; domains one connection's each and never a public provider's; roles checked; the OIDC secret sealed.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { addDomain } from "../src/features/domains/index.js";
import { addMember } from "../src/features/members/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { createConnection } from "../src/features/sso/index.js";
import { MASTER_KEY_ENV } from "../src/secrets.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { testCert } from "./helpers/saml-idp.js";
import { DIALECTS, type TestStore, actingAs, openTestStore, refusedUnchanged } from "./helpers/store.js";

const CONFIG_DIR = mkdtempSync(join(tmpdir(), "clerk-sso-"));
process.env.CLERK_CONFIG_DIR = CONFIG_DIR;
delete process.env[MASTER_KEY_ENV];
afterAll(() => rmSync(CONFIG_DIR, { recursive: true, force: true }));

type Json = Record<string, unknown>;

for (const dialect of DIALECTS) {
  describe(`${dialect}: enterprise connections`, () => {
    let t: TestStore;
    let api: TestApi;
    let orgId: string;

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}/v1${path}`, {
        method,
        headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const saml = () => ({
      idp_entity_id: "http://www.okta.com/exk1",
      idp_sso_url: "https://acme.okta.com/app/acme/sso/saml",
      idp_certificate: testCert("idp").cert,
    });

    beforeEach(async () => {
      t = await openTestStore(dialect);
      api = await startApi(t);
      process.env.CLERK_PUBLIC_URL = "https://clerk.acme.test";
      orgId = (await createOrg(t.ctx, { name: "Acme" })).id;
      await addDomain(t.ctx, { organization: orgId, name: "acme.com" });
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
      delete process.env.CLERK_PUBLIC_URL;
    });

    it("creates a SAML connection in Clerk's shape, with what to give the IdP, active once complete, audited", async () => {
      const res = await call("POST", "/enterprise_connections", {
        name: "Acme Okta",
        provider: "saml_okta",
        organization_id: orgId,
        domains: ["Acme.com."],
        saml: saml(),
        role_mapping: { "eng-leads": "org:admin" },
      });
      // Created: 201, as Clerk's spec declares for POST /enterprise_connections.
      expect(res.status).toBe(201);
      const id = res.body.id as string;
      expect(res.body).toMatchObject({
        object: "enterprise_connection",
        provider: "saml_okta",
        active: true,
        domains: ["acme.com"],
        organization_id: orgId,
        default_role: "org:member",
        role_mapping: { "eng-leads": "org:admin" },
        oauth_config: null,
        saml_connection: {
          acs_url: `https://clerk.acme.test/sso/saml/${id}/acs`,
          sp_entity_id: `https://clerk.acme.test/sso/saml/${id}/metadata`,
          sp_metadata_url: `https://clerk.acme.test/sso/saml/${id}/metadata`,
          allow_idp_initiated: false,
        },
      });
      expect((await call("GET", `/enterprise_connections/${id}`)).body).toEqual(res.body);
      const listed = await call("GET", `/enterprise_connections?organization_id=${orgId}&active=true`);
      expect(listed.body).toMatchObject({ total_count: 1, data: [{ id }] });
      const metadata = await fetch(`${api.url}/sso/saml/${id}/metadata`);
      expect(metadata.status).toBe(200);
      expect(await metadata.text()).toContain(`Location="https://clerk.acme.test/sso/saml/${id}/acs"`);
      const events = await t.store.db
        .selectFrom("audit_events")
        .select("action")
        .where("action", "like", "sso.%")
        .execute();
      expect(events.map((e) => e.action)).toEqual(["sso.connection_created"]);
    });

    it("updates what is given, keeps the rest, and rotates certificates by listing both", async () => {
      const created = await createConnection(t.ctx, {
        name: "Acme",
        provider: "saml_custom",
        organization_id: orgId,
        domains: ["acme.com"],
        saml: saml(),
      });
      const res = await call("PATCH", `/enterprise_connections/${created.id}`, {
        saml: { idp_certificates: [testCert("idp").cert, testCert("rotated").cert] },
        sync_user_attributes: true,
        domains: [],
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: "Acme", domains: ["acme.com"], sync_user_attributes: true });
      expect((res.body.saml_connection as Json).idp_certificates).toHaveLength(2);
      const removed = await call("DELETE", `/enterprise_connections/${created.id}`);
      expect(removed.body).toEqual({ object: "enterprise_connection", id: created.id, deleted: true });
      expect((await call("GET", `/enterprise_connections/${created.id}`)).status).toBe(404);
    });

    it("seals the OIDC client secret: stored sealed, shown only as present", async () => {
      const res = await call("POST", "/enterprise_connections", {
        name: "Acme OIDC",
        provider: "oidc_custom",
        organization_id: orgId,
        domains: ["acme.com"],
        oidc: { discovery_url: "https://idp.acme.test", client_id: "clerk", client_secret: "s3cret-value" },
      });
      expect(res.status).toBe(201);
      expect(res.body.oauth_config).toMatchObject({ client_id: "clerk", has_client_secret: true, requires_pkce: true });
      expect(JSON.stringify(res.body)).not.toContain("s3cret-value");
      const row = await t.store.db.selectFrom("sso_connections").selectAll().executeTakeFirstOrThrow();
      expect(row.oidc_client_secret).not.toContain("s3cret-value");
      const audit = await t.store.db.selectFrom("audit_events").select("after").execute();
      expect(JSON.stringify(audit)).not.toContain("s3cret-value");
    });

    const REFUSED: { name: string; body: () => Json; code: string }[] = [
      {
        name: "a public e-mail provider's domain",
        body: () => ({ name: "x", provider: "saml_custom", organization_id: orgId, domains: ["gmail.com"] }),
        code: "sso.public_domain",
      },
      {
        name: "a role the organization does not have",
        body: () => ({
          name: "x",
          provider: "saml_custom",
          organization_id: orgId,
          domains: ["acme.com"],
          role_mapping: { admins: "org:nope" },
        }),
        code: "role.not_found",
      },
      {
        name: "an active SAML connection without its IdP settings",
        body: () => ({
          name: "x",
          provider: "saml_custom",
          organization_id: orgId,
          domains: ["acme.com"],
          active: true,
        }),
        code: "sso.invalid_connection",
      },
      {
        name: "an unreadable certificate",
        body: () => ({
          name: "x",
          provider: "saml_custom",
          organization_id: orgId,
          domains: ["acme.com"],
          saml: { ...saml(), idp_certificate: "not a certificate" },
        }),
        code: "sso.invalid_connection",
      },
      {
        name: "oidc settings on a SAML provider",
        body: () => ({
          name: "x",
          provider: "saml_custom",
          organization_id: orgId,
          domains: ["acme.com"],
          oidc: { client_id: "x" },
        }),
        code: "sso.invalid_connection",
      },
    ];
    for (const c of REFUSED) {
      it(`refuses ${c.name}, writing nothing`, async () => {
        await refusedUnchanged(t, () => createConnection(t.ctx, c.body() as never), c.code);
      });
    }

    it("activates a connection only for domains its organization verified, naming the one that is not", async () => {
      await addDomain(t.ctx, { organization: orgId, name: "acme.org", verified: false });
      const body = { name: "Acme", provider: "saml_okta", organization_id: orgId, domains: ["acme.com", "acme.org"] };
      // Complete but for an unverified domain: created, inactive.
      const created = await call("POST", "/enterprise_connections", { ...body, saml: saml() });
      expect(created.status).toBe(201);
      expect(created.body.active).toBe(false);
      const id = created.body.id as string;
      const refused = await call("PATCH", `/enterprise_connections/${id}`, { active: true });
      expect(refused.status).toBe(422);
      const error = (refused.body.errors as { code: string; message: string; meta: Json }[])[0];
      expect(error?.code).toBe("organization_domain_unverified");
      expect(error?.message).toMatch(/acme\.org is not a verified domain .*clerk org domain verify acme\.org/);
      expect((await call("GET", `/enterprise_connections/${id}`)).body.active).toBe(false);
      await addDomain(t.ctx, { organization: orgId, name: "acme.net", verified: false });
      await refusedUnchanged(
        t,
        () =>
          createConnection(t.ctx, { ...body, saml: saml(), name: "Net", domains: ["acme.net"], active: true } as never),
        "sso.domain_unverified",
      );
      await call("PATCH", `/organizations/${orgId}/domains/acme.org`, { verified: true });
      expect((await call("PATCH", `/enterprise_connections/${id}`, { active: true })).body.active).toBe(true);
    });

    it("gives a domain to one connection only", async () => {
      await createConnection(t.ctx, {
        name: "a",
        provider: "saml_custom",
        organization_id: orgId,
        domains: ["acme.com"],
      });
      const other = (await createOrg(t.ctx, { name: "Other" })).id;
      await refusedUnchanged(
        t,
        () =>
          createConnection(t.ctx, {
            name: "b",
            provider: "saml_custom",
            organization_id: other,
            domains: ["acme.com"],
          }),
        "sso.domain_taken",
      );
    });

    it("lets only an instance admin manage connections, never a member, even the organization's admin", async () => {
      await addMember(t.ctx, { organization: orgId, email: "boss@acme.com", roles: ["org:admin"] });
      const boss = await actingAs(t, "boss@acme.com");
      await refusedUnchanged(
        t,
        () =>
          createConnection(boss, { name: "a", provider: "saml_custom", organization_id: orgId, domains: ["acme.com"] }),
        "auth.instance_admin_required",
      );
    });
  });
}
