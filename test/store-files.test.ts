// The SQLite store's files are private to clerk's user (directory 0700, database, WAL and SHM 0600), and
// `clerk health` (and its endpoint) warns an instance admin about a store or key file others can read.
import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { addMember, createOrganization } from "../src/features/members/index.js";
import { healthReport } from "../src/features/health/index.js";
import { MASTER_KEY_ENV, masterKey } from "../src/secrets.js";
import { type TestApi, startApi } from "./helpers/api.js";
import { type TestStore, actingAs, openTestStore } from "./helpers/store.js";

const root = mkdtempSync(join(tmpdir(), "clerk-store-files-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const modeOf = (path: string) => statSync(path).mode & 0o777;

describe.skipIf(process.platform === "win32")("sqlite: store files", () => {
  let t: TestStore;
  let dir: string;
  let database: string;
  const saved = { config: process.env.CLERK_CONFIG_DIR, key: process.env[MASTER_KEY_ENV] };
  beforeEach(async () => {
    dir = join(mkdtempSync(join(root, "case-")), "data");
    database = join(dir, "clerk.db");
    process.env.CLERK_CONFIG_DIR = join(dir, "..", "config");
    delete process.env[MASTER_KEY_ENV];
    t = await openTestStore("sqlite", database);
    await createOrganization(t.ctx, { name: "Eng" });
  });
  afterEach(async () => {
    await t.close();
    if (saved.config === undefined) delete process.env.CLERK_CONFIG_DIR;
    else process.env.CLERK_CONFIG_DIR = saved.config;
    if (saved.key !== undefined) process.env[MASTER_KEY_ENV] = saved.key;
  });

  it("creates the directory 0700 and the database, its WAL and its shared memory 0600", () => {
    expect(modeOf(dir).toString(8)).toBe("700");
    for (const file of [database, `${database}-wal`, `${database}-shm`])
      expect([file, modeOf(file).toString(8)]).toEqual([file, "600"]);
  });

  it("warns an instance admin, not a member, about store and key files others can read, with the fix", async () => {
    const fileSection = async () =>
      (await healthReport(t.ctx, "eng")).sections.find((s) => s.check === "store.file_permissions");
    expect(await fileSection()).toEqual({
      check: "store.file_permissions",
      title: "Store files readable by other users",
      available: true,
      findings: [],
    });
    masterKey(t.ctx);
    chmodSync(database, 0o644);
    chmodSync(`${database}-wal`, 0o640);
    chmodSync(join(dir, "master.key"), 0o604);
    const section = await fileSection();
    expect(section?.available && section.findings).toEqual([
      {
        check: "store.file_permissions",
        organization: "eng",
        path: database,
        mode: "0644",
        summary: `${database} (mode 0644) holds every organization's data and can be read by every user of this machine; only clerk's own user should.`,
        fix: [`chmod 600 ${database}`],
      },
      expect.objectContaining({ path: `${database}-wal`, mode: "0640", summary: expect.stringContaining("its group") }),
      expect.objectContaining({
        path: join(dir, "master.key"),
        summary: expect.stringContaining("the key that opens every stored secret"),
        fix: [`chmod 600 ${join(dir, "master.key")}`],
      }),
    ]);
    expect((await healthReport(t.ctx, "eng")).total_findings).toBeGreaterThanOrEqual(3);

    await addMember(t.ctx, { organization: "eng", email: "admin@acme.com", roles: "org:admin" });
    const member = await healthReport(await actingAs(t, "admin@acme.com"), "eng");
    expect(member.sections.map((s) => s.check)).not.toContain("store.file_permissions");
  });

  describe("over HTTP", () => {
    let api: TestApi;
    beforeEach(async () => {
      api = await startApi(t);
    });
    afterEach(async () => {
      await api.app.close();
    });

    it("GET /v1/organizations/:id/health lists a world-readable database file", async () => {
      chmodSync(database, 0o644);
      const res = await fetch(`${api.url}/v1/organizations/eng/health`, {
        headers: { authorization: `Bearer ${api.secret}` },
      });
      expect(res.status).toBe(200);
      const body = (await res.json()) as { sections: { check: string; findings: { path: string }[] }[] };
      expect(body.sections.find((s) => s.check === "store.file_permissions")?.findings).toEqual([
        expect.objectContaining({ path: database, mode: "0644", fix: [`chmod 600 ${database}`] }),
      ]);
    });
  });
});
