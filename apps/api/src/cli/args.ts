import { ROLES, type Role } from '@flow/contracts';

/** Minimal argv parsing for the CLI: positionals and `--flag value` / `--flag=value` options. */
export interface ParsedArgs {
  positionals: string[];
  options: Map<string, string>;
}

export function parseArgs(argv: string[]): ParsedArgs {
  const positionals: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg.startsWith('--')) {
      const eq = arg.indexOf('=');
      if (eq > 0) options.set(arg.slice(2, eq), arg.slice(eq + 1));
      else if (i + 1 < argv.length && !argv[i + 1].startsWith('--'))
        options.set(arg.slice(2), argv[++i]);
      else options.set(arg.slice(2), 'true');
    } else {
      positionals.push(arg);
    }
  }
  return { positionals, options };
}

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400 };

/** `90s`, `15m`, `1h`, `7d` → seconds. */
export function parseTtl(value: string): number {
  const match = /^(\d{1,6})([smhd])$/.exec(value);
  if (!match)
    throw new CliError(
      `--ttl "${value}": expected a duration such as 30m, 1h or 7d`,
    );
  return Number(match[1]) * UNIT_SECONDS[match[2]];
}

export function positiveInteger(
  name: string,
  value: string | undefined,
  fallback: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const parsed = /^\d+$/.test(value) ? Number(value) : NaN;
  if (!(parsed >= 1 && parsed <= max))
    throw new CliError(
      `--${name} "${value}": expected an integer from 1 to ${max}`,
    );
  return parsed;
}

/** `--role`: one of the roles of DESIGN §12. */
export function parseRole(value: string): Role {
  if ((ROLES as readonly string[]).includes(value)) return value as Role;
  throw new CliError(`--role "${value}": expected one of ${ROLES.join(', ')}`);
}

/** A usage error: printed without a stack, exit code 2. */
export class CliError extends Error {}
