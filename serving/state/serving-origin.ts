import { DataError } from '../../core/errors.js';
import type { Lake } from '../../core/storage/lake.js';
import { addDays, lastStagedSalesDay } from '../../pipelines/features/index.js';

/** The origin serving forecasts from: the day after the lake's last staged sales day. */
export async function servingOrigin(lake: Lake): Promise<string> {
  const last = await lastStagedSalesDay(lake);
  if (!last) throw new DataError(`${lake.location} holds no staged sales; run \`shelfcast ingest\` before serving`);
  return addDays(last, 1);
}
