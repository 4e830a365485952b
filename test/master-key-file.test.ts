// The master key file rule: beside a SQLite database file, else in the config directory; two files are refused.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { manualClock } from "../src/clock.js";
import { contextFor } from "../src/context-builder.js";
import { MASTER_KEY_ENV, assertOneMasterKeyFile, masterKey, strayMasterKeyFile } from "../src/secrets.js";
import { openStore } from "../src/store/index.js";

const root = mkdtempSync(join(tmpdir(), "clerk-master-key-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const KEY = `${Buffer.alloc(32, 3).toString("base64")}\n`;
const put = (file: string) => {
  mkdirSync(join(file, ".."), { recursive: true });
  writeFileSync(file, KEY, { mode: 0o600 });
};

describe("master key file", () => {
  let dir: string;
  const saved = { config: process.env.CLERK_CONFIG_DIR, key: process.env[MASTER_KEY_ENV], cwd: process.cwd() };
  /** The config directory as a user without CLERK_CONFIG_DIR gets it: the .clerk/ of the working directory. */
  const implicitConfigDir = () => {
    delete process.env.CLERK_CONFIG_DIR;
    process.chdir(dir);
    return join(dir, ".clerk");
  };
  beforeEach(() => {
    dir = mkdtempSync(join(root, "case-"));
    process.env.CLERK_CONFIG_DIR = join(dir, "config");
    delete process.env[MASTER_KEY_ENV];
  });
  afterEach(() => {
    process.chdir(saved.cwd);
    if (saved.config === undefined) delete process.env.CLERK_CONFIG_DIR;
    else process.env.CLERK_CONFIG_DIR = saved.config;
    if (saved.key === undefined) delete process.env[MASTER_KEY_ENV];
    else process.env[MASTER_KEY_ENV] = saved.key;
  });

  it("accepts one key file, beside the database or in the config directory", () => {
    const database = join(dir, "data", "clerk.db");
    put(join(dir, "data", "master.key"));
    expect(strayMasterKeyFile(database)).toBeUndefined();
    expect(() => assertOneMasterKeyFile(database)).not.toThrow();
    put(join(dir, "config", "master.key"));
    expect(strayMasterKeyFile(":memory:")).toBeUndefined();
    expect(strayMasterKeyFile("postgres://clerk:***@db/clerk")).toBeUndefined();
  });

  it("refuses a second key file in the working directory's .clerk/, naming both paths", () => {
    const database = join(dir, "data", "clerk.db");
    put(join(dir, "data", "master.key"));
    put(join(implicitConfigDir(), "master.key"));
    expect(() => assertOneMasterKeyFile(database)).toThrow(
      expect.objectContaining({
        code: "secrets.master_key_conflict",
        message: expect.stringContaining(`${join(dir, "data", "master.key")} (beside the database`),
        details: { used: join(dir, "data", "master.key"), stray: join(dir, ".clerk", "master.key") },
      }),
    );
    // CLERK_MASTER_KEY makes both files unused: nothing to choose between.
    process.env[MASTER_KEY_ENV] = KEY.trim();
    expect(() => assertOneMasterKeyFile(database)).not.toThrow();
  });

  it("leaves alone the key in a CLERK_CONFIG_DIR the operator chose (PostgreSQL and in-memory stores keep theirs there)", () => {
    put(join(dir, "data", "master.key"));
    put(join(dir, "config", "master.key"));
    expect(strayMasterKeyFile(join(dir, "data", "clerk.db"))).toBeUndefined();
    expect(() => assertOneMasterKeyFile(join(dir, "data", "clerk.db"))).not.toThrow();
  });

  it("leaves alone the key of another store that lives in the config directory", () => {
    implicitConfigDir();
    put(join(dir, "data", "master.key"));
    put(join(dir, ".clerk", "master.key"));
    writeFileSync(join(dir, ".clerk", "clerk.db"), "");
    expect(strayMasterKeyFile(join(dir, "data", "clerk.db"))).toBeUndefined();
  });

  it("builds every context with the store's location, so the key file is the one beside the database", async () => {
    const database = join(dir, "data", "clerk.db");
    const store = await openStore(database);
    try {
      const ctx = contextFor(store, { clock: manualClock("2026-01-01T00:00:00.000Z") });
      expect(ctx.storeLocation).toBe(database);
      expect(masterKey(ctx)).toHaveLength(32);
      put(join(implicitConfigDir(), "master.key"));
      expect(() => contextFor(store, { clock: ctx.clock })).toThrow(/Two master key files/);
    } finally {
      await store.close();
    }
  });
});
