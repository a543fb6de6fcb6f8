/** What the tick does with fires that were missed while nothing ticked (DESIGN §4). */
export type MisfirePolicy = 'coalesce' | 'skip' | 'catchup';
/** What the tick does when a fire is due while an earlier run is still queued or running. */
export type OverlapPolicy = 'skip' | 'allow';

export interface SchedulePolicies {
  /** Default `coalesce`: after an outage only the latest missed fire runs. */
  misfire?: MisfirePolicy;
  /** With `catchup`: at most this many missed fires run, oldest first (1..100, default 10). */
  maxCatchup?: number;
  /** Default `skip`. */
  overlap?: OverlapPolicy;
}

/** Five-field cron (minute granularity) or a macro such as `@hourly`, read in `timezone`. */
export interface CronSchedule extends SchedulePolicies {
  type: 'cron';
  expression: string;
  /** IANA zone; defaults to the tenant's zone. */
  timezone?: string;
}

/** Fires at `anchor + k·every` in absolute time; unaffected by DST. */
export interface IntervalSchedule extends SchedulePolicies {
  type: 'interval';
  /** ISO-8601 duration, at least one minute (`PT15M`, `PT1H`, `P1D`). */
  every: string;
  /** ISO-8601 instant; defaults to the pipeline's creation. */
  anchor?: string;
}

/** RFC 5545 recurrence: `DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH`. */
export interface RRuleSchedule extends SchedulePolicies {
  type: 'rrule';
  rrule: string;
}

export type Schedule = CronSchedule | IntervalSchedule | RRuleSchedule;
export type ScheduleKind = Schedule['type'];
export const SCHEDULE_KINDS: readonly ScheduleKind[] = [
  'cron',
  'interval',
  'rrule',
];
