import { Injectable } from '@nestjs/common';

/**
 * Process lifecycle shared by the features: once shutdown begins (SIGTERM), new ticks are refused and the
 * running ones are allowed to finish.
 */
@Injectable()
export class AppLifecycle {
  private drainingSince: number | null = null;

  get draining(): boolean {
    return this.drainingSince !== null;
  }

  beginDrain(): void {
    this.drainingSince ??= Date.now();
  }
}
