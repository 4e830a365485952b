// The OpenAPI 3.1 document, built from the routes' own zod schemas, and a self-contained docs page.
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { VERSION } from "../version.js";
import { isStreamed } from "../operations/index.js";
import { type DocumentedRoute, outputJsonSchema } from "./route.js";

const jsonSchema = (schema: z.ZodType) => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Record<
    string,
    unknown
  >;
  return rest;
};

function parameters(route: DocumentedRoute) {
  const out: unknown[] = [];
  for (const [where, schema] of [
    ["path", route.params],
    ["query", route.query],
  ] as const) {
    if (!schema) continue;
    const s = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
    for (const [name, property] of Object.entries(s.properties ?? {})) {
      out.push({ name, in: where, required: where === "path" || (s.required ?? []).includes(name), schema: property });
    }
  }
  return out;
}

const ERROR = {
  description: "Clerk's error envelope",
  content: {
    "application/json": {
      schema: {
        type: "object",
        properties: {
          errors: {
            type: "array",
            items: {
              type: "object",
              properties: {
                code: { type: "string" },
                message: { type: "string" },
                long_message: { type: "string" },
                meta: { type: "object" },
              },
            },
          },
          clerk_trace_id: { type: "string" },
        },
      },
    },
  },
};

function success(route: DocumentedRoute) {
  const { output } = route;
  if (isStreamed(output))
    return {
      description: output.description,
      content: Object.fromEntries(output.contentTypes.map((type) => [type, { schema: { type: "string" } }])),
    };
  return { description: "OK", content: { "application/json": { schema: outputJsonSchema(output) } } };
}

/** The document for every route declared with `route()`. */
export function openApiDocument(routes: readonly DocumentedRoute[]) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const r of routes) {
    const path = r.path.replace(/:([a-z_]+)/g, "{$1}");
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[r.method.toLowerCase()] = {
      summary: r.summary,
      tags: [r.tag],
      parameters: parameters(r),
      ...(r.body
        ? {
            requestBody: {
              required: !r.body.safeParse(undefined).success,
              content: { "application/json": { schema: jsonSchema(r.body) } },
            },
          }
        : {}),
      responses: { [String(r.status ?? 200)]: success(r), "4XX": ERROR },
    };
  }
  return {
    openapi: "3.1.0",
    info: {
      title: "clerk API",
      version: VERSION,
      description:
        "Organizations, roles and permissions; the Organizations part is wire-compatible with Clerk's Backend API.",
    },
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          description: "An instance secret key (sk_live_…) or an agent key (ak_live_…)",
        },
      },
    },
    security: [{ bearer: [] }],
    paths,
  };
}

const escape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c] as string);

/** A browsable page of the same document, with no external assets (the server may have no internet). */
export function docsPage(routes: readonly DocumentedRoute[]): string {
  const byTag = new Map<string, DocumentedRoute[]>();
  for (const r of routes) byTag.set(r.tag, [...(byTag.get(r.tag) ?? []), r]);
  const sections = [...byTag]
    .map(
      ([tag, list]) =>
        `<h2>${escape(tag)}</h2>` +
        list
          .map(
            (r) =>
              `<details><summary><code class="m">${r.method}</code> <code>${escape(r.path)}</code> — ${escape(r.summary)}</summary>` +
              (r.query ? `<h4>Query</h4><pre>${escape(JSON.stringify(jsonSchema(r.query), null, 2))}</pre>` : "") +
              (r.body ? `<h4>Body</h4><pre>${escape(JSON.stringify(jsonSchema(r.body), null, 2))}</pre>` : "") +
              "</details>",
          )
          .join(""),
    )
    .join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>clerk API</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1f2328}
code{font:13px ui-monospace,monospace}.m{display:inline-block;min-width:4.5em;font-weight:600}
details{border:1px solid #d0d7de;border-radius:6px;padding:.4rem .7rem;margin:.3rem 0}pre{background:#f6f8fa;padding:.6rem;overflow:auto}
</style></head><body><h1>clerk API ${VERSION}</h1><p>Authenticate with <code>Authorization: Bearer &lt;key&gt;</code>. Machine-readable: <a href="/v1/openapi.json">/v1/openapi.json</a>.</p>${sections}</body></html>`;
}

/** Serves /v1/openapi.json and /docs (both public). */
export function registerDocs(app: FastifyInstance): void {
  app.get("/v1/openapi.json", async () => openApiDocument(app.documentedRoutes));
  app.get("/docs", async (_request, reply) =>
    reply.type("text/html; charset=utf-8").send(docsPage(app.documentedRoutes)),
  );
}
