// Reading the audit log: who may read which chain, filtered lists with cursors, and page-by-page exports.
import { type ServiceContext } from "../../context.js";
import { EngineInputError, roleKeyFromName } from "../../engine/index.js";
import { isClerkError } from "../../errors.js";
import { assertActorMay, assertAllowedNow, isInstanceAdmin } from "../access/index.js";
import { resolveOrg } from "../orgs/index.js";
import { StreamedBody } from "../../operations/index.js";
import { EXPORT_CONTENT_TYPES, type ExportFormat, exportWriter } from "./audit.format.js";
import { decodeCursor, encodeCursor, parseFilters, parseTimeBound } from "./audit.query.js";
import { type EventPageQuery, chainHead, pageEvents } from "./audit.repository.js";
import { type AuditEventObject, type AuditPage, auditEventObject } from "./audit.view.js";

/** Reading the log needs this; exporting it needs `AUDIT_EXPORT` too. */
export const AUDIT_READ = "org:sys_audit:read";
const AUDIT_EXPORT = "org:sys_audit:export";

/** The chain a request reads: an organization's, or the instance's (`*`) when none is named. */
export interface AuditScope {
  chain: string;
  organizationId: string | null;
  label: string;
}

/**
 * Resolves the organization to a chain and holds a member to `permission` there. The instance chain is for
 * instance admins; so is the chain of a deleted organization, named by its id.
 */
export async function auditScope(
  ctx: ServiceContext,
  organization: string | undefined,
  permissions: readonly string[],
): Promise<AuditScope> {
  if (organization === undefined || organization === "") {
    assertAllowedNow(ctx, {
      kind: "instance_admin",
      what: "read the instance's audit log",
      why: "name an organization with --organization",
    });
    return { chain: "*", organizationId: null, label: "the instance" };
  }
  try {
    const org = await resolveOrg(ctx, organization);
    for (const permission of permissions) await assertActorMay(ctx, org.id, org.slug, permission);
    return { chain: org.id, organizationId: org.id, label: org.slug };
  } catch (error) {
    const gone =
      isClerkError(error) &&
      error.code === "org.not_found" &&
      isInstanceAdmin(ctx) &&
      (await chainHead(ctx.db, organization)) !== undefined;
    if (gone) return { chain: organization, organizationId: organization, label: organization };
    throw error;
  }
}

/** A list or export request as it arrives (strings from the CLI or the query string). */
export interface AuditQueryInput {
  organization?: string | undefined;
  filter?: string | undefined;
  from?: string | undefined;
  to?: string | undefined;
}

type Narrowing = Omit<EventPageQuery, "chain" | "order" | "afterSeq" | "limit" | "maxSeq">;

function narrowing(input: AuditQueryInput): Narrowing {
  const filters = parseFilters(input.filter);
  const roleForms = (v: string): string[] => {
    try {
      return [...new Set([v, roleKeyFromName(v)])];
    } catch (error) {
      if (error instanceof EngineInputError) return [v];
      throw error;
    }
  };
  return {
    fromMs: input.from === undefined || input.from === "" ? undefined : parseTimeBound("from", input.from),
    toMs: input.to === undefined || input.to === "" ? undefined : parseTimeBound("to", input.to),
    actions: filters.actions.map((a) =>
      a.includes(".") ? { exact: [a], categories: [] } : { exact: [], categories: [a] },
    ),
    actors: filters.actors,
    targets: filters.targets,
    roles: filters.roles.map(roleForms),
  };
}

/** The events of one chain matching every filter, newest first (or oldest first with `order: "asc"`). */
export async function listAuditEvents(
  ctx: ServiceContext,
  input: AuditQueryInput & { limit: number; cursor?: string | undefined; order?: "asc" | "desc" | undefined },
): Promise<AuditPage> {
  const scope = await auditScope(ctx, input.organization, [AUDIT_READ]);
  const n = narrowing(input);
  const cursor = input.cursor ? decodeCursor(input.cursor) : undefined;
  const order = cursor?.order ?? input.order ?? "desc";
  // One extra row says whether another page follows, without a count.
  const rows = await pageEvents(ctx.db, {
    ...n,
    chain: scope.chain,
    order,
    afterSeq: cursor?.seq,
    limit: input.limit + 1,
  });
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    data: page.map(auditEventObject),
    next_cursor: rows.length > input.limit && last ? encodeCursor({ seq: Number(last.seq), order }) : null,
  };
}

/**
 * The matching events oldest first, a page at a time, up to the head as it stood when the export began
 * (so events appended meanwhile do not stretch it). Memory stays at one page whatever the log's size.
 */
export async function* exportAuditEvents(
  ctx: ServiceContext,
  input: AuditQueryInput,
  pageSize = 250,
): AsyncGenerator<AuditEventObject[]> {
  const scope = await auditScope(ctx, input.organization, [AUDIT_READ, AUDIT_EXPORT]);
  const n = narrowing(input);
  const head = await chainHead(ctx.db, scope.chain);
  if (!head) return;
  let afterSeq = 0;
  for (;;) {
    const rows = await pageEvents(ctx.db, {
      ...n,
      chain: scope.chain,
      order: "asc",
      afterSeq,
      maxSeq: head.seq,
      limit: pageSize,
    });
    if (rows.length === 0) return;
    yield rows.map(auditEventObject);
    afterSeq = Number(rows[rows.length - 1]?.seq);
    if (rows.length < pageSize) return;
  }
}

/**
 * An export's body in one format, streamed. The first page is read here, before any byte goes out, so a
 * refusal or a bad filter is still a proper error (over HTTP, a status and Clerk's error envelope).
 */
export async function exportBody(
  ctx: ServiceContext,
  input: AuditQueryInput & { format: ExportFormat },
): Promise<StreamedBody> {
  const pages = exportAuditEvents(ctx, input);
  const first = await pages.next();
  const writer = exportWriter(input.format);
  async function* chunks(): AsyncGenerator<string> {
    yield writer.start();
    if (!first.done) {
      yield writer.page(first.value);
      for await (const page of pages) yield writer.page(page);
    }
    yield writer.end();
  }
  return new StreamedBody(EXPORT_CONTENT_TYPES[input.format], chunks());
}
