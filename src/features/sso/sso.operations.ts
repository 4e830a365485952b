// The enterprise connection operations of Clerk's Backend API: list, create, read, update, delete.
import { z } from "zod";
import { operation, pageOf } from "../../operations/index.js";
import { checkConnection } from "./check.service.js";
import {
  createConnection,
  deleteConnection,
  getConnection,
  listConnections,
  updateConnection,
} from "./connection.service.js";
import { createConnectionBody, updateConnectionBody } from "./sso.schema.js";
import { connectionCheckObject, connectionCheckSchema, connectionObject, connectionSchema } from "./sso.view.js";

const listQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(500).default(10),
    offset: z.coerce.number().int().min(0).default(0),
    organization_id: z.string().optional().describe("only this organization's connections (id or slug)"),
    active: z
      .enum(["true", "false"])
      .optional()
      .transform((v) => (v === undefined ? undefined : v === "true"))
      .describe("only active (true) or inactive (false) connections"),
  })
  .loose();
const connectionParams = z.object({ enterprise_connection_id: z.string().describe("the connection's id") });

const tag = "Enterprise Connections";

export const ssoOperations = {
  list: operation(
    {
      method: "GET",
      url: "/enterprise_connections",
      tag,
      summary: "List enterprise connections (SAML and OIDC identity providers), newest first",
      query: listQuery,
      output: pageOf(connectionSchema),
    },
    async ({ ctx, query: q }) => {
      const all = await listConnections(ctx, { organization: q.organization_id, active: q.active });
      return { data: all.slice(q.offset, q.offset + q.limit).map(connectionObject), total_count: all.length };
    },
  ),

  create: operation(
    {
      method: "POST",
      url: "/enterprise_connections",
      tag,
      status: 201,
      summary: "Create an organization's enterprise connection; active once its IdP settings are complete unless told",
      body: createConnectionBody,
      output: connectionSchema,
    },
    async ({ ctx, body }) => connectionObject(await createConnection(ctx, body)),
  ),

  get: operation(
    {
      method: "GET",
      url: "/enterprise_connections/:enterprise_connection_id",
      tag,
      summary: "Retrieve an enterprise connection, with the ACS URL and entity id to give the IdP",
      params: connectionParams,
      output: connectionSchema,
    },
    async ({ ctx, params: p }) => connectionObject(await getConnection(ctx, p.enterprise_connection_id)),
  ),

  update: operation(
    {
      method: "PATCH",
      url: "/enterprise_connections/:enterprise_connection_id",
      tag,
      summary: "Update an enterprise connection; what the body leaves out stays",
      params: connectionParams,
      body: updateConnectionBody,
      output: connectionSchema,
    },
    async ({ ctx, params: p, body }) => connectionObject(await updateConnection(ctx, p.enterprise_connection_id, body)),
  ),

  check: operation(
    {
      method: "POST",
      url: "/enterprise_connections/:enterprise_connection_id/test",
      tag,
      summary:
        "Check a connection without a browser: reads the IdP's metadata or discovery document, its certificates' dates, and says what is wrong",
      params: connectionParams,
      output: connectionCheckSchema,
    },
    async ({ ctx, params: p }) => connectionCheckObject(await checkConnection(ctx, p.enterprise_connection_id)),
  ),

  remove: operation(
    {
      method: "DELETE",
      url: "/enterprise_connections/:enterprise_connection_id",
      tag,
      summary: "Delete an enterprise connection; the users and memberships it created stay",
      params: connectionParams,
      output: z.object({ object: z.literal("enterprise_connection"), id: z.string(), deleted: z.literal(true) }),
    },
    async ({ ctx, params: p }) => {
      const c = await deleteConnection(ctx, p.enterprise_connection_id);
      return { object: "enterprise_connection" as const, id: c.id, deleted: true as const };
    },
  ),
};
