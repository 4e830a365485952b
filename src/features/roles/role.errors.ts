// The errors the roles feature throws.
import { ClerkError } from "../../errors.js";
import { type Candidate, didYouMean } from "../../suggest.js";

export function roleNotFound(ref: string, known: readonly Candidate[], organizationSlug: string | null): ClerkError {
  const where = organizationSlug ? ` --organization "${organizationSlug}"` : "";
  return new ClerkError(
    "role.not_found",
    `No role "${ref}"${organizationSlug ? ` in ${organizationSlug}` : ""}.${didYouMean(ref, known)} Create it with: clerk role create --name "${ref}"${where} --permissions "…"`,
    { param: "role", details: { ref } },
  );
}

export function roleNameTaken(key: string, where: string): ClerkError {
  return new ClerkError("role.name_taken", `A role ${key} already exists ${where}; choose another name.`, {
    param: "name",
  });
}

export function inheritanceCycle(names: readonly string[]): ClerkError {
  return new ClerkError("role.inheritance_cycle", `Role inheritance would form a cycle: ${names.join(" → ")}.`, {
    param: "extends",
    details: { cycle: names },
  });
}

export function roleIsCreatorOrDefault(key: string, which: "creator" | "default"): ClerkError {
  const flag = which === "creator" ? "--creator-role" : "--default-role";
  return new ClerkError(
    "role.creator_or_default",
    `${key} is the instance's ${which} role and cannot be deleted; choose another first with: clerk role defaults ${flag} <role>`,
  );
}

export function roleHasMembers(key: string, count: number): ClerkError {
  return new ClerkError(
    "role.has_members",
    `${key} is held by ${count} member(s); move them to another role first (clerk org member update).`,
    {
      details: { members: count },
    },
  );
}

export function roleHasChildren(key: string, children: readonly string[]): ClerkError {
  return new ClerkError(
    "role.has_children",
    `${key} is extended by ${children.join(", ")}; change their --extends first.`,
    {
      details: { children },
    },
  );
}

export function roleNotUsable(key: string, why: string): ClerkError {
  return new ClerkError("role.not_usable", `${key} cannot be used here: ${why}`, { param: "extends" });
}

export function roleInInvitations(key: string, count: number): ClerkError {
  return new ClerkError(
    "role.in_invitations",
    `${key} is named by ${count} pending invitation(s); revoke them first (clerk org invitation revoke).`,
    {
      details: { invitations: count },
    },
  );
}
