import { ChangeDetectionStrategy, Component, computed } from '@angular/core';
import { RouterLink } from '@angular/router';

import {
  GridCellRenderer,
  lastRunPillStatus,
  StatusPillComponent,
  TimeComponent,
} from '@flow/console/ui';
import type { PipelineSummary } from '@flow/contracts';

import type { PipelinesGridContext } from './pipelines-columns';
import { triggerKind } from './pipelines-columns';

abstract class PipelineCell extends GridCellRenderer<
  PipelineSummary,
  PipelinesGridContext
> {}

const cellHost = `
  :host {
    display: flex;
    align-items: center;
    gap: 0.5em;
    min-width: 0;
    height: 100%;
  }
`;

/** The pipeline's name as a link to its canvas; the whole name on hover when the column cuts it. */
@Component({
  selector: 'flow-pipeline-link-cell',
  imports: [RouterLink],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (row(); as row) {
    <a
      class="name"
      data-testid="pipeline-link"
      [routerLink]="['/data/pipelines', row.id]"
      [attr.title]="row.name"
      >{{ row.name }}</a
    >
  }`,
  styles: `
    ${cellHost}
    /* link #1d4ed8 on white 6.7:1 */
    .name {
      color: #1d4ed8;
      font-weight: 600;
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
    }
  `,
})
export class PipelineLinkCell extends PipelineCell {}

/** cron / interval / rrule / manual. */
@Component({
  selector: 'flow-trigger-cell',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (row(); as row) {
    <span class="kind" data-testid="trigger">{{ kind() }}</span>
  }`,
  styles: `
    ${cellHost}
    /* #3f3f46 on #f4f4f5 9.4:1 */
    .kind {
      font-size: 0.8rem;
      color: #3f3f46;
      background: #f4f4f5;
      border-radius: 4px;
      padding: 0 0.4em;
    }
  `,
})
export class TriggerCell extends PipelineCell {
  protected readonly kind = computed(() => {
    const row = this.row();
    return row ? triggerKind(row) : '';
  });
}

/** The last run's status pill and when it ran. */
@Component({
  selector: 'flow-pipelines-last-run-cell',
  imports: [StatusPillComponent, TimeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (row(); as row) {
    <flow-status-pill [status]="status()" />
    @if (context(); as context) {
      @if (row.lastRunAt) {
        <flow-time
          data-testid="last-run-at"
          mode="relative"
          [at]="row.lastRunAt"
          [zone]="context.viewerZone()"
          [now]="context.now()"
        />
      }
    }
  }`,
  styles: cellHost,
})
export class LastRunCell extends PipelineCell {
  protected readonly status = computed(() =>
    lastRunPillStatus(this.row()?.lastRunStatus ?? null),
  );
}

/** A "paused" pill, or "active". */
@Component({
  selector: 'flow-paused-cell',
  imports: [StatusPillComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (row(); as row) {
    @if (row.paused) {
      <flow-status-pill status="paused" />
    } @else {
      <span class="active" data-testid="active">active</span>
    }
  }`,
  styles: `
    ${cellHost}
    /* #52525b on white 7.7:1 */
    .active {
      color: #52525b;
    }
  `,
})
export class PausedCell extends PipelineCell {}

/** When the pipeline last changed: a date (with its year unless it is this year). */
@Component({
  selector: 'flow-updated-cell',
  imports: [TimeComponent],
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `@if (row(); as row) {
    @if (context(); as context) {
      <flow-time
        data-testid="updated-at"
        [at]="row.updatedAt"
        [zone]="context.viewerZone()"
        [now]="context.now()"
      />
    }
  }`,
  styles: cellHost,
})
export class UpdatedCell extends PipelineCell {}
