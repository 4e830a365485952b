// Notifications: configured providers, per-workflow rules, the outbox of messages, and every delivery attempt.

/** `clerk_webhook`: an endpoint of the webhooks feature (Clerk-format events), never named by a rule. */
export type ProviderKind = "slack" | "email" | "webhook" | "clerk_webhook";

/** A row of `notification_providers`: where messages can go. Secrets are sealed under the master key. */
export interface NotificationProvidersTable {
  id: string;
  kind: ProviderKind;
  /** slack: the channel (`#code-reviews`); email: `default`; webhook: its name. */
  name: string;
  /** JSON of what is not secret: slack channel and host, SMTP host/port/user/from, webhook URL host. */
  config: string;
  /** Sealed JSON of the secret parts: the Slack webhook URL, the SMTP password, the webhook URL and signing secret. */
  secret: string;
  allow_insecure: number;
  created_at: number;
  updated_at: number;
}

/** A row of `notification_rules`: on a workflow's signal, send this message to this channel. */
export interface NotificationRulesTable {
  id: string;
  organization_id: string;
  workflow_id: string;
  on_signal: string;
  message: string;
  channel: string;
  created_at: number;
}

export type NotificationStatus = "pending" | "delivered" | "dead";

/** A row of `notifications`: one message to one recipient, written with the change that caused it. */
export interface NotificationsTable {
  id: string;
  organization_id: string | null;
  rule_id: string | null;
  /** The signal (`stage:assigned`), `invitation.created` or `test`. */
  source: string;
  provider_id: string;
  kind: ProviderKind;
  /** The channel, e-mail address or webhook name it goes to. */
  recipient: string;
  subject: string;
  body_text: string;
  body_html: string | null;
  /** JSON sent to webhooks (and Slack). */
  payload: string;
  /**
   * Sealed JSON of secret values (`{"accept_url": …}`) that the bodies name as `{{accept_url}}`: filled in only
   * when the message is sent, so the outbox never holds them in clear. Null when the message has none.
   */
  sealed_values: string | null;
  status: NotificationStatus;
  attempts: number;
  next_attempt_at: number;
  expires_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
  delivered_at: number | null;
}

/** A row of `notification_attempts`. */
export interface NotificationAttemptsTable {
  id: string;
  notification_id: string;
  attempt: number;
  started_at: number;
  duration_ms: number;
  outcome: "delivered" | "failed";
  status_code: number | null;
  error: string | null;
}
