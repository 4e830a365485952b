// Bearer authentication: an instance secret key or an agent key becomes the request's actor.
import type { FastifyRequest } from "fastify";
import type { Actor } from "../context.js";
import { ClerkError } from "../errors.js";
import { assertAllowedNow } from "../features/access/index.js";
import { authenticate } from "../features/keys/index.js";
import { resolveUser } from "../features/users/index.js";
import type { ServiceContext } from "../context.js";

/** Reads `Authorization: Bearer <key>`; anything else is a 401 in Clerk's envelope. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header)
    throw new ClerkError(
      "auth.unauthenticated",
      "Missing Authorization header; send Authorization: Bearer <secret key>.",
    );
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
  if (!match) throw new ClerkError("auth.unauthenticated", "Authorization header must be 'Bearer <secret key>'.");
  return match[1] as string;
}

/**
 * The actor for a request's key. An instance secret key may name a member in `Clerk-Act-As` to be held to
 * that member's permissions (what the CLI's --as does remotely); it only ever narrows what the key may do.
 */
export async function actorFor(base: ServiceContext, request: FastifyRequest): Promise<Actor> {
  const actor = await authenticate(base, bearerToken(request));
  const actAs = request.headers["clerk-act-as"];
  if (actAs === undefined) return actor;
  assertAllowedNow({ ...base, actor }, { kind: "act_as" });
  if (typeof actAs !== "string" || actAs.trim() === "")
    throw new ClerkError("input.invalid", "Clerk-Act-As must name one member by e-mail or user id.", {
      param: "Clerk-Act-As",
    });
  const user = await resolveUser(base, actAs.trim());
  return { type: "user", id: user.id, label: user.email, via: { type: "api_key", id: actor.id, label: actor.label } };
}
