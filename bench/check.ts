// Benchmark of the engine's check path against a naive baseline and @casl/ability, on the same model.
import type { MongoAbility } from "@casl/ability";
import { createMongoAbility } from "@casl/ability";
import type { CheckQuery, CompiledPolicy, OrgPolicy, PolicyGrant, PolicyRole } from "../src/engine/index.js";
import { check, compilePolicy, explain, withRoleChanged } from "../src/engine/index.js";

// The model, from the issue: 1 000 roles (inheritance depth up to 5), 10 000 users x 3 roles,
// 50 permissions per role, 10 % of grants scoped with wildcards, 5 % expiring.
const AT = Date.UTC(2026, 0, 1);
const HOUR = 3_600_000;
const FEATURES = 200;
const ACTIONS = ["read", "write", "delete", "approve", "manage"];
const USERS = 10_000;
const ROLES_PER_USER = 3;
const GRANTS_PER_ROLE = 50;
const DEPTH = 5;
const QUERIES = 200_000;
const SAMPLE = 2_000;
const WARMUP_ROUNDS = 2;
const ROUNDS = 9;
const STREAMS = ["allowed-exact", "allowed-wildcard", "denied"] as const;
type Stream = (typeof STREAMS)[number];

interface ModelGrant {
  key: string;
  feature: string;
  action: string;
  /** A repository pattern with one `*`, or null for an unscoped grant. */
  pattern: string | null;
  expiresAt: number | null;
}

interface Model {
  roleCount: number;
  levels: number[];
  parents: number[][];
  own: ModelGrant[][];
  effective: ModelGrant[][];
  users: { id: string; roles: number[] }[];
  policy: OrgPolicy;
}

/** One query in the three forms the contenders take, with the outcome the model says it must have. */
interface Query {
  q: CheckQuery;
  action: string;
  caslSubject: { kind: string; type: string; id: string; at: number };
  expected: boolean;
}

// Deterministic, so runs are comparable: mulberry32.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function buildModel(roleCount: number, seed: number): Model {
  const rnd = random(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const universe = Array.from({ length: FEATURES * ACTIONS.length }, (_, i) => ({
    feature: `f${Math.floor(i / ACTIONS.length)}`,
    action: ACTIONS[i % ACTIONS.length]!,
  }));
  const levels = Array.from({ length: roleCount }, (_, i) => Math.min(DEPTH - 1, Math.floor((i * DEPTH) / roleCount)));
  const levelStart = (level: number): number => levels.indexOf(level);
  const levelSize = (level: number): number => levels.filter((l) => l === level).length;
  const parents = levels.map((level) => {
    if (level === 0) return [];
    const pick = (): number => levelStart(level - 1) + int(levelSize(level - 1));
    const ps = [pick()];
    if (rnd() < 0.1) ps.push(pick());
    return [...new Set(ps)];
  });
  const own = levels.map(() => {
    const picked = new Set<number>();
    while (picked.size < GRANTS_PER_ROLE) picked.add(int(universe.length));
    return [...picked].map((u): ModelGrant => {
      const { feature } = universe[u]!;
      const action = rnd() < 0.01 ? "admin" : universe[u]!.action;
      const r = rnd();
      const pattern = r < 0.1 ? (rnd() < 0.5 ? `svc-${int(50)}-*` : `*-app${int(50)}`) : null;
      const expiresAt = r >= 0.1 && r < 0.15 ? AT + (rnd() < 0.5 ? HOUR : -HOUR) : null;
      return { key: `org:${feature}:${action}`, feature, action, pattern, expiresAt };
    });
  });
  const effective: ModelGrant[][] = [];
  for (let r = 0; r < roleCount; r++)
    effective[r] = [...new Set([...own[r]!, ...parents[r]!.flatMap((p) => effective[p]!)])];
  const users = Array.from({ length: USERS }, (_, u) => {
    const roles = new Set<number>();
    while (roles.size < ROLES_PER_USER) roles.add(int(roleCount));
    return { id: `user_${u}`, roles: [...roles] };
  });
  let grantId = 0;
  const toGrant = (g: ModelGrant): PolicyGrant => ({
    id: `grant_${grantId++}`,
    permission: g.key,
    scopes: g.pattern === null ? [] : [{ type: "repository", pattern: g.pattern }],
    expiresAt: g.expiresAt,
  });
  const roles: PolicyRole[] = own.map((grants, r) => ({
    id: `role_${r}`,
    key: `org:role_${r}`,
    name: `Role ${r}`,
    parentIds: parents[r]!.map((p) => `role_${p}`),
    grants: grants.map(toGrant),
  }));
  const policy: OrgPolicy = {
    organizationId: "org_bench",
    label: "bench",
    version: 1,
    inheritAncestorRead: false,
    roles,
    ancestors: [],
    members: users.map((u) => ({
      userId: u.id,
      label: `${u.id}@bench.test`,
      roleIds: u.roles.map((r) => `role_${r}`),
      grants: [],
    })),
  };
  return { roleCount, levels, parents, own, effective, users, policy };
}

