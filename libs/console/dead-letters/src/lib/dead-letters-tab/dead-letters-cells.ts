import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import { RouterLink } from '@angular/router';

import { GridCellRenderer, TimeComponent } from '@flow/console/ui';
import type { DeadLetter } from '@flow/contracts';

import { compactRow } from './dead-letter-format';
import type { DeadLettersGridContext } from './dead-letters-columns';

/** The rejected row in one line; the whole row, pretty-printed, on hover (and in the panel below on selection). */
@Component({
  selector: 'flow-dead-letter-row-cell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (row(); as letter) {
    <span class="row-text" data-testid="letter-row" [attr.title]="full()">{{
      text()
    }}</span>
  }`,
  styles: `
    .row-text {
      overflow-wrap: anywhere;
      font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
      font-size: 0.8rem;
    }
  `,
})
export class DeadLetterRowCell extends GridCellRenderer<
  DeadLetter,
  DeadLettersGridContext
> {
  protected readonly text = computed(() => {
    const letter = this.row();
    return letter ? compactRow(letter.row) : '';
  });
  protected readonly full = computed(() => {
    const letter = this.row();
    return letter ? JSON.stringify(letter.row, null, 2) : '';
  });
}

/** The letter's status: open, or replayed (by which run, on hover). */
@Component({
  selector: 'flow-dead-letter-status-cell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (row(); as letter) {
    <span
      class="status"
      data-testid="letter-status"
      [class.status--open]="letter.status === 'open'"
      [class.status--replayed]="letter.status === 'replayed'"
      [attr.data-status]="letter.status"
      [attr.title]="
        letter.replayedByRunId
          ? 'Replayed by run ' + letter.replayedByRunId
          : 'Waiting for a replay'
      "
      >{{ letter.status }}</span
    >
  }`,
  styles: `
    /* Contrast: open #7c2d12 on #ffedd5 8.4:1; replayed #14532d on #dcfce7 8.3:1. */
    .status {
      display: inline-block;
      padding: 0 0.5em;
      border-radius: 999px;
      font-size: 0.75rem;
      font-weight: 600;
      line-height: 1.5;
    }
    .status--open {
      color: #7c2d12;
      background: #ffedd5;
    }
    .status--replayed {
      color: #14532d;
      background: #dcfce7;
    }
  `,
})
export class DeadLetterStatusCell extends GridCellRenderer<
  DeadLetter,
  DeadLettersGridContext
> {}

/** The run that rejected the row, linked to it on the Runs tab (where the metrics drawer can open it). */
@Component({
  selector: 'flow-dead-letter-run-cell',
  imports: [RouterLink, TimeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (row(); as letter) {
    @if (context(); as context) {
      @if (letter.runId) {
        <a
          data-testid="letter-run-link"
          [routerLink]="context.runLink(letter.runId)"
          [attr.title]="'Run ' + letter.runId"
          ><flow-time
            [at]="letter.createdAt"
            [zone]="context.viewerZone()"
            [now]="context.now()"
        /></a>
      } @else {
        <flow-time
          [at]="letter.createdAt"
          [zone]="context.viewerZone()"
          [now]="context.now()"
        />
      }
    }
  }`,
})
export class DeadLetterRunCell extends GridCellRenderer<
  DeadLetter,
  DeadLettersGridContext
> {}
