// The `clerk` CLI end to end: the seed walkthrough's commands, verbatim, on SQLite and PostgreSQL, in local
// mode and again in remote mode (CLERK_API_URL + CLERK_SECRET_KEY) against a live `clerk serve`.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openStore } from "../src/store/index.js";
import { DIALECTS, freshLocation } from "./helpers/store.js";
import { childEnv } from "./helpers/cli.js";

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
      const { stdout, stderr } = await run(process.execPath, [BIN, ...args], { cwd, env: childEnv(cwd, env) });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  };
}

/** Starts `clerk serve` on a free port in `cwd`; resolves with its URL and the first key it prints. */
function serve(cwd: string, env: Record<string, string>): Promise<{ child: ChildProcess; url: string; key: string }> {
  const child = spawn(process.execPath, [BIN, "serve", "--port", "0"], {
    cwd,
    env: childEnv(cwd, { ...env, CLERK_LOG_LEVEL: "warn" }),
    stdio: ["ignore", "ignore", "pipe"],
  });
  let err = "";
  return new Promise((done, fail) => {
    child.stderr?.on("data", (chunk: Buffer) => {
      err += chunk.toString();
      const url = /at (http:\/\/127\.0\.0\.1:\d+)/.exec(err)?.[1];
      const key = /(sk_live_[0-9A-Za-z]{32})/.exec(err)?.[1];
      if (url && key) done({ child, url, key });
    });
    child.once("exit", (code) => fail(new Error(`clerk serve exited with ${code}: ${err}`)));
  });
}

const json = (r: Result) => JSON.parse(r.stdout) as Record<string, unknown> & Record<string, unknown>[];

const TRANSPORTS = ["local", "remote"] as const;