// The model's own answer, by brute force over a user's roles: the yardstick for every contender.
function modelAllows(
  m: Model,
  user: { roles: number[] },
  feature: string,
  action: string,
  resourceId: string,
  at: number,
): boolean {
  return user.roles.some((r) =>
    m.effective[r]!.some(
      (g) =>
        g.feature === feature &&
        (g.action === action || g.action === "admin") &&
        (g.expiresAt === null || at < g.expiresAt) &&
        (g.pattern === null || starMatches(g.pattern, resourceId)),
    ),
  );
}

function starMatches(pattern: string, id: string): boolean {
  const star = pattern.indexOf("*");
  const head = pattern.slice(0, star);
  const tail = pattern.slice(star + 1);
  return (
    id.length >= head.length + tail.length &&
    id.startsWith(head) &&
    id.endsWith(tail) &&
    !id.slice(head.length, id.length - tail.length).includes("/")
  );
}

function makeQueries(m: Model, stream: Stream, seed: number): Query[] {
  const rnd = random(seed);
  const int = (n: number): number => Math.floor(rnd() * n);
  const out: Query[] = [];
  const make = (userId: string, feature: string, action: string, id: string, expected: boolean): Query => ({
    q: { subject: userId, permission: `org:${feature}:${action}`, resource: `repository:${id}`, at: AT },
    action: caslAction(action),
    caslSubject: { kind: feature, type: "repository", id, at: AT },
    expected,
  });
  while (out.length < QUERIES) {
    const user = m.users[int(m.users.length)]!;
    const role = user.roles[int(user.roles.length)]!;
    if (stream === "allowed-exact") {
      // A permission the role holds unscoped and live, on any repository.
      const g = m.effective[role]![int(m.effective[role]!.length)]!;
      if (g.pattern !== null || (g.expiresAt !== null && AT >= g.expiresAt)) continue;
      out.push(make(user.id, g.feature, g.action, `repo-${int(1000)}`, true));
    } else if (stream === "allowed-wildcard") {
      // A permission the user holds only through a wildcard scope, on a repository it matches.
      const scoped = m.effective[role]!.filter((g) => g.pattern !== null && g.action !== "admin");
      const g = scoped[int(scoped.length)];
      if (g === undefined || g.pattern === null) continue;
      const id = g.pattern.replace("*", `x${int(1000)}`);
      if (modelAllows(m, user, g.feature, g.action, "no/such/repo", AT)) continue;
      out.push(make(user.id, g.feature, g.action, id, true));
    } else {
      // Mostly permissions the user lacks; some held only on other repositories or expired.
      const feature = `f${int(FEATURES)}`;
      const action = ACTIONS[int(ACTIONS.length)]!;
      const id = rnd() < 0.7 ? `repo-${int(1000)}` : `svc-${int(50)}-x/nested`;
      if (modelAllows(m, user, feature, action, id, AT)) continue;
      out.push(make(user.id, feature, action, id, false));
    }
  }
  return out;
}

// ---- (b) The naive baseline: a Set of "permission|scope" strings per role, unioned per check. ----

interface BaselineRole {
  set: Set<string>;
  expiring: Map<string, number>;
  wild: Map<string, { head: string; tail: string }[]>;
}

function buildBaseline(m: Model): Map<string, BaselineRole[]> {
  const roles = m.effective.map((grants): BaselineRole => {
    const role: BaselineRole = { set: new Set(), expiring: new Map(), wild: new Map() };
    for (const g of grants) {
      const keys = g.action === "admin" ? [...ACTIONS, "admin"].map((a) => `org:${g.feature}:${a}`) : [g.key];
      for (const key of keys) {
        if (g.pattern === null && g.expiresAt === null) role.set.add(`${key}|*`);
        else if (g.pattern === null)
          role.expiring.set(`${key}|*`, Math.max(role.expiring.get(`${key}|*`) ?? -Infinity, g.expiresAt!));
        else if (!g.pattern.includes("*")) role.set.add(`${key}|repository:${g.pattern}`);
        else {
          const star = g.pattern.indexOf("*");
          const list = role.wild.get(key) ?? [];
          list.push({ head: `repository:${g.pattern.slice(0, star)}`, tail: g.pattern.slice(star + 1) });
          role.wild.set(key, list);
        }
      }
    }
    return role;
  });
  return new Map(m.users.map((u) => [u.id, u.roles.map((r) => roles[r]!)]));
}

