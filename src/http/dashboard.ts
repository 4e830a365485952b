// Serves the dashboard (the single-page app `npm run build` puts in dist/dashboard) at /dashboard, and sends a
// browser at `/` to it (or to the sign-in page) and an API client to /docs.
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { extname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { sessionCookieOf } from "./auth.js";

/** The built app: dist/dashboard beside src/ (tests) or dist/http/ (the package). */
const BUILT = fileURLToPath(new URL("../../dist/dashboard/", import.meta.url));

const TYPES: Record<string, string> = {
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".ico": "image/x-icon",
  ".json": "application/json",
  ".woff2": "font/woff2",
};

// The app loads only its own files and calls only this server.
const HEADERS = {
  "content-security-policy":
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "referrer-policy": "same-origin",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
} as const;

/** Text assets worth compressing (images and fonts are compressed already). */
const COMPRESSIBLE = new Set([".js", ".css", ".svg", ".json"]);

/** Whether the client takes gzip (`Accept-Encoding: gzip, br`, not `gzip;q=0`). */
function acceptsGzip(request: FastifyRequest): boolean {
  const header = request.headers["accept-encoding"];
  return (
    typeof header === "string" && /(?:^|,)\s*gzip\s*(?:;\s*q=(?!0(?:\.0*)?\s*(?:,|$))[\d.]+\s*)?(?:,|$)/i.test(header)
  );
}

/** Paths served without a key: the app's shell and assets (its data comes from the API, which checks). */
export function isDashboardPath(path: string): boolean {
  return path === "/" || path === "/dashboard" || path.startsWith("/dashboard/");
}

/** Whether the request comes from a browser navigating (it prefers HTML), rather than an API client. */
function wantsHtml(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? "";
  return accept.includes("text/html");
}

/** Mounts `/`, `/dashboard` and `/dashboard/*`. The assets are read once, at start. */
export function registerDashboard(app: FastifyInstance): void {
  const index = existsSync(join(BUILT, "index.html")) ? readFileSync(join(BUILT, "index.html")) : undefined;
  const assets = new Map<string, { body: Buffer; gzip?: Buffer }>();
  const assetDir = join(BUILT, "assets");
  if (existsSync(assetDir))
    for (const name of readdirSync(assetDir)) {
      const body = readFileSync(join(assetDir, name));
      // Compressed once at start (about 50 ms for the app's half a megabyte): a first visit loads a quarter of it.
      assets.set(name, COMPRESSIBLE.has(extname(name)) ? { body, gzip: gzipSync(body, { level: 9 }) } : { body });
    }

  const shell = (reply: FastifyReply) => {
    if (!index)
      return reply
        .status(503)
        .type("text/plain; charset=utf-8")
        .send("The dashboard is not built in this copy of clerk; run `npm run build` and restart clerk serve.\n");
    // The shell is small and names the hashed assets: never cached, so a new release is picked up at once.
    return reply.headers(HEADERS).header("cache-control", "no-cache").type("text/html; charset=utf-8").send(index);
  };

  app.get("/", async (request, reply) => {
    if (!wantsHtml(request)) return reply.redirect("/docs", 302);
    if (sessionCookieOf(request) !== undefined) return reply.redirect("/dashboard", 302);
    return reply.redirect(`/sign-in?redirect_url=${encodeURIComponent("/dashboard")}`, 302);
  });
  app.get("/dashboard", async (_request, reply) => shell(reply));
  app.get("/dashboard/*", async (request, reply) => {
    const rest = (request.params as { "*": string })["*"];
    if (rest.startsWith("assets/")) {
      const name = rest.slice("assets/".length);
      const asset = assets.get(name);
      if (!asset) return reply.status(404).type("text/plain; charset=utf-8").send("No such dashboard asset.\n");
      // Asset names carry their content's hash: cache them for a year.
      void reply
        .header("cache-control", "public, max-age=31536000, immutable")
        .header("x-content-type-options", "nosniff")
        .type(TYPES[extname(name)] ?? "application/octet-stream");
      if (asset.gzip === undefined) return reply.send(asset.body);
      void reply.header("vary", "accept-encoding");
      if (!acceptsGzip(request)) return reply.send(asset.body);
      return reply.header("content-encoding", "gzip").send(asset.gzip);
    }
    // Every other path is a page of the app (a shareable URL): the shell routes it.
    return shell(reply);
  });
}
