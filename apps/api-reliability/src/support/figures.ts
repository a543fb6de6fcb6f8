import { appendFileSync, mkdirSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';

import { WORKSPACE_ROOT } from './processes';

/** Long versions of the scenarios (`npx nx run api-reliability:chaos`). */
export const CHAOS = process.env['FLOW_CHAOS'] === '1';

const FIGURES_FILE = resolve(
  WORKSPACE_ROOT,
  'dist/apps/api-reliability/figures.jsonl',
);

/**
 * Prints one compact line per scenario (`RELIABILITY <scenario> key=value …`) straight to stdout (Jest's console
 * would add a stack trace), and appends it as JSON to dist/apps/api-reliability/figures.jsonl for the docs.
 */
export function report(
  scenario: string,
  figures: Record<string, string | number | boolean>,
): void {
  const line = `RELIABILITY ${scenario}${CHAOS ? ' [chaos]' : ''} ${Object.entries(
    figures,
  )
    .map(
      ([key, value]) =>
        `${key}=${typeof value === 'number' && !Number.isInteger(value) ? value.toFixed(1) : value}`,
    )
    .join(' ')}`;
  process.stdout.write(`${line}\n`);
  try {
    mkdirSync(resolve(FIGURES_FILE, '..'), { recursive: true });
    appendFileSync(
      FIGURES_FILE,
      `${JSON.stringify({ at: new Date().toISOString(), scenario, chaos: CHAOS, cores: cpus().length, ...figures })}\n`,
    );
  } catch {
    // the line on stdout is what counts
  }
}

export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)
  ];
}
