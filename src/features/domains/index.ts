// The domains feature's public face.
export {
  COMMON_EMAIL_PROVIDERS,
  type CreateDomainInput,
  createDomainSchema,
  domainNameSchema,
  enrollmentModeSchema,
  type ListDomainsInput,
  MAX_DOMAINS_PER_ORGANIZATION,
  type UpdateDomainInput,
  updateDomainSchema,
} from "./domain.schema.js";
export {
  addDomain,
  type Domain,
  getDomain,
  listDomains,
  removeDomain,
  updateDomain,
  verifiedDomainsOf,
  verifyDomain,
} from "./domain.service.js";
export { attemptDomainVerification, startDomainVerification } from "./domain.verification.js";
export type { EnrollmentMode } from "./domain.table.js";
export { type DomainObject, domainObject, domainSchema } from "./domain.view.js";
