// Webhook endpoints: where Clerk-format events go, which types each wants, and its delivery row in the outbox.

/** A row of `webhook_endpoints`. The URL and signing secret are sealed in the endpoint's delivery row. */
export interface WebhookEndpointsTable {
  id: string;
  /** The `clerk_webhook` row of `notification_providers` that holds the sealed URL and secret; outbox rows name it. */
  provider_id: string;
  /** The receiver's host, shown in lists (the full URL is sealed). */
  url_host: string;
  description: string;
  /** JSON array of event types and wildcards (`user.*`, `*`). */
  event_types: string;
  enabled: number;
  created_at: number;
  updated_at: number;
}
