// clerk/react's organization components in a real browser (Debian's chromium, driven by playwright-core): a test
// app bundled with esbuild from src/sdk/react.ts renders them against a real `clerk serve` on SQLite (its /v1
// proxied on the app's origin). A member of two organizations lists and switches them (the token's org_id
// changes); an admin invites and changes a role in <OrganizationProfile/>; a plain member gets no write controls,
// and the API refuses them when forced. axe-core checks each page.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import axe from "axe-core";
import { build } from "esbuild";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./helpers/cli.js";

const BIN = resolve("bin/clerk.js");
const CHROMIUM = process.env.CLERK_CHROMIUM ?? "/usr/bin/chromium";
const run = promisify(execFile);

const APP = `
import { createElement as h } from "react";
import { createRoot } from "react-dom/client";
import { ClerkProvider, OrganizationList, OrganizationProfile, OrganizationSwitcher, useAuth } from ${JSON.stringify(resolve("src/sdk/react.ts"))};
function ActiveOrg() {
  const { orgId, orgSlug } = useAuth();
  return h("p", { id: "active" }, "Active: " + (orgSlug ?? "none") + " " + (orgId ?? ""));
}
const token = new URLSearchParams(location.search).get("token");
createRoot(document.getElementById("root")).render(
  h(ClerkProvider, { token },
    h("header", null, h(OrganizationSwitcher, { appearance: { variables: { colorPrimary: "#0f766e" } } })),
    h("main", null, h("h1", null, "Test app"), h(ActiveOrg), h(OrganizationList, { hidePersonal: true }), h(OrganizationProfile))));
`;
const HTML = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Test app</title></head>
<body><div id="root"></div><script type="module" src="/app.js"></script></body></html>`;

/** Serves the bundled app and forwards /v1 to clerk, so the app calls clerk on its own origin. */
function serveApp(js: string, clerk: string): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    if (req.url?.startsWith("/v1/")) {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => {
        const headers: Record<string, string> = {};
        for (const name of ["authorization", "content-type"])
          if (typeof req.headers[name] === "string") headers[name] = req.headers[name];
        fetch(`${clerk}${req.url}`, {
          method: req.method,
          headers,
          body: chunks.length ? Buffer.concat(chunks) : undefined,
        })
          .then(async (r) => {
            res.writeHead(r.status, { "content-type": r.headers.get("content-type") ?? "application/json" });
            res.end(Buffer.from(await r.arrayBuffer()));
          })
          .catch(() => res.writeHead(502).end());
      });
      return;
    }
    const isJs = req.url === "/app.js";
    res.writeHead(200, { "content-type": isJs ? "text/javascript" : "text/html" }).end(isJs ? js : HTML);
  });
  return new Promise((done) =>
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      done({ server, url: `http://127.0.0.1:${port}` });
    }),
  );
}

