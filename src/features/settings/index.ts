// The settings feature's public face.
export { getSetting, type InstanceStatus, instanceStatus, putSetting, type SettingKey } from "./settings.service.js";
export { type InstanceStatusObject, instanceStatusSchema } from "./settings.view.js";
