/** Thrown by `compileSchedule` for an invalid schedule; `errors` name each offending field. */
export class ScheduleError extends Error {
  constructor(
    message: string,
    readonly errors: readonly { path: string; message: string }[] = [],
  ) {
    super(message);
    this.name = 'ScheduleError';
  }
}
