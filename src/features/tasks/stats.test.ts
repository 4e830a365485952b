import { describe, expect, it } from "vitest";
import { type StatRun, type StatStage, computeFigures, percentile } from "./stats.js";

const H = 3_600_000;
const run = (status: StatRun["status"], hours: number | null, reason: string | null = null): StatRun => ({
  status,
  createdAt: 0,
  completedAt: hours === null ? null : hours * H,
  outcomeReason: reason,
});
const stage = (
  name: string,
  position: number,
  status: string,
  hours: number,
  flags: Partial<StatStage> = {},
): StatStage => ({
  name,
  position,
  status,
  startedAt: 0,
  completedAt: hours * H,
  overdue: false,
  escalated: false,
  ...flags,
});

describe("percentile", () => {
  it("is nearest-rank", () => {
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([7], 90)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });
});

describe("computeFigures", () => {
  it("counts outcomes, the approval rate and completion times of decided runs", () => {
    const f = computeFigures(
      [
        run("approved", 1),
        run("approved", 3),
        run("rejected", 2, "Missing tests"),
        run("rejected", 4, "missing tests"),
        run("rejected", 5, "Too big"),
        run("open", null),
        run("cancelled", 1),
      ],
      [],
    );
    expect(f).toMatchObject({ runs: 7, approved: 2, rejected: 3, open: 1, cancelled: 1, approvalRate: 0.4 });
    expect(f.completion).toEqual({ averageMs: 3 * H, p50Ms: 3 * H, p90Ms: 5 * H });
    expect(f.topRejectionReasons).toEqual([
      { reason: "Missing tests", count: 2 },
      { reason: "Too big", count: 1 },
    ]);
  });

  it("averages each stage over its decided runs, in stage order, and counts overdue and escalated stages", () => {
    const f = computeFigures(
      [],
      [
        stage("Security", 2, "approved", 4),
        stage("Review", 1, "approved", 1),
        stage("Review", 1, "approved", 3, { overdue: true, escalated: true }),
        stage("Security", 2, "skipped", 0),
      ],
    );
    expect(f.stages).toEqual([
      { name: "Review", completed: 2, averageMs: 2 * H },
      { name: "Security", completed: 1, averageMs: 4 * H },
    ]);
    expect([f.overdue, f.escalations]).toEqual([1, 1]);
  });

  it("has no rate and no times when nothing was decided", () => {
    expect(computeFigures([run("open", null)], [])).toMatchObject({
      approvalRate: null,
      completion: { averageMs: null, p50Ms: null, p90Ms: null },
    });
  });
});
