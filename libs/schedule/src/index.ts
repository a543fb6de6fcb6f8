export { ScheduleError } from './lib/compiled-schedule';
export type {
  CompiledSchedule,
  ScheduleDefaults,
} from './lib/compiled-schedule';
export { compileSchedule } from './lib/compile-schedule';
export {
  EVALUATION_BUDGET,
  ScheduleBudgetError,
} from './lib/evaluation-budget';
export { FIRE_HORIZON_YEARS, fireHorizonProblems } from './lib/fire-horizon';
export { LAG_THRESHOLD_MINUTES, lag } from './lib/lag';
export type { Lag, LagInput } from './lib/lag';
export {
  SCHEDULE_CACHE_SIZE,
  clearScheduleCache,
  describe,
  expectedFireTime,
  getCompiledSchedule,
  nextFireTimes,
  previousFireTime,
  scheduleKey,
} from './lib/schedule-cache';
export { validateSchedule } from './lib/validate-schedule';
export { isValidTimeZone } from './lib/zone-timeline';
