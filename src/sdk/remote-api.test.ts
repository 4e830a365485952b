// The SDK's API calls against a real local server: permissions fetched once per token, POST /v1/check, failures.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { manualClock } from "../clock.js";
import { type TestServer, sendJson, startTestServer } from "../../test/helpers/tokens.js";
import { RemoteApiError, checkRemote, createPermissionCache, fetchMemberPermissions } from "./remote-api.js";
import type { SessionTokenPayload } from "./verify-token.js";

const T0 = Date.parse("2026-01-15T10:00:00Z");
const rows = [
  { permission: "org:code:read", scopes: ["repository:*-app"], expires_at: null, sources: ["role Developer"] },
];

describe("remote API", () => {
  let api: TestServer;
  beforeAll(async () => {
    api = await startTestServer((req, res) => {
      if (req.headers.authorization !== "Bearer sk_test")
        return sendJson(res, 401, { errors: [{ code: "authentication_invalid" }] });
      if (req.method === "GET" && req.url === "/v1/organizations/org_1/memberships/user_alice/permissions")
        return sendJson(res, 200, { data: rows, total_count: rows.length });
      if (req.method === "GET" && req.url?.includes("/memberships/user_odd/"))
        return sendJson(res, 200, { data: [{ permission: 1 }] });
      if (req.method === "POST" && req.url === "/v1/check") {
        const body = JSON.parse(req.body) as { permission: string; resource?: string };
        return sendJson(res, 200, {
          object: "check",
          allowed: body.permission === "org:code:read" && body.resource === "repository:web-app",
          reason: "because",
        });
      }
      sendJson(res, 404, {});
    });
  });
  afterAll(() => api.close());
  const options = () => ({ apiUrl: `${api.url}/`, secretKey: "sk_test" });

  it("fetches a member's effective permissions with the secret key", async () => {
    expect(await fetchMemberPermissions(options(), "org_1", "user_alice")).toEqual(rows);
    const last = api.requests.at(-1)!;
    expect(last.headers.authorization).toBe("Bearer sk_test");
  });

  it("checks remotely with the documented body", async () => {
    expect(
      await checkRemote(options(), {
        organizationId: "org_1",
        userId: "user_alice",
        permission: "org:code:read",
        resource: "repository:web-app",
      }),
    ).toEqual({ allowed: true, reason: "because" });
    expect(JSON.parse(api.requests.at(-1)!.body)).toEqual({
      organization_id: "org_1",
      user_id: "user_alice",
      permission: "org:code:read",
      resource: "repository:web-app",
    });
    expect(
      (await checkRemote(options(), { organizationId: "org_1", userId: "user_alice", permission: "org:code:write" }))
        .allowed,
    ).toBe(false);
  });

  it("passes a consistency token as at_least", async () => {
    await checkRemote(options(), {
      organizationId: "org_1",
      userId: "user_alice",
      permission: "org:code:read",
      atLeast: "org_1@7",
    });
    expect(JSON.parse(api.requests.at(-1)!.body)).toMatchObject({ organization_id: "org_1", at_least: "org_1@7" });
  });

  it("reports a refused key, a malformed answer and an unreachable server as RemoteApiError", async () => {
    await expect(
      fetchMemberPermissions({ ...options(), secretKey: "sk_wrong" }, "org_1", "user_alice"),
    ).rejects.toMatchObject({ name: "RemoteApiError", status: 401 });
    await expect(fetchMemberPermissions(options(), "org_1", "user_odd")).rejects.toBeInstanceOf(RemoteApiError);
    await expect(
      checkRemote(
        { apiUrl: "http://127.0.0.1:1", secretKey: "x" },
        { organizationId: "o", userId: "u", permission: "org:a:b" },
      ),
    ).rejects.toMatchObject({ status: null });
  });

  it("fetches once per token, shares concurrent fetches, and forgets the token at its exp", async () => {
    const clock = manualClock(T0);
    const cache = createPermissionCache(options(), clock);
    const token: SessionTokenPayload = {
      sub: "user_alice",
      sid: "sess_1",
      jti: "j1",
      iat: T0 / 1000,
      exp: T0 / 1000 + 60,
    };
    const before = api.requests.length;
    const answers = await Promise.all(Array.from({ length: 10 }, () => cache.get(token, "org_1")));
    expect(answers.every((a) => a === answers[0])).toBe(true);
    await cache.get(token, "org_1");
    expect(api.requests.length - before).toBe(1);
    await cache.get({ ...token, jti: "j2" }, "org_1");
    expect(api.requests.length - before).toBe(2);
    clock.advance(60_000);
    await cache.get(token, "org_1");
    expect(api.requests.length - before).toBe(3);
  });

  it("does not cache a failure", async () => {
    const cache = createPermissionCache({ ...options(), secretKey: "sk_wrong" }, manualClock(T0));
    const token: SessionTokenPayload = { sub: "user_alice", jti: "j3", exp: T0 / 1000 + 60 };
    const before = api.requests.length;
    await expect(cache.get(token, "org_1")).rejects.toBeInstanceOf(RemoteApiError);
    await expect(cache.get(token, "org_1")).rejects.toBeInstanceOf(RemoteApiError);
    expect(api.requests.length - before).toBe(2);
  });
});
