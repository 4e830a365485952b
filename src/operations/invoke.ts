// Runs an operation the same way for every transport: parse the input with its schemas, call the handler,
// and (when asked, as the test suite does) hold the answer to the declared output schema exactly.
import { isDeepStrictEqual } from "node:util";
import type { z } from "zod";
import type { ServiceContext } from "../context.js";
import { type Operation, type OutputOf, type StreamedOutput, StreamedBody, isStreamed } from "./operation.js";
import { parseRequest } from "./parse.js";

/**
 * Set CLERK_CHECK_OUTPUT=1 and every answer must equal its own parse by the output schema: no field the schema
 * lacks, none missing, every type right. The test suite runs with it, so a view and its schema cannot drift;
 * production leaves it off (the server's serializer already writes only declared fields). Read once: process.env
 * is a call into the runtime, and every request would pay it.
 */
const CHECKING = process.env.CLERK_CHECK_OUTPUT === "1";

const plain = (value: unknown): unknown => (value === undefined ? value : JSON.parse(JSON.stringify(value)));

/** Throws a plain Error (a 500, never a user's fault) naming the operation and the first difference. */
export function checkOutput(operation: Operation, result: unknown): void {
  const { output, method, url } = operation.spec;
  const name = `${method} ${url}`;
  if (isStreamed(output)) {
    if (!(result instanceof StreamedBody)) throw new Error(`${name} declares a streamed answer but returned JSON.`);
    return;
  }
  const sent = plain(result);
  const parsed = output.safeParse(sent);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new Error(
      `${name} answered outside its output schema at ${issue?.path.join(".") || "(root)"}: ${issue?.message}`,
    );
  }
  if (!isDeepStrictEqual(plain(parsed.data), sent)) {
    throw new Error(
      `${name} answered fields its output schema does not declare: ${undeclared(sent, plain(parsed.data)).join(", ")}`,
    );
  }
}

/** The paths present in `sent` but dropped by the schema, for the error message. */
function undeclared(sent: unknown, kept: unknown, at = ""): string[] {
  if (Array.isArray(sent) && Array.isArray(kept))
    return sent.flatMap((item, i) => undeclared(item, kept[i], `${at}[${i}]`));
  if (sent && kept && typeof sent === "object" && typeof kept === "object") {
    return Object.keys(sent).flatMap((key) =>
      key in kept
        ? undeclared((sent as Record<string, unknown>)[key], (kept as Record<string, unknown>)[key], `${at}.${key}`)
        : [`${at}.${key}`],
    );
  }
  return isDeepStrictEqual(sent, kept) ? [] : [at || "(root)"];
}

/**
 * Rewrites an answer for the one who asked, on every transport (HTTP, CLI, MCP): a feature that owns a reading rule
 * registers it once (the access feature: private metadata is for the instance's backend only).
 */
export type AnswerFilter = (ctx: ServiceContext, operation: Operation, answer: unknown) => unknown;

const answerFilters = new Map<string, AnswerFilter>();

/** Registers (or replaces) the answer filter named `name`; idempotent, called wherever a context is built. */
export function onAnswer(name: string, filter: AnswerFilter): void {
  answerFilters.set(name, filter);
}

/** Parses a call's params, query and body with the operation's schemas, then runs its handler. */
export async function invoke<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  O extends z.ZodType | StreamedOutput,
>(
  operation: Operation<P, Q, B, O>,
  ctx: ServiceContext,
  raw: { params?: unknown; query?: unknown; body?: unknown },
): Promise<OutputOf<O>> {
  const { spec } = operation;
  let result: unknown = await operation.handler({
    ctx,
    params: spec.params ? parseRequest(spec.params, raw.params) : (raw.params as z.output<P>),
    query: spec.query ? parseRequest(spec.query, raw.query) : (raw.query as z.output<Q>),
    body: spec.body ? parseRequest(spec.body, raw.body) : (undefined as z.output<B>),
  });
  for (const filter of answerFilters.values()) result = filter(ctx, operation as unknown as Operation, result);
  if (CHECKING) checkOutput(operation as unknown as Operation, result);
  return result as OutputOf<O>;
}
