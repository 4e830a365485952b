// A server for bench/http.ts, run in its own process: `check` (clerk on a seeded SQLite file) or `hello` (bare Fastify).
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Fastify from "fastify";
import { systemClock } from "../../src/clock.js";
import { contextFor } from "../../src/context-builder.js";
import { createRuntime } from "../../src/context.js";
import { createKey } from "../../src/features/keys/index.js";
import { addMember } from "../../src/features/members/index.js";
import { createOrg } from "../../src/features/orgs/index.js";
import { createRole, ensureInstance } from "../../src/features/roles/index.js";
import { buildApp } from "../../src/http/app.js";
import { openStore } from "../../src/store/index.js";

const mode = process.argv[2];
if (mode === "hello") {
  const app = Fastify({ logger: false });
  app.post("/", async () => ({ hello: "world" }));
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  process.stdout.write(`${JSON.stringify({ url })}\n`);
} else {
  const store = await openStore(join(mkdtempSync(join(tmpdir(), "clerk-bench-")), "clerk.db"));
  const ctx = contextFor(store, { clock: systemClock, actor: { type: "operator", id: null, label: "bench" } });
  await ensureInstance(ctx);
  const org = await createOrg(ctx, { name: "Bench Org" });
  await createRole(ctx, { name: "Developer", organization: org.id, permissions: "read:code,write:code,read:reviews" });
  const member = await addMember(ctx, { organization: org.id, email: "dev@bench.test", roles: "Developer" });
  const { secret } = await createKey(ctx, { name: "bench" });
  const app = await buildApp({ store, clock: systemClock, runtime: createRuntime(), rateLimitPerMinute: 100_000_000 });
  const url = await app.listen({ port: 0, host: "127.0.0.1" });
  process.stdout.write(`${JSON.stringify({ url, secret, organizationId: org.id, userId: member.user.id })}\n`);
}

// A clean exit on SIGINT lets --cpu-prof write its profile when profiling the target by hand.
process.on("SIGINT", () => process.exit(0));
