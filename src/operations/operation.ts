// An operation declared once: what it accepts, what it answers, and the service call between. The HTTP server
// mounts it, the CLI calls it (in-process or over HTTP) and derives its flags from it, the OpenAPI document and
// MCP tools describe it. Nothing here knows a transport, so features import it and never http/ or cli/.
import type { z } from "zod";
import type { ServiceContext } from "../context.js";

export type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/**
 * A response that is not one JSON value but a body sent as it is made (an export, a page): the server streams
 * it, the CLI's local transport hands over the same chunks. Errors must be thrown before the first chunk.
 */
export class StreamedBody {
  constructor(
    readonly contentType: string,
    readonly chunks: AsyncIterable<string>,
  ) {}
}

/** The output of an operation that answers with a `StreamedBody` rather than JSON. */
export interface StreamedOutput {
  readonly streamed: true;
  /** The media types it may answer with, for the OpenAPI document. */
  readonly contentTypes: readonly string[];
  readonly description: string;
}

/** Declares that an operation streams its answer. */
export const streamed = (contentTypes: readonly string[], description: string): StreamedOutput => ({
  streamed: true,
  contentTypes,
  description,
});

/** What an operation accepts and answers, for validation, serialization and every description of it. */
export interface OperationSpec<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  O extends z.ZodType | StreamedOutput,
> {
  method: Method;
  /** The path under /v1, with `:name` parameters. */
  url: string;
  summary: string;
  /** Grouping in the docs, e.g. "Organizations". */
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The answer's schema: the server serializes with it, the OpenAPI document publishes it, tests hold it exact. */
  output: O;
  /** The success status, when Clerk's spec says other than 200 (e.g. 201 for a created enterprise connection). */
  status?: 200 | 201;
}

/** The parsed input a handler receives: the same over every transport, so no handler may touch a raw request. */
export interface OperationInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  ctx: ServiceContext;
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
}

/** What a handler returns for an output: the schema's input type (so a view that drifts fails to compile). */
export type OutputOf<O> = O extends StreamedOutput ? StreamedBody : O extends z.ZodType ? z.input<O> : never;

/** One operation as a value: its spec and its handler. */
export interface Operation<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  O extends z.ZodType | StreamedOutput = z.ZodType | StreamedOutput,
> {
  readonly spec: OperationSpec<P, Q, B, O>;
  readonly handler: (input: OperationInput<P, Q, B>) => Promise<OutputOf<O>>;
}

/** What a caller passes to an operation: unparsed, as it would travel on the wire. */
export interface OperationCall<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  params?: z.input<P>;
  query?: z.input<Q>;
  body?: z.input<B>;
}

/** Declares an operation. */
export function operation<
  P extends z.ZodType,
  Q extends z.ZodType,
  B extends z.ZodType,
  O extends z.ZodType | StreamedOutput,
>(
  spec: OperationSpec<P, Q, B, O>,
  handler: (input: OperationInput<P, Q, B>) => Promise<OutputOf<O>>,
): Operation<P, Q, B, O> {
  return { spec, handler };
}

export const isStreamed = (output: z.ZodType | StreamedOutput): output is StreamedOutput =>
  (output as StreamedOutput).streamed === true;
