// Who may handle sessions, tokens and signing keys: the instance, never a member acting as themselves.
import type { ServiceContext } from "../../context.js";
import { instanceAdminOnly } from "./session.errors.js";

/** Refuses a member or agent actor; an instance secret key, the local operator and the system pass. */
export function assertInstanceAdmin(ctx: ServiceContext, what: string): void {
  if (ctx.actor.type === "user") throw instanceAdminOnly(ctx.actor.label, what);
}
