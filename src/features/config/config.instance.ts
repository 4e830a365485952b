// Notification providers and token settings in the configuration. A provider's secrets are only ever
// `${env:NAME}` in the file: resolved from the environment when planning or applying, compared by digest with the
// stored (sealed) ones, never shown in a plan and never written by export (it writes placeholders).
import { createHash } from "node:crypto";
import type { ServiceContext } from "../../context.js";
import { ClerkError } from "../../errors.js";
import { configureProvider, listProviders, parseChannel, providerSecrets } from "../notifications/index.js";
import { readTokenSettings, updateTokenSettings } from "../sessions/index.js";
import { missingEnv } from "./config.errors.js";
import type { Change, FieldChange } from "./config.plan.js";
import { type ConfigProvider, ENV_REF } from "./config.schema.js";

const SECRET_FIELDS = { slack: ["webhook"], email: ["smtp_password"], webhook: ["url", "signing_secret"] } as const;
type SecretField = "webhook" | "smtp_password" | "url" | "signing_secret";

export interface StateProvider {
  kind: "slack" | "email" | "webhook";
  name: string;
  /** What may be shown, as the file spells it. */
  settings: Record<string, string | number | boolean | null>;
  /** Secret field → the environment variable the file names. */
  refs: Partial<Record<SecretField, string>>;
  /** Secret field → sha256 of its value (the store's, or the environment's once resolved). */
  digests: Partial<Record<SecretField, string>>;
  /** Desired only, once resolved: the values apply passes to the provider service. */
  values?: Partial<Record<SecretField, string>>;
}

export type StateTokenSettings = Partial<{
  claims_version: 1 | 2;
  token_lifetime_seconds: number;
  size_budget: number;
  signing_algorithm: "RS256" | "ES256" | "EdDSA";
  issuer: string;
  session_lifetime_seconds: number;
}>;

const byString = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
const digest = (value: string) => createHash("sha256").update(value).digest("hex");

/** The name a provider is known by: its Slack channel, `default` for e-mail, or the webhook's name. */
function providerName(p: ConfigProvider): string {
  if (p.kind === "slack") return p.channel ? (parseChannel(`slack:${p.channel}`) as { name: string }).name : "";
  if (p.kind === "email") return "default";
  return (p.name ?? "default").trim().toLowerCase();
}

/** The variable export names for a secret: SLACK_CODE_REVIEWS_WEBHOOK, WEBHOOK_CI_SIGNING_SECRET, SMTP_PASSWORD. */
function placeholder(kind: string, name: string, field: SecretField): string {
  const part = (s: string) =>
    s
      .replace(/[^a-z0-9]+/gi, "_")
      .replace(/^_|_$/g, "")
      .toUpperCase();
  if (kind === "email") return "SMTP_PASSWORD";
  return `${part(kind)}_${part(name)}_${part(field)}`;
}

export function normalizeProviders(providers: readonly ConfigProvider[]): Map<string, StateProvider> {
  const out = new Map<string, StateProvider>();
  for (const p of providers) {
    const name = providerName(p);
    const key = `${p.kind}:${name}`;
    if (out.has(key)) throw missingField(`Notification provider ${key} is listed twice.`);
    const refs: StateProvider["refs"] = {};
    for (const field of SECRET_FIELDS[p.kind]) {
      const value = p[field];
      if (value !== undefined) refs[field] = ENV_REF.exec(value)?.[1] as string;
    }
    out.set(key, { kind: p.kind, name, settings: settingsOf(p, name), refs, digests: {} });
  }
  return out;
}

function missingField(message: string): ClerkError {
  return new ClerkError("input.invalid", message, { param: "notification_providers" });
}

function settingsOf(p: ConfigProvider, name: string): StateProvider["settings"] {
  const common = {
    allow_insecure: p.allow_insecure ?? false,
    allow_private_network: p.allow_private_network ?? false,
  };
  if (p.kind === "slack") return { channel: name, ...common };
  if (p.kind === "email")
    return {
      smtp_host: p.smtp_host?.trim() ?? null,
      smtp_port: p.smtp_port ?? 587,
      smtp_user: p.smtp_user ?? null,
      from: p.from?.trim() ?? null,
      ...common,
    };
  return { name, ...common };
}