describe("clerk/react organization components in chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "clerk-react-"));
  let env: NodeJS.ProcessEnv;
  let clerk: ChildProcess;
  let app: { server: Server; url: string };
  let browser: Browser;
  const tokens: Record<string, string> = {};
  const orgIds: Record<string, string> = {};

  const cli = async (...args: string[]) => (await run(process.execPath, [BIN, ...args], { cwd: dir, env })).stdout;

  beforeAll(async () => {
    env = childEnv(dir, { CLERK_LOG_LEVEL: "warn" });
    for (const name of ["Engineering Team", "Marketing"]) {
      const org = JSON.parse(await cli("org", "create", "--name", name, "--format", "json")) as { id: string };
      orgIds[name] = org.id;
    }
    await cli(
      "role",
      "create",
      "--name",
      "Developer",
      "--organization",
      "engineering-team",
      "--permissions",
      "read:code",
    );
    const member = (org: string, email: string, role: string) =>
      cli("org", "member", "add", "--organization", org, "--email", email, "--role", role);
    await member("engineering-team", "ann@acme.com", "org:admin,Developer");
    await member("marketing", "ann@acme.com", "org:member");
    await member("engineering-team", "bob@acme.com", "org:member");
    await member("engineering-team", "dan@acme.com", "org:member");
    for (const email of ["ann@acme.com", "bob@acme.com"]) {
      const session = JSON.parse(await cli("sessions", "create", "--user", email, "--format", "json")) as {
        id: string;
      };
      const minted = await cli(
        "sessions",
        "token",
        session.id,
        "--organization",
        "engineering-team",
        "--lifetime",
        "10m",
        "--format",
        "json",
      );
      tokens[email] = (JSON.parse(minted) as { jwt: string }).jwt;
    }

    const port = await new Promise<number>((done) => {
      const probe = createServer().listen(0, "127.0.0.1", () => {
        const { port: p } = probe.address() as { port: number };
        probe.close(() => done(p));
      });
    });
    const clerkUrl = `http://127.0.0.1:${port}`;
    clerk = spawn(process.execPath, [BIN, "serve", "--port", String(port)], {
      cwd: dir,
      env: { ...env, CLERK_PUBLIC_URL: clerkUrl },
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((done, fail) => {
      let err = "";
      clerk.stderr?.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        if (err.includes(`at ${clerkUrl}`)) done();
      });
      clerk.once("exit", (code) => fail(new Error(`clerk serve exited with ${code}: ${err}`)));
    });

    writeFileSync(join(dir, "app.ts"), APP);
    await build({
      entryPoints: [join(dir, "app.ts")],
      bundle: true,
      format: "esm",
      outfile: join(dir, "app.js"),
      nodePaths: [resolve("node_modules")],
      define: { "process.env.NODE_ENV": '"production"' },
      logLevel: "error",
    });
    app = await serveApp(readFileSync(join(dir, "app.js"), "utf8"), clerkUrl);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    app?.server.close();
    clerk?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  async function seriousViolations(page: Page): Promise<string[]> {
    await page.evaluate(axe.source);
    const result = (await page.evaluate(() =>
      (globalThis as unknown as { axe: typeof axe }).axe.run({ resultTypes: ["violations"] }),
    )) as axe.AxeResults;
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
  }

  async function open(email: string): Promise<{ page: Page; failures: string[] }> {
    const page = await browser.newPage();
    page.setDefaultTimeout(15_000);
    const failures: string[] = [];
    page.on("pageerror", (error) => failures.push(error.message));
    await page.goto(`${app.url}/?token=${tokens[email]}`);
    page.on(
      "console",
      (m) => m.type() === "error" && !m.text().startsWith("Failed to load resource") && failures.push(m.text()),
    );
    page.on("response", (r) => r.status() >= 400 && failures.push(`${r.status()} ${r.request().method()} ${r.url()}`));
    await page
      .getByRole("heading", { name: "Engineering Team" })
      .waitFor()
      .catch(async (e: unknown) => {
        throw new Error(`${String(e)}\n${await page.locator("body").innerText()}\n${failures.join("\n")}`);
      });
    return { page, failures };
  }

  it(
    "a member of two organizations lists both, switches with the switcher (a token for the new org), and manages members as admin",
    { timeout: 90_000 },
    async () => {
      const { page, failures } = await open("ann@acme.com");
      const list = page.getByRole("region", { name: "Choose an organization" });
      await list.getByRole("button", { name: /Marketing/ }).waitFor();
      expect(await list.getByRole("button", { name: /Engineering Team/ }).getAttribute("aria-current")).toBe("true");
      expect(await page.locator("#active").textContent()).toBe(
        `Active: engineering-team ${orgIds["Engineering Team"]}`,
      );

      const trigger = page.getByRole("button", { name: "Engineering Team", exact: true });
      expect(await trigger.getAttribute("class")).toContain("cl-organizationSwitcherTrigger");
      await trigger.click();
      await page
        .getByRole("list", { name: "Switch organization" })
        .getByRole("button", { name: /Marketing/ })
        .click();
      await page
        .getByText(`Active: marketing ${orgIds.Marketing}`)
        .waitFor()
        .catch(async (e: unknown) => {
          throw new Error(`${String(e)}\n${await page.locator("body").innerText()}\n${failures.join("\n")}`);
        });
      // The provider got a token of the same session for Marketing, and clerk remembers the switch.
      await page.getByRole("heading", { name: "Marketing" }).waitFor();
      expect(await page.getByRole("button", { name: "Marketing", exact: true }).getAttribute("aria-expanded")).toBe(
        "false",
      );
      // In Marketing ann is a plain member: no write controls.
      await page.getByRole("cell", { name: "ann@acme.com" }).waitFor();
      expect(await page.getByRole("button", { name: "Send invitation" }).count()).toBe(0);

      await list.getByRole("button", { name: /Engineering Team/ }).click();
      await page.getByText(`Active: engineering-team ${orgIds["Engineering Team"]}`).waitFor();
      await page.getByLabel("Email address").fill("carol@acme.com");
      await page.getByLabel("Role", { exact: true }).selectOption({ label: "Developer" });
      await page.getByRole("button", { name: "Send invitation" }).click();
      await page
        .getByRole("status")
        .filter({ hasText: "Invited carol@acme.com." })
        .waitFor()
        .catch(async (e: unknown) => {
          throw new Error(`${String(e)}\n${await page.locator("body").innerText()}\n${failures.join("\n")}`);
        });
      await page.getByRole("button", { name: "Revoke invitation of carol@acme.com" }).waitFor();
      expect(await page.getByText("carol@acme.com (Developer)").count()).toBe(1);

      await page.getByLabel("Role of dan@acme.com").selectOption({ label: "Developer" });
      await page.getByRole("status").filter({ hasText: "dan@acme.com is now Developer." }).waitFor();
      const members = JSON.parse(
        await cli("org", "member", "list", "--organization", "engineering-team", "--format", "json"),
      ) as { email?: string; identifier?: string; roles?: unknown }[];
      expect(JSON.stringify(members.find((m) => JSON.stringify(m).includes("dan@acme.com")))).toContain("Developer");
      // The API's refusal is shown in its words: the last manager may not leave.
      await page.getByRole("button", { name: "Remove ann@acme.com" }).click();
      expect(await page.getByRole("alert").textContent()).toContain(
        "This would leave engineering-team with nobody who holds org:sys_memberships:manage",
      );
      expect(await seriousViolations(page)).toEqual([]);
      await page.emulateMedia({ colorScheme: "dark" });
      expect(await seriousViolations(page)).toEqual([]);
      expect(failures).toEqual([expect.stringMatching(/^4\d\d DELETE .*\/memberships\/user_\w+$/)]);
      await page.close();
    },
  );

  it("a plain member sees members without write controls, and the API refuses a forced change", async () => {
    const { page, failures } = await open("bob@acme.com");
    await page.getByRole("cell", { name: "ann@acme.com" }).waitFor();
    expect(await page.getByRole("button", { name: "Send invitation" }).count()).toBe(0);
    expect(await page.getByRole("button", { name: /^Remove / }).count()).toBe(0);
    expect(await page.getByLabel(/^Role of /).count()).toBe(0);
    const forced = await page.evaluate(
      async ({ org, token }) => {
        const res = await fetch(`/v1/organizations/${org}/memberships/ann@acme.com`, {
          method: "PATCH",
          headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
          body: JSON.stringify({ role: "org:member" }),
        });
        return { status: res.status, body: (await res.json()) as { errors: { long_message: string }[] } };
      },
      { org: orgIds["Engineering Team"] as string, token: tokens["bob@acme.com"] as string },
    );
    expect(forced.status).toBe(403);
    expect(forced.body.errors[0]?.long_message).toContain("bob@acme.com may not");
    expect(await seriousViolations(page)).toEqual([]);
    expect(failures).toEqual([expect.stringMatching(/^403 PATCH .*\/memberships\/ann@acme\.com$/)]);
    await page.close();
  });
});
