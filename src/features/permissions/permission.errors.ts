// The errors the permissions feature throws.
import { ClerkError } from "../../errors.js";
import { didYouMean } from "../../suggest.js";

export function invalidPermissionKey(input: string, why: string): ClerkError {
  return new ClerkError(
    "permission.invalid_key",
    `"${input}" is not a permission: ${why}${/org:<feature>:<action>/.test(why) ? "" : " Use org:<feature>:<action> (e.g. org:code:read) or the shorthand <action>:<feature> (e.g. read:code)."}`,
    { param: "permission", details: { input } },
  );
}

export function permissionNotFound(ref: string, known: readonly string[]): ClerkError {
  return new ClerkError(
    "permission.not_found",
    `No permission "${ref}".${didYouMean(ref, known)} List them with: clerk permission list`,
    {
      param: "permission",
    },
  );
}

export function permissionExists(key: string): ClerkError {
  return new ClerkError("permission.key_taken", `The permission ${key} already exists.`, { param: "key" });
}

export function systemPermission(key: string): ClerkError {
  return new ClerkError("permission.system", `${key} is a system permission; it cannot be edited or deleted.`, {
    param: "permission",
  });
}

export function permissionInUse(key: string, holders: readonly string[]): ClerkError {
  return new ClerkError(
    "permission.in_use",
    `${key} is still granted to ${holders.slice(0, 5).join(", ")}${holders.length > 5 ? ", …" : ""}; revoke it first or pass --force to revoke it everywhere.`,
    { details: { holders } },
  );
}