/** Fills in a desired state's secrets from `env`; a variable that is not set is an error naming it. */
export function resolveProviderSecrets(providers: Map<string, StateProvider>, env: Record<string, string | undefined>) {
  for (const [key, p] of providers) {
    p.values = {};
    for (const [field, variable] of Object.entries(p.refs) as [SecretField, string][]) {
      const value = env[variable];
      if (value === undefined || value === "") throw missingEnv(variable, `notification_providers[${key}].${field}`);
      p.values[field] = value;
      p.digests[field] = digest(value);
    }
  }
}

/** The providers in the store, with the digests of their secrets. */
export async function currentProviders(ctx: ServiceContext): Promise<Map<string, StateProvider>> {
  const out = new Map<string, StateProvider>();
  for (const p of await listProviders(ctx)) {
    if (p.kind !== "slack" && p.kind !== "email" && p.kind !== "webhook") continue;
    const c = p.config;
    const secrets = await providerSecrets(ctx, p.id);
    const common = { allow_insecure: p.allowInsecure, allow_private_network: c.allowPrivateNetwork === true };
    const settings: StateProvider["settings"] =
      p.kind === "slack"
        ? { channel: p.name, ...common }
        : p.kind === "email"
          ? {
              smtp_host: String(c.host),
              smtp_port: Number(c.port),
              smtp_user: (c.user as string | null) ?? null,
              from: String(c.from),
              ...common,
            }
          : { name: p.name, ...common };
    const refs: StateProvider["refs"] = {};
    const digests: StateProvider["digests"] = {};
    const stored: Record<SecretField, string | null | undefined> = {
      webhook: secrets.webhook,
      smtp_password: secrets.password,
      url: secrets.url,
      signing_secret: secrets.signingSecret,
    };
    for (const field of SECRET_FIELDS[p.kind]) {
      const value = stored[field];
      if (value === null || value === undefined) continue;
      refs[field] = placeholder(p.kind, p.name, field);
      digests[field] = digest(value);
    }
    out.set(`${p.kind}:${p.name}`, { kind: p.kind, name: p.name, settings, refs, digests });
  }
  return out;
}

/** Providers as the file writes them: settings that differ from the defaults, secrets as placeholders. */
export function providerEntries(providers: Map<string, StateProvider>): ConfigProvider[] {
  return [...providers.entries()]
    .sort(([a], [b]) => byString(a, b))
    .map(([, p]) => {
      const s = p.settings;
      const entry: Record<string, unknown> = { kind: p.kind };
      if (p.kind === "slack") entry.channel = s.channel;
      if (p.kind === "webhook") entry.name = s.name;
      if (p.kind === "email") {
        entry.smtp_host = s.smtp_host;
        entry.smtp_port = s.smtp_port;
        if (s.smtp_user !== null) entry.smtp_user = s.smtp_user;
        entry.from = s.from;
      }
      for (const [field, variable] of Object.entries(p.refs)) entry[field] = `\${env:${variable}}`;
      if (s.allow_insecure) entry.allow_insecure = true;
      if (s.allow_private_network) entry.allow_private_network = true;
      return entry as ConfigProvider;
    });
}

export function normalizeSettings(tokens: StateTokenSettings): StateTokenSettings {
  return Object.fromEntries(Object.entries(tokens).filter(([, v]) => v !== undefined)) as StateTokenSettings;
}

export async function currentSettings(ctx: ServiceContext): Promise<StateTokenSettings> {
  const s = await readTokenSettings(ctx);
  return {
    claims_version: s.claimsVersion,
    token_lifetime_seconds: s.tokenLifetimeSeconds,
    size_budget: s.sizeBudget,
    signing_algorithm: s.signingAlgorithm,
    issuer: s.issuer,
    session_lifetime_seconds: s.sessionLifetimeSeconds,
  };
}

const SETTING_ORDER = [
  "claims_version",
  "token_lifetime_seconds",
  "size_budget",
  "signing_algorithm",
  "issuer",
  "session_lifetime_seconds",
] as const;

export function settingsEntry(s: StateTokenSettings): StateTokenSettings {
  return Object.fromEntries(SETTING_ORDER.filter((k) => s[k] !== undefined).map((k) => [k, s[k]]));
}

