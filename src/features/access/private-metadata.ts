// Private metadata is the instance backend's: as in Clerk (readable only through the Backend API with the secret
// key), members (session, dashboard cookie, agent key, Clerk-Act-As) read every user, organization and membership
// with `private_metadata` emptied; the instance key, the operator and instance admins read it whole.
import { z } from "zod";
import type { ServiceContext } from "../../context.js";
import { type Operation, isStreamed, onAnswer } from "../../operations/index.js";
import { isInstanceAdmin } from "./authorize.js";

const FIELD = "private_metadata";

const carries = new WeakMap<Operation, boolean>();

/** Whether the operation's declared answer has a `private_metadata` field anywhere (worked out once per operation). */
function carriesPrivateMetadata(operation: Operation): boolean {
  let known = carries.get(operation);
  if (known === undefined) {
    const output = operation.spec.output;
    known =
      !isStreamed(output) &&
      JSON.stringify(z.toJSONSchema(output, { io: "output", unrepresentable: "any" })).includes(`"${FIELD}"`);
    carries.set(operation, known);
  }
  return known;
}

/**
 * The answer with every `private_metadata` emptied; a user's keeps `kind` (clerk's own column, shown there, which
 * nobody can write and which is no secret: whether the user is a person or an agent).
 */
function withoutPrivateMetadata(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutPrivateMetadata);
  if (value === null || typeof value !== "object") return value;
  const source = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(source)) {
    if (key !== FIELD) out[key] = withoutPrivateMetadata(field);
    else {
      const kind = source.object === "user" ? (field as { kind?: unknown } | null)?.kind : undefined;
      out[key] = typeof kind === "string" ? { kind } : {};
    }
  }
  return out;
}

function hidePrivateMetadata(ctx: ServiceContext, operation: Operation, answer: unknown): unknown {
  if (isInstanceAdmin(ctx) || !carriesPrivateMetadata(operation)) return answer;
  return withoutPrivateMetadata(answer);
}

/** Registers the rule on every operation's answer; idempotent, called wherever a context is built. */
export function installPrivateMetadataRule(): void {
  onAnswer("private-metadata", hidePrivateMetadata);
}
