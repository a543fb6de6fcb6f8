/** The longest file pattern accepted, in characters. */
export const MAX_FILE_PATTERN_LENGTH = 512;
/** The most path segments (directories + file name) a pattern may have. */
export const MAX_FILE_PATTERN_SEGMENTS = 16;

const SEGMENT = /^[A-Za-z0-9_\-.*?=@+ ]+$/;

/** The directories the landing zone keeps for itself (files the watcher and the runs have handled). */
export const RESERVED_LANDING_DIRS = ['.processed', '.failed'] as const;

/**
 * Why `pattern` is not a pattern relative to a tenant's landing directory, or undefined when it is one. The rule
 * is syntactic (no file system here): relative, no `..` or `.` segment, no hidden segment (`.failed/`,
 * `.processed/` belong to the landing zone), only `*` and `?` as wildcards, each within one segment.
 */
export function filePatternProblem(pattern: string): string | undefined {
  if (pattern.length === 0) return 'must not be empty';
  if (pattern.length > MAX_FILE_PATTERN_LENGTH)
    return `must be at most ${MAX_FILE_PATTERN_LENGTH} characters`;
  if (
    pattern.startsWith('/') ||
    pattern.startsWith('~') ||
    /^[A-Za-z]:/.test(pattern)
  )
    return "must be relative to the tenant's landing directory, not an absolute path";
  if (pattern.includes('\\'))
    return 'must separate directories with "/" (no backslashes)';
  const segments = pattern.split('/');
  if (segments.includes('..'))
    return `must not contain ".." (it would leave the tenant's landing directory)`;
  if (segments.length > MAX_FILE_PATTERN_SEGMENTS)
    return `must have at most ${MAX_FILE_PATTERN_SEGMENTS} path segments`;
  for (const segment of segments) {
    if (segment === '' || segment === '.')
      return 'must not have empty or "." path segments';
    if (segment.startsWith('.'))
      return `must not name hidden files or directories ("${segment}"): ${RESERVED_LANDING_DIRS.join(' and ')} belong to the landing zone`;
    if (segment.includes('**'))
      return 'supports "*" and "?" within one path segment, not "**"';
    if (!SEGMENT.test(segment))
      return `has an unsupported character in "${segment}" (letters, digits, space and _ - . = @ + * ? are allowed)`;
  }
  return undefined;
}

/**
 * A matcher of landing-relative paths (`orders/2026-12-01.csv`) for a pattern that {@link filePatternProblem}
 * accepted: `*` matches any characters but `/`, `?` one character but `/`.
 */
export function filePatternMatcher(pattern: string): (path: string) => boolean {
  const source = pattern
    .split('')
    .map((char) =>
      char === '*'
        ? '[^/]*'
        : char === '?'
          ? '[^/]'
          : char.replace(/[.+^${}()|[\]\\]/g, '\\$&'),
    )
    .join('');
  const regex = new RegExp(`^${source}$`);
  return (path) => regex.test(path);
}

/** The directory part of a pattern before its first wildcard segment (`orders` for `orders/*.csv`; '' for `*.csv`). */
export function filePatternBase(pattern: string): string {
  const segments = pattern.split('/');
  const fixed: string[] = [];
  for (const segment of segments.slice(0, -1)) {
    if (/[*?]/.test(segment)) break;
    fixed.push(segment);
  }
  return fixed.join('/');
}
