// `/mcp` on `clerk serve`: the MCP tools over Streamable HTTP, stateless (one server per request), as the member
// the request's Bearer token (agent key or session token) authenticated; and the protected-resource metadata.
import { StreamableHTTPServerTransport } from "@modelcontextprotocol/sdk/server/streamableHttp.js";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { publicUrl } from "../features/sso/index.js";
import { createMcpServer } from "./mcp.server.js";

/** The MCP endpoint's path. */
export const MCP_PATH = "/mcp";
/** RFC 9728's protected-resource metadata, which the MCP authorization spec has clients read first. */
export const PROTECTED_RESOURCE_PATH = "/.well-known/oauth-protected-resource";

/** The `WWW-Authenticate` challenge of a refused MCP request: where to learn how to authenticate. */
export const mcpChallenge = (): string =>
  `Bearer resource_metadata="${publicUrl()}${PROTECTED_RESOURCE_PATH}", error="invalid_token"`;

/** Serves `/mcp` and the metadata; the app's onRequest hook has authenticated the caller by then. */
export function registerMcp(app: FastifyInstance): void {
  app.get(PROTECTED_RESOURCE_PATH, async () => ({
    resource: `${publicUrl()}${MCP_PATH}`,
    authorization_servers: [publicUrl()],
    bearer_methods_supported: ["header"],
    resource_name: "clerk",
    resource_documentation: `${publicUrl()}/docs`,
  }));
  // A refused MCP request says where the metadata is (the MCP authorization spec's 401).
  app.addHook("onSend", (request, reply, payload, done) => {
    if (reply.statusCode === 401 && request.url.split("?")[0] === MCP_PATH)
      void reply.header("www-authenticate", mcpChallenge());
    done(null, payload);
  });
  app.post(MCP_PATH, async (request, reply) => {
    const server = createMcpServer(async () => request.ctx, {
      transport: "http",
      log: (err) => request.log.error({ err }, "MCP tool call failed"),
    });
    // Stateless: no session id, a JSON answer per request; a new server and transport each time.
    const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined, enableJsonResponse: true });
    reply.hijack();
    reply.raw.on("close", () => {
      void transport.close();
      void server.close();
    });
    try {
      await server.connect(transport);
      await transport.handleRequest(request.raw, reply.raw, request.body);
    } catch (err) {
      // The reply is ours now: an unexpected failure still answers, as JSON-RPC, and is logged.
      request.log.error({ err }, "MCP request failed");
      if (!reply.raw.headersSent) {
        reply.raw.writeHead(500, { "content-type": "application/json" });
        reply.raw.end(JSON.stringify({ jsonrpc: "2.0", error: { code: -32603, message: "Internal error" }, id: null }));
      }
    }
  });
  // Stateless: no stream to open and no session to end.
  const notHere = async (_request: FastifyRequest, reply: FastifyReply) => {
    void reply.header("allow", "POST");
    return reply.status(405).send({
      jsonrpc: "2.0",
      error: { code: -32000, message: "Method not allowed: this MCP endpoint is stateless; POST each message." },
      id: null,
    });
  };
  app.get(MCP_PATH, notHere);
  app.delete(MCP_PATH, notHere);
}
