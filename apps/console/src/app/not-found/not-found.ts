import { ChangeDetectionStrategy, Component } from '@angular/core';
import { RouterLink } from '@angular/router';

/** Any unknown console path. */
@Component({
  selector: 'flow-not-found',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    <h1>Page not found</h1>
    <p data-testid="not-found">
      There is nothing at this address.
      <a routerLink="/data/scheduler">Go to the scheduler</a>.
    </p>
  `,
  styles: `
    :host {
      display: block;
      padding: 1rem 1.5rem;
    }
    a {
      color: #1d4ed8;
    }
  `,
})
export class NotFoundPage {}
