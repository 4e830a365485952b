// The errors the organizations feature throws.
import { ClerkError } from "../../errors.js";
import { type Candidate, didYouMean } from "../../suggest.js";

export function orgNotFound(ref: string, known: readonly Candidate[] = []): ClerkError {
  return new ClerkError(
    "org.not_found",
    `No organization "${ref}".${didYouMean(ref, known)} List them with: clerk org list`,
    {
      details: { ref },
      param: "organization",
    },
  );
}

export function slugTaken(slug: string): ClerkError {
  return new ClerkError(
    "org.slug_taken",
    `An organization with the slug "${slug}" already exists; choose another name or pass --slug.`,
    {
      param: "slug",
    },
  );
}

export function hasChildren(slug: string, children: readonly string[]): ClerkError {
  return new ClerkError(
    "org.has_children",
    `Organization "${slug}" has child organizations (${children.join(", ")}); delete them first or pass --recursive.`,
    { details: { children } },
  );
}

export function parentCycle(slug: string, parent: string): ClerkError {
  return new ClerkError(
    "org.parent_cycle",
    `Cannot move "${slug}" under "${parent}": "${parent}" is "${slug}" itself or one of its descendants.`,
    {
      param: "parent",
    },
  );
}

export function noOrganization(): ClerkError {
  return new ClerkError(
    "context.no_organization",
    "No organization given: pass --organization <slug> or choose a default with: clerk org use <slug>",
    { param: "organization" },
  );
}

export function moveStrandsRoles(slug: string, roles: readonly string[]): ClerkError {
  return new ClerkError(
    "org.move_refused",
    `Cannot move "${slug}" there: it uses roles of organizations it would leave (${roles.join(", ")}); move those members and role parents to other roles first.`,
    { param: "parent", details: { roles } },
  );
}

export function moveClashesRoles(slug: string, keys: readonly string[]): ClerkError {
  return new ClerkError(
    "org.move_refused",
    `Cannot move "${slug}" there: the new ancestors already have roles ${keys.join(", ")}; rename those first.`,
    {
      param: "parent",
      details: { keys },
    },
  );
}
