// The notifications feature's public face: providers, rules, the outbox and its dispatcher.
export { checkReceiverUrl, type Channel, formatChannel, parseChannel } from "./notification.channels.js";
export {
  checkEndpointUrl,
  configureProvider,
  type EndpointDelivery,
  endpointDelivery,
  removeEndpointDelivery,
  saveEndpointDelivery,
  sendToEndpointNow,
  instanceAdminOnly,
  listProviders,
  providerSecrets,
  type Provider,
  type ProviderInput,
  testProvider,
} from "./notification.providers.js";
export { newSigningSecret, type SendResult } from "./notification.senders.js";
export { addRule, listRules, removeRule, type Rule } from "./notification.rules.js";
export {
  DEFAULT_MAX_AGE_MS,
  enqueueEmail,
  enqueueEndpointMessage,
  type EndpointMessage,
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
  NOTIFY_BODY_RETENTION_MS,
  listFailures,
  type NotificationRecord,
  NOTIFY_LEASE_MS,
  retryNotification,
} from "./notification.dispatch.js";
export { checkTemplate, escapeHtml, PLACEHOLDERS, render } from "./notification.template.js";
