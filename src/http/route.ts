// Declares a route once: its zod schemas validate the request and describe it in the OpenAPI document.
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import type { ServiceContext } from "../context.js";
import { parseRequest } from "./validate.js";

type Method = "GET" | "POST" | "PATCH" | "PUT" | "DELETE";

/** What a route accepts, for validation and for /v1/openapi.json. */
export interface RouteSpec<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  method: Method;
  url: string;
  summary: string;
  /** Grouping in the docs, e.g. "Organizations". */
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
}

/** The parsed request a handler receives: the same over HTTP and in-process, so no handler may touch the raw request. */
export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  ctx: ServiceContext;
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
}

/**
 * One operation of the API as a value: its spec and its handler. The server mounts it, and the CLI's client
 * calls it, in-process or over HTTP, so both transports share one table of operations.
 */
export interface Endpoint<
  P extends z.ZodType = z.ZodType,
  Q extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R = unknown,
> {
  readonly spec: RouteSpec<P, Q, B>;
  readonly handler: (input: RouteInput<P, Q, B>) => Promise<R>;
}

/** What a caller passes to an endpoint: unparsed, as it would travel on the wire. */
export interface EndpointCall<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  params?: z.input<P>;
  query?: z.input<Q>;
  body?: z.input<B>;
}

/**
 * A response that is not one JSON value but a body sent as it is made (an export): the server streams
 * it, the CLI's local transport hands over the same chunks. Errors must be thrown before the first chunk.
 */
export class StreamedBody {
  constructor(
    readonly contentType: string,
    readonly chunks: AsyncIterable<string>,
  ) {}
}

/** A documented route, as the OpenAPI builder reads it. */
export interface DocumentedRoute {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
  body?: z.ZodType | undefined;
}

declare module "fastify" {
  interface FastifyInstance {
    documentedRoutes: DocumentedRoute[];
  }
}

/** Declares an endpoint; `mount` serves it, the CLI's client calls it. */
export function endpoint<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R>(
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<P, Q, B>) => Promise<R>,
): Endpoint<P, Q, B, R> {
  return { spec, handler };
}

/** Parses a call's params, query and body with the endpoint's schemas, then runs its handler. */
export function invoke<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R>(
  e: Endpoint<P, Q, B, R>,
  ctx: ServiceContext,
  raw: { params?: unknown; query?: unknown; body?: unknown },
): Promise<R> {
  const { spec } = e;
  return e.handler({
    ctx,
    params: spec.params ? parseRequest(spec.params, raw.params) : (raw.params as z.output<P>),
    query: spec.query ? parseRequest(spec.query, raw.query) : (raw.query as z.output<Q>),
    body: spec.body ? parseRequest(spec.body, raw.body) : (undefined as z.output<B>),
  });
}

/** Serves an endpoint under the app's prefix and lists it in the OpenAPI document. */
export function mount<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R>(
  app: FastifyInstance,
  e: Endpoint<P, Q, B, R>,
): void {
  const { spec } = e;
  app.documentedRoutes.push({
    method: spec.method,
    path: `${app.prefix}${spec.url}`,
    summary: spec.summary,
    tag: spec.tag,
    params: spec.params,
    query: spec.query,
    body: spec.body,
  });
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) => {
      const result = await invoke(e, request.ctx, request);
      return result instanceof StreamedBody
        ? reply.type(result.contentType).send(Readable.from(result.chunks))
        : result;
    },
  });
}

/** Mounts every endpoint of a feature's table. */
export function mountAll(
  app: FastifyInstance,
  table: Record<string, Endpoint<z.ZodType, z.ZodType, z.ZodType, unknown>>,
): void {
  for (const e of Object.values(table)) mount(app, e);
}

/** Declares and mounts in one step, for endpoints no client calls. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType, R>(
  app: FastifyInstance,
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<P, Q, B>) => Promise<R>,
): void {
  mount(app, endpoint(spec, handler));
}
