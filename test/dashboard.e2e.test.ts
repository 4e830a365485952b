// The dashboard in a real browser (Debian's chromium, driven by playwright-core) against a real `clerk serve` on
// a SQLite store seeded by the CLI: an admin signs in by the link `clerk dashboard login` prints and works through
// the pages; a plain member signs in and is refused the admin's pages, in the API's words. axe-core checks each
// page; screenshots go to test-results/dashboard/, or with CLERK_SCREENSHOTS=1 (light pages only, a fixed 1280×800
// viewport) to docs/img/dashboard/, which docs/dashboard.md shows.
import { type ChildProcess, execFile, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import axe from "axe-core";
import { type Browser, type Page, chromium } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { childEnv } from "./helpers/cli.js";

const BIN = resolve("bin/clerk.js");
const CHROMIUM = process.env.CLERK_CHROMIUM ?? "/usr/bin/chromium";
const SHOTS = resolve("test-results/dashboard");
const DOC_SHOTS = process.env.CLERK_SCREENSHOTS === "1" ? resolve("docs/img/dashboard") : null;
const run = promisify(execFile);

/** A port nobody listens on now (the server's public URL must name it before it starts: CSRF checks the origin). */
function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as { port: number };
      server.close(() => done(port));
    });
  });
}

describe("the dashboard in chromium", () => {
  const dir = mkdtempSync(join(tmpdir(), "clerk-dashboard-"));
  let url: string;
  let env: NodeJS.ProcessEnv;
  let server: ChildProcess;
  let browser: Browser;
  let adminLink: string;
  let memberLink: string;
  /** The admin's page, signed in by the first test and reused by the next ones (one browser context, one session). */
  let admin: Page;
  /** What went wrong in the admin's page: errors, and answers of 400 and above. */
  const failures: string[] = [];
  /** Every URL the admin's page requested. */
  const requested: string[] = [];

  const cli = async (...args: string[]) => (await run(process.execPath, [BIN, ...args], { cwd: dir, env })).stdout;

  beforeAll(async () => {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    env = childEnv(dir, { CLERK_PUBLIC_URL: url, CLERK_LOG_LEVEL: "warn" });
    await cli("org", "create", "--name", "Engineering Team");
    await cli("org", "create", "--name", "Platform", "--parent", "engineering-team");
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
    await cli(
      "role",
      "create",
      "--name",
      "Code Reviewer",
      "--organization",
      "engineering-team",
      "--extends",
      "Developer",
      "--permissions",
      "approve:pull-requests",
    );
    const member = (email: string, role: string) =>
      cli("org", "member", "add", "--organization", "engineering-team", "--email", email, "--role", role);
    await member("ann@acme.com", "Code Reviewer");
    await member("alice@acme.com", "Developer");
    await member("bob@acme.com", "org:member");
    await cli(
      "workflow",
      "create",
      "--name",
      "Pull Request Approval",
      "--organization",
      "engineering-team",
      "--trigger",
      "event:pull_request_opened",
    );
    await cli(
      "workflow",
      "stage",
      "add",
      "--workflow",
      "pull-request-approval",
      "--name",
      "Technical Review",
      "--requires-role",
      "Code Reviewer",
      "--form",
      "change-request-template",
      "--timeout",
      "24h",
    );
    await cli(
      "event",
      "emit",
      "--organization",
      "engineering-team",
      "--type",
      "pull_request_opened",
      "--requester",
      "alice@acme.com",
      "--data",
      '{"pr": {"number": 123, "title": "Fix login"}}',
    );
    // An SSO connection not yet complete (no IdP settings): listed, inactive.
    await cli(
      "sso",
      "add",
      "--org",
      "engineering-team",
      "--name",
      "Acme Okta",
      "--provider",
      "saml_okta",
      "--domains",
      "acme.com",
    );
    const login = await cli("dashboard", "login", "--email", "ann@acme.com", "--format", "table");
    adminLink = /(http:\S+__clerk_ticket=\S+)/.exec(login)?.[1] as string;
    expect(login).toContain("ann@acme.com is now a dashboard admin.");
    const bob = JSON.parse(await cli("dashboard", "sign-in-token", "--user", "bob@acme.com", "--format", "json")) as {
      url: string;
    };
    memberLink = bob.url;

    server = spawn(process.execPath, [BIN, "serve", "--port", String(port)], {
      cwd: dir,
      env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    await new Promise<void>((done, fail) => {
      let err = "";
      server.stderr?.on("data", (chunk: Buffer) => {
        err += chunk.toString();
        if (err.includes(`at ${url}`)) done();
      });
      server.once("exit", (code) => fail(new Error(`clerk serve exited with ${code}: ${err}`)));
    });
    mkdirSync(SHOTS, { recursive: true });
    if (DOC_SHOTS) mkdirSync(DOC_SHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
  }, 120_000);

  afterAll(async () => {
    await admin?.close();
    await browser?.close();
    server?.kill("SIGTERM");
    rmSync(dir, { recursive: true, force: true });
  });

  /** Runs axe-core in the page (evaluated, so the page's CSP stays as served) and returns its serious findings. */
  async function seriousViolations(page: Page): Promise<string[]> {
    await page.evaluate(axe.source);
    const result = (await page.evaluate(() =>
      (globalThis as unknown as { axe: typeof axe }).axe.run({ resultTypes: ["violations"] }),
    )) as axe.AxeResults;
    return result.violations
      .filter((v) => v.impact === "serious" || v.impact === "critical")
      .map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(" ")).join("; ")})`);
  }

  /** Checks the page with axe-core and saves its screenshot (for the docs too when asked, light pages only). */
  async function check(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
    // The docs show each page once: not the dark twin, not every refusal.
    if (DOC_SHOTS && !name.endsWith("-dark") && !name.startsWith("member-refused-"))
      await page.screenshot({ path: join(DOC_SHOTS, `${name}.png`) });
    expect(await seriousViolations(page), name).toEqual([]);
  }

  it(
    "an admin signs in by the printed link, sees the tree, invites a member, reads a role, approves a task",
    { timeout: 120_000 },
    async () => {
      expect(existsSync(CHROMIUM)).toBe(true);
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      admin = page;
      page.setDefaultTimeout(15_000);
      page.on("request", (r) => requested.push(r.url()));
      page.on("pageerror", (error) => failures.push(error.message));
      page.on("console", (m) => {
        if (m.type() === "error" && !m.text().startsWith("Failed to load resource")) failures.push(m.text());
      });
      // The one refusal expected is the second invitation of the same address.
      page.on("response", (r) => {
        if (r.status() >= 400) failures.push(`${r.status()} ${r.request().method()} ${r.url()}`);
      });

      await page.goto(adminLink);
      await page.waitForURL(`${url}/dashboard`);
      await page.getByRole("heading", { name: "Organizations", level: 1 }).waitFor();
      await expect.poll(() => page.getByText("ann@acme.com (admin)").count()).toBe(1);
      const tree = page.locator("ul.tree");
      await tree.getByRole("link", { name: "Platform" }).waitFor();
      // Platform is nested under Engineering Team.
      expect(await tree.locator("li li").getByRole("link", { name: "Platform" }).count()).toBe(1);
      await check(page, "organizations");

      await tree.getByRole("link", { name: "Engineering Team" }).first().click();
      await page.waitForURL(`${url}/dashboard/orgs/engineering-team`);
      await page.getByRole("cell", { name: "alice@acme.com", exact: true }).waitFor();
      await page.getByLabel("Invite by e-mail").fill("carol@acme.com");
      await page.getByRole("button", { name: "Invite" }).click();
      await page.getByText("Invited carol@acme.com.").waitFor();
      await page.getByText(/Invited, not yet joined \(1\): carol@acme\.com \(org:member\)/).waitFor();
      // A second invitation of the same address is refused in the API's words.
      await page.getByLabel("Invite by e-mail").fill("carol@acme.com");
      await page.getByRole("button", { name: "Invite" }).click();
      await page.getByRole("alert").waitFor();
      expect(await page.getByRole("alert").textContent()).toMatch(/carol@acme\.com/);
      await page.getByLabel("Search members").fill("ali");
      await page.waitForURL(/q=ali/);
      await expect.poll(() => page.getByRole("cell", { name: "ann@acme.com", exact: true }).count()).toBe(0);
      await check(page, "organization-members");

      await page.getByRole("region", { name: "Roles" }).getByRole("link", { name: "Code Reviewer" }).click();
      await page.waitForURL(/\/roles\//);
      const inherited = page.getByRole("row", { name: /org:code:read/ });
      await inherited.waitFor();
      expect(await inherited.textContent()).toContain("inherited from Developer");
      expect(await page.getByRole("row", { name: /org:pull_requests:approve/ }).textContent()).toContain("own");
      await check(page, "role");
      // The URL is shareable: a reload lands on the same page.
      await page.reload();
      await page.getByRole("row", { name: /org:code:read/ }).waitFor();

      await page.getByRole("link", { name: "Approvals" }).click();
      await page.getByRole("heading", { name: /Pull Request Approval: Technical Review/ }).waitFor();
      // The stage's form, rendered from its JSON Schema: required fields, the enum as a choice.
      await page.getByLabel(/^summary/).fill("Fix the login redirect");
      expect(await page.getByLabel(/^risk/).locator("option").allTextContents()).toEqual([
        "(choose)",
        "low",
        "medium",
        "high",
      ]);
      await page.getByLabel(/^risk/).selectOption("low");
      await page.getByLabel(/^rollback plan/).fill("Revert the commit");
      await page.getByLabel(/Comment/).fill("Looks good");
      // The ticket is required: the browser keeps the form until it is filled.
      await page.getByRole("button", { name: "Approve" }).click();
      expect(
        await page
          .getByLabel(/^ticket/)
          .evaluate((e) => (e as unknown as { validity: { valueMissing: boolean } }).validity.valueMissing),
      ).toBe(true);
      await check(page, "approvals");
      await page.getByLabel(/^ticket/).fill("CHG-1234");
      await page.getByRole("button", { name: "Approve" }).click();
      await page.getByText("Nothing waits on you.").waitFor();

      await page.getByRole("link", { name: "every run" }).click();
      await page.getByLabel("Organization").selectOption({ label: "Engineering Team" });
      await page.waitForURL(/runs\?org=engineering-team/);
      await page.getByRole("cell", { name: "approved" }).waitFor();
      await check(page, "runs");
      await page.locator("tbody tr").first().getByRole("link").first().click();
      await page.waitForURL(/\/runs\/[^/]+$/);
      const history = page.locator("ol.timeline");
      await history.waitFor();
      expect(await history.textContent()).toContain('ann@acme.com approved: "Looks good"');
      expect(await page.locator("pre").first().textContent()).toContain("CHG-1234");
      await check(page, "run");
      await page.getByRole("link", { name: "The workflow" }).click();
      await page.getByRole("heading", { name: "Pull Request Approval", level: 1 }).waitFor();
      expect(await page.getByRole("row", { name: /Technical Review/ }).textContent()).toContain(
        "change-request-template",
      );
      const rate = page.getByRole("img", { name: /^Outcomes, last 30d: approved 1, rejected 0/ });
      await rate.waitFor();
      expect(await page.locator(".figures").textContent()).toContain("100 %approval rate");
      await page.getByLabel("Period").selectOption("7d");
      await page.waitForURL(/period=7d/);
      await page.getByRole("img", { name: /^Outcomes, last 7d/ }).waitFor();
      // A notification rule with an unknown placeholder is refused in the API's words.
      await page.getByLabel("Channel").fill("slack:#code-reviews");
      await page.getByLabel("Message").fill("{workflow.name} waits on {nobody}");
      await page.getByRole("button", { name: "Add rule" }).click();
      await expect.poll(() => page.getByRole("alert").textContent()).toContain("nobody");
      // A good one still needs a Slack provider: the API says how to configure it.
      await page.getByLabel("Message").fill("{workflow.name} waits on {assignee.email}");
      await page.getByRole("button", { name: "Add rule" }).click();
      await expect.poll(() => page.getByRole("alert").textContent()).toContain("--provider slack");
      await check(page, "workflow");

      await page.goto(`${url}/dashboard/audit?org=engineering-team&action=approval&actor=ann@acme.com`);
      await page.getByRole("cell", { name: "approval.granted" }).first().waitFor();
      await check(page, "audit");
      // Pages by cursor, kept in the URL: a reload or a shared link lands on the same page, and Previous still works.
      await page.goto(`${url}/dashboard/audit?org=engineering-team&limit=2`);
      const rows = page.getByRole("table", { name: "Audit events" }).locator(":scope > tbody > tr");
      await rows.first().waitFor();
      const firstPage = await rows.allTextContents();
      await page.getByRole("button", { name: "Next" }).click();
      await page.waitForURL(/cursor=.*prev=first/);
      // (While the next page loads there are no rows: wait for rows, and other ones.)
      const shown = async () => {
        const texts = await rows.allTextContents();
        return texts.length > 0 && texts.join() !== firstPage.join() ? texts : null;
      };
      await expect.poll(shown).not.toBeNull();
      const secondPage = (await shown()) as string[];
      await page.getByRole("button", { name: "Next" }).click();
      await page.waitForURL(/prev=first%2C/);
      await page.reload();
      await rows.first().waitFor();
      await page.getByRole("button", { name: "Previous" }).click();
      await expect.poll(() => rows.allTextContents()).toEqual(secondPage);
      await page.getByRole("button", { name: "Previous" }).click();
      await expect.poll(() => rows.allTextContents()).toEqual(firstPage);
      expect(await page.getByRole("button", { name: "Previous" }).isDisabled()).toBe(true);

      await page.emulateMedia({ colorScheme: "dark" });
      await page.goto(`${url}/dashboard/orgs/engineering-team`);
      await page.getByRole("cell", { name: "alice@acme.com", exact: true }).waitFor();
      await check(page, "organization-members-dark");
      expect(failures).toEqual([
        expect.stringMatching(/^400 POST .*\/invitations$/),
        expect.stringMatching(/^422 POST .*\/notification_rules$/),
        expect.stringMatching(/^422 POST .*\/notification_rules$/),
      ]);
      await page.emulateMedia({ colorScheme: "light" });
    },
  );

  it(
    "the admin creates an organization and a role extending another (a cycle refused beside the field), sees the graph and the inherited cell in the matrix, and asks who can",
    { timeout: 120_000 },
    async () => {
      const page = admin;
      failures.length = 0;
      await page.goto(`${url}/dashboard`);
      await page.getByLabel("New organization").fill("Security Team");
      await page.getByRole("button", { name: "Create" }).click();
      await page.waitForURL(`${url}/dashboard/orgs/security-team`);
      await page.getByRole("heading", { name: "Security Team", level: 1 }).waitFor();

      const newRole = async (name: string, permission: string, scopes = "", expires = "", parent?: string) => {
        await page.goto(`${url}/dashboard/orgs/security-team`);
        await page.getByRole("link", { name: "New role" }).click();
        await page.getByLabel("Name", { exact: true }).fill(name);
        if (parent) await page.getByRole("checkbox", { name: parent }).check();
        await page.getByLabel("Permission 1", { exact: true }).fill(permission);
        if (scopes) await page.getByLabel("Scopes of permission 1").fill(scopes);
        if (expires) await page.getByLabel("Expiry of permission 1").fill(expires);
        await page.getByRole("button", { name: "Create role" }).click();
        await page.getByRole("heading", { name: new RegExp(`^${name}`), level: 1 }).waitFor();
      };
      await newRole("Auditor", "org:audit:read");
      await check(page, "role-edit");
      await newRole("Lead Auditor", "org:audit:export", "repository:*-app", "2099-12-31", "Auditor");
      const inherited = page.getByRole("row", { name: /org:audit:read/ });
      expect(await inherited.textContent()).toContain("inherited from Auditor");
      const own = await page.getByRole("row", { name: /org:audit:export/ }).textContent();
      expect(own).toContain("own");
      expect(own).toContain("repository:*-app");
      expect(own).toContain("through 2099-12-31 (UTC)");

      // Auditor extending Lead Auditor would close a loop: the API's words appear beside the field.
      await page.goto(`${url}/dashboard/orgs/security-team/roles/org%3Aauditor/edit`);
      await page.getByRole("checkbox", { name: "Lead Auditor" }).check();
      await page.getByRole("button", { name: "Save" }).click();
      const cycle = page.locator("fieldset #extends-error");
      await cycle.waitFor();
      expect(await cycle.textContent()).toMatch(/cycle: .*Auditor/);
      await check(page, "role-cycle");

      // The graph's libraries come only with the graph page.
      expect(requested.filter((u) => u.includes("/assets/RoleGraph"))).toEqual([]);
      await page.getByRole("link", { name: "Role graph" }).click();
      await page.locator(".react-flow__node").first().waitFor();
      expect(await page.locator(".react-flow__node").count()).toBeGreaterThanOrEqual(2);
      expect(await page.locator(".react-flow__edge").count()).toBeGreaterThanOrEqual(1);
      expect(requested.some((u) => u.includes("/assets/RoleGraph"))).toBe(true);
      await check(page, "role-graph");

      await page.getByRole("link", { name: "Permission matrix" }).click();
      const lead = page.getByRole("row", { name: /^Lead Auditor/ });
      await lead.waitFor();
      const cells = lead.getByRole("cell");
      const headers = await page.getByRole("columnheader").allTextContents();
      const col = (p: string) => headers.indexOf(p) - 1;
      expect(await cells.nth(col("org:audit:read")).textContent()).toContain("inherited from Auditor");
      expect(await cells.nth(col("org:audit:export")).textContent()).toContain("repository:*-app");
      // Granting export to Auditor shows at once as inherited by Lead Auditor too.
      await page.getByRole("checkbox", { name: "Auditor holds org:audit:export", exact: true }).click();
      await page.getByText("Granted org:audit:export to Auditor.").waitFor();
      await expect
        .poll(() => lead.getByRole("cell").nth(col("org:audit:export")).textContent())
        .toContain("inherited from Auditor");
      await check(page, "matrix");

      await page.goto(`${url}/dashboard/orgs/engineering-team/matrix`);
      await page.getByLabel("Permission", { exact: true }).fill("org:code:read");
      await page.getByLabel("Explain for (optional)").fill("bob@acme.com");
      await page.getByRole("button", { name: "Ask" }).click();
      await page.waitForURL(/permission=org%3Acode%3Aread/);
      const who = page.getByRole("list", { name: "Members who may" });
      await who.waitFor();
      expect(await who.textContent()).toContain("alice@acme.com");
      expect(await who.textContent()).toContain("Developer");
      expect(await page.getByLabel("Explanation").textContent()).toMatch(/^denied/);
      await check(page, "who-can");

      // The audit log, filtered through its form, each event's change as a diff, its chain verified, exported.
      await page.goto(`${url}/dashboard/audit`);
      await page.getByLabel("Organization").fill("security-team");
      await page.getByLabel("Action").fill("role");
      await page.getByRole("button", { name: "Apply" }).click();
      await page.waitForURL(/audit\?org=security-team&action=role/);
      const events = page.getByRole("table", { name: "Audit events" }).locator(":scope > tbody > tr");
      const first = events.first();
      await first.waitFor();
      const actions = await events.locator(":scope > td:nth-child(3)").allTextContents();
      expect(actions.length).toBeGreaterThanOrEqual(2);
      expect(actions.every((a) => a.startsWith("role"))).toBe(true);
      await page.getByText("What changed").first().click();
      expect(await first.getByRole("table", { name: "Changed fields" }).getByRole("row").count()).toBeGreaterThan(1);
      await page.getByRole("button", { name: "Verify the chain of security-team" }).click();
      await page.getByText("Every chain verifies.").waitFor();
      expect(await page.getByRole("row", { name: /security-team/ }).textContent()).toContain("intact");
      await check(page, "audit-filtered");
      const [download] = await Promise.all([
        page.waitForEvent("download"),
        page.getByRole("link", { name: "CSV" }).click(),
      ]);
      const csv = readFileSync(await download.path(), "utf8");
      expect(csv.split("\n")[0]).toMatch(/action/);
      expect(csv).toContain("role.");
      expect(csv).not.toContain("approval.");
      expect(failures).toEqual([expect.stringMatching(/^422 PATCH .*\/roles\/org%3Aauditor$/)]);
    },
  );

  it(
    "the admin changes a member's roles and direct grants, creates a child organization, moves it, adds and verifies a domain",
    { timeout: 120_000 },
    async () => {
      const page = admin;
      failures.length = 0;
      await page.goto(`${url}/dashboard/orgs/engineering-team`);
      await page.getByRole("link", { name: "alice@acme.com" }).click();
      await page.waitForURL(/\/members\/alice%40acme\.com$/);
      await page.getByRole("checkbox", { name: "Code Reviewer" }).check();
      await page.getByRole("button", { name: "Save roles" }).click();
      await page.getByText("Roles saved.").waitFor();
      await page.getByLabel("Grant permission").fill("org:deploy:run");
      await page.getByLabel("Scopes").fill("repository:frontend-app");
      await page.getByLabel("Until").fill("2099-06-30");
      await page.getByRole("button", { name: "Grant", exact: true }).click();
      await page.getByText("Granted org:deploy:run.").waitFor();
      const direct = page.getByRole("table", { name: "Direct grants" }).getByRole("row", { name: /org:deploy:run/ });
      expect(await direct.textContent()).toContain("through 2099-06-30 (UTC)");
      const effective = page.getByRole("table", { name: "Effective permissions" });
      await expect.poll(() => effective.getByRole("row", { name: /org:pull_requests:approve/ }).count()).toBe(1);
      expect(await effective.getByRole("row", { name: /org:deploy:run/ }).textContent()).toContain("direct grant");
      await check(page, "member");

      await page.goto(`${url}/dashboard/orgs/security-team/settings`);
      await page.getByLabel("Name of the child").fill("Red Team");
      await page.getByRole("button", { name: "Create child" }).click();
      await page.waitForURL(`${url}/dashboard/orgs/red-team`);
      await page.getByRole("link", { name: "Settings", exact: true }).click();
      await page.getByLabel("Parent").selectOption({ label: "\u00a0\u00a0Platform" });
      await page.getByRole("button", { name: "Move" }).click();
      await page.getByText("Moved under Platform.").waitFor();
      await page.goto(`${url}/dashboard`);
      await page.locator("ul.tree li li li").getByRole("link", { name: "Red Team" }).waitFor();

      await page.goto(`${url}/dashboard/orgs/security-team/settings`);
      await page.getByLabel("Add domain").fill("security.acme.test");
      await page.getByRole("button", { name: "Add", exact: true }).click();
      const domain = page.getByRole("row", { name: /security\.acme\.test/ });
      await domain.waitFor();
      expect(await domain.textContent()).toContain("unverified");
      page.once("dialog", (d) => void d.accept());
      await domain.getByRole("button", { name: "Mark verified" }).click();
      await expect.poll(() => domain.textContent()).toMatch(/verified \(admin\)/);
      expect(await page.getByRole("region", { name: "SSO connections" }).textContent()).toContain("No SSO connection");
      await check(page, "organization-settings");
      await page.goto(`${url}/dashboard/orgs/engineering-team/settings`);
      const sso = page.getByRole("region", { name: "SSO connections" });
      await sso.getByRole("link", { name: "Acme Okta" }).click();
      await page.getByRole("heading", { name: "SSO connection Acme Okta" }).waitFor();
      expect(await page.locator("main").textContent()).toContain("saml_okta");
      expect(await page.locator("main").textContent()).toContain("acme.com");
      await check(page, "sso-connection");
      expect(failures).toEqual([]);
    },
  );

  it(
    "the admin fixes a health finding after confirming, creates an API key (its secret shown once), rotates the signing key, changes settings",
    { timeout: 120_000 },
    async () => {
      const page = admin;
      failures.length = 0;
      await page.goto(`${url}/dashboard/orgs/security-team/health`);
      await page.getByRole("heading", { name: "Health", level: 1 }).waitFor();
      const fixAuditor = page.getByRole("button", { name: "Fix: Delete the role Auditor" });
      await fixAuditor.waitFor();
      // Auditor is extended by Lead Auditor: the API refuses, in its words.
      page.once("dialog", (d) => void d.accept());
      await fixAuditor.click();
      await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/Lead Auditor|extend/);
      let asked = "";
      page.once("dialog", (d) => {
        asked = d.message();
        void d.accept();
      });
      await page.getByRole("button", { name: "Fix: Delete the role Lead Auditor" }).click();
      await page.getByText("Done: Delete the role Lead Auditor.").waitFor();
      expect(asked).toContain("Delete the role Lead Auditor?");
      await expect.poll(() => page.getByRole("button", { name: "Fix: Delete the role Lead Auditor" }).count()).toBe(0);
      await check(page, "health");

      await page.getByRole("link", { name: "Keys" }).click();
      await page.getByLabel("Key name").fill("ci");
      await page.getByRole("button", { name: "Create key" }).click();
      const secret = page.getByLabel("Secret");
      await secret.waitFor();
      expect(await secret.textContent()).toMatch(/^sk_/);
      const row = page.getByRole("row", { name: /^ci / });
      await row.waitFor();
      expect(await row.textContent()).not.toContain((await secret.textContent()) as string);
      page.once("dialog", (d) => void d.accept());
      await page.getByRole("button", { name: "Rotate the signing key" }).click();
      await page.getByText(/Rotation started/).waitFor();
      await check(page, "keys");
      // The secret is gone once the page is left.
      await page.reload();
      await page.getByRole("row", { name: /^ci / }).waitFor();
      expect(await page.getByLabel("Secret").count()).toBe(0);

      await page.getByRole("link", { name: "Notifications" }).click();
      await page.getByText("Every message was delivered.").waitFor();
      await check(page, "notifications");

      await page.getByRole("link", { name: "Instance settings" }).click();
      await page.getByLabel("Token lifetime (seconds)").fill("120");
      await page.getByRole("button", { name: "Save token settings" }).click();
      await page.getByText("Token settings saved.").waitFor();
      await page.reload();
      await expect.poll(() => page.getByLabel("Token lifetime (seconds)").inputValue()).toBe("120");
      await check(page, "settings");

      // Dark mode follows the system: the new pages' colours (matrix cells, charts, diff) keep their contrast.
      await page.emulateMedia({ colorScheme: "dark" });
      await page.goto(`${url}/dashboard/orgs/security-team/matrix`);
      await page.getByRole("row", { name: /^Auditor/ }).waitFor();
      await check(page, "matrix-dark");
      await page.goto(`${url}/dashboard/orgs/engineering-team/workflows`);
      await page.getByRole("link", { name: "Pull Request Approval" }).click();
      await page.getByRole("img", { name: /^Outcomes/ }).waitFor();
      await check(page, "workflow-dark");
      await page.goto(`${url}/dashboard/audit?org=security-team&action=role`);
      await page.getByText("What changed").first().click();
      await page.getByRole("table", { name: "Changed fields" }).first().waitFor();
      await check(page, "audit-dark");
      await page.emulateMedia({ colorScheme: "light" });
      expect(failures).toEqual([expect.stringMatching(/^(409|422) DELETE .*\/roles\//)]);
    },
  );

  it(
    "a plain member signs in and is refused the admin's pages with the API's message",
    { timeout: 60_000 },
    async () => {
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      page.setDefaultTimeout(15_000);
      await page.goto(memberLink);
      await page.waitForURL(`${url}/dashboard`);
      await page.getByText(/^bob@acme\.com\s*Sign out$/).waitFor();
      await page.getByRole("link", { name: "Users" }).click();
      const refusal = page.getByRole("alert");
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain("bob@acme.com may not list users");
      await check(page, "member-refused");
      await page.goto(`${url}/dashboard/audit`);
      await page.getByRole("alert").waitFor();
      expect(await page.getByRole("alert").textContent()).toMatch(/Not allowed/);
      // Removing someone is the API's call, not the page's: refused in its words.
      await page.goto(`${url}/dashboard/orgs/engineering-team`);
      await page.getByRole("cell", { name: "alice@acme.com", exact: true }).waitFor();
      page.once("dialog", (d) => void d.accept());
      await page.getByRole("button", { name: "Remove alice@acme.com" }).click();
      await page.getByRole("alert").waitFor();
      expect(await page.getByRole("alert").textContent()).toContain("bob@acme.com may not");
      // The instance's keys and settings are an admin's: the API refuses, the page says so.
      for (const [link, name] of [
        ["Keys", "member-refused-keys"],
        ["Instance settings", "member-refused-settings"],
        ["Notifications", "member-refused-notifications"],
      ] as const) {
        await page.getByRole("link", { name: link }).click();
        await page.getByRole("alert").first().waitFor();
        expect(await page.getByRole("alert").first().textContent()).toMatch(/^Not allowed: bob@acme\.com may not/);
        await check(page, name);
      }
      // The member page is readable, but changing roles is refused in the API's words.
      await page.goto(`${url}/dashboard/orgs/engineering-team/members/alice%40acme.com`);
      await page.getByRole("checkbox", { name: "Code Reviewer" }).uncheck();
      await page.getByRole("button", { name: "Save roles" }).click();
      await expect.poll(() => page.getByRole("alert").textContent()).toMatch(/^Not allowed: bob@acme\.com/);
      // Ticking a cell of the matrix is the API's call too.
      await page.goto(`${url}/dashboard/orgs/engineering-team/matrix`);
      await page.getByRole("checkbox", { name: "Developer holds org:pull_requests:approve" }).click();
      await expect.poll(() => page.getByRole("alert").textContent()).toContain("bob@acme.com cannot grant");
      expect(await page.getByRole("checkbox", { name: "Developer holds org:pull_requests:approve" }).isChecked()).toBe(
        false,
      );
      await page.getByRole("button", { name: "Sign out" }).click();
      await page.waitForURL(/\/sign-in/);
      await page.goto(`${url}/dashboard`);
      await page.waitForURL(/\/sign-in\?redirect_url=%2Fdashboard/);
      await page.close();
    },
  );

  it("a used link signs nobody in the second time", async () => {
    const page = await browser.newPage();
    const res = await page.goto(adminLink);
    expect(res?.status()).toBe(401);
    expect(await page.getByRole("alert").textContent()).toContain("already used");
    await page.close();
  });
});
