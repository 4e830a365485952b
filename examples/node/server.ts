// node:http example: withAuth wraps the handler, passes the auth object, and answers protect()'s refusals. Run: npx tsx examples/node/server.ts
import { createServer } from "node:http";
import { createRouteMatcher, withAuth } from "clerk/sdk";
import { port, sdkOptions } from "../config.js";

const isAdmin = createRouteMatcher(["/admin(.*)"]);

const handler = withAuth(sdkOptions, (req, res, auth) => {
  const { pathname } = new URL(req.url ?? "/", "http://localhost");
  const json = (body: unknown) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(body));
  if (isAdmin(pathname)) auth.protect({ role: "org:admin" });

  if (pathname === "/me")
    return json({
      userId: auth.userId,
      orgId: auth.orgId,
      orgRoles: auth.orgRoles,
      orgPermissions: auth.orgPermissions,
      tokenError: auth.tokenError,
    });
  if (pathname === "/reports") {
    auth.protect({ permission: "org:reports:read" });
    return json({ reports: [], for: auth.orgSlug });
  }
  const repo = /^\/repos\/([^/]+)$/.exec(pathname);
  if (repo) {
    auth.protect({ permission: "org:code:read", resource: `repository:${repo[1]}` });
    return json({ repository: repo[1] });
  }
  if (pathname === "/admin/stats") return json({ admin: auth.userId });
  res.writeHead(404).end();
});

createServer(handler).listen(port, "127.0.0.1", () => console.log(`node:http example on http://127.0.0.1:${port}`));
