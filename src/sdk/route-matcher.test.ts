// createRouteMatcher's patterns and tokenFromHeaders' header-then-cookie rule.
import { describe, expect, it } from "vitest";
import { tokenFromHeaders } from "./request-token.js";
import { createRouteMatcher } from "./route-matcher.js";

describe("createRouteMatcher", () => {
  const isProtected = createRouteMatcher(["/admin(.*)", "/orgs/:id/settings", /^\/api\/v\d+\/private/]);
  it.each([
    { input: "/admin", matches: true },
    { input: "/admin/users/1", matches: true },
    { input: "/ADMIN/users", matches: true },
    { input: "/admin?tab=2", matches: true },
    { input: "/%61dmin/users", matches: true },
    { input: "http://localhost:3000/admin/x", matches: true },
    { input: "/administrator", matches: true },
    { input: "/public/admin", matches: false },
    { input: "/orgs/org_1/settings", matches: true },
    { input: "/orgs/org_1/settings/", matches: true },
    { input: "/orgs/org_1/x/settings", matches: false },
    { input: "/orgs/settings", matches: false },
    { input: "/api/v2/private/keys", matches: true },
    { input: "/api/vx/private", matches: false },
  ])("$input → $matches", ({ input, matches }) => {
    expect(isProtected(input)).toBe(matches);
  });

  it("reads originalUrl, then url, then path from a request", () => {
    expect(isProtected({ originalUrl: "/admin/x", url: "/x" })).toBe(true);
    expect(isProtected({ url: "/admin/x" })).toBe(true);
    expect(isProtected({ path: "/home" })).toBe(false);
  });

  it("escapes literal characters and refuses an unclosed group", () => {
    expect(createRouteMatcher("/a.b")("/axb")).toBe(false);
    expect(createRouteMatcher("/a.b")("/a.b")).toBe(true);
    expect(() => createRouteMatcher("/admin(.*")).toThrow(TypeError);
  });
});

describe("tokenFromHeaders", () => {
  it.each([
    { name: "a bearer header", authorization: "Bearer abc.def.ghi", cookie: undefined, token: "abc.def.ghi" },
    { name: "a lowercase scheme", authorization: "bearer abc.def.ghi", cookie: undefined, token: "abc.def.ghi" },
    {
      name: "the header over the cookie",
      authorization: "Bearer from.header.x",
      cookie: "__session=from.cookie.x",
      token: "from.header.x",
    },
    {
      name: "the __session cookie",
      authorization: undefined,
      cookie: "theme=dark; __session=c.o.k; other=1",
      token: "c.o.k",
    },
    { name: "a quoted cookie", authorization: undefined, cookie: '__session="c.o.k"', token: "c.o.k" },
    {
      name: "a cookie whose name only ends in __session",
      authorization: undefined,
      cookie: "x__session=c.o.k",
      token: null,
    },
    { name: "a Basic header", authorization: "Basic dXNlcjpwYXNz", cookie: undefined, token: null },
    { name: "a bearer header with two tokens", authorization: "Bearer a b", cookie: undefined, token: null },
    { name: "nothing", authorization: undefined, cookie: undefined, token: null },
    { name: "an empty cookie", authorization: undefined, cookie: "__session=", token: null },
  ])("$name", ({ authorization, cookie, token }) => {
    expect(tokenFromHeaders(authorization, cookie)).toBe(token);
  });
});
