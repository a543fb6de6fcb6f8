export {
  SchedulerStatusService,
  SCHEDULER_STATUS_URL,
} from './lib/data-access/scheduler-status.service';
export { LagCellComponent } from './lib/lag-cell/lag-cell';
export { NextFiresComponent } from './lib/next-fires/next-fires';
export { SchedulerPage } from './lib/scheduler-page/scheduler-page';
export { schedulerRoutes } from './lib/scheduler.routes';
