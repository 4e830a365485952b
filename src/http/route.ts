// Declares a route once: its zod schemas validate the request and describe it in the OpenAPI document.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
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

/** The parsed request a handler receives. */
export interface RouteInput<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType> {
  ctx: ServiceContext;
  params: z.output<P>;
  query: z.output<Q>;
  body: z.output<B>;
  request: FastifyRequest;
  reply: FastifyReply;
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

/** Every route declared through `route`, per server (the OpenAPI document is built from it). */
export const ROUTES_KEY = "documentedRoutes";

declare module "fastify" {
  interface FastifyInstance {
    documentedRoutes: DocumentedRoute[];
  }
}

/** Registers a route whose params, query and body are parsed with the given schemas before the handler runs. */
export function route<P extends z.ZodType, Q extends z.ZodType, B extends z.ZodType>(
  app: FastifyInstance,
  spec: RouteSpec<P, Q, B>,
  handler: (input: RouteInput<P, Q, B>) => Promise<unknown>,
): void {
  app.documentedRoutes.push({ method: spec.method, path: `${app.prefix}${spec.url}`, summary: spec.summary, tag: spec.tag, params: spec.params, query: spec.query, body: spec.body });
  app.route({
    method: spec.method,
    url: spec.url,
    handler: async (request, reply) =>
      handler({
        ctx: request.ctx,
        params: spec.params ? parseRequest(spec.params, request.params) : (request.params as z.output<P>),
        query: spec.query ? parseRequest(spec.query, request.query) : (request.query as z.output<Q>),
        body: spec.body ? parseRequest(spec.body, request.body) : (undefined as z.output<B>),
        request,
        reply,
      }),
  });
}
