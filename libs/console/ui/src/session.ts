// A secondary entry point: the app's initial bundle imports the session tokens without the grid and chart themes.
export { CAN_WRITE } from './lib/session/can-write';
