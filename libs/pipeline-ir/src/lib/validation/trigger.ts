import type { FileNode, PipelineIr } from '@flow/contracts';
import { validateSchedule } from '@flow/schedule';

import { filePatternProblem } from '../file-pattern';
import { Fields, isObject, type ErrorCollector } from './fields';

/**
 * `ir.trigger` (DESIGN §15): `file_arrival` on the `path` of one of the pipeline's file nodes, instead of a
 * schedule; the deadline's cron and zone are checked by `@flow/schedule`, so they mean what the tick computes.
 */
export function checkTrigger(
  doc: Fields,
  nodes: unknown[] | undefined,
  errors: ErrorCollector,
): void {
  const trigger = Fields.of(
    doc.get('trigger'),
    doc.at('trigger'),
    ['type', 'path', 'deadline'],
    errors,
  );
  if (!trigger) return;
  trigger.oneOf('type', ['file_arrival']);
  const schedule = doc.get('schedule');
  if (schedule !== undefined && schedule !== null)
    doc.error(
      'schedule',
      'must be absent with a file_arrival trigger (the pipeline runs when a file arrives)',
    );
  if (!trigger.has('path')) trigger.error('path', 'is required');
  else if (typeof trigger.get('path') !== 'string')
    trigger.error('path', 'must be a string');
  else {
    const path = trigger.get('path') as string;
    const problem = filePatternProblem(path);
    if (problem) trigger.error('path', problem);
    else if (
      !(nodes ?? []).some(
        (node) =>
          isObject(node) && node['type'] === 'file' && node['path'] === path,
      )
    )
      trigger.error(
        'path',
        `must be the path of one of the pipeline's file nodes (none reads "${path}")`,
      );
  }
  if (!trigger.has('deadline')) return;
  const deadline = Fields.of(
    trigger.get('deadline'),
    trigger.at('deadline'),
    ['cron', 'timezone', 'graceMinutes'],
    errors,
  );
  if (!deadline) return;
  if (!deadline.has('cron')) deadline.error('cron', 'is required');
  else {
    const schedule: Record<string, unknown> = {
      type: 'cron',
      expression: deadline.get('cron'),
    };
    if (deadline.has('timezone'))
      schedule['timezone'] = deadline.get('timezone');
    for (const error of validateSchedule(schedule, deadline.path))
      errors.add(error.path.replace(/\.expression$/, '.cron'), error.message);
  }
  if (deadline.has('graceMinutes')) {
    const grace = deadline.get('graceMinutes');
    if (
      !Number.isInteger(grace) ||
      (grace as number) < 0 ||
      (grace as number) > 1440
    )
      deadline.error('graceMinutes', 'must be an integer from 0 to 1440');
  }
}

/** The file node that reads what the pipeline's file_arrival trigger watches (undefined without one). */
export function triggeredFileNode(ir: PipelineIr): FileNode | undefined {
  const path = ir.trigger?.path;
  if (path === undefined) return undefined;
  return ir.nodes.find(
    (node): node is FileNode => node.type === 'file' && node.path === path,
  );
}
