// The CLI's HTTP transport: the typed client against a live API, acting as a member, and the errors of a bad setup.
import { execFile } from "node:child_process";
import { createServer } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Api, localApi, remoteApi } from "../src/cli/api.js";
import { ClerkError } from "../src/errors.js";
import { accessOperations } from "../src/features/access/access.operations.js";
import { createKey } from "../src/features/keys/index.js";
import { memberOperations } from "../src/features/members/member.operations.js";
import { createOrganization } from "../src/features/members/index.js";
import { createRole } from "../src/features/roles/index.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { DIALECTS, type TestStore, openTestStore } from "./helpers/store.js";
import { childEnv } from "./helpers/cli.js";

const BIN = resolve("bin/clerk.js");
const run = promisify(execFile);

async function failure(p: Promise<unknown>): Promise<ClerkError> {
  try {
    await p;
  } catch (error) {
    if (error instanceof ClerkError) return error;
    throw error;
  }
  throw new Error("expected the call to fail");
}

for (const dialect of DIALECTS) {
  describe(`${dialect}: the CLI's remote transport`, () => {
    let t: TestStore;
    let api: TestApi;
    let remote: Api;

    beforeEach(async () => {
      t = await openTestStore(dialect);
      api = await startApi(t);
      remote = remoteApi({ url: api.url, secretKey: api.secret });
      await createOrganization(t.ctx, { name: "Engineering Team" });
      await createRole(t.ctx, { name: "Developer", organization: "engineering-team", permissions: "read:code" });
    });
    afterEach(async () => {
      await api.app.close();
      await t.close();
    });

    it("answers what the in-process transport answers, as the same JSON", async () => {
      const added = await remote.call(memberOperations.add, {
        params: { organization_id: "engineering-team" },
        body: { email_address: "alice@acme.com", role: "Developer" },
      });
      expect(added).toMatchObject({
        object: "organization_membership",
        role: "org:developer",
        role_names: ["Developer"],
        public_user_data: { identifier: "alice@acme.com" },
      });
      const local = localApi(t.ctx);
      const call = { params: { organization_id: "engineering-team" }, query: { order_by: "email_address" } };
      expect(await remote.call(memberOperations.list, call)).toEqual(await local.call(memberOperations.list, call));
      const check = {
        body: {
          organization_id: "engineering-team",
          user_id: "alice@acme.com",
          permission: "read:code",
          explain: true,
        },
      };
      expect(await remote.call(accessOperations.check, check)).toEqual(await local.call(accessOperations.check, check));
    });

    it("rebuilds the server's error, code, message and parameter, as local mode raises it", async () => {
      const local = localApi(t.ctx);
      const input = { params: { organization_id: "enginering-team" } };
      const [overHttp, inProcess] = [
        await failure(remote.call(memberOperations.list, input)),
        await failure(local.call(memberOperations.list, input)),
      ];
      expect(overHttp.code).toBe("org.not_found");
      expect({ code: overHttp.code, message: overHttp.message, param: overHttp.param }).toEqual({
        code: inProcess.code,
        message: inProcess.message,
        param: inProcess.param,
      });
      expect(overHttp.message).toMatch(/Did you mean "engineering-team"/);
    });

    it("acts as a member with an instance key (Clerk-Act-As), held to that member's permissions", async () => {
      await remote.call(memberOperations.add, {
        params: { organization_id: "engineering-team" },
        body: { email_address: "alice@acme.com", role: "Developer" },
      });
      const alice = remoteApi({ url: api.url, secretKey: api.secret, actAs: "alice@acme.com" });
      const refused = await failure(
        alice.call(memberOperations.add, {
          params: { organization_id: "engineering-team" },
          body: { email_address: "mallory@acme.com", role: "Developer" },
        }),
      );
      expect(refused.code).toBe("permission.denied");
      const members = await remote.call(memberOperations.list, { params: { organization_id: "engineering-team" } });
      expect(members.data.map((m) => m.public_user_data.identifier)).toEqual(["alice@acme.com"]);
      // Once she may manage members, what she does is hers in the audit log.
      await remote.call(memberOperations.update, {
        params: { organization_id: "engineering-team", user_id: "alice@acme.com" },
        body: { role: "org:admin,Developer" },
      });
      await alice.call(memberOperations.add, {
        params: { organization_id: "engineering-team" },
        body: { email_address: "mallory@acme.com", role: "Developer" },
      });
      const events = await t.store.db
        .selectFrom("audit_events")
        .select(["actor_type", "actor_label", "target_label"])
        .where("action", "=", "member.added")
        .execute();
      expect(events.find((e) => e.target_label === "mallory@acme.com")).toMatchObject({
        actor_type: "user",
        actor_label: "alice@acme.com",
      });
    });

    it("refuses Clerk-Act-As from an agent key, and for a user that does not exist", async () => {
      await remote.call(memberOperations.add, {
        params: { organization_id: "engineering-team" },
        body: { email_address: "bot@acme.com", role: "Developer", kind: "agent" },
      });
      const agentKey = (await createKey(t.ctx, { agent: "bot@acme.com" })).secret;
      const agent = remoteApi({ url: api.url, secretKey: agentKey, actAs: "alice@acme.com" });
      const refused = await failure(
        agent.call(memberOperations.list, { params: { organization_id: "engineering-team" } }),
      );
      expect(refused.code).toBe("auth.act_as_refused");
      const nobody = remoteApi({ url: api.url, secretKey: api.secret, actAs: "nobody@acme.com" });
      expect(
        (await failure(nobody.call(memberOperations.list, { params: { organization_id: "engineering-team" } }))).code,
      ).toBe("user.not_found");
    });

    it("says a wrong key is wrong", async () => {
      const wrong = remoteApi({ url: api.url, secretKey: "sk_live_00000000000000000000000000000000" });
      const e = await failure(wrong.call(memberOperations.list, { params: { organization_id: "engineering-team" } }));
      expect(e.code).toBe("auth.unauthenticated");
      expect(e.message).toMatch(/invalid or revoked/);
    });
  });
}

