export { LagCellComponent } from './lib/lag-cell/lag-cell';
export { NextFiresComponent } from './lib/next-fires/next-fires';
export { StatusPillComponent } from './lib/status-pill/status-pill';
