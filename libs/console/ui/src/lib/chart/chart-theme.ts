import type { AgChartTheme } from 'ag-charts-community';

/** Series colours of the console's charts, in order; chosen to stay apart for common colour-vision deficiencies. */
export const CHART_COLORS = {
  rowsIn: '#2563eb',
  rowsOut: '#15803d',
  rejected: '#b45309',
  duration: '#7c3aed',
  failed: '#b91c1c',
  versionChange: '#52525b',
} as const;

/** The console's chart look: the grid's font and greys (ag-charts shares ag-grid's theming). */
export const consoleChartTheme: AgChartTheme = {
  baseTheme: 'ag-default',
  palette: {
    fills: [
      CHART_COLORS.rowsIn,
      CHART_COLORS.rowsOut,
      CHART_COLORS.rejected,
      CHART_COLORS.duration,
    ],
    strokes: [
      CHART_COLORS.rowsIn,
      CHART_COLORS.rowsOut,
      CHART_COLORS.rejected,
      CHART_COLORS.duration,
    ],
  },
  params: {
    fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif',
    fontSize: 12,
    foregroundColor: '#18181b',
    backgroundColor: '#ffffff',
  },
};
