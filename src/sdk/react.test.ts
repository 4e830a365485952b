// ClerkProvider, useAuth and <Protect>, rendered to strings with react-dom/server.
import { createElement as h } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { generateTestKey, mintSessionToken } from "../../test/helpers/tokens.js";
import { ClerkProvider, Protect, decodeTokenUnverified, useAuth } from "./react.js";

const key = generateTestKey("ES256");
const org = {
  id: "org_1",
  slug: "eng",
  roles: ["org:reviewer", "org:developer"],
  permissions: ["org:pull_requests:approve"],
  scoped: { "org:code:read": ["repository:*-app"] },
};
const token = mintSessionToken(key, { now: Date.now(), userId: "user_ünï", org });

function Who() {
  const { isSignedIn, userId, orgSlug, orgRoles, has } = useAuth();
  return h(
    "p",
    null,
    `${isSignedIn ? userId : "anonymous"} ${orgSlug ?? "-"} ${orgRoles.join("+")} ${has({ permission: "org:pull_requests:approve" })}`,
  );
}

const render = (t: string | null | undefined, ...children: ReturnType<typeof h>[]) =>
  renderToString(h(ClerkProvider, { token: t }, ...children));

describe("clerk/react", () => {
  it("useAuth() gives the claims of the token (decoded, UTF-8 safe)", () => {
    expect(render(token, h(Who))).toBe("<p>user_ünï eng org:reviewer+org:developer true</p>");
  });

  it("is signed out without a token or with a malformed one", () => {
    expect(render(null, h(Who))).toBe("<p>anonymous -  false</p>");
    expect(render("not-a-jwt", h(Who))).toBe("<p>anonymous -  false</p>");
    expect(decodeTokenUnverified("a.bm90IGpzb24.c")).toBeNull();
  });

  it.each([
    { name: "a held role", props: { role: "developer" }, shown: true },
    { name: "a missing role", props: { role: "admin" }, shown: false },
    { name: "a held permission", props: { permission: "org:pull_requests:approve" }, shown: true },
    {
      name: "a scoped permission on a matching resource",
      props: { permission: "org:code:read", resource: "repository:web-app" },
      shown: true,
    },
    {
      name: "a scoped permission on another resource",
      props: { permission: "org:code:read", resource: "repository:partner" },
      shown: false,
    },
    { name: "no check (signed in is enough)", props: {}, shown: true },
    {
      name: "a condition",
      props: { condition: (has: (c: object) => boolean) => has({ role: "reviewer" }) },
      shown: true,
    },
  ])("<Protect> with $name", ({ props, shown }) => {
    expect(render(token, h(Protect, { ...props, fallback: "no" }, "yes"))).toBe(shown ? "yes" : "no");
  });

  it("<Protect> shows the fallback when signed out, even with no check", () => {
    expect(render(undefined, h(Protect, { fallback: "sign in" }, "secret"))).toBe("sign in");
  });

  it("useAuth() outside the provider is a wiring error", () => {
    expect(() => renderToString(h(Who))).toThrow(/ClerkProvider/);
  });
});
