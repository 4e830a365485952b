// Workflow statistics from runs, stages and rejections: counts, rates, completion percentiles. No I/O.

/** What the computation reads of one run. */
export interface StatRun {
  status: "open" | "approved" | "rejected" | "cancelled";
  createdAt: number;
  completedAt: number | null;
  outcomeReason: string | null;
}

/** What it reads of one decided (or skipped) stage of a run. */
export interface StatStage {
  name: string;
  position: number;
  status: string;
  startedAt: number | null;
  completedAt: number | null;
  overdue: boolean;
  escalated: boolean;
}

/** The figures for one workflow over one period. */
export interface WorkflowFigures {
  runs: number;
  approved: number;
  rejected: number;
  open: number;
  cancelled: number;
  /** approved / (approved + rejected), or null when nothing was decided. */
  approvalRate: number | null;
  completion: { averageMs: number | null; p50Ms: number | null; p90Ms: number | null };
  stages: { name: string; completed: number; averageMs: number | null }[];
  overdue: number;
  escalations: number;
  topRejectionReasons: { reason: string; count: number }[];
}

/** The nearest-rank percentile of sorted values. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1] as number;
}

const average = (xs: readonly number[]) =>
  xs.length === 0 ? null : Math.round(xs.reduce((a, b) => a + b, 0) / xs.length);

/** Computes the figures; rejection reasons are grouped case-insensitively, most frequent first (top 5). */
export function computeFigures(runs: readonly StatRun[], stages: readonly StatStage[]): WorkflowFigures {
  const count = (s: StatRun["status"]) => runs.filter((r) => r.status === s).length;
  const approved = count("approved");
  const rejected = count("rejected");
  const durations = runs
    .filter((r) => (r.status === "approved" || r.status === "rejected") && r.completedAt !== null)
    .map((r) => (r.completedAt as number) - r.createdAt)
    .sort((a, b) => a - b);
  const byStage = new Map<string, { position: number; times: number[] }>();
  for (const s of stages) {
    const entry = byStage.get(s.name) ?? { position: s.position, times: [] };
    if ((s.status === "approved" || s.status === "rejected") && s.startedAt !== null && s.completedAt !== null)
      entry.times.push(s.completedAt - s.startedAt);
    byStage.set(s.name, entry);
  }
  const reasons = new Map<string, { reason: string; count: number }>();
  for (const r of runs) {
    if (r.status !== "rejected") continue;
    const reason = r.outcomeReason?.trim() || "(no reason given)";
    const key = reason.toLowerCase();
    const entry = reasons.get(key) ?? { reason, count: 0 };
    entry.count += 1;
    reasons.set(key, entry);
  }
  return {
    runs: runs.length,
    approved,
    rejected,
    open: count("open"),
    cancelled: count("cancelled"),
    approvalRate: approved + rejected === 0 ? null : Math.round((approved / (approved + rejected)) * 1000) / 1000,
    completion: { averageMs: average(durations), p50Ms: percentile(durations, 50), p90Ms: percentile(durations, 90) },
    stages: [...byStage.entries()]
      .sort((a, b) => a[1].position - b[1].position)
      .map(([name, e]) => ({ name, completed: e.times.length, averageMs: average(e.times) })),
    overdue: stages.filter((s) => s.overdue).length,
    escalations: stages.filter((s) => s.escalated).length,
    topRejectionReasons: [...reasons.values()]
      .sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason))
      .slice(0, 5),
  };
}
