// The shapes the engine consumes and returns: one organization's policy, queries and answers.
import type { Scope } from "./scope.js";

/** A permission granted to a role or directly to a membership. */
export interface PolicyGrant {
  id: string;
  /** Canonical key, `org:<feature>:<action>`. */
  permission: string;
  /** Empty means every resource. */
  scopes: readonly Scope[];
  /** Unix ms; the grant applies while `at < expiresAt`. */
  expiresAt: number | null;
}

/** A role usable in the organization, with its own grants and the roles it extends. */
export interface PolicyRole {
  id: string;
  key: string;
  name: string;
  /** Ids of roles in the same policy whose grants this role inherits. */
  parentIds: readonly string[];
  grants: readonly PolicyGrant[];
}

/** One membership: a user, the roles they hold and their direct grants. */
export interface PolicyMember {
  userId: string;
  /** The user's e-mail, used in reasons. */
  label: string;
  roleIds: readonly string[];
  /** Direct grants on the membership; they count like a role's grants. */
  grants: readonly PolicyGrant[];
}

/** An ancestor organization's memberships, for read-only access in descendants. */
export interface PolicyAncestor {
  organizationId: string;
  /** The ancestor's slug. */
  label: string;
  members: readonly PolicyMember[];
}

/** Everything the engine needs to answer checks for one organization. */
export interface OrgPolicy {
  organizationId: string;
  /** The organization's slug. */
  label: string;
  version: number;
  /** Every role usable here (instance-wide, ancestors' and own); parentIds and roleIds refer to these. */
  roles: readonly PolicyRole[];
  members: readonly PolicyMember[];
  /** Nearest first. */
  ancestors: readonly PolicyAncestor[];
  /** When true, a member of an ancestor who is not a member here gets that membership's read access here. */
  inheritAncestorRead: boolean;
}

/** One access question: may `subject` use `permission` (on `resource`) at time `at`? */
export interface CheckQuery {
  /** The user id. */
  subject: string;
  /** Canonical key, `org:<feature>:<action>`. */
  permission: string;
  /** `type:id`; omitted means "no particular resource", which only an unscoped grant allows. */
  resource?: string | undefined;
  /** Unix ms. */
  at: number;
}

/** The answer to a check: a value, never an exception. */
export interface Decision {
  allowed: boolean;
  reason: string;
}

/** One hop of the path that allowed (or would have allowed) a check. */
export interface ExplainStep {
  kind: "member" | "ancestor" | "role" | "parent_role" | "grant" | "scope";
  /** User id, organization id, role id, grant id, or the scope as `type:pattern`. */
  id: string;
  /** E-mail, slug, role name, permission key, or how the scope matched. */
  label: string;
}

/** A check answered in full: the path that allowed it, or what was missing and the nearest miss. */
export interface Explanation {
  allowed: boolean;
  reason: string;
  /** For an allowed check, member (or ancestor) -> role -> parent roles -> grant -> scope. */
  path: ExplainStep[];
  /** For a denial, the grant that came closest and why it did not apply. */
  nearestMiss?: string;
}

/** A permission a member holds, with where it comes from. */
export interface EffectivePermission {
  permission: string;
  /** Empty means every resource. */
  scopes: Scope[];
  expiresAt: number | null;
  /** Human paths such as "role Senior Reviewer <- Code Reviewer" or "direct grant". */
  sources: string[];
}

/** A member who may use a permission, with the path that allows it. */
export interface WhoCanEntry {
  userId: string;
  label: string;
  reason: string;
}
