// Choosing reviewers: round-robin from a persisted cursor, least-loaded with rotation breaking ties. No I/O.

/** A member who may be assigned, in the pool's stable order (by e-mail). */
export interface Candidate {
  userId: string;
  label: string;
}

export type Strategy = "round-robin" | "least-loaded" | "manual";

/** What a choice needs: the pool, how many to pick, where the rotation stands, and open-task counts. */
export interface PickInput {
  strategy: Strategy;
  /** Eligible members, sorted by label; the requester and anyone already on the stage left out. */
  candidates: readonly Candidate[];
  count: number;
  /** The member the rotation picked last, or null when it has not started. */
  lastUserId: string | null;
  /** Open tasks per member (least-loaded). */
  openTasks?: ReadonlyMap<string, number>;
}

/** The pool in rotation order: starting after the last member picked (by position in the sorted pool). */
export function rotation(candidates: readonly Candidate[], lastUserId: string | null, lastLabel?: string): Candidate[] {
  if (candidates.length === 0 || lastUserId === null) return [...candidates];
  let start = candidates.findIndex((c) => c.userId === lastUserId) + 1;
  // The last pick may have left the pool: continue from where their label would sort.
  if (start === 0 && lastLabel !== undefined) start = candidates.findIndex((c) => c.label > lastLabel);
  if (start < 0) start = 0;
  return [...candidates.slice(start), ...candidates.slice(0, start)];
}

/**
 * Picks up to `count` distinct members. Round-robin takes the next ones in rotation; least-loaded takes
 * those with the fewest open tasks, ties broken by rotation order; manual picks nobody.
 */
export function pickReviewers(input: PickInput & { lastLabel?: string }): Candidate[] {
  if (input.strategy === "manual" || input.count <= 0) return [];
  const order = rotation(input.candidates, input.lastUserId, input.lastLabel);
  if (input.strategy === "round-robin") return order.slice(0, input.count);
  const load = input.openTasks ?? new Map<string, number>();
  const ranked = order.map((c, i) => ({ c, i, n: load.get(c.userId) ?? 0 }));
  ranked.sort((a, b) => a.n - b.n || a.i - b.i);
  return ranked.slice(0, input.count).map((r) => r.c);
}
