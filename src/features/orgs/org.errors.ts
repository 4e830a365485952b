// The errors the organizations feature throws.
import { ClerkError } from "../../errors.js";
import { didYouMean } from "../../suggest.js";

export function orgNotFound(ref: string, known: readonly string[] = []): ClerkError {
  return new ClerkError("org.not_found", `No organization "${ref}".${didYouMean(ref, known)} List them with: clerk org list`, {
    details: { ref },
    param: "organization",
  });
}

export function slugTaken(slug: string): ClerkError {
  return new ClerkError("org.slug_taken", `An organization with the slug "${slug}" already exists; choose another name or pass --slug.`, {
    param: "slug",
  });
}

export function hasChildren(slug: string, children: readonly string[]): ClerkError {
  return new ClerkError(
    "org.has_children",
    `Organization "${slug}" has child organizations (${children.join(", ")}); delete them first or pass --recursive.`,
    { details: { children } },
  );
}

export function parentCycle(slug: string, parent: string): ClerkError {
  return new ClerkError("org.parent_cycle", `Cannot move "${slug}" under "${parent}": "${parent}" is "${slug}" itself or one of its descendants.`, {
    param: "parent",
  });
}

export function noOrganization(): ClerkError {
  return new ClerkError(
    "context.no_organization",
    "No organization given: pass --organization <slug> or choose a default with: clerk org use <slug>",
    { param: "organization" },
  );
}
