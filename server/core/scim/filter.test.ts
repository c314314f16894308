import SCIMMY from "scimmy";
import { describe, expect, it } from "vitest";
import { isScimError } from "./errors";
import { parseFilter } from "./filter";
import { matchesFilter } from "./filter-match";
import { toScimUser, type ScimIdentity } from "./user";

const person = (over: Partial<ScimIdentity> = {}): ScimIdentity => ({
  id: "2819c223-7f76-453a-919d-413861904646",
  externalId: "bjensen",
  email: "bjensen@example.com",
  displayName: "Barbara Jensen",
  department: "Tour Operations",
  jobTitle: "Tour Guide",
  team: null,
  location: "Berlin",
  employmentType: "Employee",
  employmentStatus: "Active",
  jobLevel: null,
  hireDate: "2010-01-23",
  costCenter: "4130",
  trainings: ["security-101"],
  manager: { id: "26118915-6090-4610-87e4-49d8ca9f808d", displayName: "John Smith" },
  createdAt: new Date("2010-01-23T04:56:22Z"),
  updatedAt: new Date("2011-05-13T04:42:34Z"),
  ...over,
});

const barbara = toScimUser(person(), "https://example.com/api/scim/v2/Users");
const intern = toScimUser(
  person({
    id: "i-1",
    externalId: "o.malley",
    email: "Kim.OMalley@example.org",
    displayName: "Kim O'Malley",
    jobTitle: null,
    employmentType: "Intern",
    employmentStatus: "Terminated",
    department: null,
    manager: null,
    trainings: [],
    updatedAt: new Date("2011-05-13T04:42:35Z"),
  }),
  "https://example.com/api/scim/v2/Users",
);
const people = { barbara, intern };

const matching = (filter: string) =>
  Object.entries(people)
    .filter(([, r]) => matchesFilter(parseFilter(filter), r))
    .map(([n]) => n);
const scimTypeOf = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return isScimError(err) ? { scimType: err.scimType, detail: err.message } : { unexpected: String(err) };
  }
  return null;
};

describe("parsing SCIM filters (RFC 7644 §3.4.2.2)", () => {
  it("reads comparisons, presence, and/or/not with and binding tighter than or, and value paths", () => {
    expect(parseFilter('userName eq "bjensen"')).toEqual({
      kind: "compare",
      op: "eq",
      path: { attribute: "userName" },
      value: "bjensen",
    });
    expect(parseFilter("title pr")).toEqual({ kind: "present", path: { attribute: "title" } });
    expect(parseFilter('urn:ietf:params:scim:schemas:core:2.0:User:userName sw "J"')).toEqual({
      kind: "compare",
      op: "sw",
      path: { schema: "urn:ietf:params:scim:schemas:core:2.0:User", attribute: "userName" },
      value: "J",
    });
    expect(parseFilter('a eq "1" or b eq "2" and c eq "3"')).toEqual({
      kind: "or",
      left: { kind: "compare", op: "eq", path: { attribute: "a" }, value: "1" },
      right: {
        kind: "and",
        left: { kind: "compare", op: "eq", path: { attribute: "b" }, value: "2" },
        right: { kind: "compare", op: "eq", path: { attribute: "c" }, value: "3" },
      },
    });
    expect(
      parseFilter('userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")'),
    ).toMatchObject({ kind: "and", right: { kind: "not", filter: { kind: "or" } } });
    expect(
      parseFilter('emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]'),
    ).toMatchObject({
      kind: "or",
      left: { kind: "valuePath", path: { attribute: "emails" }, filter: { kind: "and" } },
      right: { kind: "valuePath", path: { attribute: "ims" } },
    });
  });

  it("takes operators and literals in any case, escapes in strings, numbers, and nested parentheses", () => {
    expect(parseFilter('USERNAME EQ "a\\"b\\\\c\\u00e9"')).toEqual({
      kind: "compare",
      op: "eq",
      path: { attribute: "USERNAME" },
      value: 'a"b\\cé',
    });
    expect(parseFilter("active Eq TRUE")).toMatchObject({ value: true });
    expect(parseFilter("x gt -1.5e3")).toMatchObject({ value: -1500 });
    expect(parseFilter("not(((title pr)))")).toEqual({
      kind: "not",
      filter: { kind: "present", path: { attribute: "title" } },
    });
    expect(
      parseFilter('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "x"'),
    ).toMatchObject({
      path: {
        schema: "urn:ietf:params:scim:schemas:extension:enterprise:2.0:User",
        attribute: "manager",
        subAttribute: "value",
      },
    });
  });

  it.each([
    ["", /empty/],
    ['userName eq "open', /not closed/],
    ['userName eq "bad \\x escape"', /invalid escape/],
    ["userName eq", /Expected a value/],
    ['userName equals "x"', /Expected an operator/],
    ['userName eq "x" and', /Expected an attribute/],
    ['(userName eq "x"', /Expected "\)"/],
    ['userName eq "x")', /Unexpected "\)"/],
    ['emails[type eq "work"', /Expected "]"/],
    ['emails[value[x eq "y"]]', /cannot contain another/],
    ['a.b.c eq "x"', /not an attribute path/],
    ["userName eq bjensen", /Expected a value/],
  ])("refuses %j as invalidFilter", (filter, detail) => {
    expect(scimTypeOf(() => parseFilter(filter))).toEqual({
      scimType: "invalidFilter",
      detail: expect.stringMatching(detail),
    });
  });
});