for (const [dialect, transport] of DIALECTS.flatMap((d) => TRANSPORTS.map((t) => [d, t] as const))) {
  describe(`${dialect}, ${transport}: clerk CLI, seed walkthrough`, () => {
    let dir: string;
    let clerk: (...args: string[]) => Promise<Result>;
    let clerkNow: (...args: string[]) => Promise<Result>;
    let location: string;
    let server: ChildProcess | undefined;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), "clerk-cli-"));
      const env: Record<string, string> = { CLERK_CLOCK: "2026-01-15T09:00:00Z" };
      location = dialect === "postgres" ? await freshLocation("postgres") : join(dir, ".clerk", "clerk.db");
      if (dialect === "postgres") env.CLERK_DATABASE_URL = location;
      // The real clock's refusals are asked of the local CLI on the same store in both modes.
      clerkNow = cli(dir, { ...env, CLERK_CLOCK: "" });
      if (transport === "local") {
        clerk = cli(dir, env);
        return;
      }
      const started = await serve(dir, { ...env, CLERK_USAGE_FLUSH_SECONDS: "0.2" });
      server = started.child;
      clerk = cli(dir, { CLERK_API_URL: started.url, CLERK_SECRET_KEY: started.key });
    });
    afterAll(async () => {
      if (server && server.exitCode === null) {
        const exited = new Promise((done) => server?.once("exit", done));
        server.kill("SIGTERM");
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    });

    it("creates and inspects organizations, nested ones too", async () => {
      const created = await clerk(
        "org",
        "create",
        "--name",
        "Engineering Team",
        "--description",
        "Software development and DevOps",
      );
      expect(created.code).toBe(0);
      expect(json(created)).toMatchObject({ name: "Engineering Team", slug: "engineering-team" });
      const info = await clerk("org", "info", "--organization", "engineering-team");
      expect(json(info)).toMatchObject({ slug: "engineering-team", members_count: 0, workflows_count: 0 });
      expect(
        (await clerk("org", "create", "--name", "ACME Engineering", "--description", "All engineering departments"))
          .code,
      ).toBe(0);
      expect(
        (
          await clerk(
            "org",
            "create",
            "--name",
            "Frontend Guild",
            "--parent",
            "acme-engineering",
            "--description",
            "React and design system work",
          )
        ).code,
      ).toBe(0);
      expect(
        (
          await clerk(
            "org",
            "create",
            "--name",
            "Platform Team",
            "--parent",
            "acme-engineering",
            "--description",
            "Infrastructure, CI/CD, and developer tooling",
          )
        ).code,
      ).toBe(0);
      const list = await clerk("org", "list", "--format", "table");
      expect(list.stdout).toMatch(
        /ACME Engineering[\s\S]*└ Frontend Guild[\s\S]*└ Platform Team[\s\S]*Engineering Team/,
      );
    });

    it("answers a member added with a role that does not exist yet with the command that creates it", async () => {
      const r = await clerk(
        "org",
        "member",
        "add",
        "--organization",
        "engineering-team",
        "--email",
        "alice@acme.com",
        "--role",
        "Developer",
      );
      expect(r.code).toBe(3);
      expect(r.stderr).toContain('clerk role create --name "Developer" --organization "engineering-team"');
      expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
    });

    it("creates the seed's roles, with inheritance", async () => {
      const reviewer = await clerk(
        "role",
        "create",
        "--name",
        "Code Reviewer",
        "--organization",
        "engineering-team",
        "--permissions",
        "read:code,read:reviews,write:comments,approve:pull-requests",
      );
      expect(reviewer.code).toBe(0);
      expect(json(reviewer)).toMatchObject({ key: "org:code_reviewer" });
      const senior = await clerk(
        "role",
        "create",
        "--name",
        "Senior Reviewer",
        "--organization",
        "engineering-team",
        "--extends",
        "Code Reviewer",
        "--permissions",
        "write:rules,admin:workflows",
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
        [
          "--role",
          "Code Reviewer",
          "--permission",
          "read:code",
          "--scope",
          "repository:frontend-app,repository:backend-api",
        ],
        ["--role", "Developer", "--permission", "read:code", "--scope", "repository:*-app"],
        ["--role", "DevOps Engineer", "--permission", "write:deployments", "--scope", "environment:staging"],
        [
          "--role",
          "External Contractor",
          "--permission",
          "read:code",
          "--scope",
          "repository:partner-project",
          "--expires",
          "2026-06-30",
        ],
        ["--role", "Documentation Writer", "--permission", "write:code", "--scope", "path:docs/"],
      ];
      for (const args of cases) {
        const r = await clerk("permission", "assign", ...args);
        expect(r.stderr).toBe("");
        expect(r.code).toBe(0);
      }
      const contractor = json(await clerk("role", "show", "External Contractor"));
      expect(contractor.grants).toEqual([
        expect.objectContaining({
          object: "grant",
          permission: "org:code:read",
          scopes: ["repository:partner-project"],
          expires_at: Date.parse("2026-07-01T00:00:00Z"),
          role_id: contractor.id,
          membership_id: null,
        }),
      ]);
    });

    it("refuses an expiry that is already past by the real clock", async () => {
      const r = await clerkNow(
        "permission",
        "assign",
        "--role",
        "External Contractor",
        "--permission",
        "read:code",
        "--expires",
        "2026-06-30",
      );
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/--expires "2026-06-30" is in the past/);
    });

    it("adds the seed's members and answers access checks with reasons and exit codes", async () => {
      expect(
        (
          await clerk(
            "org",
            "member",
            "add",
            "--organization",
            "engineering-team",
            "--email",
            "alice@acme.com",
            "--role",
            "Developer",
          )
        ).code,
      ).toBe(0);
      expect(
        (
          await clerk(
            "org",
            "member",
            "add",
            "--organization",
            "engineering-team",
            "--email",
            "bob@acme.com",
            "--role",
            "Code Reviewer",
          )
        ).code,
      ).toBe(0);
      const members = json(await clerk("org", "member", "list", "--organization", "engineering-team")) as unknown as {
        public_user_data: { identifier: string };
        roles: string[];
      }[];
      expect(members.map((m) => [m.public_user_data.identifier, m.roles])).toEqual([
        ["alice@acme.com", ["org:developer"]],
        ["bob@acme.com", ["org:code_reviewer"]],
      ]);
      const allowed = await clerk(
        "check",
        "--organization",
        "engineering-team",
        "--member",
        "alice@acme.com",
        "--permission",
        "read:code",
        "--resource",
        "repository:frontend-app",
      );
      expect(allowed.code).toBe(0);
      expect(json(allowed)).toMatchObject({ allowed: true });
      const denied = await clerk(
        "check",
        "--organization",
        "engineering-team",
        "--member",
        "alice@acme.com",
        "--permission",
        "read:code",
        "--resource",
        "repository:secrets",
      );
      expect(denied.code).toBe(4);
      expect(json(denied)).toMatchObject({ allowed: false });
      const status = json(await clerk("status")) as unknown as Record<string, unknown>;
      expect(status.engine).toBe(dialect);
      // A server flushes its usage counters on a timer (0.2 s here); the local CLI flushes as it exits.
      await vi.waitFor(
        async () => {
          const store = await openStore(location);
          const used = await store.db
            .selectFrom("permission_usage")
            .selectAll()
            .where("permission_key", "=", "org:code:read")
            .execute();
          await store.close();
          expect(used.map((u) => u.count)).toEqual([1]);
        },
        { timeout: 5000, interval: 100 },
      );
      const who = json(
        await clerk("who-can", "--organization", "engineering-team", "--permission", "approve:pull-requests"),
      ) as unknown as { identifier: string }[];
      expect(who.map((w) => w.identifier)).toEqual(["bob@acme.com"]);
      const perms = json(
        await clerk("member", "permissions", "--organization", "engineering-team", "--email", "bob@acme.com"),
      ) as unknown as { permission: string }[];
      expect(perms.map((p) => p.permission)).toEqual([
        "org:code:read",
        "org:comments:write",
        "org:pull_requests:approve",
        "org:reviews:read",
      ]);
    });

    it("remembers a default organization with org use", async () => {
      expect((await clerk("org", "use", "engineering-team")).code).toBe(0);
      const info = await clerk("org", "info");
      expect(json(info)).toMatchObject({ slug: "engineering-team", members_count: 2 });
    });

    it.each([
      [["org", "create", "--name", "Engineering Team"], 4, /already exists/],
      [["org", "info", "--organization", "enginering-team"], 3, /Did you mean "engineering-team"/],
      [
        ["role", "create", "--name", "Bad", "--organization", "engineering-team", "--permissions", "org:Code:read"],
        2,
        /not a permission/,
      ],
      [
        ["permission", "assign", "--role", "Developer", "--permission", "read:code", "--scope", "path:docs/../secrets"],
        2,
        /not a valid scope/,
      ],
      [
        ["permission", "assign", "--role", "Developer", "--permission", "read:code", "--expires", "tomorrow-ish"],
        2,
        /not a date/,
      ],
      [
        [
          "role",
          "update",
          "--role",
          "Code Reviewer",
          "--organization",
          "engineering-team",
          "--extends",
          "Senior Reviewer",
        ],
        4,
        /cycle: Code Reviewer → Senior Reviewer → Code Reviewer/,
      ],
      [["role", "delete", "--role", "org:admin"], 4, /creator role/],
      [
        ["org", "member", "add", "--organization", "engineering-team", "--email", "no-at-sign", "--role", "Developer"],
        2,
        /e-mail/,
      ],
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

    it("nests and moves organizations, and lists them as a tree", { timeout: 60_000 }, async () => {
      const scratch = json(await clerk("org", "create", "--name", "Scratch Team", "--parent", "acme-engineering"));
      expect(scratch).toMatchObject({ object: "organization", slug: "scratch-team", inherit_ancestor_read: true });
      expect(scratch.parent_id).toBe(
        (json(await clerk("org", "info", "--organization", "acme-engineering")) as Record<string, unknown>).id,
      );
      const moved = await clerk(
        "org",
        "update",
        "--organization",
        "scratch-team",
        "--no-parent",
        "--description",
        "Temporary",
        "--inherit-read",
        "false",
      );
      expect(json(moved)).toMatchObject({
        slug: "scratch-team",
        parent_id: null,
        description: "Temporary",
        inherit_ancestor_read: false,
      });
      expect(
        (await clerk("org", "create", "--name", "Scratch Child", "--parent", "scratch-team", "--format", "table"))
          .stdout,
      ).toMatch(/^Created organization Scratch Child \(scratch-child, org_\w+\)\.\n$/);
      const tree = json(await clerk("org", "list")) as unknown as { slug: string; depth: number }[];
      expect(tree.filter((o) => o.slug.startsWith("scratch")).map((o) => [o.slug, o.depth])).toEqual([
        ["scratch-team", 0],
        ["scratch-child", 1],
      ]);
      expect(json(await clerk("org", "info", "--organization", "scratch-team"))).toMatchObject({
        parent: null,
        children: [{ slug: "scratch-child" }],
        members_count: 0,
        roles: [],
      });
    });

    it("invites and revokes, and keeps an organization's domains", { timeout: 60_000 }, async () => {
      const invited = await clerk(
        "org",
        "invitation",
        "create",
        "--organization",
        "scratch-team",
        "--email",
        "dana@acme.com",
        "--expires-in-days",
        "7",
        "--format",
        "table",
      );
      expect(invited.stdout).toMatch(
        /^Invited dana@acme\.com to scratch-team as Member until 2026-01-22T09:00:00\.000Z \(orginv_\w+\)\.\n$/,
      );
      expect(
        json(await clerk("org", "invitation", "revoke", "dana@acme.com", "--organization", "scratch-team")),
      ).toMatchObject({ object: "organization_invitation", email_address: "dana@acme.com", status: "revoked" });
      const invitations = json(
        await clerk("org", "invitation", "list", "--organization", "scratch-team", "--status", "pending,revoked"),
      ) as unknown as { email_address: string; status: string }[];
      expect(invitations.map((i) => [i.email_address, i.status])).toEqual([["dana@acme.com", "revoked"]]);

      expect(
        json(
          await clerk(
            "org",
            "domain",
            "add",
            "--organization",
            "scratch-team",
            "--name",
            "scratch.example.com",
            "--unverified",
          ),
        ),
      ).toMatchObject({ name: "scratch.example.com", verification: null });
      const verified = await clerk(
        "org",
        "domain",
        "update",
        "--organization",
        "scratch-team",
        "--domain",
        "scratch.example.com",
        "--verified",
        "true",
        "--format",
        "table",
      );
      expect(verified.stdout).toBe("Updated scratch.example.com (verified, manual_invitation).\n");
      expect(
        (
          json(await clerk("org", "domain", "list", "--organization", "scratch-team")) as unknown as { name: string }[]
        ).map((d) => d.name),
      ).toEqual(["scratch.example.com"]);
      expect(
        json(
          await clerk("org", "domain", "remove", "--organization", "scratch-team", "--domain", "scratch.example.com"),
        ),
      ).toMatchObject({ object: "organization_domain", id: expect.stringMatching(/^orgdmn_/), deleted: true });
      expect((await clerk("org", "domain", "list", "--organization", "scratch-team", "--format", "table")).stdout).toBe(
        "(none)\n",
      );
    });

    it(
      "creates, lists and revokes keys only as an instance admin, showing a secret once",
      { timeout: 60_000 },
      async () => {
        const created = json(await clerk("keys", "create", "--name", "CI")) as unknown as Record<string, unknown> & {
          id: string;
          key: string;
          secret: string;
        };
        expect(created.secret).toMatch(/^sk_live_[0-9A-Za-z]{32}$/);
        expect(created).toMatchObject({
          object: "api_key",
          kind: "instance",
          key: `${created.secret.slice(0, 12)}…${created.secret.slice(-4)}`,
          revoked_at: null,
        });
        const listed = json(await clerk("keys", "list")) as unknown as Record<string, unknown>[];
        // Listed as created, without the secret, which is never shown again.
        const { secret: _shownOnce, ...withoutSecret } = created;
        expect(listed.find((k) => k.id === created.id)).toEqual(withoutSecret);
        expect(
          (await clerk("org", "member", "add", "--organization", "scratch-team", "--email", "bot@acme.com", "--agent"))
            .code,
        ).toBe(0);
        expect(json(await clerk("keys", "create", "--agent", "bot@acme.com"))).toMatchObject({
          kind: "agent",
          name: "agent bot@acme.com",
        });
        for (const args of [
          ["keys", "list"],
          ["keys", "create", "--name", "mine"],
          ["keys", "revoke", created.key],
          ["status"],
        ]) {
          const refused = await clerk("--as", "bot@acme.com", ...args);
          expect(refused.code).toBe(4);
          expect(refused.stderr).toMatch(
            /^error: bot@acme\.com may not .*only an instance secret key or the local operator/,
          );
        }
        expect((await clerk("keys", "revoke", created.key, "--format", "table")).stdout).toBe(
          `Revoked ${created.key} (CI).\n`,
        );
        expect(
          (json(await clerk("keys", "list")) as unknown as { id: string; revoked_at: number | null }[]).find(
            (k) => k.id === created.id,
          )?.revoked_at,
        ).toBe(Date.parse("2026-01-15T09:00:00Z"));
      },
    );

    it(
      "deletes an organization with its children only when asked, forgetting it as the default",
      { timeout: 60_000 },
      async () => {
        expect((await clerk("org", "use", "scratch-child")).code).toBe(0);
        const refused = await clerk("org", "delete", "--organization", "scratch-team");
        expect([refused.code, refused.stderr]).toEqual([
          4,
          'error: Organization "scratch-team" has child organizations (scratch-child); delete them first or pass --recursive.\n',
        ]);
        const deleted = json(await clerk("org", "delete", "--organization", "scratch-team", "--recursive"));
        expect(deleted).toMatchObject({ object: "organization", id: expect.stringMatching(/^org_/), deleted: true });
        // Its child went with it.
        expect((await clerk("org", "info", "--organization", "scratch-child")).code).toBe(3);
        // The default organization went with it.
        expect((await clerk("org", "info")).code).toBe(2);
        expect((await clerk("org", "use", "engineering-team", "--format", "table")).stdout).toBe(
          "Default organization is now engineering-team.\n",
        );
      },
    );

    it("keeps the last admin", async () => {
      expect(
        (
          await clerk(
            "org",
            "member",
            "add",
            "--organization",
            "platform-team",
            "--email",
            "ops@acme.com",
            "--role",
            "org:admin",
          )
        ).code,
      ).toBe(0);
      const r = await clerk("org", "member", "remove", "--organization", "platform-team", "--email", "ops@acme.com");
      expect(r.code).toBe(4);
      expect(r.stderr).toMatch(/nobody who holds org:sys_memberships:manage/);
    });

    it("shows and sets the role defaults, and keeps instance-wide roles", async () => {
      expect((await clerk("role", "defaults", "--format", "table")).stdout).toBe(
        "Creator role: Admin (org:admin)\nDefault role: Member (org:member)\n",
      );
      expect(json(await clerk("role", "defaults", "--default-role", "org:member"))).toMatchObject({
        object: "role_defaults",
        creator_role: "org:admin",
        default_role: "org:member",
        default_role_name: "Member",
      });
      const auditor = await clerk(
        "role",
        "create",
        "--name",
        "Auditor",
        "--permissions",
        "read:audit",
        "--format",
        "table",
      );
      expect(auditor.stdout).toBe("Created role Auditor (org:auditor) with 1 permission(s).\n");
      expect(json(await clerk("role", "show", "Auditor"))).toMatchObject({
        key: "org:auditor",
        organization_id: null,
        extends: [],
        grants: [{ permission: "org:audit:read", scopes: [] }],
      });
      const shown = await clerk(
        "role",
        "show",
        "External Contractor",
        "--organization",
        "engineering-team",
        "--format",
        "table",
      );
      expect(shown.stdout).toMatch(
        /^Role: +External Contractor\nKey: +org:external_contractor\n[\s\S]*Permissions: org:code:read \[repository:partner-project\] \(until 2026-07-01T00:00:00.000Z\)\nCan do: +org:code:read \[repository:partner-project\] \(until 2026-07-01T00:00:00.000Z\)\n$/,
      );
    });

    it("re-assigns and revokes a role's permissions, saying what changed, and lists every role with its members", async () => {
      const regranted = await clerk(
        "permission",
        "assign",
        "--role",
        "Developer",
        "--organization",
        "engineering-team",
        "--permission",
        "read:code",
        "--scope",
        "repository:web-app",
        "--format",
        "table",
      );
      expect(regranted.stdout).toBe(
        "Changed Developer's org:code:read on repository:*-app to org:code:read on repository:web-app.\n",
      );
      const revoked = await clerk(
        "permission",
        "revoke",
        "--role",
        "Senior Reviewer",
        "--permission",
        "write:rules",
        "--format",
        "table",
      );
      expect(revoked.stdout).toBe("Revoked write:rules from Senior Reviewer.\n");
      const roles = json(await clerk("role", "list")) as unknown as {
        key: string;
        organization_slug: string | null;
        members_count: number;
        grants: { permission: string }[];
      }[];
      expect(roles.find((r) => r.key === "org:senior_reviewer")?.grants.map((g) => g.permission)).toEqual([
        "org:workflows:admin",
      ]);
      expect(
        roles.filter((r) => r.members_count > 0).map((r) => [r.key, r.organization_slug, r.members_count]),
      ).toEqual(
        expect.arrayContaining([
          ["org:developer", "engineering-team", 1],
          ["org:code_reviewer", "engineering-team", 1],
          ["org:admin", null, 1],
        ]),
      );
      expect((await clerk("role", "list", "--format", "table")).stdout).toMatch(
        /^Auditor +org:auditor +\(instance\) +org:audit:read +0$/m,
      );
    });

    it("keeps the permission catalogue: create, update, list in order, refuse deleting a granted one unless forced", async () => {
      expect(
        json(await clerk("permission", "create", "--key", "deploy:production", "--name", "Deploy to production")),
      ).toMatchObject({ object: "permission", key: "org:production:deploy", type: "custom" });
      expect(
        (
          await clerk(
            "permission",
            "update",
            "--permission",
            "org:production:deploy",
            "--description",
            "Ship to prod",
            "--format",
            "table",
          )
        ).stdout,
      ).toBe("Updated permission org:production:deploy.\n");
      const catalogue = json(await clerk("permission", "list")) as unknown as {
        key: string;
        type: string;
        description: string;
      }[];
      expect(catalogue.slice(0, 8).map((p) => p.type)).toEqual(Array(8).fill("system"));
      const custom = catalogue.slice(8).map((p) => p.key);
      expect(custom).toEqual([...custom].sort());
      expect(catalogue.find((p) => p.key === "org:production:deploy")?.description).toBe("Ship to prod");
      expect(
        (
          await clerk(
            "role",
            "update",
            "--role",
            "Auditor",
            "--add-permissions",
            "deploy:production",
            "--format",
            "table",
          )
        ).stdout,
      ).toBe("Updated role Auditor (org:auditor).\n");
      const held = await clerk("permission", "delete", "--permission", "deploy:production");
      expect(held.code).toBe(4);
      expect(held.stderr).toMatch(/still granted to role Auditor/);
      expect(json(await clerk("permission", "delete", "--permission", "deploy:production", "--force"))).toMatchObject({
        object: "permission",
        id: expect.stringMatching(/^perm_/),
        deleted: true,
      });
      const listed = json(await clerk("permission", "list")) as unknown as { key: string }[];
      expect(listed.map((p) => p.key)).not.toContain("org:production:deploy");
    });

    it("deletes an unused role", async () => {
      expect((await clerk("role", "delete", "--role", "Auditor", "--format", "table")).stdout).toBe(
        "Deleted role Auditor (org:auditor).\n",
      );
      expect((await clerk("role", "show", "Auditor")).code).toBe(3);
    });

    // Approval workflows: the seed's definitions, then one pull request's run through them.
    let prRun: string;
    let reviewTask: string;

    it("creates the seed's pull request workflow, warning of a file set that does not exist yet", async () => {
      const created = await clerk(
        "workflow",
        "create",
        "--name",
        "Pull Request Approval",
        "--organization",
        "engineering-team",
        "--trigger",
        "event:pull_requestopened",
      );
      expect(created.code).toBe(0);
      expect(json(created)).toMatchObject({
        object: "workflow",
        slug: "pull-request-approval",
        organization_slug: "engineering-team",
        trigger: "event:pull_requestopened",
        condition: null,
        status: "active",
        stages: [],
        warnings: [],
      });
      const review = await clerk(
        "workflow",
        "stage",
        "add",
        "--workflow",
        "pull-request-approval",
        "--name",
        "Technical Review",
        "--requires-role",
        "Code Reviewer",
        "--timeout",
        "24h",
      );
      expect(review.code).toBe(0);
      expect(json(review)).toMatchObject({
        stages: [
          {
            object: "workflow_stage",
            position: 1,
            name: "Technical Review",
            requires_role: "org:code_reviewer",
            role_exists: true,
            condition: null,
            timeout: "24h",
            approvals: 1,
            form: null,
            strategy: "round-robin",
            escalation: null,
          },
        ],
        warnings: [],
      });
      expect(
        (await clerk("role", "create", "--name", "Security Lead", "--organization", "engineering-team")).code,
      ).toBe(0);
      const security = await clerk(
        "workflow",
        "stage",
        "add",
        "--workflow",
        "pull-request-approval",
        "--name",
        "Security Approval",
        "--requires-role",
        "Security Lead",
        "--condition",
        "files:touched:security-sensitive",
      );
      expect(security.code).toBe(0);
      const w = json(security) as unknown as {
        stages: { name: string; requires_role: string; condition: string | null }[];
        warnings: string[];
      };
      expect(w.stages.map((s) => [s.name, s.requires_role, s.condition])).toEqual([
        ["Technical Review", "org:code_reviewer", null],
        ["Security Approval", "org:security_lead", "files:touched:security-sensitive"],
      ]);
      expect(w.warnings).toEqual([
        expect.stringMatching(
          /^File set "security-sensitive" does not exist yet; .*clerk fileset create security-sensitive --organization "engineering-team"/,
        ),
      ]);
    });

    it("creates the seed's production deploy gate, with a form and a conditional stage", async () => {
      for (const name of ["Tech Lead", "CISO"])
        expect((await clerk("role", "create", "--name", name, "--organization", "engineering-team")).code).toBe(0);
      const gate = await clerk(
        "workflow",
        "create",
        "--name",
        "Production Deploy Gate",
        "--organization",
        "engineering-team",
        "--trigger",
        "event:deployment_requested",
        "--condition",
        "environment:production",
      );
      expect(gate.code).toBe(0);
      expect(json(gate)).toMatchObject({
        slug: "production-deploy-gate",
        trigger: "event:deployment_requested",
        condition: "environment:production",
        stages: [],
      });
      const record = await clerk(
        "workflow",
        "stage",
        "add",
        "--workflow",
        "production-deploy-gate",
        "--name",
        "Change Record",
        "--requires-role",
        "Tech Lead",
        "--form",
        "change-request-template",
      );
      expect(record.code).toBe(0);
      const approval = await clerk(
        "workflow",
        "stage",
        "add",
        "--workflow",
        "production-deploy-gate",
        "--name",
        "Production Approval",
        "--requires-role",
        "CISO",
        "--condition",
        "estimated-impact:high",
      );
      expect(approval.code).toBe(0);
      expect(json(approval)).toMatchObject({
        stages: [
          {
            position: 1,
            name: "Change Record",
            requires_role: "org:tech_lead",
            form: "change-request-template",
            condition: null,
          },
          {
            position: 2,
            name: "Production Approval",
            requires_role: "org:ciso",
            form: null,
            condition: "estimated-impact:high",
          },
        ],
        warnings: [],
      });
      expect(json(await clerk("org", "info", "--organization", "engineering-team"))).toMatchObject({
        workflows_count: 2,
      });
    });

    it("sets how the Code Reviewer stages are assigned, the last strategy set winning", async () => {
      const roundRobin = await clerk(
        "workflow",
        "assign",
        "--workflow",
        "pull-request-approval",
        "--strategy",
        "round-robin",
        "--role",
        "Code Reviewer",
      );
      expect(roundRobin.code).toBe(0);
      expect((json(roundRobin).stages as { strategy: string }[]).map((s) => s.strategy)).toEqual([
        "round-robin",
        "round-robin",
      ]);
      const leastLoaded = await clerk(
        "workflow",
        "assign",
        "--workflow",
        "pull-request-approval",
        "--strategy",
        "least-loaded",
        "--role",
        "Code Reviewer",
      );
      expect(leastLoaded.code).toBe(0);
      // Only the stage that needs Code Reviewer changes; Security Approval keeps its strategy.
      expect(
        (json(leastLoaded).stages as { name: string; strategy: string }[]).map((s) => [s.name, s.strategy]),
      ).toEqual([
        ["Technical Review", "least-loaded"],
        ["Security Approval", "round-robin"],
      ]);
    });

    it("starts one run for a pull request event, assigning a reviewer other than the requester, and none for its redelivery", async () => {
      expect(
        (
          await clerk(
            "org",
            "member",
            "add",
            "--organization",
            "engineering-team",
            "--email",
            "carol@acme.com",
            "--role",
            "Code Reviewer",
          )
        ).code,
      ).toBe(0);
      const fileset = await clerk(
        "fileset",
        "create",
        "security-sensitive",
        "--organization",
        "engineering-team",
        "--paths",
        "src/auth/**,**/*.pem",
      );
      expect(fileset.code).toBe(0);
      expect(json(fileset)).toMatchObject({
        object: "file_set",
        name: "security-sensitive",
        patterns: ["src/auth/**", "**/*.pem"],
      });
      const emit = () =>
        clerk(
          "event",
          "emit",
          "--organization",
          "engineering-team",
          "--type",
          "pull_request_opened",
          "--requester",
          "alice@acme.com",
          "--idempotency-key",
          "pr-123",
          "--data",
          '{"pr":{"number":123,"title":"Fix login"},"files":["src/auth/session.ts"]}',
        );
      const first = await emit();
      expect(first.code).toBe(0);
      const event = json(first) as unknown as {
        object: string;
        subject: string;
        duplicate: boolean;
        runs: Record<string, unknown>[];
      };
      expect(event).toMatchObject({
        object: "event",
        type: "pull_request_opened",
        subject: "123",
        idempotency_key: "pr-123",
        duplicate: false,
      });
      expect(event.runs).toHaveLength(1);
      expect(event.runs[0]).toMatchObject({
        object: "workflow_run",
        workflow: { slug: "pull-request-approval" },
        status: "open",
        subject: "123",
        requester: "alice@acme.com",
        current_stage: "Technical Review",
        blocked: false,
        blocked_reason: null,
        // Least-loaded among bob and carol (alice requested it), ties broken by e-mail.
        stages: [
          {
            name: "Technical Review",
            status: "active",
            approvals_needed: 1,
            approvals: 0,
            tasks: [{ object: "task", status: "open", assignee: "bob@acme.com", assigned_via: "least-loaded" }],
          },
          { name: "Security Approval", status: "waiting", tasks: [] },
        ],
      });
      prRun = event.runs[0]?.id as string;
      reviewTask = (event.runs[0]?.stages as { tasks: { id: string }[] }[])[0]?.tasks[0]?.id as string;

      const again = await emit();
      expect(again.code).toBe(0);
      expect(json(again)).toMatchObject({ duplicate: true, runs: [{ id: prRun }] });
      const runs = json(await clerk("run", "list", "--workflow", "pull-request-approval")) as unknown as {
        id: string;
      }[];
      expect(runs.map((r) => r.id)).toEqual([prRun]);
    });

    it("assigns the pull request's review by hand, and lists it as the reviewer's", async () => {
      const assigned = await clerk(
        "task",
        "assign",
        "--workflow",
        "pull-request-approval",
        "--reviewer",
        "carol@acme.com",
        "--pull-request",
        "123",
      );
      expect(assigned.code).toBe(0);
      expect(json(assigned)).toMatchObject({
        object: "task",
        id: reviewTask,
        run_id: prRun,
        stage: "Technical Review",
        subject: "123",
        assignee: "carol@acme.com",
        assigned_via: "manual",
        status: "open",
      });
      const mine = await clerk("task", "list", "--mine", "--as", "carol@acme.com");
      expect(mine.code).toBe(0);
      expect(
        (json(mine) as unknown as { id: string; workflow: { slug: string }; assignee: string }[]).map((t) => [
          t.id,
          t.workflow.slug,
          t.assignee,
        ]),
      ).toEqual([[reviewTask, "pull-request-approval", "carol@acme.com"]]);
      expect(json(await clerk("task", "list", "--mine", "--as", "bob@acme.com"))).toEqual([]);
    });

    it("refuses the requester approving their own run, even holding the stage's role", async () => {
      // alice now holds Code Reviewer too, so only the self-approval rule stands in her way.
      expect(
        (
          await clerk(
            "org",
            "member",
            "update",
            "--organization",
            "engineering-team",
            "--email",
            "alice@acme.com",
            "--role",
            "Developer,Code Reviewer",
          )
        ).code,
      ).toBe(0);
      const r = await clerk("task", "approve", reviewTask, "--as", "alice@acme.com");
      expect(r.code).toBe(4);
      expect(r.stderr).toBe(
        `error: alice@acme.com requested run ${prRun} and cannot approve it; another reviewer must.\n`,
      );
      const run = json(await clerk("run", "show", prRun)) as unknown as {
        status: string;
        current_stage: string;
        stages: { approvals: number; tasks: { status: string }[] }[];
      };
      expect([
        run.status,
        run.current_stage,
        run.stages[0]?.approvals,
        run.stages[0]?.tasks.map((t) => t.status),
      ]).toEqual(["open", "Technical Review", 0, ["open"]]);
    });

    it("approves as the assignee, moving the run to Security Approval, blocked for want of a Security Lead", async () => {
      const approved = await clerk("task", "approve", reviewTask, "--comment", "LGTM", "--as", "carol@acme.com");
      expect(approved.code).toBe(0);
      expect(json(approved)).toMatchObject({
        id: reviewTask,
        status: "approved",
        decided_by: "carol@acme.com",
        comment: "LGTM",
        decided_at: Date.parse("2026-01-15T09:00:00Z"),
        run: { id: prRun, current_stage: "Security Approval" },
      });
      const shown = await clerk("run", "show", prRun);
      expect(shown.code).toBe(0);
      const run = json(shown) as unknown as {
        blocked: boolean;
        blocked_reason: string;
        status: string;
        stages: { name: string; status: string; note: string | null; tasks: { assignee: string | null }[] }[];
      };
      expect(run).toMatchObject({ status: "open", blocked: true });
      expect(run.blocked_reason).toMatch(
        /no eligible reviewer for stage "Security Approval" \(it needs a member holding org:security_lead other than the requester\)/,
      );
      // The event touched src/auth/session.ts, which the file set security-sensitive matches.
      expect(run.stages.map((s) => [s.name, s.status, s.note, s.tasks.map((t) => t.assignee)])).toEqual([
        ["Technical Review", "approved", null, ["carol@acme.com"]],
        ["Security Approval", "active", null, [null]],
      ]);
      const again = await clerk("task", "approve", reviewTask, "--as", "bob@acme.com");
      expect(again.code).toBe(4);
      expect(again.stderr).toMatch(
        /was already approved by carol@acme\.com at 2026-01-15T09:00:00\.000Z; a decision is final/,
      );
    });

    it("lists the blocked run in the health report, with the fix", async () => {
      const health = await clerk("health", "--organization", "engineering-team");
      expect(health.code).toBe(0);
      const sections = (
        json(health) as unknown as {
          sections: { check: string; available: boolean; findings?: Record<string, unknown>[] }[];
        }
      ).sections;
      const blocked = sections.find((s) => s.check === "workflow.blocked");
      expect(blocked?.available).toBe(true);
      expect(blocked?.findings).toEqual([
        expect.objectContaining({
          check: "workflow.blocked",
          organization: "engineering-team",
          run: prRun,
          workflow: "pull-request-approval",
          stage: "Security Approval",
          fix: expect.arrayContaining([
            `clerk task assign --run ${prRun} --reviewer <member holding org:security_lead>`,
          ]),
        }),
      ]);
    });

    it("sets the seed's escalation, and counts the workflow's figures for 30 days", async () => {
      const escalation = await clerk(
        "workflow",
        "escalation",
        "set",
        "--workflow",
        "pull-request-approval",
        "--stage",
        "Technical Review",
        "--after",
        "48h",
        "--escalate-to",
        "Senior Reviewer",
        "--notify",
        "tech-lead@acme.com",
      );
      expect(escalation.code).toBe(0);
      expect(
        (json(escalation).stages as { name: string; escalation: unknown }[]).map((s) => [s.name, s.escalation]),
      ).toEqual([
        ["Technical Review", { after: "48h", escalate_to: "org:senior_reviewer", notify: "tech-lead@acme.com" }],
        ["Security Approval", null],
      ]);
      const stats = await clerk("workflow", "stats", "--workflow", "pull-request-approval", "--period", "30d");
      expect(stats.code).toBe(0);
      const now = Date.parse("2026-01-15T09:00:00Z");
      expect(json(stats)).toEqual({
        object: "workflow_stats",
        workflow: expect.objectContaining({ slug: "pull-request-approval", name: "Pull Request Approval" }),
        period: "30d",
        from: now - 30 * 86_400_000,
        to: now,
        runs: 1,
        approved: 0,
        rejected: 0,
        open: 1,
        cancelled: 0,
        approval_rate: null,
        completion_ms: { average: null, p50: null, p90: null },
        // The clock stands still, so the review took no time at all.
        stages: [
          { name: "Technical Review", completed: 1, average_ms: 0 },
          { name: "Security Approval", completed: 0, average_ms: null },
        ],
        overdue: 0,
        escalations: 0,
        top_rejection_reasons: [],
      });
    });

    it("starts no deploy gate run for a staging deployment, and one for production", async () => {
      const staging = await clerk(
        "event",
        "emit",
        "--organization",
        "engineering-team",
        "--type",
        "deployment_requested",
        "--data",
        '{"environment":"staging"}',
      );
      expect(staging.code).toBe(0);
      expect(json(staging)).toMatchObject({
        object: "event",
        type: "deployment_requested",
        duplicate: false,
        runs: [],
      });
      const production = await clerk(
        "event",
        "emit",
        "--organization",
        "engineering-team",
        "--type",
        "deployment_requested",
        "--data",
        '{"environment":"production","estimated_impact":"low"}',
      );
      expect(production.code).toBe(0);
      expect(json(production)).toMatchObject({
        runs: [
          {
            workflow: { slug: "production-deploy-gate" },
            status: "open",
            current_stage: "Change Record",
            requester: null,
          },
        ],
      });
    });

    it.each([
      [
        [
          "workflow",
          "stage",
          "add",
          "--workflow",
          "pull-request-approval",
          "--name",
          "Late Review",
          "--requires-role",
          "Code Reviewer",
          "--timeout",
          "soon",
        ],
        /--timeout "soon" is not a duration; use e\.g\. 90m, 24h/,
      ],
      [
        [
          "workflow",
          "stage",
          "add",
          "--workflow",
          "pull-request-approval",
          "--name",
          "Env Review",
          "--requires-role",
          "Code Reviewer",
          "--condition",
          "env",
        ],
        /Condition "env" has "env", which is not key:value/,
      ],
      [
        ["event", "emit", "--organization", "engineering-team", "--type", "pull_request_opened", "--data", "not json"],
        /--data is not valid JSON/,
      ],
    ])("refuses the workflow input %j with exit 2 and a specific message", async (args, message) => {
      const before = [
        await clerk("workflow", "list", "--organization", "engineering-team"),
        await clerk("run", "list", "--organization", "engineering-team"),
      ];
      const r = await clerk(...(args as string[]));
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message as RegExp);
      expect(r.stderr).not.toMatch(/^\s+at /m);
      expect(r.stdout).toBe("");
      const after = [
        await clerk("workflow", "list", "--organization", "engineering-team"),
        await clerk("run", "list", "--organization", "engineering-team"),
      ];
      expect(after.map((x) => x.stdout)).toEqual(before.map((x) => x.stdout));
    });

    it("configures Slack as the seed does, and refuses a rule for a channel nobody configured until it is", async () => {
      const slack = await clerk(
        "notify",
        "configure",
        "--provider",
        "slack",
        "--webhook",
        "https://hooks.slack.com/services/YOUR/WEBHOOK/URL",
        "--channel",
        "#code-reviews",
      );
      expect(slack.code).toBe(0);
      expect(json(slack)).toMatchObject({
        object: "notification_provider",
        provider: "slack",
        name: "#code-reviews",
        config: { channel: "#code-reviews", host: "hooks.slack.com" },
        replaced: false,
      });
      expect(slack.stdout).not.toContain("YOUR/WEBHOOK");
      const assigned = await clerk(
        "workflow",
        "notify",
        "--workflow",
        "pull-request-approval",
        "--on",
        "stage:assigned",
        "--message",
        "You have a new pull request to review: {pr.url}",
        "--channel",
        "slack:#code-reviews",
      );
      expect(assigned.code).toBe(0);
      expect(json(assigned)).toMatchObject({
        object: "notification_rule",
        on: "stage:assigned",
        channel: "slack:#code-reviews",
        workflow: { slug: "pull-request-approval" },
      });
      const overdue = [
        "workflow",
        "notify",
        "--workflow",
        "pull-request-approval",
        "--on",
        "stage:overdue",
        "--message",
        "Review overdue: {pr.title} has been waiting {elapsed}",
        "--channel",
        "slack:#engineering-alerts",
      ];
      const refused = await clerk(...overdue);
      expect([refused.code, refused.stderr]).toEqual([
        4,
        expect.stringMatching(
          /^error: No slack provider for slack:#engineering-alerts is configured\. Configured: slack:#code-reviews\./,
        ),
      ]);
      expect(
        (
          await clerk(
            "notify",
            "configure",
            "--provider",
            "slack",
            "--webhook",
            "https://hooks.slack.com/services/OTHER/WEBHOOK/URL",
            "--channel",
            "#engineering-alerts",
          )
        ).code,
      ).toBe(0);
      expect((await clerk(...overdue)).code).toBe(0);
      const typo = await clerk(
        "workflow",
        "notify",
        "--workflow",
        "pull-request-approval",
        "--on",
        "stage:overdue",
        "--message",
        "Overdue: {pr.titel}",
        "--channel",
        "slack:#engineering-alerts",
      );
      expect([typo.code, typo.stderr]).toEqual([
        2,
        expect.stringMatching(/\{pr\.titel\}, which is not a placeholder; use \{pr\.url\}/),
      ]);
      const rules = json(
        await clerk("workflow", "notifications", "--workflow", "pull-request-approval"),
      ) as unknown as { on: string; channel: string }[];
      expect(rules.map((r) => [r.on, r.channel])).toEqual([
        ["stage:assigned", "slack:#code-reviews"],
        ["stage:overdue", "slack:#engineering-alerts"],
      ]);
    });

    it(
      "lists, exports (to a file and to stdout) and verifies the audit log as the seed does",
      { timeout: 60_000 },
      async () => {
        const approvals = await clerk(
          "audit",
          "list",
          "--organization",
          "engineering-team",
          "--limit",
          "50",
          "--filter",
          "action:approval",
        );
        expect(approvals.code).toBe(0);
        const listed = json(approvals) as unknown as { action: string; seq: number }[];
        expect(listed.length).toBeGreaterThan(0);
        expect(listed.every((e) => e.action.startsWith("approval."))).toBe(true);
        const all = json(
          await clerk("audit", "list", "--organization", "engineering-team", "--limit", "1000"),
        ) as unknown as { seq: number }[];
        const file = join(dir, "audit.csv");
        const exported = await clerk("audit", "export", "--organization", "engineering-team", "--output", file);
        expect([exported.code, exported.stdout]).toEqual([0, `Exported ${all.length} events to ${file} (csv).\n`]);
        expect(readFileSync(file, "utf8").trimEnd().split("\n")).toHaveLength(all.length + 1);
        const piped = await clerk("audit", "export", "--organization", "engineering-team", "--format", "jsonl");
        expect(piped.code).toBe(0);
        expect(piped.stderr).toBe(`Exported ${all.length} events (jsonl).\n`);
        expect(
          piped.stdout
            .trimEnd()
            .split("\n")
            .map((l) => (JSON.parse(l) as { seq: number }).seq),
        ).toEqual(all.map((e) => e.seq).reverse());
        const nowhere = await clerk(
          "audit",
          "export",
          "--organization",
          "engineering-team",
          "--output",
          join(dir, "no-such-dir", "audit.json"),
        );
        expect([nowhere.code, nowhere.stderr]).toEqual([
          2,
          expect.stringMatching(
            /^error: Cannot write the export to .*audit\.json: its directory does not exist\. Nothing was written/,
          ),
        ]);
        expect(nowhere.stderr).not.toMatch(/^\s+at /m);
        const verified = await clerk("audit", "verify", "--organization", "engineering-team", "--format", "table");
        expect([verified.code, verified.stdout]).toEqual([
          0,
          expect.stringMatching(
            /^ok +checkpoints: \d+ signed, newest #\d+ [0-9a-f]{64} .*\nok +engineering-team \(org_\w+\): \d+ events .*\nThe audit log is intact\.\n$/,
          ),
        ]);
      },
    );
  });
}
