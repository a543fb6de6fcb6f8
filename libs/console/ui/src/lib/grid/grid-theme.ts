import { themeQuartz } from 'ag-grid-community';

/** The console's grid look (every page's grids). Header text #3f3f46 on #f4f4f5: 9.4:1. */
export const consoleGridTheme = themeQuartz.withParams({
  fontFamily: 'inherit',
  fontSize: 14,
  headerFontWeight: 600,
  headerBackgroundColor: '#f4f4f5',
  headerTextColor: '#3f3f46',
  accentColor: '#1d4ed8',
  wrapperBorderRadius: 8,
});
