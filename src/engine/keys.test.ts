import { describe, expect, it } from "vitest";
import { EngineInputError } from "./errors.js";
import { parsePermissionKey, roleKeyFromName } from "./keys.js";

describe("parsePermissionKey", () => {
  it.each([
    ["a canonical key is kept as it is", "org:code:read", "org:code:read", "code", "read"],
    ["the seed's shorthand is turned around", "read:code", "org:code:read", "code", "read"],
    [
      "a hyphen in the shorthand becomes an underscore",
      "approve:pull-requests",
      "org:pull_requests:approve",
      "pull_requests",
      "approve",
    ],
    ["digits and underscores are fine", "org:sys_2fa:manage", "org:sys_2fa:manage", "sys_2fa", "manage"],
    ["surrounding spaces are ignored", "  org:code:write ", "org:code:write", "code", "write"],
  ])("%s", (_name, input, key, feature, action) => {
    expect(parsePermissionKey(input)).toEqual({ key, feature, action });
  });

  it.each([
    ["an empty key is refused", "", /empty.*org:<feature>:<action>/],
    ["a bare action is refused", "read", /"read" names no feature.*read:code/],
    ["an uppercase segment is refused with the fix", "org:Code:read", /"Code".*lowercase.*did you mean "code"/],
    ["four segments are refused", "a:b:c:d", /"a:b:c:d" has 4 segments/],
    ["a shorthand without a feature is refused", "read:", /empty feature.*<action>:<feature>/],
    ["an empty canonical feature is refused", "org::read", /"org::read" has an empty feature/],
    ["an empty canonical action is refused", "org:code:", /"org:code:" has an empty action/],
    ["a canonical key without an action is refused", "org:code", /"org:code" has no action.*org:code:<action>/],
    ["a three-part key not starting with org is refused", "app:code:read", /must start with "org:"/],
    [
      "a hyphen in the canonical form is refused with the fix",
      "org:pull-requests:read",
      /did you mean "pull_requests"/,
    ],
    ["an uppercase shorthand is refused with the fix", "Read:Code", /did you mean "code"/],
  ])("%s", (_name, input, message) => {
    expect(() => parsePermissionKey(input)).toThrow(EngineInputError);
    expect(() => parsePermissionKey(input)).toThrow(message);
  });
});

describe("roleKeyFromName", () => {
  it.each([
    ["a name becomes a lowercase key", "Code Reviewer", "org:code_reviewer"],
    ["a key stays as it is", "org:admin", "org:admin"],
    ["runs of other characters become one underscore", "  Senior -- Dev/Ops!! ", "org:senior_dev_ops"],
    ["an uppercase org prefix is a key too", "Org:Admin", "org:admin"],
    ["digits are kept", "Tier 2 Support", "org:tier_2_support"],
  ])("%s", (_name, input, key) => {
    expect(roleKeyFromName(input)).toBe(key);
  });

  it.each([
    ["an empty name", ""],
    ["a name of punctuation", "!!!"],
    ["a bare org prefix", "org:"],
  ])("refuses %s, which leaves nothing to build a key from", (_name, input) => {
    expect(() => roleKeyFromName(input)).toThrow(/no letters or digits/);
  });
});
