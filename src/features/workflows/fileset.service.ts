// File sets: named glob patterns (`src/auth/**`, `**/*.pem`) that `files:touched:<name>` conditions test.
import { type ServiceContext, inTransaction } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { newId } from "../../ids.js";
import { parseInput } from "../../validation.js";
import { recordAudit } from "../audit/index.js";
import { type Organization, resolveOrg } from "../orgs/index.js";
import { checkFilePattern } from "./file-glob.js";
import { fileSetExists, fileSetNotFound } from "./workflow.errors.js";
import { assertMayManageWorkflows, assertMayReadWorkflows } from "./workflow.guards.js";
import { type FileSetInput, fileSetSchema } from "./workflow.schema.js";

/** A file set as services return it. */
export interface FileSet {
  id: string;
  organizationId: string;
  name: string;
  patterns: string[];
  createdAt: number;
  updatedAt: number;
}

type Row = {
  id: string;
  organization_id: string;
  name: string;
  patterns: string;
  created_at: number;
  updated_at: number;
};

const toFileSet = (r: Row): FileSet => ({
  id: r.id,
  organizationId: r.organization_id,
  name: r.name,
  patterns: JSON.parse(r.patterns) as string[],
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Splits "a,b" and checks each pattern; duplicates go. */
function patternsOf(paths: readonly string[]): string[] {
  const out = paths
    .flatMap((p) => p.split(","))
    .map((p) => p.trim())
    .filter((p) => p !== "")
    .map(checkFilePattern);
  return [...new Set(out)];
}

/** Every file set of an organization by name (what condition evaluation reads). */
export async function fileSetPatterns(ctx: ServiceContext, organizationId: string): Promise<Map<string, string[]>> {
  const rows = await ctx.db
    .selectFrom("file_sets")
    .select(["name", "patterns"])
    .where("organization_id", "=", organizationId)
    .execute();
  return new Map(rows.map((r) => [r.name, JSON.parse(r.patterns) as string[]]));
}

export async function listFileSets(ctx: ServiceContext, organization: string): Promise<FileSet[]> {
  const org = await resolveOrg(ctx, organization);
  await assertMayReadWorkflows(ctx, org);
  return (
    await ctx.db.selectFrom("file_sets").selectAll().where("organization_id", "=", org.id).orderBy("name").execute()
  ).map(toFileSet);
}

async function findRow(ctx: ServiceContext, org: Organization, name: string): Promise<Row> {
  const wanted = name.trim().toLowerCase();
  const rows = await ctx.db.selectFrom("file_sets").selectAll().where("organization_id", "=", org.id).execute();
  const row = rows.find((r) => r.name === wanted || r.id === name.trim());
  if (!row)
    throw fileSetNotFound(
      wanted,
      org.slug,
      rows.map((r) => r.name),
    );
  return row;
}

/** Creates a file set, or replaces its patterns when `replace` is set and it exists. */
export async function saveFileSet(
  ctx: ServiceContext,
  input: FileSetInput,
  options: { replace?: boolean } = {},
): Promise<FileSet> {
  const data = parseInput(fileSetSchema, input);
  const patterns = patternsOf(data.paths);
  if (patterns.length === 0)
    throw new ClerkError(
      "fileset.invalid",
      `File set "${data.name}" lists no patterns; pass --paths "src/auth/**,**/*.pem".`,
      { param: "paths" },
    );
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, data.organization);
    await assertMayManageWorkflows(tx, org, "change file sets");
    const now = tx.clock.now();
    const existing = await tx.db
      .selectFrom("file_sets")
      .selectAll()
      .where("organization_id", "=", org.id)
      .where("name", "=", data.name)
      .executeTakeFirst();
    if (existing && !options.replace) throw fileSetExists(data.name, org.slug);
    if (!existing && options.replace) throw fileSetNotFound(data.name, org.slug, []);
    if (existing) {
      await tx.db
        .updateTable("file_sets")
        .set({ patterns: JSON.stringify(patterns), updated_at: now })
        .where("id", "=", existing.id)
        .execute();
      await recordAudit(tx, {
        organizationId: org.id,
        action: "workflow.fileset_updated",
        target: { type: "file_set", id: existing.id, label: data.name },
        before: { patterns: JSON.parse(existing.patterns) },
        after: { patterns },
      });
      return toFileSet({ ...existing, patterns: JSON.stringify(patterns), updated_at: now });
    }
    const row: Row = {
      id: newId("fset", now),
      organization_id: org.id,
      name: data.name,
      patterns: JSON.stringify(patterns),
      created_at: now,
      updated_at: now,
    };
    await tx.db.insertInto("file_sets").values(row).execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.fileset_created",
      target: { type: "file_set", id: row.id, label: row.name },
      after: { patterns },
    });
    return toFileSet(row);
  });
}

export async function deleteFileSet(ctx: ServiceContext, organization: string, name: string): Promise<FileSet> {
  return inTransaction(ctx, async (tx) => {
    const org = await resolveOrg(tx, organization);
    await assertMayManageWorkflows(tx, org, "change file sets");
    const row = await findRow(tx, org, name);
    await tx.db.deleteFrom("file_sets").where("id", "=", row.id).execute();
    await recordAudit(tx, {
      organizationId: org.id,
      action: "workflow.fileset_deleted",
      target: { type: "file_set", id: row.id, label: row.name },
      before: { patterns: JSON.parse(row.patterns) },
    });
    return toFileSet(row);
  });
}
