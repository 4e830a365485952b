import { describe, expect, it } from "vitest";
import { type Candidate, pickReviewers, rotation } from "./assignment.js";

const pool: Candidate[] = ["ann", "bob", "cat", "dan"].map((n) => ({ userId: `user_${n}`, label: `${n}@acme.com` }));
const names = (cs: Candidate[]) => cs.map((c) => c.label.split("@")[0]);

describe("rotation", () => {
  it("starts at the top when nobody was picked yet", () =>
    expect(names(rotation(pool, null))).toEqual(["ann", "bob", "cat", "dan"]));
  it("continues after the last pick", () =>
    expect(names(rotation(pool, "user_bob"))).toEqual(["cat", "dan", "ann", "bob"]));
  it("wraps after the last member", () =>
    expect(names(rotation(pool, "user_dan"))).toEqual(["ann", "bob", "cat", "dan"]));
  it("continues where a departed last pick would sort", () =>
    expect(names(rotation(pool, "user_gone", "bz@acme.com"))).toEqual(["cat", "dan", "ann", "bob"]));
});

describe("pickReviewers", () => {
  const cases: [string, Parameters<typeof pickReviewers>[0], string[]][] = [
    [
      "round-robin takes the next member",
      { strategy: "round-robin", candidates: pool, count: 1, lastUserId: "user_ann" },
      ["bob"],
    ],
    [
      "round-robin takes distinct members for two approvals",
      { strategy: "round-robin", candidates: pool, count: 2, lastUserId: "user_cat" },
      ["dan", "ann"],
    ],
    [
      "round-robin never picks more than the pool",
      { strategy: "round-robin", candidates: pool.slice(0, 1), count: 2, lastUserId: null },
      ["ann"],
    ],
    [
      "least-loaded takes the member with the fewest open tasks",
      {
        strategy: "least-loaded",
        candidates: pool,
        count: 1,
        lastUserId: null,
        openTasks: new Map([
          ["user_ann", 3],
          ["user_bob", 1],
          ["user_cat", 0],
          ["user_dan", 2],
        ]),
      },
      ["cat"],
    ],
    [
      "least-loaded breaks ties by rotation",
      {
        strategy: "least-loaded",
        candidates: pool,
        count: 2,
        lastUserId: "user_bob",
        openTasks: new Map([
          ["user_ann", 0],
          ["user_bob", 0],
          ["user_cat", 1],
          ["user_dan", 0],
        ]),
      },
      ["dan", "ann"],
    ],
    ["manual picks nobody", { strategy: "manual", candidates: pool, count: 1, lastUserId: null }, []],
    ["an empty pool picks nobody", { strategy: "round-robin", candidates: [], count: 1, lastUserId: null }, []],
  ];
  it.each(cases)("%s", (_name, input, expected) => expect(names(pickReviewers(input))).toEqual(expected));

  it("round-robin over 100 picks gives each of four members 25", () => {
    const counts = new Map<string, number>();
    let last: string | null = null;
    for (let i = 0; i < 100; i++) {
      const [picked] = pickReviewers({ strategy: "round-robin", candidates: pool, count: 1, lastUserId: last });
      last = picked!.userId;
      counts.set(last, (counts.get(last) ?? 0) + 1);
    }
    expect([...counts.values()]).toEqual([25, 25, 25, 25]);
  });
});
