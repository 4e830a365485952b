// Serves the SCIM 2.0 endpoints at /scim/v2/{organization}/…: SCIM tokens (one organization each) instead of API
// keys, application/scim+json in and out, SCIM error bodies (RFC 7644 §3.12) for every failure.
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { z } from "zod";
import type { ServiceContext } from "../context.js";
import { ERROR_CODES, asClerkError } from "../errors.js";
import {
  MAX_SCIM_PAYLOAD,
  SCIM_PREFIX,
  SCIM_ROUTES,
  type ScimScope,
  ScimError,
  authenticateScimToken,
  projectOne,
  scimErrorBody,
} from "../features/scim/index.js";
import { publicUrl } from "../features/sso/index.js";

const CONTENT_TYPE = "application/scim+json; charset=utf-8";
const MAX_PAYLOAD = MAX_SCIM_PAYLOAD;

const CLERK_SCIM_TYPES: Record<string, string> = {
  "input.invalid": "invalidValue",
  "user.invalid_email": "invalidValue",
  "member.exists": "uniqueness",
  "user.email_taken": "uniqueness",
  "member.last_manager": "mutability",
};

function toScimError(error: unknown, request: FastifyRequest): { status: number; scimType?: string; detail: string } {
  if (error instanceof ScimError) return { status: error.status, scimType: error.scimType, detail: error.message };
  const clerk = asClerkError(error);
  if (clerk) {
    const status = ERROR_CODES[clerk.code].status;
    return { status: status === 422 ? 400 : status, scimType: CLERK_SCIM_TYPES[clerk.code], detail: clerk.message };
  }
  const e = error as { code?: string; statusCode?: number; message?: string };
  if (e.code === "FST_ERR_CTP_BODY_TOO_LARGE")
    return { status: 413, detail: `The request body is larger than ${MAX_PAYLOAD} bytes.` };
  if (e.code === "FST_ERR_CTP_INVALID_MEDIA_TYPE")
    return { status: 415, detail: "Send the body as application/scim+json (or application/json)." };
  if (e.statusCode === 429) return { status: 429, detail: e.message ?? "Too many requests." };
  if (e.statusCode && e.statusCode >= 400 && e.statusCode < 500)
    return { status: 400, scimType: "invalidSyntax", detail: e.message ?? "Bad request." };
  request.log.error({ err: error }, "unexpected SCIM error");
  return {
    status: 500,
    detail: "Something went wrong on the server; the request changed nothing. The server log has the details.",
  };
}

function sendError(reply: FastifyReply, status: number, detail: string, scimType?: string) {
  return reply
    .status(status)
    .type(CONTENT_TYPE)
    .send(scimErrorBody(status, detail, scimType));
}

const documentedParams = (path: string) =>
  path.includes(":id")
    ? z.object({
        organization: z.string().describe("the organization's id or slug"),
        id: z.string().describe("the resource's SCIM id"),
      })
    : z.object({ organization: z.string().describe("the organization's id or slug") });
const documentedBody = z
  .object({ schemas: z.array(z.string()), userName: z.string().optional(), displayName: z.string().optional() })
  .loose()
  .describe("A SCIM resource (application/scim+json), or a PatchOp message for PATCH");
const listQueryDoc = z.object({
  filter: z.string().optional().describe('e.g. userName eq "bjensen@example.com"'),
  startIndex: z.string().optional(),
  count: z.string().optional(),
  attributes: z.string().optional(),
  excludedAttributes: z.string().optional(),
});

/** Serves the SCIM endpoints and lists them in the OpenAPI document under "SCIM 2.0". */
export async function registerScim(app: FastifyInstance): Promise<void> {
  for (const r of SCIM_ROUTES)
    app.documentedRoutes.push({
      method: r.method,
      path: `${SCIM_PREFIX}/:organization${r.path}`,
      summary: `${r.summary} (SCIM token of that organization)`,
      tag: "SCIM 2.0",
      params: documentedParams(r.path),
      query:
        r.method === "GET" && !r.path.includes(":id") && (r.path === "/Users" || r.path === "/Groups")
          ? listQueryDoc
          : undefined,
      body: r.body ? documentedBody : undefined,
      output: z.object({ schemas: z.array(z.string()) }).loose(),
      status: r.status,
    });
  await app.register(
    async (scim) => {
      scim.addContentTypeParser(
        ["application/scim+json"],
        { parseAs: "string", bodyLimit: MAX_PAYLOAD },
        (_req, body, done) => {
          const text = String(body);
          if (text.trim() === "") return done(null, undefined);
          try {
            done(null, JSON.parse(text));
          } catch {
            done(new ScimError(400, "invalidSyntax", "The request body is not valid JSON."), undefined);
          }
        },
      );
      scim.setNotFoundHandler((request, reply) =>
        sendError(
          reply,
          404,
          `No SCIM endpoint ${request.method} ${request.url.split("?")[0]}; see /ServiceProviderConfig.`,
        ),
      );
      scim.setErrorHandler((error, request, reply) => {
        const e = toScimError(error, request);
        return sendError(reply, e.status, e.detail, e.scimType);
      });
      for (const r of SCIM_ROUTES)
        scim.route({
          method: r.method,
          url: `/:organization${r.path}`,
          bodyLimit: MAX_PAYLOAD,
          handler: async (request, reply) => {
            const params = request.params as { organization: string; id?: string };
            const header = request.headers.authorization ?? "";
            const match = /^Bearer\s+(\S+)$/i.exec(header);
            const principal = match
              ? await authenticateScimToken(request.ctx, match[1] as string, params.organization)
              : undefined;
            // Unknown, revoked, or another organization's token: the same 401, so nothing tells organizations apart.
            if (!principal) {
              void reply.header("www-authenticate", 'Bearer realm="scim"');
              return sendError(
                reply,
                401,
                "Send Authorization: Bearer <a SCIM token of this organization> (clerk scim token create).",
              );
            }
            const ctx: ServiceContext = { ...request.ctx, actor: principal.actor };
            const scope: ScimScope = {
              org: principal.organization,
              base: `${publicUrl()}${SCIM_PREFIX}/${principal.organization.id}`,
            };
            const ifMatch = request.headers["if-match"];
            const result = await r.handler({
              ctx,
              scope,
              id: params.id ?? "",
              query: request.query as Record<string, unknown>,
              body: request.body,
              ifMatch: typeof ifMatch === "string" ? ifMatch : undefined,
            });
            if (r.status === 204) return reply.status(204).send();
            const answered = projectOne(result, request.query as Record<string, unknown>);
            const version = (result as { meta?: { version?: string } }).meta?.version;
            if (version) void reply.header("etag", version);
            if (r.status === 201) {
              void reply.status(201);
              const location = (result as { meta?: { location?: string } }).meta?.location;
              if (location) void reply.header("location", location);
            }
            return reply.type(CONTENT_TYPE).send(JSON.stringify(answered));
          },
        });
    },
    { prefix: SCIM_PREFIX },
  );
}
