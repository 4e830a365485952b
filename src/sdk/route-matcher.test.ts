// createRouteMatcher's patterns and tokenFromHeaders' header-then-cookie rule.
import { describe, expect, it } from "vitest";
import { ProtectError } from "./protect-error.js";
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

  // Regressions (issue 25 items 7 and 8): the whole path was decoded before matching, and read raw when that threw.
  it.each([
    { input: "/orgs/a%2Fb/settings", matches: true, why: "an encoded slash stays inside its segment" },
    { input: "/orgs/a%2fb/settings/", matches: true, why: "lowercase %2f, with a trailing slash" },
    { input: "/orgs/a%252Fb/settings", matches: true, why: "a double-encoded slash is decoded once" },
    { input: "/%2561dmin/users", matches: false, why: "double encoding is decoded once only" },
    { input: "/%41DMIN", matches: true, why: "an encoded capital" },
    { input: "//admin", matches: true, why: "a repeated leading slash" },
    { input: "/orgs//o1/settings", matches: true, why: "a repeated slash inside" },
    { input: "/public/../admin", matches: true, why: "a dot segment" },
    { input: "/public/%2e%2e/admin", matches: true, why: "an encoded dot segment" },
    { input: "/public/.%2E/admin/x", matches: true, why: "a half-encoded dot segment" },
    { input: "/./admin", matches: true, why: "a single dot segment" },
    { input: "/public\\..\\admin", matches: true, why: "backslashes, which URL parsing reads as slashes" },
    { input: "/a//../admin", matches: true, why: "a dot segment after an empty one, merged first" },
    { input: "/admin/../public", matches: true, why: "the path as sent, which Express routes on" },
    { input: "/public/..%2Fadmin", matches: false, why: "an encoded slash inside a dot-like segment" },
    { input: "/x?next=http://h/admin", matches: false, why: "a URL in the query" },
    { input: "https://h.test//admin", matches: true, why: "an absolute URL with a repeated slash" },
  ])("$input → $matches ($why)", ({ input, matches }) => {
    expect(isProtected(input)).toBe(matches);
  });

  it.each(["/%61dmin/users/42%C0", "/admin/%E0%A4%A", "/public/%ZZ", "/%"])(
    "refuses %s (not percent-encoded UTF-8) with a 400 ProtectError, never matching it raw",
    (input) => {
      let thrown: unknown;
      try {
        isProtected(input);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ProtectError);
      expect((thrown as ProtectError).status).toBe(400);
      expect((thrown as ProtectError).body).toEqual({
        errors: [{ code: "request_path_invalid", message: "The request path is not valid percent-encoded UTF-8." }],
      });
    },
  );

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
