// Fastify example: clerkPlugin sets request.auth; requireAuth (a preHandler) and protect() guard routes. Run: npx tsx examples/fastify/server.ts
import Fastify from "fastify";
import { clerkErrorHandler, clerkPlugin, createRouteMatcher, requireAuth } from "clerk/sdk/fastify";
import { port, sdkOptions } from "../config.js";

const app = Fastify();
const isAdmin = createRouteMatcher(["/admin(.*)"]);

await app.register(clerkPlugin, sdkOptions);
app.setErrorHandler(clerkErrorHandler); // protect()'s refusals as the SDK's JSON body
app.addHook("preHandler", async (request) => {
  if (isAdmin(request.raw)) request.auth.protect({ role: "org:admin" });
});

app.get("/me", async (request) => {
  const { userId, orgId, orgRoles, orgPermissions, tokenError } = request.auth;
  return { userId, orgId, orgRoles, orgPermissions, tokenError };
});
app.get("/reports", { preHandler: requireAuth({ permission: "org:reports:read" }) }, async (request) => ({
  reports: [],
  for: request.auth.orgSlug,
}));
app.get<{ Params: { name: string } }>(
  "/repos/:name",
  {
    preHandler: requireAuth((request) => ({
      permission: "org:code:read",
      resource: `repository:${(request.params as { name: string }).name}`,
    })),
  },
  async (request) => ({ repository: request.params.name }),
);
app.get("/admin/stats", async (request) => ({ admin: request.auth.userId }));

await app.listen({ port, host: "127.0.0.1" });
console.log(`fastify example on http://127.0.0.1:${port}`);
