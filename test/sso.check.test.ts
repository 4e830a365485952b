// `clerk sso test` / POST /v1/enterprise_connections/{id}/test: a connection checked end to end without a browser
// against real IdPs on loopback (samlify's metadata, oidc-provider's discovery): certificates read and dated by the
// instance clock, the IdP's published certificates compared with those accepted (rotation), unreachable metadata,
// and what to give the IdP; the CLI prints it and exits 1 when a check fails.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { main } from "../src/cli/main.js";
import { addDomain } from "../src/features/domains/index.js";
import { createOrg } from "../src/features/orgs/index.js";
import { MASTER_KEY_ENV } from "../src/secrets.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { startOidcIdp } from "./helpers/oidc-idp.js";
import { type TestSamlIdp, startSamlIdp, testCert } from "./helpers/saml-idp.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";

const CONFIG_DIR = mkdtempSync(join(tmpdir(), "clerk-sso-check-"));
process.env.CLERK_CONFIG_DIR = CONFIG_DIR;
delete process.env[MASTER_KEY_ENV];
afterAll(() => rmSync(CONFIG_DIR, { recursive: true, force: true }));

type Json = Record<string, unknown>;
interface Check {
  check: string;
  status: string;
  message: string;
}

/** A loopback port nothing listens on (it was free a moment ago). */
async function deadUrl(): Promise<string> {
  const probe = createServer();
  await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
  const { port } = probe.address() as AddressInfo;
  await new Promise((done) => probe.close(done));
  return `http://127.0.0.1:${port}`;
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: checking an enterprise connection`, () => {
    let t: TestStore;
    let api: TestApi;
    let idp: TestSamlIdp;
    let orgId: string;

    const call = async (method: string, path: string, body?: unknown) => {
      const res = await fetch(`${api.url}${path}`, {
        method,
        headers: { authorization: `Bearer ${api.secret}`, "content-type": "application/json" },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      return { status: res.status, body: (await res.json()) as Json };
    };
    const check = async (id: string) => {
      const res = await call("POST", `/v1/enterprise_connections/${id}/test`);
      expect(res.status).toBe(200);
      return res.body as { ok: boolean; give_idp: Record<string, string>; checks: Check[] };
    };
    const problems = (checks: Check[]) => checks.filter((c) => c.status !== "ok");
    const saml = async (settings: Json, domain = "acme.com") => {
      const res = await call("POST", "/v1/enterprise_connections", {
        name: "Acme Okta",
        provider: "saml_okta",
        organization_id: orgId,
        domains: [domain],
        saml: {
          idp_entity_id: idp.entityId,
          idp_sso_url: idp.ssoUrl,
          idp_metadata_url: idp.metadataUrl,
          idp_certificates: [testCert("idp").cert],
          ...settings,
        },
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };

    beforeEach(async () => {
      t = await openTestStore(dialect);
      t.clock.set(Date.parse("2027-06-01T00:00:00Z"));
      api = await startApi(t);
      process.env.CLERK_PUBLIC_URL = api.url;
      idp = await startSamlIdp();
      orgId = (await createOrg(t.ctx, { name: "Acme" })).id;
      for (const name of ["acme.com", "acme.org"]) await addDomain(t.ctx, { organization: orgId, name });
    });

    afterEach(async () => {
      vi.restoreAllMocks();
      process.exitCode = 0;
      delete process.env.CLERK_API_URL;
      delete process.env.CLERK_SECRET_KEY;
      delete process.env.CLERK_PUBLIC_URL;
      await api.app.close();
      await idp.close();
      await t.close();
    });

    it("takes the entity id, sign-in URL and certificates from the IdP's metadata, by URL or as XML", async () => {
      const create = (samlSettings: Json, domain: string) =>
        call("POST", "/v1/enterprise_connections", {
          name: "Acme Okta",
          provider: "saml_okta",
          organization_id: orgId,
          domains: [domain],
          saml: samlSettings,
        });
      const expected = {
        idp_entity_id: idp.entityId,
        idp_sso_url: idp.ssoUrl,
        idp_certificate_count: 1,
      };
      const byUrl = await create({ idp_metadata_url: idp.metadataUrl }, "acme.com");
      expect(byUrl.status).toBe(201);
      const connection = (body: Json) => {
        const s = body.saml_connection as Json;
        return {
          idp_entity_id: s.idp_entity_id,
          idp_sso_url: s.idp_sso_url,
          idp_certificate_count: (s.idp_certificates as unknown[] | undefined)?.length,
        };
      };
      expect(connection(byUrl.body)).toEqual(expected);
      expect(byUrl.body.active).toBe(true);
      expect((await check(byUrl.body.id as string)).ok).toBe(true);

      const xml = await (await fetch(idp.metadataUrl)).text();
      const byXml = await create({ idp_metadata: xml, idp_sso_url: "https://idp.acme.com/sso" }, "acme.org");
      expect(byXml.status).toBe(201);
      // What the admin typed wins over the document.
      expect(connection(byXml.body)).toEqual({ ...expected, idp_sso_url: "https://idp.acme.com/sso" });
    });

    it("refuses metadata that cannot be read, is not SAML metadata or declares a DOCTYPE, creating nothing", async () => {
      const create = (samlSettings: Json) =>
        call("POST", "/v1/enterprise_connections", {
          name: "Acme Okta",
          provider: "saml_okta",
          organization_id: orgId,
          domains: ["acme.com"],
          saml: samlSettings,
        });
      const dead = await create({ idp_metadata_url: `${await deadUrl()}/metadata` });
      expect(dead.status).toBe(422);
      expect(JSON.stringify(dead.body)).toMatch(/saml.idp_metadata_url could not be read: fetch failed/);
      const html = await create({ idp_metadata: "<html><body>Sign in</body></html>" });
      expect(html.status).toBe(422);
      expect(JSON.stringify(html.body)).toContain("saml.idp_metadata: the document is not SAML 2.0 metadata");
      const xxe = await create({
        idp_metadata: '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]><x>&e;</x>',
      });
      expect(xxe.status).toBe(422);
      expect(JSON.stringify(xxe.body)).toContain("DOCTYPE");
      const list = await call("GET", "/v1/enterprise_connections");
      expect((list.body as { total_count: number }).total_count).toBe(0);
    });

    it("finds a SAML connection ready: its metadata read and matching, what to give the IdP", async () => {
      const id = await saml({});
      const report = await check(id);
      expect(problems(report.checks)).toEqual([]);
      expect(report.ok).toBe(true);
      expect(report.give_idp).toMatchObject({
        "ACS URL (reply URL)": `${api.url}/sso/saml/${id}/acs`,
        "SP entity id (audience)": `${api.url}/sso/saml/${id}/metadata`,
      });
      expect(report.checks.map((c) => c.check)).toEqual(["status", "domains", "settings", "certificate 1", "metadata"]);
      expect(report.checks[3]?.message).toMatch(/CN=clerk-test-idp .* valid until 2126-11-10/);
    });

    it("follows a rotation: the IdP's next certificate unaccepted is an error, the old one left over a warning", async () => {
      const id = await saml({});
      idp.published = ["idp", "rotated"];
      let report = await check(id);
      expect(report.ok).toBe(false);
      expect(problems(report.checks)).toEqual([
        {
          check: "rotation",
          status: "error",
          message: expect.stringMatching(/1 signing certificate\(s\) clerk does not accept/),
        },
      ]);
      await call("PATCH", `/v1/enterprise_connections/${id}`, {
        saml: { idp_certificates: [testCert("idp").cert, testCert("rotated").cert] },
      });
      expect((await check(id)).ok).toBe(true);
      idp.published = ["rotated"];
      report = await check(id);
      expect(report.ok).toBe(true);
      expect(problems(report.checks)).toEqual([
        {
          check: "rotation",
          status: "warning",
          message: expect.stringMatching(/no longer in the IdP's metadata; drop/),
        },
      ]);
    });

    it("dates certificates by the instance clock: not yet valid, expiring soon, expired", async () => {
      const id = await saml({});
      const certificate = async () => (await check(id)).checks.find((c) => c.check === "certificate 1");
      t.clock.set(Date.parse("2026-01-01T00:00:00Z"));
      expect(await certificate()).toMatchObject({
        status: "error",
        message: expect.stringMatching(/not valid before 2026-12-04/),
      });
      t.clock.set(Date.parse("2126-11-01T00:00:00Z"));
      expect(await certificate()).toMatchObject({
        status: "warning",
        message: expect.stringMatching(/expires on 2126-11-10; add the IdP's next certificate now/),
      });
      t.clock.set(Date.parse("2127-01-01T00:00:00Z"));
      expect(await certificate()).toMatchObject({
        status: "error",
        message: expect.stringMatching(/expired on 2126-11-10/),
      });
    });

    it("says when the metadata cannot be read, or names another IdP", async () => {
      const dead = await deadUrl();
      const unreachable = await saml({ idp_metadata_url: `${dead}/metadata` });
      expect(problems((await check(unreachable)).checks)).toEqual([
        { check: "metadata", status: "error", message: expect.stringMatching(/could not be read/) },
      ]);
      // Typed-in settings win over the document, which is kept for this comparison.
      const other = await saml(
        {
          idp_entity_id: "https://other-idp.example/entity",
          idp_metadata_url: null,
          idp_metadata: await (await fetch(idp.metadataUrl)).text(),
        },
        "acme.org",
      );
      expect(problems((await check(other)).checks)).toEqual([
        {
          check: "entity id",
          status: "error",
          message: expect.stringMatching(
            /names http:\/\/127\.0\.0\.1:\d+\/metadata, the connection expects https:\/\/other-idp/,
          ),
        },
      ]);
    });

    it("checks an OIDC connection's discovery and keys, and says when the provider is unreachable", async () => {
      const provider = await startOidcIdp();
      try {
        const created = await call("POST", "/v1/enterprise_connections", {
          name: "Acme OIDC",
          provider: "oidc_custom",
          organization_id: orgId,
          domains: ["acme.com"],
          oidc: { discovery_url: provider.issuer, client_id: provider.clientId, client_secret: provider.clientSecret },
        });
        const id = created.body.id as string;
        provider.register(`${api.url}/sso/oidc/${id}/callback`);
        const report = await check(id);
        expect(problems(report.checks)).toEqual([]);
        expect(report.give_idp).toEqual({
          "redirect URI": `${api.url}/sso/oidc/${id}/callback`,
          scopes: "openid email profile",
        });
        expect(report.checks.find((c) => c.check === "keys")?.message).toMatch(/^1 signing key\(s\) at /);
        await call("PATCH", `/v1/enterprise_connections/${id}`, { oidc: { discovery_url: await deadUrl() } });
        expect(problems((await check(id)).checks)).toEqual([
          {
            check: "discovery",
            status: "error",
            message: expect.stringMatching(/discovery document could not be read/),
          },
        ]);
      } finally {
        await provider.close();
      }
    });

    it("answers 404 for a connection that does not exist", async () => {
      const res = await call("POST", "/v1/enterprise_connections/ssoc_0000000000000000000000000000/test");
      expect(res.status).toBe(404);
    });

    it("clerk sso test prints what to give the IdP and each problem in words, and exits 1 on a failed check", async () => {
      const id = await saml({});
      idp.published = ["rotated"];
      process.env.CLERK_API_URL = api.url;
      process.env.CLERK_SECRET_KEY = api.secret;
      let out = "";
      vi.spyOn(process.stdout, "write").mockImplementation((chunk) => {
        out += String(chunk);
        return true;
      });
      await main(["sso", "test", id, "--format", "table"]);
      expect(process.exitCode).toBe(1);
      expect(out).toContain(`${id} (saml_okta): 1 problem\n`);
      expect(out).toContain(`  ACS URL (reply URL):     ${api.url}/sso/saml/${id}/acs\n`);
      expect(out).toMatch(/ {2}error {3}rotation: the IdP publishes 1 signing certificate\(s\) clerk does not accept/);
    });
  });
}
