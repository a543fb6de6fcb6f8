export {
  describeDstChange,
  dstChangeOnLocalDay,
  formatUtcOffset,
  zoneOffsetMinutes,
  type DstChange,
} from './lib/format/dst';
export {
  describeFire,
  formatDateTime,
  formatFireCompact,
  formatInstantInZone,
  viewerTimeZone,
} from './lib/format/format-fire-time';
export {
  formatRelativeTime,
  formatUpdatedAgo,
} from './lib/format/format-relative-time';
export { VIEWER_TIME_ZONE } from './lib/format/viewer-time-zone';
export { toLoadError, type LoadError } from './lib/load-error/load-error';
export {
  lastRunPillStatus,
  pillLabel,
  StatusPillComponent,
  type PillStatus,
} from './lib/status-pill/status-pill';
export { GridCellRenderer } from './lib/grid/grid-cell-renderer';
export { consoleGridTheme } from './lib/grid/grid-theme';
export { TimeComponent } from './lib/time/time';
export {
  durationBetween,
  formatDuration,
} from './lib/duration/format-duration';
export { CHART_COLORS, consoleChartTheme } from './lib/chart/chart-theme';
export { injectStyleNonce } from './lib/csp/style-nonce';
