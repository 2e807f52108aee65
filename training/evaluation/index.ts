/** Scoring of forecasts: NWRMSLE, and the 14-day-mean baseline every model must beat. */
export { BASELINE_FEATURE, fourteenDayMeanForecast } from './baseline.js';
export { nwrmsle, type HorizonScores, type LogForecasts } from './nwrmsle.js';
