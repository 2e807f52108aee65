import type { LakeProfile } from './lake-profile.js';

/** The profile as text for people. */
export function formatProfile(p: LakeProfile): string {
  if (p.empty) return `The lake at ${p.lake} holds no data yet; load some with \`shelfcast ingest --source DIR\`.`;
  const lines = [`lake ${p.lake}`];
  const s = p.sales;
  if (!s) {
    lines.push('  sales (train): none staged');
  } else {
    lines.push(`  sales (train): ${s.firstDate} … ${s.lastDate}, ${s.days} days, ${int(s.rows)} rows`);
    lines.push(`  rows per day: min ${int(s.rowsPerDay.min)}, mean ${int(Math.round(s.rowsPerDay.mean))}, max ${int(s.rowsPerDay.max)}`);
    lines.push(`  last days: ${s.lastDays.map((d) => `${d.date} ${int(d.rows)}`).join(', ')}`);
    lines.push(`  stores ${int(s.stores)}, items ${int(s.items)}`);
    const share = s.promo.share === null ? 'unknown' : `${(100 * s.promo.share).toFixed(1)}%`;
    lines.push(`  on promotion: ${share} of ${int(s.promo.knownRows)} rows with a known onpromotion (${int(s.rows - s.promo.knownRows)} rows without)`);
    lines.push(`  negative unit_sales (returns): ${int(s.negativeRows)} rows`);
    lines.push(`  gaps: ${s.gaps.length ? `${s.gaps.length} missing days: ${list(s.gaps)}` : 'none'}`);
    if (s.closedDays.length) lines.push(`  closed (1 January and 25 December, expected): ${s.closedDays.join(', ')}`);
  }
  const plan = p.promotionPlan;
  if (plan) lines.push(`  promotion plan (test): ${plan.firstDate} … ${plan.lastDate}, ${plan.days} days, ${int(plan.rows)} rows`);
  const tables = Object.entries(p.tables).map(([k, n]) => `${k} ${int(n)}`);
  if (tables.length) lines.push(`  tables (rows): ${tables.join(', ')}`);
  lines.push(`  files in the ledger: ${p.files.length}`);
  for (const f of p.files) lines.push(`    ${f.name} (${f.kind}, ${int(f.rows)} rows, loaded ${f.loadedAt})`);
  return lines.join('\n');
}

function int(n: number): string {
  return n.toLocaleString('en-US');
}

function list(dates: string[]): string {
  return dates.length > 10 ? `${dates.slice(0, 10).join(', ')} and ${dates.length - 10} more` : dates.join(', ');
}
