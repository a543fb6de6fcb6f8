import { Type, type Static } from '@sinclair/typebox';

import { Named, Shape, StringEnum } from './schema-builders';

/** What the tick does with fires that were missed while nothing ticked (DESIGN §4). */
export const MisfirePolicySchema = StringEnum(['coalesce', 'skip', 'catchup'], {
  description:
    'Default `coalesce`: after an outage only the latest missed fire runs.',
});
export type MisfirePolicy = Static<typeof MisfirePolicySchema>;

/** What the tick does when a fire is due while an earlier run is still queued or running. */
export const OverlapPolicySchema = StringEnum(['skip', 'allow'], {
  description: 'Default `skip`.',
});
export type OverlapPolicy = Static<typeof OverlapPolicySchema>;

const policyProperties = {
  misfire: Type.Optional(MisfirePolicySchema),
  maxCatchup: Type.Optional(
    Type.Integer({
      minimum: 1,
      maximum: 100,
      description:
        'With `catchup`: at most this many missed fires run, oldest first (default 10).',
    }),
  ),
  overlap: Type.Optional(OverlapPolicySchema),
};
export const SchedulePoliciesSchema = Type.Object(policyProperties, {
  additionalProperties: false,
});
export type SchedulePolicies = Static<typeof SchedulePoliciesSchema>;

/** Five-field cron (minute granularity) or a macro such as `@hourly`, read in `timezone`. */
export const CronScheduleSchema = Shape(
  'CronSchedule',
  {
    type: Type.Literal('cron'),
    expression: Type.String({
      description: 'Five fields or a macro (`@hourly`).',
      examples: ['0 9 * * MON-FRI'],
    }),
    timezone: Type.Optional(
      Type.String({
        description: "IANA zone; defaults to the tenant's zone.",
        examples: ['Europe/Berlin'],
      }),
    ),
    ...policyProperties,
  },
  {
    description:
      'Five-field cron (minute granularity) or a macro such as `@hourly`, read in `timezone`.',
  },
);
export type CronSchedule = Static<typeof CronScheduleSchema>;

/** Fires at `anchor + k·every` in absolute time; unaffected by DST. */
export const IntervalScheduleSchema = Shape(
  'IntervalSchedule',
  {
    type: Type.Literal('interval'),
    every: Type.String({
      description: 'ISO-8601 duration, at least one minute.',
      examples: ['PT15M'],
    }),
    anchor: Type.Optional(
      Type.String({
        format: 'date-time',
        description: "ISO-8601 instant; defaults to the pipeline's creation.",
      }),
    ),
    ...policyProperties,
  },
  {
    description:
      'Fires at `anchor + k·every` in absolute time; unaffected by DST.',
  },
);
export type IntervalSchedule = Static<typeof IntervalScheduleSchema>;

/** RFC 5545 recurrence: `DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH`. */
export const RRuleScheduleSchema = Shape(
  'RRuleSchedule',
  {
    type: Type.Literal('rrule'),
    rrule: Type.String({
      description:
        'RFC 5545 text: an optional DTSTART line (with TZID) and one RRULE line.',
      examples: [
        'DTSTART;TZID=Europe/Berlin:20260105T090000\nRRULE:FREQ=WEEKLY;BYDAY=MO,TH',
      ],
    }),
    ...policyProperties,
  },
  { description: 'RFC 5545 recurrence.' },
);
export type RRuleSchedule = Static<typeof RRuleScheduleSchema>;

export const ScheduleSchema = Named(
  'Schedule',
  Type.Union([CronScheduleSchema, IntervalScheduleSchema, RRuleScheduleSchema]),
);
export type Schedule = Static<typeof ScheduleSchema>;

export const SCHEDULE_KINDS = [
  'cron',
  'interval',
  'rrule',
] as const satisfies readonly Schedule['type'][];
export const ScheduleKindSchema = StringEnum(SCHEDULE_KINDS);
export type ScheduleKind = Static<typeof ScheduleKindSchema>;
