// `clerk serve`: the HTTP API on the chosen store, until interrupted.
import type { Command } from "commander";
import { ClerkError } from "../errors.js";
import { cliClock, type GlobalOptions, openChosenStore } from "./context.js";
import { reportError } from "./run.js";

function parsePort(value: string): number {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535)
    throw new ClerkError("input.invalid", `--port "${value}" is not a port number (0–65535).`, { param: "port" });
  return port;
}

/** CLERK_USAGE_FLUSH_SECONDS: how often usage counters reach the store (health checks read them). */
function usageFlushMs(): number | undefined {
  return secondsFromEnv("CLERK_USAGE_FLUSH_SECONDS");
}

/** A positive number of seconds from the environment variable `name`, in ms; undefined when unset. */
function secondsFromEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0)
    throw new ClerkError("input.invalid", `${name}="${value}" is not a positive number of seconds such as 30.`);
  return seconds * 1000;
}

/** A positive whole number of requests per minute from the environment variable `name`; undefined when unset. */
function perMinuteFromEnv(name: string): number | undefined {
  const value = process.env[name];
  if (value === undefined || value === "") return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0)
    throw new ClerkError(
      "input.invalid",
      `${name}="${value}" is not a positive whole number of requests such as 1200.`,
    );
  return n;
}

/**
 * CLERK_TRUST_PROXY: the proxies allowed to name the client in X-Forwarded-For, as Fastify's trustProxy takes
 * them: addresses or CIDRs ("127.0.0.1,10.0.0.0/8"), or "true" for any (only when nothing but
 * the proxy can reach clerk). Unset or "false": the client is the connection's peer.
 */
export function trustProxyFrom(value: string | undefined): boolean | string | undefined {
  const v = value?.trim();
  if (v === undefined || v === "" || v === "false") return undefined;
  if (v === "true") return true;
  if (/^[0-9a-fA-F:.,/\s]+$/.test(v)) return v.replace(/\s+/g, "");
  throw new ClerkError(
    "input.invalid",
    `CLERK_TRUST_PROXY="${value}" is not a list of proxy addresses or CIDRs (e.g. 127.0.0.1,10.0.0.0/8), true or false.`,
  );
}

/** `listen EADDRINUSE` says which port, and what to do about it. */
function listenError(error: unknown, host: string, port: number): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE")
    return new Error(
      `Port ${port} on ${host} is already in use (another clerk serve?). Choose another with --port ${port + 1} (or PORT=${port + 1}), or stop what listens there.`,
    );
  if (code === "EACCES")
    return new Error(
      `Not allowed to listen on port ${port} on ${host}; ports below 1024 need privileges. Choose another with --port.`,
    );
  return error;
}

export function registerServeCommand(program: Command): void {
  program
    .command("serve")
    .description("Run the HTTP API (Clerk-compatible Backend API under /v1). Prints a first key when none exists.")
    .option("--port <port>", "port to listen on (default: $PORT, else 3000)")
    .option("--host <host>", "address to listen on", "127.0.0.1")
    .addHelpText("after", "\nExample:\n  clerk serve --port 3000 --host 0.0.0.0")
    .action(async (_options: unknown, command: Command) => {
      const o = command.optsWithGlobals() as GlobalOptions & { port?: string; host: string };
      const port = parsePort(o.port ?? process.env.PORT ?? "3000");
      try {
        const store = await openChosenStore(o.database);
        // The HTTP server (Fastify and every route) loads only here: other commands start without it.
        const { serve } = await import("../http/serve.js");
        const server = await serve({
          store,
          clock: cliClock(),
          port,
          host: o.host,
          usageFlushMs: usageFlushMs(),
          jobLeaseMs: secondsFromEnv("CLERK_JOB_LEASE_SECONDS"),
          drainMs: secondsFromEnv("CLERK_DRAIN_SECONDS"),
          rateLimitPerMinute: perMinuteFromEnv("CLERK_RATE_LIMIT_PER_MINUTE"),
          trustProxy: trustProxyFrom(process.env.CLERK_TRUST_PROXY),
        }).catch((error: unknown) => {
          throw listenError(error, o.host, port);
        });
        process.stderr.write(`clerk is serving ${store.location} (${store.dialect.name}) at ${server.url}\n`);
        const shutdown = () => void server.stop().then(() => process.exit(0));
        process.once("SIGINT", shutdown);
        process.once("SIGTERM", shutdown);
      } catch (error) {
        process.exitCode = reportError(error, o.format === "json");
      }
    });
}
