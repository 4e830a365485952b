// The invitee's side of an invitation link: a small HTML page whose form POSTs the token (a GET never accepts),
// served beside the accept operation in the one scope that reads HTML form bodies.
import type { FastifyInstance, FastifyReply } from "fastify";
import { escapeHtml } from "../features/notifications/index.js";
import { acceptInvitationOperation } from "../features/invitations/invitation.operations.js";
import { mount } from "./route.js";

/** No script, no styles from elsewhere, no framing; the form may only post back here; the link is not passed on. */
const HEADERS = {
  "content-security-policy": "default-src 'none'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "referrer-policy": "no-referrer",
  "cache-control": "no-store",
  "x-frame-options": "DENY",
  "x-content-type-options": "nosniff",
} as const;

const page = (title: string, body: string) =>
  `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">` +
  `<title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>\n`;

/** Sends an HTML page with the headers above. */
export function sendPage(reply: FastifyReply, status: number, title: string, body: string): FastifyReply {
  return reply.status(status).headers(HEADERS).type("text/html; charset=utf-8").send(page(title, body));
}

/** The page an e-mailed link opens: a button that POSTs the token; opening it (or a link scanner) changes nothing. */
export function acceptFormPage(token: string): string {
  return (
    `<p>You have been invited to join an organization. Accepting makes you a member.</p>` +
    `<form method="post" action="/v1/invitations/accept">` +
    `<input type="hidden" name="token" value="${escapeHtml(token)}">` +
    `<button type="submit">Accept the invitation</button></form>`
  );
}

const isForm = (contentType: unknown) => String(contentType ?? "").startsWith("application/x-www-form-urlencoded");

/**
 * Serves `GET /v1/invitations/accept?token=…` as the form page and `POST /v1/invitations/accept` as the accept
 * operation, in their own scope: only it reads an HTML form's body (application/x-www-form-urlencoded), and a
 * form gets a page instead of JSON, whether the invitation was accepted or refused.
 */
export function registerAcceptPage(app: FastifyInstance): void {
  void app.register(async (scope) => {
    scope.addContentTypeParser("application/x-www-form-urlencoded", { parseAs: "string" }, (_request, body, done) =>
      done(null, Object.fromEntries(new URLSearchParams(String(body)))),
    );
    scope.get("/invitations/accept", async (request, reply) => {
      const token = (request.query as Record<string, unknown>).token;
      if (typeof token !== "string" || token.trim() === "")
        return sendPage(
          reply,
          400,
          "Invitation link incomplete",
          "<p>This link has no token; open the whole link from the e-mail.</p>",
        );
      return sendPage(reply, 200, "Accept the invitation", acceptFormPage(token));
    });
    // After serialization, so the JSON answer (or error envelope) is exactly the operation's either way.
    scope.addHook("onSend", async (request, reply, payload) => {
      if (request.method !== "POST" || !isForm(request.headers["content-type"]) || typeof payload !== "string")
        return payload;
      let p: { errors?: { message: string }[] };
      try {
        p = JSON.parse(payload) as typeof p;
      } catch {
        return payload;
      }
      reply.headers(HEADERS).type("text/html; charset=utf-8");
      if (p.errors) return page("The invitation was not accepted", `<p>${escapeHtml(p.errors[0]?.message ?? "")}</p>`);
      return page("Invitation accepted", "<p>You are now a member of the organization. You may close this page.</p>");
    });
    mount(scope, acceptInvitationOperation);
  });
}
