// `clerk mcp`: the MCP tools on stdin/stdout for an agent on this machine, as the member whose key is in
// CLERK_SECRET_KEY, on the local store. A remote server serves the same tools itself at /mcp.
import type { Command } from "commander";
import type { ServiceContext } from "../context.js";
import { ClerkError } from "../errors.js";
import { flushUsage } from "../features/access/index.js";
import { authenticate } from "../features/keys/index.js";
import { type GlobalOptions, openLocal } from "../cli/context.js";
import { reportError } from "../cli/run.js";

interface McpCommandOptions extends GlobalOptions {
  readOnly?: boolean;
  tools?: string;
}

/** The key the agent acts with; the caller's mistakes are said before any store is opened. */
function secretKey(options: GlobalOptions): string {
  const url = process.env.CLERK_API_URL?.trim();
  if (url)
    throw new ClerkError(
      "remote.misconfigured",
      `clerk mcp serves the local store; for the server at ${url}, point the MCP client at ${url.replace(/\/+$/, "")}/mcp with the key as a Bearer token (see docs/agents.md), or unset CLERK_API_URL.`,
    );
  if (options.as !== undefined)
    throw new ClerkError(
      "input.invalid",
      "clerk mcp acts as the member whose key is in CLERK_SECRET_KEY; --as has no effect here.",
      { param: "as" },
    );
  const key = process.env.CLERK_SECRET_KEY?.trim();
  if (!key)
    throw new ClerkError(
      "auth.unauthenticated",
      "clerk mcp needs CLERK_SECRET_KEY: an agent key (clerk keys create --agent <e-mail>) to act as that member.",
    );
  return key;
}

export function registerMcpCommand(program: Command): void {
  program
    .command("mcp")
    .description(
      "Serve the MCP tools (check, request_approval, …) on stdin/stdout for an AI agent, as the member whose key is in CLERK_SECRET_KEY",
    )
    .option("--read-only", "offer only the tools that change nothing (no request_approval, no decide_task)")
    .option(
      "--tools <names>",
      'offer only these tools, comma-separated, * as a wildcard (e.g. "check,who_can,request_*")',
    )
    .addHelpText("after", '\nExample:\n  CLERK_SECRET_KEY=ak_… clerk mcp --tools "check,who_can,request_*"')
    .action(async (_options: unknown, command: Command) => {
      const o = command.optsWithGlobals() as McpCommandOptions;
      try {
        const key = secretKey(o);
        // The MCP SDK loads only here: other commands start without it.
        const { createMcpServer, parseToolPatterns } = await import("./mcp.server.js");
        const tools = o.tools === undefined ? undefined : parseToolPatterns(o.tools);
        const { store, ctx } = await openLocal(o);
        // Every call authenticates again: a key revoked while the agent runs is refused at its next call.
        const contextOf = async (): Promise<ServiceContext> => ({ ...ctx, actor: await authenticate(ctx, key) });
        try {
          await contextOf();
        } catch (error) {
          await store.close();
          throw error;
        }
        const { StdioServerTransport } = await import("@modelcontextprotocol/sdk/server/stdio.js");
        const server = createMcpServer(contextOf, {
          readOnly: o.readOnly,
          tools,
          transport: "stdio",
          log: (error) => reportError(error, false),
        });
        server.onclose = () => {
          void flushUsage(ctx)
            .catch(() => undefined)
            .finally(() => void store.close());
        };
        await server.connect(new StdioServerTransport());
      } catch (error) {
        process.exitCode = reportError(error, o.format === "json");
      }
    });
}
