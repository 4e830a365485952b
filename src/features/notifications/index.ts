// The notifications feature's public face: providers, rules, the outbox and its dispatcher.
export { checkReceiverUrl, type Channel, formatChannel, parseChannel } from "./notification.channels.js";
export {
  configureProvider,
  instanceAdminOnly,
  listProviders,
  type Provider,
  type ProviderInput,
  testProvider,
} from "./notification.providers.js";
export { addRule, listRules, removeRule, type Rule } from "./notification.rules.js";
export {
  DEFAULT_MAX_AGE_MS,
  enqueueEmail,
  enqueueForSignal,
  enqueueNotice,
  type Notice,
  type SignalMessage,
} from "./notification.outbox.js";
export {
  deadLetteredFindings,
  deliveryLog,
  dispatchNotifications,
  type DispatchReport,
  listFailures,
  type NotificationRecord,
  NOTIFY_LEASE_MS,
  retryNotification,
} from "./notification.dispatch.js";
export { checkTemplate, escapeHtml, PLACEHOLDERS, render } from "./notification.template.js";
