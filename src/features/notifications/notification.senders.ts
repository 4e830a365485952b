// Delivery to each kind of receiver: Slack incoming webhooks, generic webhooks signed per the Standard
// Webhooks spec, and e-mail over SMTP with nodemailer (STARTTLS when the server offers it).
import { createHmac, randomBytes } from "node:crypto";
import nodemailer from "nodemailer";

/** One message as it is sent; `id` is its idempotency key (webhook-id, the e-mail's Message-ID). */
export interface Outgoing {
  id: string;
  recipient: string;
  subject: string;
  text: string;
  html: string | null;
  payload: Record<string, unknown>;
}

/** What a delivery attempt came to. */
export interface SendResult {
  ok: boolean;
  statusCode: number | null;
  error: string | null;
}

const TIMEOUT_MS = 10_000;

async function post(url: string, body: string, headers: Record<string, string>): Promise<SendResult> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", ...headers },
      body,
      signal: AbortSignal.timeout(TIMEOUT_MS),
      redirect: "error",
    });
    // The body is drained so the connection can be reused; its text is kept short for the log.
    const text = (await response.text()).slice(0, 200);
    return response.ok
      ? { ok: true, statusCode: response.status, error: null }
      : { ok: false, statusCode: response.status, error: `answered ${response.status}${text ? `: ${text}` : ""}` };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return { ok: false, statusCode: null, error: cause?.code ?? cause?.message ?? (error as Error).message };
  }
}

/** Slack incoming webhook: `{ text, channel }` (mrkdwn already escaped by the renderer). */
export function sendSlack(webhookUrl: string, channel: string, m: Outgoing): Promise<SendResult> {
  return post(webhookUrl, JSON.stringify({ text: m.text, channel }), {});
}

/** A new Standard Webhooks signing secret: `whsec_` and 24 random bytes in base64. */
export function newSigningSecret(): string {
  return `whsec_${randomBytes(24).toString("base64")}`;
}

/** `v1,<base64 HMAC-SHA256 of "<id>.<timestamp>.<body>">` with the secret's bytes (Standard Webhooks). */
function standardSignature(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  return `v1,${createHmac("sha256", key).update(`${id}.${timestamp}.${body}`).digest("base64")}`;
}

/** A generic webhook: the payload as JSON with webhook-id, webhook-timestamp and webhook-signature headers. */
export function sendWebhook(url: string, secret: string, m: Outgoing, nowMs: number): Promise<SendResult> {
  const body = JSON.stringify(m.payload);
  const timestamp = Math.floor(nowMs / 1000);
  return post(url, body, {
    "webhook-id": m.id,
    "webhook-timestamp": String(timestamp),
    "webhook-signature": standardSignature(secret, m.id, timestamp, body),
  });
}

/** SMTP settings of the e-mail provider. */
export interface SmtpConfig {
  host: string;
  port: number;
  user: string | null;
  from: string;
  /** Accept a certificate that does not verify (a test or internal relay). */
  allowInsecure: boolean;
}

/** Sends an e-mail with a plain-text and an HTML body; the notification id is the Message-ID, so a resend is recognisable. */
export async function sendEmail(smtp: SmtpConfig, password: string | null, m: Outgoing): Promise<SendResult> {
  const transport = nodemailer.createTransport({
    host: smtp.host,
    port: smtp.port,
    secure: smtp.port === 465,
    auth: smtp.user ? { user: smtp.user, pass: password ?? "" } : undefined,
    tls: { rejectUnauthorized: !smtp.allowInsecure },
    connectionTimeout: TIMEOUT_MS,
    greetingTimeout: TIMEOUT_MS,
    socketTimeout: TIMEOUT_MS,
  });
  try {
    await transport.sendMail({
      from: smtp.from,
      to: m.recipient,
      subject: m.subject,
      text: m.text,
      html: m.html ?? undefined,
      messageId: `<${m.id}@clerk>`,
      headers: { "X-Clerk-Notification": m.id },
    });
    return { ok: true, statusCode: 250, error: null };
  } catch (error) {
    const e = error as { responseCode?: number; code?: string; message?: string };
    return { ok: false, statusCode: e.responseCode ?? null, error: e.message ?? e.code ?? String(error) };
  } finally {
    transport.close();
  }
}
