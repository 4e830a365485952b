// Express example: clerkMiddleware sets req.auth; requireAuth and protect() guard routes. Run: npx tsx examples/express/server.ts
import express from "express";
import { clerkErrorHandler, clerkMiddleware, createRouteMatcher, requireAuth } from "clerk/sdk/express";
import { port, sdkOptions } from "../config.js";

const app = express();
const isAdmin = createRouteMatcher(["/admin(.*)"]);

app.use(clerkMiddleware(sdkOptions));
app.use((req, _res, next) => {
  if (isAdmin(req)) req.auth.protect({ role: "org:admin" });
  next();
});

app.get("/me", (req, res) => {
  const { userId, orgId, orgRoles, orgPermissions, tokenError } = req.auth;
  res.json({ userId, orgId, orgRoles, orgPermissions, tokenError });
});
app.get("/reports", requireAuth({ permission: "org:reports:read" }), (req, res) => {
  res.json({ reports: [], for: req.auth.orgSlug });
});
app.get(
  "/repos/:name",
  requireAuth((req) => ({ permission: "org:code:read", resource: `repository:${String(req.params.name)}` })),
  (req, res) => {
    res.json({ repository: req.params.name });
  },
);
app.get("/admin/stats", (req, res) => {
  res.json({ admin: req.auth.userId });
});
app.use(clerkErrorHandler());

app.listen(port, () => console.log(`express example on http://127.0.0.1:${port}`));
