// Hono example (on node:http): clerkMiddleware sets c.get("auth"); requireAuth and protect() guard routes. Run: npx tsx examples/hono/server.ts
import { createServer } from "node:http";
import { Hono } from "hono";
import { type ClerkVariables, clerkMiddleware, createRouteMatcher, requireAuth } from "clerk/sdk/hono";
import { port, sdkOptions } from "../config.js";

const app = new Hono<{ Variables: ClerkVariables }>();
const isAdmin = createRouteMatcher(["/admin(.*)"]);

app.use("*", clerkMiddleware(sdkOptions));
app.use("*", async (c, next) => {
  if (isAdmin(c.req)) c.get("auth").protect({ role: "org:admin" });
  await next();
});

app.get("/me", (c) => {
  const { userId, orgId, orgRoles, orgPermissions, tokenError } = c.get("auth");
  return c.json({ userId, orgId, orgRoles, orgPermissions, tokenError });
});
app.get("/reports", requireAuth({ permission: "org:reports:read" }), (c) =>
  c.json({ reports: [], for: c.get("auth").orgSlug }),
);
app.get(
  "/repos/:name",
  requireAuth((c) => ({ permission: "org:code:read", resource: `repository:${c.req.param("name")}` })),
  (c) => c.json({ repository: c.req.param("name") }),
);
app.get("/admin/stats", (c) => c.json({ admin: c.get("auth").userId }));

// Hono speaks fetch; a few lines bridge it to node:http (or use @hono/node-server).
createServer(async (req, res) => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) if (typeof value === "string") headers.set(name, value);
  const body = chunks.length > 0 ? Buffer.concat(chunks) : undefined;
  const response = await app.fetch(
    new Request(`http://${req.headers.host ?? "localhost"}${req.url ?? "/"}`, { method: req.method, headers, body }),
  );
  res.writeHead(response.status, Object.fromEntries(response.headers));
  res.end(Buffer.from(await response.arrayBuffer()));
}).listen(port, "127.0.0.1", () => console.log(`hono example on http://127.0.0.1:${port}`));
