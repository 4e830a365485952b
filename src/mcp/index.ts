// The MCP transport: tools derived from the operation values, served over stdio (`clerk mcp`) and HTTP (`/mcp`).
export { registerMcpCommand } from "./mcp.command.js";
export { MCP_PATH, PROTECTED_RESOURCE_PATH, mcpChallenge, registerMcp } from "./mcp.http.js";
export { type McpOptions, createMcpServer, offeredTools, parseToolPatterns, visibleTools } from "./mcp.server.js";
export { type McpTool, type ToolNeed, allTools } from "./mcp.tools.js";
