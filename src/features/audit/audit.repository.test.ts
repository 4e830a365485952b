// The canonical form and chain hash are a format stored chains depend on: pinned, so a change to them fails here.
import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { GENESIS_HASH, canonicalEvent, chainHash } from "./audit.repository.js";

const row = {
  id: "evt_1",
  chain: "org_1",
  seq: 3,
  organization_id: "org_1",
  created_at: 1_767_225_600_000,
  actor_type: "user",
  actor_id: null,
  actor_label: "alice@acme.com",
  action: "role.updated",
  target_type: "role",
  target_id: "role_1",
  target_label: "org:developer",
  before: null,
  after: '{"name":"Developer"}',
  request_id: "req_9",
  ip: "::1",
};

describe("the audit chain's canonical form", () => {
  it("is the hashed fields as one JSON array, in their fixed order", () => {
    expect(canonicalEvent(row)).toBe(
      '["evt_1","org_1",3,"org_1",1767225600000,"user",null,"alice@acme.com","role.updated","role","role_1","org:developer",null,"{\\"name\\":\\"Developer\\"}","req_9","::1"]',
    );
  });

  it("adds who acted for the actor and the checkpoint seq on rows written since, so a dropped via changes the hash", () => {
    const impersonated = {
      ...row,
      via_type: "api_key",
      via_id: "key_1",
      via_label: "sk_live…abcd",
      checkpoint_seq: 4,
    };
    expect(canonicalEvent(impersonated)).toBe(
      '["evt_1","org_1",3,"org_1",1767225600000,"user",null,"alice@acme.com","role.updated","role","role_1","org:developer",null,"{\\"name\\":\\"Developer\\"}","req_9","::1","api_key","key_1","sk_live…abcd",4]',
    );
    // Old rows (no checkpoint seq, no via) keep the form they were hashed in; a new row without via still differs.
    expect(canonicalEvent({ ...row, checkpoint_seq: null, via_type: null })).toBe(canonicalEvent(row));
    expect(canonicalEvent({ ...impersonated, via_type: null, via_id: null, via_label: null })).not.toBe(
      canonicalEvent(impersonated),
    );
    expect(canonicalEvent({ ...row, checkpoint_seq: 0 })).not.toBe(canonicalEvent(row));
  });

  it("hashes as sha256 of the previous hash followed by the canonical form", () => {
    const expected = createHash("sha256")
      .update(GENESIS_HASH + canonicalEvent(row))
      .digest("hex");
    expect(chainHash(GENESIS_HASH, canonicalEvent(row))).toBe(expected);
    expect(chainHash(GENESIS_HASH, canonicalEvent({ ...row, target_label: "org:admin" }))).not.toBe(expected);
  });
});
