// `clerk export`, `clerk plan -f`, `clerk apply` end to end in local mode: exit codes for CI (0 nothing to do,
// 2 changes), a directory of files, a saved plan applied once and refused when the store moved, NO_COLOR.
import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./helpers/cli.js";

const BIN = resolve("bin/clerk.js");
const run = promisify(execFile);

describe("clerk export / plan / apply (local mode, SQLite)", () => {
  let dir: string;
  const clerk = (...args: string[]) => clerkWith({}, ...args);
  const clerkWith = (env: Record<string, string>, ...args: string[]) =>
    run(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv(dir, { NO_COLOR: "1", ...env }) }).then(
      ({ stdout, stderr }) => ({ code: 0, stdout, stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "clerk-config-cli-"));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it("plans, applies from a saved plan, and converges", async () => {
    expect((await clerk("org", "create", "--name", "ACME Engineering")).code).toBe(0);
    const exported = await clerk("export");
    expect(exported.code).toBe(0);
    expect(exported.stdout).toMatch(/^# yaml-language-server: \$schema=\.\/clerk\.schema\.json\nversion: 1\n/);
    mkdirSync(join(dir, "access"));
    writeFileSync(join(dir, "access", "10-base.yaml"), exported.stdout);
    writeFileSync(
      join(dir, "access", "20-web.json"),
      JSON.stringify({
        version: 1,
        organizations: [
          {
            slug: "web",
            name: "Web",
            parent: "acme-engineering",
            roles: [{ key: "org:dev", name: "Dev", permissions: ["read:code"] }],
          },
        ],
      }),
    );
    expect((await clerk("plan", "-f", "access/10-base.yaml")).code).toBe(0);

    const plan = await clerk("plan", "-f", "access", "--out", "plan.json", "--format", "table");
    expect(plan.code).toBe(2);
    expect(plan.stdout).toContain("+ organization web");
    expect(plan.stdout).toContain("+ role org:dev (web)");
    expect(plan.stdout).toContain("Plan: 3 to create, 0 to update, 0 to delete.");
    expect(plan.stdout).not.toContain("\u001b[");
    expect(JSON.parse(readFileSync(join(dir, "plan.json"), "utf8")).plan.changes).toHaveLength(3);

    const applied = await clerk("apply", "--plan-file", "plan.json", "--format", "json");
    expect(applied.code).toBe(0);
    expect(JSON.parse(applied.stdout)).toMatchObject({ applied: true });
    expect((await clerk("plan", "-f", "access")).code).toBe(0);

    // The saved plan's base is gone now: applying it again is refused, and nothing changes.
    const again = await clerk("apply", "--plan-file", "plan.json");
    expect(again.code).toBe(4);
    expect(again.stderr).toContain("The store changed since the plan was made");
  });

  it("names the file, line and column of a malformed file", async () => {
    writeFileSync(join(dir, "bad.yaml"), "version: 1\norganizations:\n  - slug: Bad Slug\n    name: Bad\n");
    const bad = await clerk("plan", "-f", "bad.yaml");
    expect(bad.code).toBe(1); // not 2, which tells CI there are changes
    expect(bad.stderr).toMatch(/bad\.yaml:3:11: organizations\[0\]\.slug: must be lowercase/);
  });

  it("workflow drift made with the CLI shows in the next plan; a secret stays out of plan files", async () => {
    const org = ["--organization", "acme-engineering"];
    // The provider through its command (a new signing secret), the workflow through a file: fewer processes.
    expect(
      (
        await clerk(
          "notify",
          "configure",
          "--provider",
          "webhook",
          "--name",
          "ci",
          "--url",
          "https://127.0.0.1/hook",
          "--allow-insecure",
        )
      ).code,
    ).toBe(0);
    writeFileSync(
      join(dir, "setup.json"),
      JSON.stringify({
        version: 1,
        organizations: [
          {
            slug: "acme-engineering",
            name: "ACME Engineering",
            roles: [{ key: "org:code_reviewer", name: "Code Reviewer" }],
            workflows: [
              {
                name: "Pull Request Approval",
                trigger: "event:pull_request_opened",
                stages: [{ name: "Technical Review", requires_role: "org:code_reviewer", timeout: "24h" }],
                notifications: [{ on: "run:approved", channel: "webhook:ci", message: "Approved: {pr.title}" }],
              },
            ],
          },
        ],
      }),
    );
    expect((await clerk("apply", "-f", "setup.json")).code).toBe(0);
    const pr = ["--workflow", "pull-request-approval", ...org];
    const exported = await clerk("export", "--output", "all.yaml");
    expect(exported.code).toBe(0);
    const text = readFileSync(join(dir, "all.yaml"), "utf8");
    expect(text).toContain("url: ${env:WEBHOOK_CI_URL}");
    expect(text).not.toContain("127.0.0.1");
    const env = {
      WEBHOOK_CI_URL: "https://127.0.0.1/hook",
      WEBHOOK_CI_SIGNING_SECRET: "whsec_c2VjcmV0c2VjcmV0c2VjcmV0",
    };
    const missing = await clerk("plan", "-f", "all.yaml");
    expect(missing.code).toBe(1);
    const line = text.split("\n").findIndex((l) => l.includes("${env:WEBHOOK_CI_URL}")) + 1;
    expect(missing.stderr).toMatch(
      new RegExp(
        `all\\.yaml:${line}:\\d+: notification_providers\\[0\\]\\.url: \\$\\{env:WEBHOOK_CI_URL\\} is not set`,
      ),
    );

    expect(
      (await clerk("workflow", "stage", "update", ...pr, "--stage", "Technical Review", "--timeout", "12h")).code,
    ).toBe(0);
    const drift = await clerkWith(env, "plan", "-f", "all.yaml", "--format", "table", "--out", "back.json");
    expect(drift.code).toBe(2);
    expect(drift.stdout).toContain("~ workflow pull-request-approval (acme-engineering)");
    expect(drift.stdout).toContain('stages[Technical Review].timeout: "12h" → "24h"');
    // The generated signing secret differs from the environment's: a change, shown without either value.
    expect(drift.stdout).toContain('signing_secret: "(secret)" → "(secret, from the environment)"');
    const saved = readFileSync(join(dir, "back.json"), "utf8");
    expect(saved).not.toContain("whsec_c2Vj");
    expect(saved).not.toContain("127.0.0.1");
    expect((await clerkWith(env, "apply", "--plan-file", "back.json")).code).toBe(0);
    expect((await clerkWith(env, "plan", "-f", "all.yaml")).code).toBe(0);
  }, 90_000);

  it("prints the JSON Schema, with the new kinds for editors", async () => {
    const schema = await clerk("schema", "config");
    const parsed = JSON.parse(schema.stdout);
    expect(parsed).toMatchObject({ type: "object", required: ["version"] });
    expect(Object.keys(parsed.properties)).toEqual(
      expect.arrayContaining(["organizations", "notification_providers", "settings"]),
    );
    expect(schema.stdout).toContain("requires_role");
    expect(schema.stdout).toContain("escalate_to");
  });
});