// ---- the diff and apply -------------------------------------------------------------------------------------

function compare(fields: FieldChange[], field: string, before: FieldChange["before"], after: FieldChange["after"]) {
  if (JSON.stringify(before) !== JSON.stringify(after)) fields.push({ field, before, after });
}

/** Provider and settings changes. Providers are never pruned: removing one is not an operation yet. */
export function diffInstanceKinds(
  changes: Change[],
  want: { providers?: Map<string, StateProvider> | undefined; tokenSettings?: StateTokenSettings | undefined },
  have: { providers?: Map<string, StateProvider> | undefined; tokenSettings?: StateTokenSettings | undefined },
): void {
  for (const [key, p] of [...(want.providers ?? [])].sort(([a], [b]) => byString(a, b))) {
    const old = have.providers?.get(key);
    const fields: FieldChange[] = [];
    for (const [field, value] of Object.entries(p.settings))
      compare(fields, field, old?.settings[field] ?? null, value);
    for (const field of SECRET_FIELDS[p.kind]) {
      const now = p.digests[field];
      if (now === undefined) continue;
      // Secrets are compared by digest and shown only as whether they change.
      if (old?.digests[field] !== now)
        fields.push({
          field,
          before: old?.digests[field] ? "(secret)" : null,
          after: "(secret, from the environment)",
        });
    }
    if (!old) changes.push({ action: "create", kind: "notification_provider", organization: null, key, fields });
    else if (fields.length > 0)
      changes.push({ action: "update", kind: "notification_provider", organization: null, key, fields });
  }
  if (want.tokenSettings) {
    const fields: FieldChange[] = [];
    for (const k of SETTING_ORDER) {
      const value = want.tokenSettings[k];
      if (value !== undefined) compare(fields, `tokens.${k}`, have.tokenSettings?.[k] ?? null, value);
    }
    if (fields.length > 0)
      changes.push({ action: "update", kind: "settings", organization: null, key: "settings", fields });
  }
}

/** Configures the providers and changes the settings the plan lists, through their services. */
export async function applyInstanceKinds(
  tx: ServiceContext,
  changes: readonly Change[],
  want: { providers?: Map<string, StateProvider> | undefined; tokenSettings?: StateTokenSettings | undefined },
  have: { providers?: Map<string, StateProvider> | undefined },
): Promise<void> {
  for (const c of changes.filter((x) => x.kind === "notification_provider")) {
    const p = want.providers?.get(c.key) as StateProvider;
    const s = p.settings;
    const v = p.values ?? {};
    // A webhook whose file sets no signing secret keeps the one it has (a new one only when it is created).
    const old = have.providers?.get(c.key);
    const keep =
      p.kind === "webhook" && v.signing_secret === undefined && old
        ? ((await providerSecrets(tx, await providerId(tx, c.key))).signingSecret ?? undefined)
        : undefined;
    await configureProvider(tx, {
      kind: p.kind,
      ...(p.kind === "slack" && { channel: String(s.channel), webhook: v.webhook }),
      ...(p.kind === "email" && {
        smtpHost: String(s.smtp_host),
        smtpPort: Number(s.smtp_port),
        smtpUser: (s.smtp_user as string | null) ?? undefined,
        smtpPassword: v.smtp_password,
        from: String(s.from),
      }),
      ...(p.kind === "webhook" && { name: String(s.name), url: v.url, signingSecret: v.signing_secret ?? keep }),
      allowInsecure: s.allow_insecure === true,
      allowPrivateNetwork: s.allow_private_network === true,
    });
  }
  if (changes.some((c) => c.kind === "settings") && want.tokenSettings) {
    const t = want.tokenSettings;
    await updateTokenSettings(tx, {
      claimsVersion: t.claims_version,
      tokenLifetimeSeconds: t.token_lifetime_seconds,
      sizeBudget: t.size_budget,
      signingAlgorithm: t.signing_algorithm,
      issuer: t.issuer,
      sessionLifetimeSeconds: t.session_lifetime_seconds,
    });
  }
}

async function providerId(ctx: ServiceContext, key: string): Promise<string> {
  const found = (await listProviders(ctx)).find((p) => `${p.kind}:${p.name}` === key);
  return found?.id ?? "";
}
