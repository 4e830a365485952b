// A child process for test/crash.test.ts: commits numbered changes and acknowledges each on stdout.
import { systemClock } from "../../src/clock.js";
import { contextFor } from "../../src/context-builder.js";
import { addMember } from "../../src/features/members/index.js";
import { createOrg } from "../../src/features/orgs/index.js";
import { ensureInstance } from "../../src/features/roles/index.js";
import { openStore } from "../../src/store/index.js";

const [path, startArg] = process.argv.slice(2);
const store = await openStore(path);
const ctx = contextFor(store, { clock: systemClock, actor: { type: "operator", id: null, label: "crash-test" } });
await ensureInstance(ctx);
for (let i = Number(startArg); ; i++) {
  const org = await createOrg(ctx, { name: `Org ${i}` });
  await addMember(ctx, { organization: org.id, email: `m${i}@acme.com`, roles: "org:admin" });
  process.stdout.write(`${i}\n`);
}
