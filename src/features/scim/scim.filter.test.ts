import { describe, expect, it } from "vitest";
import { matches, parseFilter } from "./scim.filter.js";

const bjensen = {
  id: "2819c223",
  userName: "bjensen@example.com",
  active: true,
  name: { familyName: "Jensen", givenName: "Barbara" },
  emails: [
    { type: "work", value: "bjensen@example.com", primary: true },
    { type: "home", value: "babs@jensen.org" },
  ],
  meta: { lastModified: "2011-05-13T04:42:34Z" },
  "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User": { department: "Tour Operations" },
};

describe("SCIM filters", () => {
  it.each([
    ['userName eq "BJENSEN@example.com"', true],
    ['userName Eq "other"', false],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "bjen"', true],
    ['name.familyName ew "sen"', true],
    ['emails co "jensen.org"', true],
    ['emails[type eq "work" and value co "@example.com"]', true],
    ['emails[type eq "work"].value eq "babs@jensen.org"', false],
    ['emails[type eq "home"].value eq "babs@jensen.org"', true],
    ["title pr", false],
    ["name pr", true],
    ['active eq true and not (userName eq "x" or userName eq "bjensen@example.com")', false],
    ['not (userName eq "x" or userName eq "y")', true],
    ['emails co "jensen.org" and emails[type eq "work"]', true],
    ['emails co "jensen.org" and emails[type eq "other"]', false],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', false],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', true],
    ['id eq "2819C223"', false],
    ['userName ne "x" and (active eq false or name.givenName lt "C")', true],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tour operations"', true],
  ])("%s → %s", (filter, expected) => {
    expect(matches(bjensen, parseFilter(filter))).toBe(expected);
  });

  it.each(['userName eqq "x"', "userName eq", '(userName eq "x"', "userName eq x", "", "active gt true"])(
    "refuses %j with invalidFilter",
    (filter) => {
      expect(() => matches(bjensen, parseFilter(filter))).toThrow(
        expect.objectContaining({ scimType: "invalidFilter", status: 400 }),
      );
    },
  );
});
