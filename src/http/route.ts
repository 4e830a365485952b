// Serves operations: each one's zod schemas validate the request, its output schema serializes the answer,
// and both describe it in the OpenAPI document.
import { Readable } from "node:stream";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import {
  type Method,
  type Operation,
  StreamedBody,
  type StreamedOutput,
  invoke,
  isStreamed,
} from "../operations/index.js";

/** A documented route, as the OpenAPI builder reads it. */
export interface DocumentedRoute {
  method: Method;
  path: string;
  summary: string;
  tag: string;
  params?: z.ZodType | undefined;
  query?: z.ZodType | undefined;
  body?: z.ZodType | undefined;
  output: z.ZodType | StreamedOutput;
  status?: number | undefined;
}

declare module "fastify" {
  interface FastifyInstance {
    documentedRoutes: DocumentedRoute[];
  }
}

/** The JSON Schema of an answer, as the serializer and the OpenAPI document read it. */
export function outputJsonSchema(output: z.ZodType): Record<string, unknown> {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(output, { io: "output", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
}

/** Serves an operation under the app's prefix and lists it in the OpenAPI document. */
export function mount(app: FastifyInstance, op: Operation): void {
  const { spec } = op;
  app.documentedRoutes.push({
    method: spec.method,
    path: `${app.prefix}${spec.url}`,
    summary: spec.summary,
    tag: spec.tag,
    params: spec.params,
    query: spec.query,
    body: spec.body,
    output: spec.output,
    status: spec.status,
  });
  app.route({
    method: spec.method,
    url: spec.url,
    // The serializer writes only the declared fields: a field added to a view without its schema never leaks.
    ...(isStreamed(spec.output) ? {} : { schema: { response: { "2xx": outputJsonSchema(spec.output) } } }),
    handler: async (request, reply) => {
      const result = await invoke(op, request.ctx, request);
      if (spec.status !== undefined) void reply.status(spec.status);
      return result instanceof StreamedBody
        ? reply.type(result.contentType).send(Readable.from(result.chunks))
        : result;
    },
  });
}

/** Mounts every operation of a feature's table. */
export function mountAll(app: FastifyInstance, table: Record<string, Operation>): void {
  for (const op of Object.values(table)) mount(app, op);
}
