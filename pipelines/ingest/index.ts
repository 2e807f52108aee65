export { ingest, type IngestDeps, type IngestOptions } from './ingest.js';
export { formatIngestReport, type DateChanges, type IngestReport, type LoadedFileReport } from './ingest-report.js';
export { emptyLedger, LEDGER_KEY, readLedger, type Ledger, type LedgerFile, type StagedEntry } from './ledger.js';
export { partitionKey, rawKey, RAW_PREFIX, STAGING_PREFIX, tableKey, type PartitionedKind } from './lake-layout.js';
