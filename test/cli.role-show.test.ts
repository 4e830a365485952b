// `clerk role show` says what a role can do (issue 15 item 10): inherited permissions marked with the role
// they come from, in the table and in JSON, as `clerk member permissions` does for members.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./helpers/cli.js";

const BIN = resolve("bin/clerk.js");
const run = promisify(execFile);

describe("clerk role show", () => {
  let dir: string;
  const clerk = async (...args: string[]) =>
    (await run(process.execPath, [BIN, ...args], { cwd: dir, env: childEnv(dir) })).stdout;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), "clerk-role-show-"));
    await clerk("org", "create", "--name", "Engineering Team");
    await clerk(
      "role",
      "create",
      "--name",
      "Developer",
      "--organization",
      "engineering-team",
      "--permissions",
      "read:code",
    );
    await clerk(
      "role",
      "create",
      "--name",
      "Code Reviewer",
      "--organization",
      "engineering-team",
      "--extends",
      "Developer",
      "--permissions",
      "approve:pull-requests",
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("lists every permission the role holds in the table, inherited ones with the role they come from", async () => {
    const text = await clerk(
      "role",
      "show",
      "Code Reviewer",
      "--organization",
      "engineering-team",
      "--format",
      "table",
    );
    expect(text).toContain("Permissions: org:pull_requests:approve\n");
    expect(text).toContain("Can do:      org:pull_requests:approve\n             org:code:read (from Developer)");
  });

  it("gives the same as effective_grants in JSON", async () => {
    const role = JSON.parse(
      await clerk("role", "show", "Code Reviewer", "--organization", "engineering-team", "--format", "json"),
    ) as { effective_grants: unknown[] };
    expect(role.effective_grants).toEqual([
      expect.objectContaining({
        permission: "org:pull_requests:approve",
        from_role: "org:code_reviewer",
        inherited: false,
      }),
      expect.objectContaining({
        permission: "org:code:read",
        from_role: "org:developer",
        from_role_name: "Developer",
        inherited: true,
      }),
    ]);
  });
});
