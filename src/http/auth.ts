// Bearer authentication: an instance secret key or an agent key becomes the request's actor.
import type { FastifyRequest } from "fastify";
import type { Actor } from "../context.js";
import { ClerkError } from "../errors.js";
import { authenticate } from "../features/keys/index.js";
import type { ServiceContext } from "../context.js";

/** Reads `Authorization: Bearer <key>`; anything else is a 401 in Clerk's envelope. */
export function bearerToken(request: FastifyRequest): string {
  const header = request.headers.authorization;
  if (!header) throw new ClerkError("auth.unauthenticated", "Missing Authorization header; send Authorization: Bearer <secret key>.");
  const match = /^Bearer ([A-Za-z0-9_\-.]+)$/.exec(header);
  if (!match) throw new ClerkError("auth.unauthenticated", "Authorization header must be 'Bearer <secret key>'.");
  return match[1] as string;
}

/** The actor for a request's key. */
export async function actorFor(base: ServiceContext, request: FastifyRequest): Promise<Actor> {
  return authenticate(base, bearerToken(request));
}
