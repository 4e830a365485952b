// The policy tables have one owner (issue 15 item 1): only src/features/policy/ names them in a query, and
// policy_version is written in exactly one function. A check over the sources, so a new writer fails here.
import { readFileSync, readdirSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = join(import.meta.dirname, "..");
const POLICY_TABLES = ["roles", "role_parents", "grants", "memberships", "membership_roles"];
const TABLE = `(?:${POLICY_TABLES.join("|")})`;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(path);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [path] : [];
  });
}

const files = sourceFiles(join(ROOT, "src")).map((path) => ({
  path: relative(ROOT, path).replaceAll("\\", "/"),
  text: readFileSync(path, "utf8"),
}));

/** Where a file names a policy table in a Kysely call or in raw SQL, as `line: excerpt`. */
function policyTableUses(text: string): string[] {
  const kysely = new RegExp(
    `\\.(?:selectFrom|insertInto|updateTable|deleteFrom|innerJoin|leftJoin|rightJoin|fullJoin)\\(\\s*["'\`]${TABLE}(?:\\s+as\\s+\\w+)?["'\`]`,
    "g",
  );
  const raw = new RegExp(`\\b(?:from|join|into|update|table)\\s+"?${TABLE}"?\\b`, "gi");
  const hits: number[] = [...text.matchAll(kysely)].map((m) => m.index);
  for (const template of text.matchAll(/\bsql(?:<[^>]*>)?`([^`]*)`/g))
    for (const m of template[1]?.matchAll(raw) ?? []) hits.push(template.index + m.index);
  return hits.map((at) => {
    const line = text.slice(0, at).split("\n").length;
    return `${line}: ${text.slice(at, at + 60).split("\n")[0]}`;
  });
}

/** The function each write of policy_version sits in, as `file#function`. */
function policyVersionWriters(): string[] {
  const out: string[] = [];
  for (const { path, text } of files) {
    if (path.startsWith("src/store/migrations/") || path.endsWith(".table.ts")) continue;
    const statements = [
      ...text.matchAll(/\.(?:updateTable|insertInto)\(\s*"(?:organizations|settings)"[\s\S]*?\.execute\(\)/g),
      ...text.matchAll(/\bsql(?:<[^>]*>)?`[^`]*\b(?:update|insert)\b[^`]*`/gi),
    ].filter((m) => m[0].includes("policy_version"));
    // An object key policy_version outside such a statement (a row built to insert) is a write too.
    const keys = [...text.matchAll(/\bpolicy_version\s*:/g)];
    for (const m of [...statements, ...keys]) {
      const before = text.slice(0, m.index);
      const fn = [...before.matchAll(/function\s+(\w+)/g)].at(-1)?.[1] ?? "(top level)";
      out.push(`${path}#${fn}`);
    }
  }
  return [...new Set(out)].sort();
}

describe("the policy store owns the policy tables", () => {
  it("finds the policy tables in the policy store's own queries (the check can see them)", () => {
    const store = files.find((f) => f.path === "src/features/policy/policy.store.ts");
    expect(policyTableUses(store?.text ?? "").length).toBeGreaterThan(10);
    const loader = files.find((f) => f.path === "src/features/policy/policy.loader.ts");
    expect(policyTableUses(loader?.text ?? "").length).toBeGreaterThan(3);
    expect(policyTableUses("await sql`select id from grants join roles on 1`.execute(db)")).toHaveLength(2);
    expect(policyTableUses('db.leftJoin("roles as r", "r.id", "i.role_id")')).toHaveLength(1);
  });

  it("finds no other folder naming roles, role_parents, grants, memberships or membership_roles in a query", () => {
    const outside = files
      .filter((f) => !f.path.startsWith("src/features/policy/") && !f.path.startsWith("src/store/"))
      .flatMap((f) => policyTableUses(f.text).map((hit) => `${f.path}:${hit}`));
    expect(outside).toEqual([]);
  });

  it("writes policy_version in exactly one function", () => {
    expect(policyVersionWriters()).toEqual(["src/features/policy/policy.version.ts#markPolicyChanged"]);
  });
});
