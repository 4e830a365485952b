// Who may handle sessions, tokens and signing keys: the instance, never a member acting as themselves.
import type { ServiceContext } from "../../context.js";
import { assertAllowedNow } from "../access/index.js";

/** Refuses a member or agent actor; an instance secret key, the local operator and the system pass. */
export function assertInstanceAdmin(ctx: ServiceContext, what: string): void {
  assertAllowedNow(ctx, { kind: "instance_admin", what, why: "sessions and tokens speak for any user" });
}
