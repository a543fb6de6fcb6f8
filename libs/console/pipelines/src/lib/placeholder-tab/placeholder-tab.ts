import { ChangeDetectionStrategy, Component } from '@angular/core';

/** The Dead letters tab until the dead-letters api exists (DESIGN §14). */
@Component({
  selector: 'flow-dead-letters-placeholder-tab',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<p class="placeholder" data-testid="tab-placeholder">
    Dead letters are not available yet: rows rejected by validate nodes will be
    listed here, with selective replay.
  </p>`,
  styles: `
    .placeholder {
      margin: 0;
      padding: 1rem;
      color: #52525b;
    }
  `,
})
export class DeadLettersPlaceholderTab {}

/** The Versions tab until pipelines have versions (DESIGN §13). */
@Component({
  selector: 'flow-versions-placeholder-tab',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `<p class="placeholder" data-testid="tab-placeholder">
    Versions are not available yet: every change of the pipeline's IR will be
    listed here.
  </p>`,
  styles: `
    .placeholder {
      margin: 0;
      padding: 1rem;
      color: #52525b;
    }
  `,
})
export class VersionsPlaceholderTab {}
