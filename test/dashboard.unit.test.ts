// The dashboard's pure parts: the audit diff (which fields changed, and how) and the form data a stage's form posts.
import { describe, expect, it } from "vitest";
import { diff } from "../dashboard/src/diff.js";
import { formData, kind } from "../dashboard/src/schema.js";

describe("the audit diff", () => {
  it("lists only changed fields, by dotted path, with absent sides", () => {
    const before = { name: "Dev", grants: { read: { scopes: ["a"] } }, same: 1, gone: true };
    const after = { name: "Developer", grants: { read: { scopes: ["a", "b"] }, write: {} }, same: 1 };
    expect(diff(before, after)).toEqual([
      { path: "gone", before: "true", after: null },
      { path: "grants.read.scopes", before: '["a"]', after: '["a","b"]' },
      { path: "grants.write", before: null, after: "{}" },
      { path: "name", before: '"Dev"', after: '"Developer"' },
    ]);
  });

  it("reads a creation (no before) and a deletion (no after) as every field added or removed", () => {
    expect(diff(null, { key: "org:dev" })).toEqual([{ path: "key", before: null, after: '"org:dev"' }]);
    expect(diff({ key: "org:dev" }, null)).toEqual([{ path: "key", before: '"org:dev"', after: null }]);
    expect(diff({ a: 1 }, { a: 1 })).toEqual([]);
  });
});

describe("a stage's form", () => {
  const schema = {
    type: "object",
    required: ["summary", "risk"],
    properties: {
      summary: { type: "string" },
      risk: { enum: ["low", "high"] },
      hours: { type: "integer" },
      cost: { type: ["number", "null"] },
      urgent: { type: "boolean" },
      due: { type: "string", format: "date" },
      rollback_plan: { type: "string", description: "How the plan is undone" },
    },
  };

  it("enters each field by its type", () => {
    const p = schema.properties;
    expect([p.summary, p.risk, p.hours, p.cost, p.urgent, p.due, p.rollback_plan].map(kind)).toEqual([
      "text",
      "enum",
      "integer",
      "number",
      "boolean",
      "date",
      "long",
    ]);
  });

  it("posts numbers as numbers and leaves empty fields out", () => {
    expect(formData(schema, { summary: "x", risk: "low", hours: "3", cost: "", urgent: false, due: "" })).toEqual({
      summary: "x",
      risk: "low",
      hours: 3,
      urgent: false,
    });
  });
});
