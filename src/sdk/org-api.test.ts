// The pure parts of clerk/react's organization components: paging, Clerk's resource shapes, API errors, token
// refresh timing, theming and the after-select URL.
import { describe, expect, it } from "vitest";
import { ClerkApiError, createApi, errorOf, pageCountOf, pageQuery, refreshDelayMs, toMembership } from "./org-api.js";
import { afterSelectUrl } from "./org-components.js";
import { classOf, variablesStyle } from "./org-theme.js";

describe("clerk/react organization helpers", () => {
  it("turns Clerk's 1-based pages into limit and offset, and counts pages (one at least)", () => {
    expect(pageQuery(1, 10)).toBe("limit=10&offset=0");
    expect(pageQuery(3, 25)).toBe("limit=25&offset=50");
    expect(pageQuery(0, 10)).toBe("limit=10&offset=0");
    expect([pageCountOf(0, 10), pageCountOf(10, 10), pageCountOf(11, 10)]).toEqual([1, 1, 2]);
  });

  it("maps the API's membership to Clerk's camelCase resource", () => {
    const m = toMembership({
      id: "orgmem_1",
      role: "org:admin",
      role_name: "Admin",
      roles: ["org:admin", "org:developer"],
      permissions: ["org:sys_memberships:manage"],
      public_user_data: { user_id: "user_1", identifier: "ann@acme.com", first_name: "Ann", last_name: null },
      organization: { id: "org_1", name: "Acme", slug: "acme", created_at: 1000 },
      created_at: 2000,
    });
    expect(m).toMatchObject({
      role: "org:admin",
      roleName: "Admin",
      roles: ["org:admin", "org:developer"],
      publicUserData: { userId: "user_1", identifier: "ann@acme.com", firstName: "Ann", lastName: null },
      organization: { id: "org_1", name: "Acme", slug: "acme" },
    });
    expect(m.organization.createdAt.getTime()).toBe(1000);
  });

  it("reads the API's own words from an error answer, and says the status when there are none", () => {
    const e = errorOf(403, { errors: [{ code: "permission.denied", message: "no", long_message: "bob may not" }] });
    expect([e.status, e.code, e.message]).toEqual([403, "permission.denied", "bob may not"]);
    expect(errorOf(502, null).message).toBe("clerk answered 502");
  });

  it("sends the token as Bearer, or else the cookie with the CSRF header, and throws the API's refusal", async () => {
    const seen: { url: string; init: RequestInit }[] = [];
    const answer = (status: number, body: unknown) => new Response(JSON.stringify(body), { status });
    const fakeFetch = (async (url: string, init: RequestInit) => {
      seen.push({ url, init });
      return seen.length === 1 ? answer(200, { ok: 1 }) : answer(404, { errors: [{ long_message: "No such org" }] });
    }) as typeof fetch;
    let token: string | null = "a.b.c";
    const request = createApi({ clerkUrl: "https://clerk.test", token: () => token, fetch: fakeFetch });
    expect(await request("POST", "/v1/x", { a: 1 })).toEqual({ ok: 1 });
    expect(seen[0]?.init.headers).toEqual({ authorization: "Bearer a.b.c", "content-type": "application/json" });
    token = null;
    await expect(request("GET", "/v1/y")).rejects.toEqual(new ClerkApiError(404, "unknown", "No such org"));
    expect(seen[1]?.init).toMatchObject({ credentials: "include", headers: { "x-clerk-dashboard": "1" } });
    expect(seen[1]?.url).toBe("https://clerk.test/v1/y");
  });

  it("refreshes a token 10 s before it expires, or at half its life when it is shorter, never in the past", () => {
    expect(refreshDelayMs(1060, 1_000_000, 1000)).toBe(50_000);
    expect(refreshDelayMs(1010, 1_000_000, 1000)).toBe(5_000);
    expect(refreshDelayMs(1000, 1_005_000, 940)).toBe(0);
  });

  it("themes by CSS variables and cl- class names, with the app's classes from appearance.elements", () => {
    expect(variablesStyle({ colorPrimary: "#0a7", borderRadius: "0" })).toEqual({
      "--cl-color-primary": "#0a7",
      "--cl-border-radius": "0",
    });
    expect(variablesStyle(undefined)).toEqual({});
    expect(classOf({ elements: { organizationSwitcherTrigger: "mine" } }, "organizationSwitcherTrigger")).toBe(
      "cl-organizationSwitcherTrigger mine",
    );
    expect(classOf(undefined, "card")).toBe("cl-card");
  });

  it("fills :id and :slug in afterSelectOrganizationUrl, or calls it", () => {
    const org = toMembership({ organization: { id: "org_1", slug: "a b" } }).organization;
    expect(afterSelectUrl("/orgs/:slug/:id", org)).toBe("/orgs/a%20b/org_1");
    expect(afterSelectUrl((o) => `/x/${o.id}`, org)).toBe("/x/org_1");
    expect(afterSelectUrl(undefined, org)).toBeUndefined();
  });
});
