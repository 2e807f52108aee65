/** What the plot shows: per horizon, validation NWRMSLE after each boosting round. */
export interface LearningCurvesPlot {
  readonly title: string;
  /** Per horizon, one value per round (round 1 first). */
  readonly curves: readonly (readonly number[])[];
  /** Horizontal reference lines, e.g. the baseline's overall score. */
  readonly references?: readonly { readonly label: string; readonly value: number }[];
}

const WIDTH = 860;
const HEIGHT = 480;
const MARGIN = { left: 64, right: 150, top: 40, bottom: 48 };

/**
 * A standalone SVG line chart of learning curves (one line per horizon, hue from early to late horizon), with
 * axes, ticks, a legend and the reference lines dashed. Non-finite values are left out of the lines.
 */
export function learningCurvesSvg(plot: LearningCurvesPlot): string {
  const rounds = Math.max(1, ...plot.curves.map((c) => c.length));
  const values = [...plot.curves.flat(), ...(plot.references ?? []).map((r) => r.value)].filter(Number.isFinite);
  const lo = values.length ? Math.min(...values) : 0;
  const hi = values.length ? Math.max(...values) : 1;
  const pad = (hi - lo || Math.abs(hi) || 1) * 0.05;
  const [yMin, yMax] = [lo - pad, hi + pad];
  const plotW = WIDTH - MARGIN.left - MARGIN.right;
  const plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
  const x = (round: number): number => MARGIN.left + (rounds === 1 ? plotW / 2 : ((round - 1) / (rounds - 1)) * plotW);
  const y = (v: number): number => MARGIN.top + (1 - (v - yMin) / (yMax - yMin)) * plotH;
  const n = (v: number): string => v.toFixed(1);
  const colour = (h: number): string => `hsl(${Math.round((h / Math.max(1, plot.curves.length - 1)) * 270)}, 70%, 45%)`;

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<text x="${MARGIN.left}" y="24" font-size="15" font-weight="bold">${escapeXml(plot.title)}</text>`,
  ];
  for (const v of ticks(yMin, yMax, 6)) {
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${n(y(v))}" y2="${n(y(v))}" stroke="#e5e5e5"/>`);
    out.push(`<text x="${MARGIN.left - 6}" y="${n(y(v) + 4)}" text-anchor="end">${formatTick(v)}</text>`);
  }
  for (const r of ticks(1, rounds, 8).filter((t) => Number.isInteger(t))) {
    out.push(`<text x="${n(x(r))}" y="${MARGIN.top + plotH + 18}" text-anchor="middle">${r}</text>`);
  }
  out.push(
    `<rect x="${MARGIN.left}" y="${MARGIN.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#444"/>`,
    `<text x="${MARGIN.left + plotW / 2}" y="${HEIGHT - 8}" text-anchor="middle">boosting round</text>`,
    `<text transform="translate(16 ${MARGIN.top + plotH / 2}) rotate(-90)" text-anchor="middle">validation NWRMSLE</text>`,
  );
  for (const ref of plot.references ?? []) {
    if (!Number.isFinite(ref.value)) continue;
    out.push(`<line x1="${MARGIN.left}" x2="${MARGIN.left + plotW}" y1="${n(y(ref.value))}" y2="${n(y(ref.value))}" stroke="#000" stroke-dasharray="6 4"/>`);
    out.push(`<text x="${MARGIN.left + plotW - 4}" y="${n(y(ref.value) - 4)}" text-anchor="end">${escapeXml(ref.label)}</text>`);
  }
  plot.curves.forEach((curve, h) => {
    const points = curve.flatMap((v, i) => (Number.isFinite(v) ? [`${n(x(i + 1))},${n(y(v))}`] : []));
    if (points.length) out.push(`<polyline fill="none" stroke="${colour(h)}" stroke-width="1.5" points="${points.join(' ')}"><title>horizon ${h}</title></polyline>`);
    const ly = MARGIN.top + 8 + h * 16;
    out.push(`<line x1="${WIDTH - MARGIN.right + 16}" x2="${WIDTH - MARGIN.right + 36}" y1="${ly}" y2="${ly}" stroke="${colour(h)}" stroke-width="2"/>`);
    out.push(`<text x="${WIDTH - MARGIN.right + 42}" y="${ly + 4}">h${h} (${curve.length} rounds)</text>`);
  });
  out.push('</svg>', '');
  return out.join('\n');
}

/** About `count` round-numbered ticks covering [lo, hi]. */
function ticks(lo: number, hi: number, count: number): number[] {
  if (!(hi > lo)) return [lo];
  const raw = (hi - lo) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw) ?? 10 * magnitude;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

function formatTick(v: number): string {
  return Math.abs(v) >= 100 || v === 0 ? String(v) : v.toPrecision(3);
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