describe("evaluating SCIM filters against Users", () => {
  it.each([
    ['userName eq "BJENSEN@example.com"', ["barbara"]],
    ['name.familyName co "O\'Malley"', ["intern"]],
    ['userName sw "b"', ["barbara"]],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName sw "K"', ["intern"]],
    ["title pr", ["barbara"]],
    ['meta.lastModified gt "2011-05-13T04:42:34Z"', ["intern"]],
    ['meta.lastModified ge "2011-05-13T04:42:34Z"', ["barbara", "intern"]],
    ['meta.lastModified lt "2011-05-13T04:42:35Z"', ["barbara"]],
    ['meta.lastModified le "2011-05-13T06:42:34+02:00"', ["barbara"]],
    ['title pr and userType eq "Employee"', ["barbara"]],
    ['title pr or userType eq "Intern"', ["barbara", "intern"]],
    ['schemas eq "urn:ietf:params:scim:schemas:extension:clearance:2.0:User"', ["barbara", "intern"]],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ["barbara"]],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', []],
    ['userType eq "Employee" and (emails.type eq "work")', ["barbara"]],
    ['userType eq "Employee" and emails[type eq "work" and value co "@example.com"]', ["barbara"]],
    ['emails[type eq "work" and value co "@example.com"] or ims[type eq "xmpp" and value co "@foo.com"]', ["barbara"]],
    ["active eq true", ["barbara"]],
    ['active eq "False"', ["intern"]],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department eq "tour operations"', ["barbara"]],
    [
      'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value eq "26118915-6090-4610-87e4-49d8ca9f808d"',
      ["barbara"],
    ],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department ne "Tour Operations"', ["intern"]],
    ['urn:ietf:params:scim:schemas:extension:clearance:2.0:User:trainings eq "SECURITY-101"', ["barbara"]],
    ['externalId eq "BJENSEN"', []],
    ['nickName ne "x"', ["barbara", "intern"]],
    ["nickName eq null and title ne null", ["barbara"]],
    ['userName gt "c"', ["intern"]],
  ])("%s", (filter, expected) => {
    expect(matching(filter)).toEqual(expected);
  });

  it.each([
    ['favouriteColour eq "blue"', /Unknown attribute "favouriteColour"/],
    ['urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:userName eq "x"', /Unknown attribute/],
    ['active co "t"', /boolean: only eq, ne and pr/],
    ['active eq "yes"', /compare it with true or false/],
    ["userName eq 42", /compare it with a quoted string/],
    ['meta.created gt "yesterday"', /not a date and time/],
    ['name eq "x"', /complex/],
    ['emails[kind eq "work"]', /Unknown attribute "emails.kind"/],
    ['title[value eq "x"]', /needs a complex attribute/],
    ["userName gt null", /only eq and ne compare with null/],
  ])("refuses %s as invalidFilter", (filter, detail) => {
    expect(scimTypeOf(() => matching(filter))).toEqual({
      scimType: "invalidFilter",
      detail: expect.stringMatching(detail),
    });
  });

  // scimmy compares case-exactly and does not follow URN paths; on the filters where RFC 7644 and
  // it agree (exact case, core attributes), the two implementations must give the same answer.
  it.each([
    'userName eq "bjensen@example.com"',
    'userName sw "Kim" or title pr',
    'userType eq "Employee" and emails[type eq "work" and value co "@example.com"]',
    'not (userType eq "Intern") and active eq true',
    'meta.lastModified gt "2011-05-13T04:42:34Z"',
    'name.givenName ew "bara" or name.familyName co "Malley"',
    'emails.value ew ".org"',
    'displayName ne "Barbara Jensen"',
    "externalId pr and not (title pr)",
  ])("agrees with scimmy on %s", (filter) => {
    const theirs = new SCIMMY.Types.Filter(filter).match(Object.values(people)).map((r: { id: string }) => r.id);
    expect(
      Object.values(people)
        .filter((r) => matchesFilter(parseFilter(filter), r))
        .map((r) => r.id),
    ).toEqual(theirs);
  });
});
