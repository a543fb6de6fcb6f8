import { ChangeDetectionStrategy, Component, inject } from '@angular/core';
import { RouterLink, RouterLinkActive, RouterOutlet } from '@angular/router';

import { Session } from './auth/session';
import { RateLimitNotice } from './http/rate-limit';

/** The sections of the top bar, in order; each is a lazy route of its own. */
export const NAV_SECTIONS = [
  { path: '/data/scheduler', label: 'Scheduler' },
  { path: '/data/pipelines', label: 'Pipelines' },
  { path: '/data/lineage', label: 'Lineage' },
] as const;

/** Shell: top bar (sections, tenant, role), the rate-limit notice and the routed page. */
@Component({
  selector: 'flow-root',
  imports: [RouterOutlet, RouterLink, RouterLinkActive],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './app.html',
  styleUrl: './app.css',
})
export class App {
  protected readonly session = inject(Session);
  protected readonly rateLimit = inject(RateLimitNotice);
  protected readonly sections = NAV_SECTIONS;
}
