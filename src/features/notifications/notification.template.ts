// Message templates: `{pr.url}`-style placeholders checked when a rule is saved, rendered and escaped per target. No I/O.
import { ClerkError } from "../../errors.js";

/** The placeholders every signal offers; any `{event.<attr>}` reaches the event's own attributes. */
export const PLACEHOLDERS = [
  "pr.url",
  "pr.title",
  "pr.number",
  "elapsed",
  "stage.name",
  "workflow.name",
  "workflow.slug",
  "assignee.email",
  "requester.email",
  "run.id",
  "run.url",
  "run.status",
  "reason",
  "organization.slug",
  "escalation.notify",
] as const;

const TOKEN = /\{([^{}]*)\}/g;
const EVENT_PATH = /^event\.[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * Checks a message's placeholders; an unknown one is an error listing the valid ones.
 * @returns the placeholders it uses.
 */
export function checkTemplate(message: string): string[] {
  if (message.trim() === "")
    throw new ClerkError(
      "notify.invalid_message",
      'The message is empty; write e.g. --message "You have a new pull request to review: {pr.url}".',
      { param: "message" },
    );
  const used: string[] = [];
  for (const [, name = ""] of message.matchAll(TOKEN)) {
    const key = name.trim();
    if (!(PLACEHOLDERS as readonly string[]).includes(key) && !EVENT_PATH.test(key)) {
      throw new ClerkError(
        "notify.unknown_placeholder",
        `The message uses {${name}}, which is not a placeholder; use ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}, or {event.<attribute>}.`,
        {
          param: "message",
          details: { placeholder: name, valid: [...PLACEHOLDERS] },
        },
      );
    }
    used.push(key);
  }
  return used;
}

/** Where a rendered message goes, which decides how values are escaped. */
export type Target = "text" | "slack" | "html";

/** Slack mrkdwn treats &, < and > as control characters. */
function escapeSlack(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function escapeHtml(value: string): string {
  return value
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

function lookup(values: Readonly<Record<string, unknown>>, key: string): unknown {
  if (key in values) return values[key];
  let at: unknown = values;
  for (const part of key.split(".")) {
    if (at === null || typeof at !== "object") return undefined;
    at = (at as Record<string, unknown>)[part];
  }
  return at;
}

/**
 * Fills a template. Values are escaped for the target (the template's own text is the rule author's and
 * left as written); a placeholder without a value renders as empty.
 */
export function render(message: string, values: Readonly<Record<string, unknown>>, target: Target): string {
  return message.replace(TOKEN, (_m, name: string) => {
    const value = lookup(values, name.trim());
    const text =
      value === undefined || value === null ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
    return target === "slack" ? escapeSlack(text) : target === "html" ? escapeHtml(text) : text;
  });
}
