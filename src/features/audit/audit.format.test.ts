// The export writers: JSON is one array, JSONL one line per event, CSV quoted and safe to open in a spreadsheet.
import { describe, expect, it } from "vitest";
import { CSV_COLUMNS, eventCounter, exportWriter } from "./audit.format.js";
import type { AuditEventObject } from "./audit.view.js";

const event = (over: Partial<AuditEventObject> = {}): AuditEventObject => ({
  object: "audit_event",
  id: "evt_1",
  seq: 1,
  organization_id: "org_1",
  created_at: 1_767_268_800_000,
  time: "2026-01-01T12:00:00.000Z",
  actor: { type: "user", id: "user_1", label: "alice@acme.com" },
  action: "role.created",
  target: { type: "role", id: "role_1", label: "org:ops" },
  before: null,
  after: { name: "Ops" },
  request_id: null,
  ip: "127.0.0.1",
  via: null,
  checkpoint_seq: 3,
  prev_hash: "0".repeat(64),
  hash: "a".repeat(64),
  ...over,
});

const write = (format: "json" | "jsonl" | "csv", pages: AuditEventObject[][]) => {
  const w = exportWriter(format);
  return w.start() + pages.map((p) => w.page(p)).join("") + w.end();
};

describe("exportWriter", () => {
  it("writes JSON as one array across pages, and an empty export as []", () => {
    const a = event();
    const b = event({ id: "evt_2", seq: 2 });
    expect(JSON.parse(write("json", [[a], [], [b]]))).toEqual([a, b]);
    expect(JSON.parse(write("json", []))).toEqual([]);
    expect(write("jsonl", [[a], [b]]).split("\n")).toEqual([JSON.stringify(a), JSON.stringify(b), ""]);
  });

  it("quotes CSV cells with commas, quotes and newlines, and leaves null cells empty", () => {
    const [header, row] = write("csv", [
      [event({ actor: { type: "user", id: null, label: 'Alice "Al", ops\nlead' } })],
    ]).split(/\n(?=evt_)/);
    expect(header).toBe(CSV_COLUMNS.join(","));
    expect(row).toContain(`user,,"Alice ""Al"", ops\nlead",role.created`);
  });

  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ["+1+1", "'+1+1"],
    ["-2+3", "'-2+3"],
    ["@SUM(A1)", "'@SUM(A1)"],
    ["\tcmd", "'\tcmd"],
    ["'quoted", "''quoted"],
    ["plain-name", "plain-name"],
  ])("puts a ' before a CSV text cell a spreadsheet would run: %j", (label, cell) => {
    const csv = write("csv", [[event({ target: { type: "role", id: "role_1", label } })]]);
    expect(csv).toContain(`,role,role_1,${cell},`);
  });

  it("never prefixes numbers, which a spreadsheet reads as numbers anyway", () => {
    const csv = write("csv", [[event({ seq: 7, created_at: 5 })]]);
    expect(csv).toContain("evt_1,7,org_1,5,");
  });
});

describe("eventCounter", () => {
  const tricky = (i: number) =>
    event({
      id: `evt_${i}`,
      seq: i,
      actor: { type: "user", id: null, label: i % 2 ? 'a "quoted"\n{name}, here' : "plain" },
      after: i % 3 ? { text: "line\n{ not an event" } : null,
    });

  it.each(["json", "jsonl", "csv"] as const)("counts %s events however the bytes are split into chunks", (format) => {
    for (const events of [0, 1, 7]) {
      const bytes = Buffer.from(write(format, [Array.from({ length: events }, (_, i) => tricky(i + 1))]));
      for (const size of [1, 2, 5, 64, bytes.length || 1]) {
        const count = eventCounter(format);
        let n = 0;
        for (let at = 0; at < bytes.length; at += size) n += count(bytes.subarray(at, at + size));
        expect([events, size, n]).toEqual([events, size, events]);
      }
    }
  });
});