function baselineCheck(users: Map<string, BaselineRole[]>, q: CheckQuery): boolean {
  const roles = users.get(q.subject);
  if (roles === undefined) return false;
  const any = `${q.permission}|*`;
  const exact = q.resource === undefined ? null : `${q.permission}|${q.resource}`;
  for (const role of roles) {
    if (role.set.has(any) || (exact !== null && role.set.has(exact))) return true;
    const until = role.expiring.get(any);
    if (until !== undefined && q.at < until) return true;
    const wild = q.resource === undefined ? undefined : role.wild.get(q.permission);
    if (wild === undefined || q.resource === undefined) continue;
    const r = q.resource;
    for (const w of wild) {
      const end = r.length - w.tail.length;
      if (end >= w.head.length && r.startsWith(w.head) && r.endsWith(w.tail) && r.indexOf("/", w.head.length) === -1)
        return true;
    }
  }
  return false;
}

// ---- (c) @casl/ability. One Ability per role and a union over the user's roles per check: the
// same per-role precompute the engine and the baseline get. One Ability per user would repeat each
// role's ~150 rules for every holder (10 000 users x ~450 rules) and take far longer to build,
// without making a single `can` cheaper. `admin` maps to CASL's `manage` (any action), a scope to
// a `$regex` condition on the subject's id, an expiry to `at: { $lt: expiresAt }`. Our other
// actions get a prefix, since `manage` is one of them. ----

type CaslSubject = Query["caslSubject"];

// CASL reserves `manage` for "any action", so our own actions get a prefix and only admin maps to it.
function caslAction(action: string): string {
  return `do_${action}`;
}

function buildCasl(m: Model): Map<string, MongoAbility[]> {
  const abilities = m.effective.map((grants) => {
    const rules = grants.map((g) => {
      const conditions: Record<string, unknown> = {};
      if (g.pattern !== null) {
        conditions.type = "repository";
        conditions.id = {
          $regex: new RegExp(`^${g.pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace("*", "[^/]*")}$`),
        };
      }
      if (g.expiresAt !== null) conditions.at = { $lt: g.expiresAt };
      return {
        action: g.action === "admin" ? "manage" : caslAction(g.action),
        subject: g.feature,
        ...(Object.keys(conditions).length > 0 ? { conditions } : {}),
      };
    });
    return createMongoAbility(rules, { detectSubjectType: (o) => (o as unknown as CaslSubject).kind });
  });
  return new Map(m.users.map((u) => [u.id, u.roles.map((r) => abilities[r]!)]));
}

function caslCheck(users: Map<string, MongoAbility[]>, query: Query): boolean {
  const abilities = users.get(query.q.subject);
  if (abilities === undefined) return false;
  for (const ability of abilities) if (ability.can(query.action, query.caslSubject as never)) return true;
  return false;
}

// ---- Timing: every contender runs the same pre-generated array; rounds interleave contenders so
// a noisy neighbour hurts them alike; the median round counts. A round is timed by this process's
// CPU time, not the wall clock: on a shared machine a round can lose the CPU to another process
// for longer than it runs, which says nothing about the code being measured. ----

type Loop = (queries: Query[]) => number;

/** A contender in one timing: its loop and the queries it runs. */
interface Contender {
  loop: Loop;
  queries: Query[];
}

function engineLoop(policy: CompiledPolicy): Loop {
  return (queries) => {
    let n = 0;
    for (let i = 0; i < queries.length; i++) if (check(policy, queries[i]!.q).allowed) n++;
    return n;
  };
}

function baselineLoop(users: Map<string, BaselineRole[]>): Loop {
  return (queries) => {
    let n = 0;
    for (let i = 0; i < queries.length; i++) if (baselineCheck(users, queries[i]!.q)) n++;
    return n;
  };
}

