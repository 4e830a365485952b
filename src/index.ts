// clerk as a library: open a store, build a service context, call the services, ask the access engine.
// The CLI and the HTTP API are built on exactly these functions.
import type { Clock } from "./clock.js";
import { systemClock } from "./clock.js";
import { type Actor, createRuntime, type Runtime, type ServiceContext, SYSTEM_ACTOR } from "./context.js";
import { ensureInstance } from "./features/roles/index.js";
import { installWebhookEvents } from "./features/webhooks/index.js";
import { openStore, type Store } from "./store/index.js";

export { VERSION } from "./version.js";
export { type Clock, type ManualClock, manualClock, systemClock } from "./clock.js";
export { type Actor, inTransaction, type Runtime, type ServiceContext, SYSTEM_ACTOR } from "./context.js";
export { ClerkError, type ErrorCode } from "./errors.js";
export { openStore, type Store } from "./store/index.js";

/** The access engine: a pure policy core (compile a policy, check, explain, who-can), no I/O. */
export * as engine from "./engine/index.js";

// The services. Each takes a ServiceContext first; a write is one transaction with its audit event.
export { type AccessQuery, checkAccess, explainAccess, whoCanIn } from "./features/access/index.js";
export {
  createOrg,
  deleteOrg,
  listOrganizations,
  listOrgTree,
  type Organization,
  resolveOrg,
  updateOrg,
} from "./features/orgs/index.js";
export {
  addMember,
  getMember,
  grantToMember,
  listMembers,
  type Membership,
  removeMember,
  revokeFromMember,
  updateMemberRoles,
} from "./features/members/index.js";
export {
  assignPermission,
  createRole,
  deleteRole,
  listRoles,
  resolveRole,
  revokePermission,
  type Role,
  updateRole,
} from "./features/roles/index.js";
export {
  createPermission,
  deletePermission,
  listPermissions,
  type Permission,
  resolvePermission,
  updatePermission,
} from "./features/permissions/index.js";
export {
  addStage,
  createWorkflow,
  deleteWorkflow,
  getWorkflow,
  listWorkflows,
  updateWorkflow,
} from "./features/workflows/index.js";
export {
  approveTask,
  assignTask,
  cancelRun,
  emitEvent,
  getRun,
  getTask,
  listRuns,
  listTasks,
  rejectTask,
} from "./features/tasks/index.js";
export { auditEventsOf } from "./features/audit/index.js";

/** The local operator: an instance admin, as the CLI acts without `--as`. */
export const OPERATOR: Actor = Object.freeze({ type: "operator", id: null, label: "operator:library" });

/** What `createContext` may be told; everything has a default. */
export interface ContextOptions {
  /** Who acts (default: {@link OPERATOR}). A member is `{ type: "user", id: <user id>, label: <e-mail> }`. */
  actor?: Actor;
  /** Where time comes from (default: the system clock). */
  clock?: Clock;
  /** Caches shared by the contexts of one process (default: a fresh one). Share it between contexts. */
  runtime?: Runtime;
}

/**
 * A service context on `store`: what every service function takes first.
 *
 * @example
 * const store = await openStore(":memory:");
 * const ctx = createContext(store);
 */
export function createContext(store: Store, options: ContextOptions = {}): ServiceContext {
  // Changes made through the library send webhook events too, as the CLI's and the server's do.
  installWebhookEvents();
  return {
    db: store.db,
    dialect: store.dialect,
    clock: options.clock ?? systemClock,
    actor: options.actor ?? OPERATOR,
    runtime: options.runtime ?? createRuntime(),
    storeLocation: store.location,
  };
}

/** An open store with a context acting as the operator, and a way to act as someone else. */
export interface Clerk {
  store: Store;
  /** Acts as the operator (an instance admin). */
  ctx: ServiceContext;
  /** The same store and caches, acting as `actor`. */
  as(actor: Actor): ServiceContext;
  close(): Promise<void>;
}

/**
 * Opens (and migrates) the store at `database` — a SQLite path, `sqlite::memory:`, or a `postgres://` URL;
 * default `$CLERK_DATABASE_URL`, else `./.clerk/clerk.db` — and sets up its built-in roles and permissions.
 *
 * @example
 * import { checkAccess, createOrg, createRole, addMember, openClerk } from "clerk";
 *
 * const clerk = await openClerk({ database: ":memory:" });
 * const org = await createOrg(clerk.ctx, { name: "Engineering Team" });
 * await createRole(clerk.ctx, { name: "Developer", organization: org.slug, permissions: "read:code" });
 * const member = await addMember(clerk.ctx, { organization: org.slug, email: "alice@acme.com", roles: "Developer" });
 * const decision = await checkAccess(clerk.ctx, {
 *   organizationId: org.id,
 *   userId: member.user.id,
 *   permission: "org:code:read", // the canonical key (the shorthand read:code is for input)
 * });
 * await clerk.close();
 */
export async function openClerk(options: { database?: string } & Omit<ContextOptions, "actor"> = {}): Promise<Clerk> {
  const store = await openStore(options.database);
  const runtime = options.runtime ?? createRuntime();
  const as = (actor: Actor) => createContext(store, { ...options, actor, runtime });
  try {
    await ensureInstance(as(SYSTEM_ACTOR));
  } catch (error) {
    await store.close();
    throw error;
  }
  return { store, ctx: as(OPERATOR), as, close: () => store.close() };
}
