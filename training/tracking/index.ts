/** Experiment tracking and the model registry: publishing run directories to MLflow, the promotion gate, aliases. */
export { aliasHistory, listVersions, promoteVersion, rollbackChampion, type AliasChange, type ChampionChange, type VersionSummary } from './champion-alias.js';
export { championScorer, versionArtifactPath, type ChampionScorer, type ChampionScorerDeps } from './champion-rescore.js';
export { learningCurvesSvg, type LearningCurvesPlot } from './learning-curves-svg.js';
export { readModelFeatureSpec, type ModelFeatureSpec } from './model-categories.js';
export { EMBEDDED_STATE_FILE, openTracker, type Tracker } from './open-tracker.js';
export { decidePromotion, sameWindow, windowLabel, type ChampionStanding, type GateDecision, type ValidationWindow } from './promotion-gate.js';
export { ARTIFACT_PATHS, findRun, publishRun, type PublishDeps, type PublishOptions, type PublishResult } from './publish-run.js';
export { currentChampion, recordedOutcome, runPromotionGate, versionWindow, type GateDeps, type GateOutcome } from './run-promotion-gate.js';
export { featureSpecHash, horizonKey, METRIC_KEYS, trackingRecord, type TrackingRecord, type TrackingRecordInput } from './tracking-record.js';
export { ALIASES, filterString, TRACKING_TAGS } from './tracking-tags.js';
export { publishToTracker, trackerUrls, trackRun, type PublishedRun, type TrackingOutcome, type TrackRunDeps } from './track-run.js';