describe("the CLI in remote mode, set up wrongly", () => {
  const dir = mkdtempSync(join(tmpdir(), "clerk-remote-"));
  const clerk = async (env: Record<string, string>, ...args: string[]) => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv(dir, env) });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("says when nothing listens at CLERK_API_URL", async () => {
    // A port that was free a moment ago: connecting to it is refused.
    const probe = createServer();
    await new Promise<void>((done) => probe.listen(0, "127.0.0.1", done));
    const { port } = probe.address() as AddressInfo;
    await new Promise((done) => probe.close(done));
    const r = await clerk({ CLERK_API_URL: `http://127.0.0.1:${port}`, CLERK_SECRET_KEY: "sk_live_x" }, "org", "list");
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(`Could not reach clerk at http://127.0.0.1:${port} (ECONNREFUSED)`);
  });

  it.each([
    [{ CLERK_API_URL: "http://127.0.0.1:9" }, [], 2, /CLERK_SECRET_KEY is not/],
    [{ CLERK_API_URL: "127.0.0.1:3000", CLERK_SECRET_KEY: "sk_live_x" }, [], 2, /not an http\(s\) URL/],
    [
      { CLERK_API_URL: "http://127.0.0.1:9", CLERK_SECRET_KEY: "sk_live_x" },
      ["--database", "x.db"],
      2,
      /--database has no effect with CLERK_API_URL/,
    ],
  ])("%j %j exits %i with a message saying what to fix", async (env, extra, code, message) => {
    const r = await clerk(env as Record<string, string>, "org", "list", ...(extra as string[]));
    expect(r.code).toBe(code);
    expect(r.stderr).toMatch(message as RegExp);
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it("says when the URL answers with something that is not clerk", async () => {
    const other = createServer((_req, res) =>
      res.writeHead(200, { "content-type": "text/html" }).end("<html>hello</html>"),
    );
    await new Promise<void>((done) => other.listen(0, "127.0.0.1", done));
    const { port } = other.address() as AddressInfo;
    try {
      const r = await clerk(
        { CLERK_API_URL: `http://127.0.0.1:${port}`, CLERK_SECRET_KEY: "sk_live_x" },
        "org",
        "list",
      );
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(/not clerk's JSON/);
    } finally {
      other.close();
    }
  });
});
