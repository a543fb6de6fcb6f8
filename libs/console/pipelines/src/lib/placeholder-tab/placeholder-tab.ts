import { ChangeDetectionStrategy, Component } from '@angular/core';

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
