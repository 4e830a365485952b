// What GET answers besides the resources: ListResponse paging (startIndex, count) and attribute projection
// (`attributes`, `excludedAttributes`), RFC 7644 §3.4.2.4–5 and §3.9.
import { invalidValue } from "./scim.errors.js";
import { type Filter, attributePath, matches, parseFilter } from "./scim.filter.js";
import { LIST_SCHEMA } from "./scim.schema.js";

/** Most resources one page holds (ServiceProviderConfig's filter.maxResults). */
export const MAX_RESULTS = 1000;

/** A list query as parsed from the URL. */
export interface ListQuery {
  filter: Filter | undefined;
  startIndex: number;
  count: number;
  attributes: string[][] | undefined;
  excluded: string[][] | undefined;
}

function integer(name: string, raw: unknown, fallback: number): number {
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw invalidValue(`${name} must be an integer, not "${String(raw)}".`);
  return n;
}

const paths = (raw: unknown) =>
  typeof raw === "string" && raw.trim() !== ""
    ? raw.split(",").map((a) => attributePath(a.trim()).map((s) => s.toLowerCase()))
    : undefined;

/** Parses `filter`, `startIndex` (1-based; less than 1 is 1), `count` (at most MAX_RESULTS), and projections. */
export function listQuery(query: Record<string, unknown>): ListQuery {
  const filter = typeof query.filter === "string" ? parseFilter(query.filter) : undefined;
  return {
    filter,
    startIndex: Math.max(1, integer("startIndex", query.startIndex, 1)),
    count: Math.min(MAX_RESULTS, Math.max(0, integer("count", query.count, 100))),
    attributes: paths(query.attributes),
    excluded: paths(query.excludedAttributes),
  };
}

const ALWAYS = new Set(["id", "schemas", "meta"]);

function pick(obj: Record<string, unknown>, wanted: string[][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const k = key.toLowerCase();
    if (ALWAYS.has(k)) {
      out[key] = value;
      continue;
    }
    const here = wanted.filter((p) => p[0] === k);
    if (here.length === 0) continue;
    if (here.some((p) => p.length === 1) || typeof value !== "object" || value === null) out[key] = value;
    else if (Array.isArray(value))
      out[key] = value.map((v) =>
        typeof v === "object" && v !== null
          ? pick(
              v as Record<string, unknown>,
              here.map((p) => p.slice(1)),
            )
          : v,
      );
    else
      out[key] = pick(
        value as Record<string, unknown>,
        here.map((p) => p.slice(1)),
      );
  }
  return out;
}

function drop(obj: Record<string, unknown>, excluded: string[][]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(obj)) {
    const k = key.toLowerCase();
    const here = excluded.filter((p) => p[0] === k);
    if (!ALWAYS.has(k) && here.some((p) => p.length === 1)) continue;
    out[key] =
      here.length && typeof value === "object" && value !== null && !Array.isArray(value)
        ? drop(
            value as Record<string, unknown>,
            here.map((p) => p.slice(1)),
          )
        : value;
  }
  return out;
}

/** A resource with only the asked attributes (id, schemas and meta always). */
export function project(resource: Record<string, unknown>, q: Pick<ListQuery, "attributes" | "excluded">) {
  if (q.attributes) return pick(resource, q.attributes);
  if (q.excluded) return drop(resource, q.excluded);
  return resource;
}

/** A ListResponse of the resources matching the query's filter, paged and projected. */
export function listResponse(all: Record<string, unknown>[], q: ListQuery) {
  const matching = q.filter ? all.filter((r) => matches(r, q.filter as Filter)) : all;
  const page = matching.slice(q.startIndex - 1, q.startIndex - 1 + q.count);
  return {
    schemas: [LIST_SCHEMA],
    totalResults: matching.length,
    startIndex: q.startIndex,
    itemsPerPage: page.length,
    Resources: page.map((r) => project(r, q)),
  };
}

/** `W/"3"` for version 3. */
export const etagOf = (version: number) => `W/"${version}"`;

/** meta as answered. */
export function metaOf(
  kind: "User" | "Group",
  location: string,
  row: { created_at: number; updated_at: number; version: number },
) {
  return {
    resourceType: kind,
    created: new Date(row.created_at).toISOString(),
    lastModified: new Date(row.updated_at).toISOString(),
    location,
    version: etagOf(row.version),
  };
}
