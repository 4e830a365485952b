// The notifications feature's public face: providers, rules, the outbox and its dispatcher.
export { checkReceiverUrl, type Channel, formatChannel, parseChannel } from "./notification.channels.js";
export {
  addRule,
  configureProvider,
  DEFAULT_MAX_AGE_MS,
  deadLetteredFindings,
  deliveryLog,
  dispatchNotifications,
  enqueueEmail,
  type DispatchReport,
  enqueueForSignal,
  listFailures,
  listProviders,
  listRules,
  NOTIFY_LEASE_MS,
  type Provider,
  type ProviderInput,
  removeRule,
  retryNotification,
  type Rule,
  type SignalMessage,
  testProvider,
} from "./notification.service.js";
export { checkTemplate, escapeHtml, PLACEHOLDERS, render } from "./notification.template.js";
