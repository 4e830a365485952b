// Clerk's list query (limit, offset, query, order_by) applied to an in-memory list: the catalogue and Clerk's roles.
import { z } from "zod";

/** limit/offset/query/order_by over an in-memory list, as Clerk's list endpoints take them. */
export const pageQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
    query: z.string().optional().describe("matches the id exactly, or part of the name or key"),
    order_by: z
      .enum(["created_at", "-created_at", "+created_at", "name", "-name", "+name", "key", "-key", "+key"])
      .optional()
      .describe("a field, - for descending; default -created_at"),
  })
  .loose();

/** Sorts, filters and pages items that carry id, name, key and createdAt. */
export function page<T extends { id: string; name: string; key: string; createdAt: number }>(
  items: readonly T[],
  q: z.output<typeof pageQuery>,
) {
  const needle = q.query?.toLowerCase();
  const hits = needle
    ? items.filter((i) => i.id === q.query || i.name.toLowerCase().includes(needle) || i.key.includes(needle))
    : [...items];
  const order = q.order_by ?? "-created_at";
  const field = order.replace(/^[+-]/, "") as "created_at" | "name" | "key";
  const sign = order.startsWith("-") ? -1 : 1;
  const value = (i: T) => (field === "created_at" ? i.createdAt : i[field]);
  hits.sort((a, b) => (value(a) < value(b) ? -1 : value(a) > value(b) ? 1 : a.id.localeCompare(b.id)) * sign);
  return { data: hits.slice(q.offset, q.offset + q.limit), total_count: hits.length };
}
