export { profileLake, type ProfileDeps } from './profile-lake.js';
export { formatProfile } from './format-profile.js';
export { findDateGaps, type DateGaps } from './date-gaps.js';
export type { DayRows, LakeProfile, PlanProfile, ProfiledFile, SalesProfile } from './lake-profile.js';
