// Substring search with LIKE where the user's text is only ever literal: its `%`, `_` and `\` are escaped.
import { type Expression, type RawBuilder, type SqlBool, sql } from "kysely";

/** `text` with LIKE's wildcards (`%`, `_`) and the escape character (`\`) escaped by `\`. */
export function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, "\\$&");
}

/**
 * `value LIKE '%text%' ESCAPE '\'`: true when `value` contains `text` literally. SQLite has no default
 * escape character, so the ESCAPE clause is spelled out on both stores.
 * `value` is a column reference (`"d.name"`) or an expression (`eb.fn("lower", ["name"])`).
 * @example q.where(likeContains("d.name", query))
 */
export function likeContains(value: string | Expression<string | null>, text: string): RawBuilder<SqlBool> {
  const target = typeof value === "string" ? sql.ref(value) : value;
  return sql<SqlBool>`${target} like ${`%${escapeLike(text)}%`} escape '\\'`;
}
