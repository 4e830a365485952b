// Delivery to each kind of receiver: Slack incoming webhooks, generic webhooks signed per the Standard
// Webhooks spec, and e-mail over SMTP with nodemailer (STARTTLS required), each only to an allowed address.
import { createHmac, randomBytes } from "node:crypto";
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { isIP } from "node:net";
import {
  DESTINATION_REFUSED,
  type DestinationPolicy,
  addressAllowed,
  canonicalHost,
  classifyAddress,
  guardedLookup,
  resolveChecked,
} from "./notification.destination.js";

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

/**
 * A short reason for a failed connection, for the delivery log and API callers: never the internal error text
 * (which could describe hosts and services behind the firewall).
 */
export function shortReason(error: unknown): string {
  const e = error as { code?: string; name?: string; message?: string };
  const code = e.code ?? "";
  if (code === "EDESTINATION") return DESTINATION_REFUSED;
  if (code === "ECONNREFUSED") return "connection refused";
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "host not found";
  if (code === "ETIMEDOUT" || code === "ECONNRESET" || e.name === "TimeoutError" || code === "ETIMEOUT")
    return "timed out or reset";
  if (code.startsWith("ERR_TLS") || code.includes("CERT") || code === "ESOCKET") return "TLS or connection failed";
  return "connection failed";
}

/** POSTs JSON to `url`, connecting only to an address the policy allows (checked on the address connected to). */
function post(
  url: string,
  body: string,
  headers: Record<string, string>,
  policy: DestinationPolicy,
): Promise<SendResult> {
  return new Promise((resolve) => {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[|\]$/g, "");
    // An IP literal is connected to without a lookup: check it here.
    if (isIP(host) && !addressAllowed(host, policy))
      return resolve({ ok: false, statusCode: null, error: DESTINATION_REFUSED });
    const request = (target.protocol === "https:" ? httpsRequest : httpRequest)(
      target,
      {
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), ...headers },
        lookup: guardedLookup(policy),
        // A fresh connection per message: each is looked up and checked again, none reused from a pool.
        agent: false,
        timeout: TIMEOUT_MS,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        // The body is drained so the socket is freed; it is not kept: it could be an internal service's answer.
        response.resume();
        response.on("end", () =>
          resolve(
            status >= 200 && status < 300
              ? { ok: true, statusCode: status, error: null }
              : { ok: false, statusCode: status, error: `answered ${status}` },
          ),
        );
        response.on("error", (error) => resolve({ ok: false, statusCode: status, error: shortReason(error) }));
      },
    );
    request.on("timeout", () => request.destroy(Object.assign(new Error("timed out"), { code: "ETIMEDOUT" })));
    request.on("error", (error) => resolve({ ok: false, statusCode: null, error: shortReason(error) }));
    request.end(body);
  });
}

/** Slack incoming webhook: `{ text, channel }` (mrkdwn already escaped by the renderer). */
export function sendSlack(
  webhookUrl: string,
  channel: string,
  m: Outgoing,
  policy: DestinationPolicy,
): Promise<SendResult> {
  return post(webhookUrl, JSON.stringify({ text: m.text, channel }), {}, policy);
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

/**
 * A webhook: the payload as JSON with webhook-id, webhook-timestamp and webhook-signature headers, and the same
 * three as svix-id, svix-timestamp and svix-signature (what Clerk's `verifyWebhook` reads).
 */
export function sendWebhook(
  url: string,
  secret: string | readonly string[],
  m: Outgoing,
  nowMs: number,
  policy: DestinationPolicy,
): Promise<SendResult> {
  const body = JSON.stringify(m.payload);
  const timestamp = Math.floor(nowMs / 1000);
  // Several secrets (a rotation's grace period) sign side by side, space-separated: a receiver holding either verifies.
  const signature = (typeof secret === "string" ? [secret] : secret)
    .map((s) => standardSignature(s, m.id, timestamp, body))
    .join(" ");
  return post(
    url,
    body,
    {
      "webhook-id": m.id,
      "webhook-timestamp": String(timestamp),
      "webhook-signature": signature,
      "svix-id": m.id,
      "svix-timestamp": String(timestamp),
      "svix-signature": signature,
    },
    policy,
  );
}

/** SMTP settings of the e-mail provider. */
export interface SmtpConfig {
  host: string;
  port: number;
  user: string | null;
  from: string;
  /** Accept a certificate that does not verify, and (to a loopback address only) a server without STARTTLS. */
  allowInsecure: boolean;
  /** Where the provider may connect. */
  policy: DestinationPolicy;
}

/**
 * Sends an e-mail with a plain-text and an HTML body; the notification id is the Message-ID, so a resend is
 * recognisable. TLS is required (STARTTLS before any login) unless the provider is insecure and the server is on
 * this machine; the connection goes to the address that was checked, the certificate checked against the name.
 */
export async function sendEmail(smtp: SmtpConfig, password: string | null, m: Outgoing): Promise<SendResult> {
  let address: string;
  try {
    address = await resolveChecked(smtp.host, smtp.policy);
  } catch (error) {
    return { ok: false, statusCode: null, error: shortReason(error) };
  }
  const name = canonicalHost(smtp.host) ?? smtp.host;
  const clearAllowed = smtp.allowInsecure && classifyAddress(address) === "loopback";
  // Loaded on the first e-mail, not by every process that can send one (a CLI command starts without it).
  const { default: nodemailer } = await import("nodemailer");
  const transport = nodemailer.createTransport({
    host: address,
    port: smtp.port,
    secure: smtp.port === 465,
    requireTLS: !clearAllowed,
    auth: smtp.user ? { user: smtp.user, pass: password ?? "" } : undefined,
    tls: { rejectUnauthorized: !smtp.allowInsecure, ...(isIP(name) ? {} : { servername: name }) },
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
    return {
      ok: false,
      statusCode: (error as { responseCode?: number }).responseCode ?? null,
      error: smtpReason(error),
    };
  } finally {
    transport.close();
  }
}

/** A short reason for a failed SMTP delivery (the server's own reply text is not passed on). */
function smtpReason(error: unknown): string {
  const e = error as { code?: string; responseCode?: number; message?: string };
  if (e.code === "ETLS" || /STARTTLS/i.test(e.message ?? ""))
    return "the SMTP server offers no STARTTLS; nothing (no password) was sent in clear text";
  if (e.code === "EAUTH") return `SMTP login refused${e.responseCode ? ` (${e.responseCode})` : ""}`;
  if (e.code === "EENVELOPE") return `SMTP recipient refused${e.responseCode ? ` (${e.responseCode})` : ""}`;
  if (e.code === "EMESSAGE" || e.code === "EPROTOCOL")
    return `SMTP server refused the message${e.responseCode ? ` (${e.responseCode})` : ""}`;
  if (e.code === "EDNS") return "host not found";
  if (e.code === "ECONNECTION" || e.code === "ETIMEDOUT" || e.code === "ESOCKET") return shortReason(error);
  return "SMTP delivery failed";
}