function caslLoop(users: Map<string, MongoAbility[]>): Loop {
  return (queries) => {
    let n = 0;
    for (let i = 0; i < queries.length; i++) if (caslCheck(users, queries[i]!)) n++;
    return n;
  };
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

/** Checks per second for each contender, median of the timed rounds. */
function measure(contenders: Record<string, Contender>): Record<string, number> {
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  // One full collection up front, not per round: on this heap it costs more than a round, and
  // the checks themselves leave only young garbage (result objects, the baseline's strings).
  gc();
  for (let round = 0; round < WARMUP_ROUNDS + ROUNDS; round++) {
    for (const [name, { loop, queries }] of Object.entries(contenders)) {
      const start = cpuMs();
      const allowed = loop(queries);
      const ms = cpuMs() - start;
      const expected = queries.filter((q) => q.expected).length;
      if (allowed !== expected)
        throw new Error(`${name} allowed ${allowed} of ${queries.length}, expected ${expected}`);
      if (round >= WARMUP_ROUNDS) times[name]!.push(ms);
    }
  }
  return Object.fromEntries(
    Object.entries(times).map(([name, ms]) => [name, contenders[name]!.queries.length / (median(ms) / 1000)]),
  );
}

function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

// So the bench cannot measure the wrong thing: on a sample, every contender gives the model's
// answer, and the wildcard stream really is decided by a wildcard scope.
function verify(
  stream: Stream,
  queries: Query[],
  policy: CompiledPolicy,
  baseline: Map<string, BaselineRole[]> | null,
  casl: Map<string, MongoAbility[]> | null,
): void {
  for (const query of queries.slice(0, SAMPLE)) {
    const answers = {
      engine: check(policy, query.q).allowed,
      baseline: baseline === null ? query.expected : baselineCheck(baseline, query.q),
      casl: casl === null ? query.expected : caslCheck(casl, query),
    };
    for (const [name, allowed] of Object.entries(answers)) {
      if (allowed !== query.expected)
        throw new Error(
          `${stream}: ${name} says ${allowed} for ${JSON.stringify(query.q)}, the model says ${query.expected}`,
        );
    }
    if (stream === "allowed-wildcard" && explain(policy, query.q).path.at(-1)?.kind !== "scope") {
      throw new Error(`allowed-wildcard: ${JSON.stringify(query.q)} was not decided by a scope`);
    }
  }
}

function streamsFor(m: Model, seed: number): Record<Stream, Query[]> {
  return Object.fromEntries(STREAMS.map((s, i) => [s, makeQueries(m, s, seed + i)])) as Record<Stream, Query[]>;
}

/**
 * Engine checks per second at two organization sizes, per stream, timed in the same rounds so a
 * change in the neighbours' load cannot pass for a difference between the sizes.
 */
function scaling(
  smallRoles: number,
  largeRoles: number,
): { small: Record<Stream, number>; large: Record<Stream, number>; compileMs: [number, number] } {
  const sizes = [smallRoles, largeRoles].map((roleCount) => {
    const m = buildModel(roleCount, 42);
    const start = performance.now();
    const policy = compilePolicy(m.policy);
    return { policy, compileMs: performance.now() - start, streams: streamsFor(m, 7) };
  });
  const small = {} as Record<Stream, number>;
  const large = {} as Record<Stream, number>;
  for (const s of STREAMS) {
    for (const size of sizes) verify(s, size.streams[s], size.policy, null, null);
    const rates = measure({
      small: { loop: engineLoop(sizes[0]!.policy), queries: sizes[0]!.streams[s] },
      large: { loop: engineLoop(sizes[1]!.policy), queries: sizes[1]!.streams[s] },
    });
    small[s] = rates.small!;
    large[s] = rates.large!;
  }
  return { small, large, compileMs: [sizes[0]!.compileMs, sizes[1]!.compileMs] };
}

function combinedRate(perStream: Record<Stream, number>): number {
  return STREAMS.length / STREAMS.reduce((sum, s) => sum + 1 / perStream[s], 0);
}

// withRoleChanged on the middle-level role with the most descendants (the most work a middle role
// can cause), one grant swapped each time, each change applied to the policy the last one made,
// as the service does; wall-clock, after 29 warm-up changes.
function recompileMs(m: Model, policy: CompiledPolicy): { ms: number; descendants: number } {
  const children = m.parents.map(() => [] as number[]);
  m.parents.forEach((ps, child) => ps.forEach((p) => children[p]!.push(child)));
  const below = (r: number): number => {
    const seen = new Set<number>();
    const queue = [r];
    for (let k = 0; k < queue.length; k++)
      for (const c of children[queue[k]!]!) if (!seen.has(c)) queue.push((seen.add(c), c));
    return seen.size;
  };
  const middle = m.levels
    .map((l, r) => (l === Math.floor(DEPTH / 2) ? r : -1))
    .filter((r) => r >= 0)
    .reduce((best, r) => (below(r) > below(best) ? r : best));
  const role = m.policy.roles[middle]!;
  const times: number[] = [];
  let current = policy;
  for (let i = 0; i < 60; i++) {
    const grants = role.grants.map((g, k) =>
      k === 0 ? { ...g, id: `changed_${i}`, permission: `org:f${i % FEATURES}:approve` } : g,
    );
    const start = performance.now();
    current = withRoleChanged(current, { ...role, grants });
    if (i >= 29) times.push(performance.now() - start);
  }
  return { ms: median(times), descendants: below(middle) };
}

function fmt(n: number): string {
  return n >= 1e6 ? `${(n / 1e6).toFixed(2)}M` : `${(n / 1e3).toFixed(0)}k`;
}

function round(n: number, digits: number): number {
  return Number(n.toFixed(digits));
}

/** Runs the check benchmark and prints a table, then the JSON line. */
export async function run(): Promise<void> {
  const m = buildModel(1_000, 42);
  let start = performance.now();
  const policy = compilePolicy(m.policy);
  const compileMs = performance.now() - start;
  start = performance.now();
  const baseline = buildBaseline(m);
  const baselineMs = performance.now() - start;
  start = performance.now();
  const casl = buildCasl(m);
  const caslMs = performance.now() - start;
  const streams = streamsFor(m, 7);
  const rates = {} as Record<Stream, Record<string, number>>;
  for (const s of STREAMS) {
    verify(s, streams[s], policy, baseline, casl);
    const queries = streams[s];
    rates[s] = measure({
      engine: { loop: engineLoop(policy), queries },
      baseline: { loop: baselineLoop(baseline), queries },
      casl: { loop: caslLoop(casl), queries },
    });
  }
  const recompile = recompileMs(m, policy);
  const scale = scaling(100, 10_000);
  const smallRate = combinedRate(scale.small);
  const largeRate = combinedRate(scale.large);

  const rows = STREAMS.map((s) => {
    const r = rates[s];
    return [
      s,
      fmt(r.engine!),
      fmt(r.baseline!),
      fmt(r.casl!),
      (r.engine! / r.baseline!).toFixed(2),
      (r.engine! / r.casl!).toFixed(1),
      (scale.small[s] / scale.large[s]).toFixed(2),
    ];
  });
  const engine = combinedRate(Object.fromEntries(STREAMS.map((s) => [s, rates[s].engine!])) as Record<Stream, number>);
  const base = combinedRate(Object.fromEntries(STREAMS.map((s) => [s, rates[s].baseline!])) as Record<Stream, number>);
  const caslRate = combinedRate(Object.fromEntries(STREAMS.map((s) => [s, rates[s].casl!])) as Record<Stream, number>);
  rows.push([
    "all three",
    fmt(engine),
    fmt(base),
    fmt(caslRate),
    (engine / base).toFixed(2),
    (engine / caslRate).toFixed(1),
    (smallRate / largeRate).toFixed(2),
  ]);
  const header = ["stream (checks/s)", "engine", "baseline", "casl", "vs baseline", "vs casl", "100/10k roles"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ");
  console.log(
    `check: ${m.roleCount} roles, ${USERS} users x ${ROLES_PER_USER} roles, ${GRANTS_PER_ROLE} grants per role, ${QUERIES} queries per stream, median of ${ROUNDS} rounds by CPU time`,
  );
  console.log(
    `build: engine compile ${compileMs.toFixed(0)} ms, baseline ${baselineMs.toFixed(0)} ms, casl ${caslMs.toFixed(0)} ms; engine compile at 100 roles ${scale.compileMs[0].toFixed(0)} ms, at 10 000 roles ${scale.compileMs[1].toFixed(0)} ms`,
  );
  console.log(line(header));
  for (const r of rows) console.log(line(r));
  console.log(`denied / allowed-exact (engine): ${(rates.denied.engine! / rates["allowed-exact"].engine!).toFixed(2)}`);
  console.log(
    `engine at 100 roles: ${fmt(smallRate)}/s, at 10 000 roles: ${fmt(largeRate)}/s (same users, grants per role and queries per stream)`,
  );
  console.log(
    `withRoleChanged on a middle-level role with ${recompile.descendants} descendants: ${recompile.ms.toFixed(2)} ms (median of 31, wall clock)`,
  );
  console.log(
    JSON.stringify({
      bench: "check",
      engine_per_s: Math.round(engine),
      baseline_per_s: Math.round(base),
      casl_per_s: Math.round(caslRate),
      ratio_vs_baseline: round(Math.min(...STREAMS.map((s) => rates[s].engine! / rates[s].baseline!)), 2),
      ratio_vs_casl: round(Math.min(...STREAMS.map((s) => rates[s].engine! / rates[s].casl!)), 2),
      scale_100_to_10000_roles: round(smallRate / largeRate, 2),
      recompile_one_role_ms: round(recompile.ms, 3),
    }),
  );
}
