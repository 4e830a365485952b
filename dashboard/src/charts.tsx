// Small inline SVG charts (no chart library): horizontal bars with their values written out, so the numbers are
// readable without the picture and a screen reader gets them from the label.

export interface Bar {
  label: string;
  value: number;
  /** How the value reads (e.g. "3 h"); the number itself when absent. */
  text?: string;
  tone?: "ok" | "danger" | "muted" | "accent";
}

const ROW = 26;
const LABEL = 170;
const WIDTH = 560;

export function BarChart({ title, bars }: { title: string; bars: Bar[] }) {
  const max = Math.max(1, ...bars.map((b) => b.value));
  const height = bars.length * ROW + 4;
  const summary = `${title}: ${bars.map((b) => `${b.label} ${b.text ?? b.value}`).join(", ")}`;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${height}`} width="100%" role="img" aria-label={summary}>
        {bars.map((b, i) => {
          const w = ((WIDTH - LABEL - 70) * b.value) / max;
          const y = i * ROW + 2;
          return (
            <g key={b.label}>
              <text x={0} y={y + 16} className="chart-label">
                {b.label}
              </text>
              <rect
                x={LABEL}
                y={y + 3}
                width={Math.max(w, 1)}
                height={ROW - 8}
                className={`bar-${b.tone ?? "accent"}`}
              />
              <text x={LABEL + w + 6} y={y + 16} className="chart-value">
                {b.text ?? b.value}
              </text>
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** A duration in ms as people say it: 45 s, 12 min, 3.5 h, 2.1 d. */
export function duration(ms: number | null): string {
  if (ms === null) return "none";
  if (ms < 60_000) return `${Math.round(ms / 1000)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${(ms / 3_600_000).toFixed(1)} h`;
  return `${(ms / 86_400_000).toFixed(1)} d`;
}
