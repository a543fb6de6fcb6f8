/** One line of a diff: kept in both, removed from the old text, or added in the new one. */
export interface DiffLine {
  kind: 'same' | 'removed' | 'added';
  text: string;
}

/** Beyond this many lines on a side the LCS table (lines² cells) is not built; the caller says the diff is too large. */
export const MAX_DIFF_LINES = 3000;

/**
 * A line diff of two texts by longest common subsequence (what `diff` shows, without hunks): null when either side
 * has more than MAX_DIFF_LINES lines. Common leading and trailing lines are matched first, so a small edit of a large
 * IR only builds a small table.
 */
export function diffLines(before: string, after: string): DiffLine[] | null {
  const a = before.split('\n');
  const b = after.split('\n');
  if (a.length > MAX_DIFF_LINES || b.length > MAX_DIFF_LINES) return null;
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) start++;
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  const midA = a.slice(start, endA);
  const midB = b.slice(start, endB);
  // lcs[i][j]: the LCS length of midA[i..] and midB[j..].
  const lcs = Array.from(
    { length: midA.length + 1 },
    () => new Uint16Array(midB.length + 1),
  );
  for (let i = midA.length - 1; i >= 0; i--)
    for (let j = midB.length - 1; j >= 0; j--)
      lcs[i][j] =
        midA[i] === midB[j]
          ? lcs[i + 1][j + 1] + 1
          : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
  const lines: DiffLine[] = a
    .slice(0, start)
    .map((text) => ({ kind: 'same', text }));
  let i = 0;
  let j = 0;
  while (i < midA.length && j < midB.length) {
    if (midA[i] === midB[j]) {
      lines.push({ kind: 'same', text: midA[i] });
      i++;
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      lines.push({ kind: 'removed', text: midA[i++] });
    } else {
      lines.push({ kind: 'added', text: midB[j++] });
    }
  }
  while (i < midA.length) lines.push({ kind: 'removed', text: midA[i++] });
  while (j < midB.length) lines.push({ kind: 'added', text: midB[j++] });
  for (const text of a.slice(endA)) lines.push({ kind: 'same', text });
  return lines;
}
