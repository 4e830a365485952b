// Event filters: what an endpoint may subscribe to, and which event types each filter takes.
import { describe, expect, it } from "vitest";
import { EVENT_TYPES, eventTypeOf, filtersMatch, parseEventFilters } from "./webhook.events.js";

describe("webhook event filters", () => {
  it.each([
    ["* takes every type", ["*"], "session.revoked", true],
    ["a category wildcard takes its own types", ["organization.*"], "organization.deleted", true],
    [
      "a category wildcard does not take a longer category",
      ["organization.*"],
      "organizationMembership.created",
      false,
    ],
    ["an exact type takes only itself", ["user.created"], "user.created", true],
    ["an exact type does not take its siblings", ["user.created"], "user.deleted", false],
    ["any of several filters is enough", ["role.*", "user.updated"], "user.updated", true],
  ])("%s", (_name, filters, type, taken) => {
    expect(filtersMatch(filters, type)).toBe(taken);
  });

  it("accepts comma lists, trims and drops duplicates", () => {
    expect(parseEventFilters(["user.*, organization.created", "user.*"])).toEqual(["user.*", "organization.created"]);
  });

  it.each([
    ["an unknown type", ["user.signed_in"]],
    ["an unknown category", ["users.*"]],
    ["a bare category", ["user"]],
    ["nothing", [" , "]],
  ])("refuses %s", (_name, filters) => {
    expect(() => parseEventFilters(filters)).toThrow(expect.objectContaining({ code: "webhook.unknown_event_type" }));
  });

  it("maps audit actions to Clerk's event types, and nothing else to anything", () => {
    expect(eventTypeOf("member.added")).toBe("organizationMembership.created");
    expect(eventTypeOf("domain.verified")).toBe("organizationDomain.updated");
    expect(eventTypeOf("org.metadata_updated")).toBe("organization.updated");
    expect(eventTypeOf("notification.delivered")).toBeUndefined();
    expect(Object.values(EVENT_TYPES).flat()).toContain("organizationInvitation.accepted");
  });
});
