export { buildFeatures, featureFileFormat, writeFeatures, type FeatureDeps, type FeatureFileFormat, type FeatureFileSummary } from './build-features.js';
export { defaultOrigins, lastLabelDay, TRAINING_ORIGIN_COUNT, TRAINING_ORIGIN_STEP_DAYS, VALIDATION_GAP_DAYS, type DefaultOrigins } from './default-origins.js';
export {
  ATTRIBUTES,
  FEATURE_COLUMNS,
  FEATURE_NAMES,
  featureSpecDocument,
  HISTORY_DAYS,
  LABEL_NAMES,
  LEVELS,
  PERISHABLE_WEIGHT,
  SELECTION_DAYS,
  seriesFeatureName,
  seriesFeatures,
  type FeatureColumn,
  type FeatureSpecDocument,
  type Level,
  type LevelId,
  type SeriesFeature,
} from './feature-spec.js';
export { featureValue, type CategoryCodes, type FeatureTable } from './feature-table.js';
export type { FeatureParams } from './prepare-features.js';
export { addDays, isIsoDate } from './iso-date.js';
export { lastStagedSalesDay, stagedDates, stagingTablesFromLake, type StagingTables } from './staging-tables.js';
