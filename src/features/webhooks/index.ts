// The webhooks feature's public face: endpoints, the Clerk-format events they receive, and the hook that queues them.
export {
  EVENT_TYPES,
  type EventType,
  eventTypeOf,
  filtersMatch,
  installWebhookEvents,
  parseEventFilters,
} from "./webhook.events.js";
export {
  addEndpoint,
  type Endpoint,
  type EndpointInput,
  failedEvents,
  getEndpoint,
  listEndpoints,
  removeEndpoint,
  replayEvents,
  rotateSecret,
  SECRET_GRACE_MS,
  testEndpoint,
  updateEndpoint,
} from "./webhook.service.js";
export { type EndpointObject, endpointObject, endpointSchema, messageObject, messageSchema } from "./webhook.view.js";
