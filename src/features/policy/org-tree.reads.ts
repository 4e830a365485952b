// The organization tree read downwards from given organizations: for visibility, descendants and candidate lists.
import type { Kysely } from "kysely";
import type { Database } from "../../store/database.js";

/**
 * The organizations below these (not themselves), read a generation at a time by parent: the cost follows their
 * subtrees, not the number of organizations in the instance (reading every organization's row for one member's
 * request made each tenant pay for all the others).
 */
export async function organizationsBelow(db: Kysely<Database>, roots: Iterable<string>): Promise<Set<string>> {
  const seen = new Set(roots);
  const below = new Set<string>();
  let frontier = [...seen];
  // 64 generations, as deep as anything walks an organization's ancestry.
  for (let depth = 0; frontier.length > 0 && depth < 64; depth++) {
    const children = await db.selectFrom("organizations").select("id").where("parent_id", "in", frontier).execute();
    frontier = children.map((c) => c.id).filter((id) => !seen.has(id));
    for (const id of frontier) {
      seen.add(id);
      below.add(id);
    }
  }
  return below;
}
