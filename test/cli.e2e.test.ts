// The `clerk` CLI end to end: the seed walkthrough's commands, verbatim, on SQLite and PostgreSQL.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openStore } from "../src/store/index.js";
import { DIALECTS, freshLocation } from "./helpers/store.js";

const BIN = resolve("bin/clerk.js");
const run = promisify(execFile);

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(cwd: string, env: Record<string, string>) {
  return async (...args: string[]): Promise<Result> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: { ...process.env, ...env } });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };
}

const json = (r: Result) => JSON.parse(r.stdout) as Record<string, unknown> & Record<string, unknown>[];

for (const dialect of DIALECTS) {
  describe(`${dialect}: clerk CLI, seed walkthrough`, () => {
    let dir: string;
    let clerk: (...args: string[]) => Promise<Result>;
    let clerkNow: (...args: string[]) => Promise<Result>;
    let location: string;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "clerk-cli-"));
      const env: Record<string, string> = { CLERK_CLOCK: "2026-01-15T09:00:00Z" };
      location = dialect === "postgres" ? await freshLocation("postgres") : join(dir, ".clerk", "clerk.db");
      if (dialect === "postgres") env.CLERK_DATABASE_URL = location;
      clerk = cli(dir, env);
      clerkNow = cli(dir, { ...env, CLERK_CLOCK: "" });
    });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it("creates and inspects organizations, nested ones too", async () => {
      const created = await clerk("org", "create", "--name", "Engineering Team", "--description", "Software development and DevOps");
      expect(created.code).toBe(0);
      expect(json(created)).toMatchObject({ name: "Engineering Team", slug: "engineering-team" });
      const info = await clerk("org", "info", "--organization", "engineering-team");
      expect(json(info)).toMatchObject({ slug: "engineering-team", members_count: 0, workflows_count: 0 });
      expect((await clerk("org", "create", "--name", "ACME Engineering", "--description", "All engineering departments")).code).toBe(0);
      expect((await clerk("org", "create", "--name", "Frontend Guild", "--parent", "acme-engineering", "--description", "React and design system work")).code).toBe(0);
      expect(
        (await clerk("org", "create", "--name", "Platform Team", "--parent", "acme-engineering", "--description", "Infrastructure, CI/CD, and developer tooling")).code,
      ).toBe(0);
      const list = await clerk("org", "list", "--format", "table");
      expect(list.stdout).toMatch(/ACME Engineering[\s\S]*└ Frontend Guild[\s\S]*└ Platform Team[\s\S]*Engineering Team/);
    });

    it("answers a member added with a role that does not exist yet with the command that creates it", async () => {
      const r = await clerk("org", "member", "add", "--organization", "engineering-team", "--email", "alice@acme.com", "--role", "Developer");
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('clerk role create --name "Developer" --organization "engineering-team"');
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    });

    it("creates the seed's roles, with inheritance", async () => {
      const reviewer = await clerk(
        "role", "create", "--name", "Code Reviewer", "--organization", "engineering-team", "--permissions", "read:code,read:reviews,write:comments,approve:pull-requests",
      );
      expect(reviewer.code).toBe(0);
      expect(json(reviewer)).toMatchObject({ key: "org:code_reviewer" });
      const senior = await clerk(
        "role", "create", "--name", "Senior Reviewer", "--organization", "engineering-team", "--extends", "Code Reviewer", "--permissions", "write:rules,admin:workflows",
      );
      expect(json(senior)).toMatchObject({ extends: ["org:code_reviewer"] });
      for (const name of ["Developer", "DevOps Engineer", "External Contractor", "Documentation Writer"]) {
        expect((await clerk("role", "create", "--name", name, "--organization", "engineering-team")).code).toBe(0);
      }
      const table = await clerk("role", "list", "--organization", "engineering-team", "--format", "table");
      expect(table.stdout).toMatch(/Senior Reviewer\s+org:senior_reviewer\s+engineering-team\s+Code Reviewer/);
    });

    it("assigns scoped and expiring permissions as the seed writes them", async () => {
      const cases: string[][] = [
        ["--role", "Code Reviewer", "--permission", "read:code", "--scope", "repository:frontend-app,repository:backend-api"],
        ["--role", "Developer", "--permission", "read:code", "--scope", "repository:*-app"],
        ["--role", "DevOps Engineer", "--permission", "write:deployments", "--scope", "environment:staging"],
        ["--role", "External Contractor", "--permission", "read:code", "--scope", "repository:partner-project", "--expires", "2026-06-30"],
        ["--role", "Documentation Writer", "--permission", "write:code", "--scope", "path:docs/"],
      ];
      for (const args of cases) {
        const r = await clerk("permission", "assign", ...args);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
      }
      const contractor = json(await clerk("role", "show", "External Contractor"));
      expect(contractor.permissions).toEqual([{ permission: "org:code:read", scopes: ["repository:partner-project"], expires_at: Date.parse("2026-07-01T00:00:00Z") }]);
    });

    it("refuses an expiry that is already past by the real clock", async () => {
      const r = await clerkNow("permission", "assign", "--role", "External Contractor", "--permission", "read:code", "--expires", "2026-06-30");
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--expires "2026-06-30" is in the past/);
    });

    it("adds the seed's members and answers access checks with reasons and exit codes", async () => {
      expect((await clerk("org", "member", "add", "--organization", "engineering-team", "--email", "alice@acme.com", "--role", "Developer")).code).toBe(0);
      expect((await clerk("org", "member", "add", "--organization", "engineering-team", "--email", "bob@acme.com", "--role", "Code Reviewer")).code).toBe(0);
      const members = json(await clerk("org", "member", "list", "--organization", "engineering-team")) as unknown as { user: { email: string }; roles: string[] }[];
      expect(members.map((m) => [m.user.email, m.roles])).toEqual([
        ["alice@acme.com", ["org:developer"]],
        ["bob@acme.com", ["org:code_reviewer"]],
      ]);
      const allowed = await clerk("check", "--organization", "engineering-team", "--member", "alice@acme.com", "--permission", "read:code", "--resource", "repository:frontend-app");
      expect(allowed.code).toBe(0);
      expect(json(allowed)).toMatchObject({ allowed: true });
      const denied = await clerk("check", "--organization", "engineering-team", "--member", "alice@acme.com", "--permission", "read:code", "--resource", "repository:secrets");
      expect(denied.code).toBe(4);
      expect(json(denied)).toMatchObject({ allowed: false });
      const status = json(await clerk("status")) as unknown as Record<string, unknown>;
      expect(status.engine).toBe(dialect);
      const store = await openStore(location);
      const used = await store.db.selectFrom("permission_usage").selectAll().where("permission_key", "=", "org:code:read").execute();
      await store.close();
      expect(used.map((u) => u.count)).toEqual([1]);
      const who = json(await clerk("who-can", "--organization", "engineering-team", "--permission", "approve:pull-requests")) as unknown as { email: string }[];
      expect(who.map((w) => w.email)).toEqual(["bob@acme.com"]);
      const perms = json(await clerk("member", "permissions", "--organization", "engineering-team", "--email", "bob@acme.com")) as unknown as { permission: string }[];
      expect(perms.map((p) => p.permission)).toEqual(["org:code:read", "org:comments:write", "org:pull_requests:approve", "org:reviews:read"]);
    });

    it("remembers a default organization with org use", async () => {
      expect((await clerk("org", "use", "engineering-team")).code).toBe(0);
      const info = await clerk("org", "info");
      expect(json(info)).toMatchObject({ slug: "engineering-team", members_count: 2 });
    });

    it.each([
      [["org", "create", "--name", "Engineering Team"], 4, /already exists/],
      [["org", "info", "--organization", "enginering-team"], 3, /Did you mean "engineering-team"/],
      [["role", "create", "--name", "Bad", "--organization", "engineering-team", "--permissions", "org:Code:read"], 2, /not a permission/],
      [["permission", "assign", "--role", "Developer", "--permission", "read:code", "--scope", "path:docs/../secrets"], 2, /not a valid scope/],
      [["permission", "assign", "--role", "Developer", "--permission", "read:code", "--expires", "tomorrow-ish"], 2, /not a date/],
      [["role", "update", "--role", "Code Reviewer", "--organization", "engineering-team", "--extends", "Senior Reviewer"], 4, /cycle: Code Reviewer → Senior Reviewer → Code Reviewer/],
      [["role", "delete", "--role", "org:admin"], 4, /creator role/],
      [["org", "member", "add", "--organization", "engineering-team", "--email", "no-at-sign", "--role", "Developer"], 2, /e-mail/],
      [["org", "craete"], 2, /Did you mean create/],
      [["org", "create"], 2, /required option '--name <name>'/],
    ])("refuses %j with exit %i and a specific message", async (args, code, message) => {
      const before = await clerk("org", "list");
      const r = await clerk(...(args as string[]));
      expect(r.code).toBe(code);
      expect(r.stderr).toMatch(message as RegExp);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect((await clerk("org", "list")).stdout).toBe(before.stdout);
    });

    it("reports errors as JSON on stderr when --format json is asked for", async () => {
      const r = await clerk("org", "info", "--organization", "nope", "--format", "json");
      expect(r.code).toBe(3);
      expect(JSON.parse(r.stderr)).toMatchObject({ error: { code: "org.not_found", param: "organization" } });
    });

    it("keeps the last admin", async () => {
      expect((await clerk("org", "member", "add", "--organization", "platform-team", "--email", "ops@acme.com", "--role", "org:admin")).code).toBe(0);
      const r = await clerk("org", "member", "remove", "--organization", "platform-team", "--email", "ops@acme.com");
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/nobody who holds org:sys_memberships:manage/);
    });
  });
}
