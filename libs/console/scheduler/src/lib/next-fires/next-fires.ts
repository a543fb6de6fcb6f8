import {
  ChangeDetectionStrategy,
  Component,
  computed,
  input,
} from '@angular/core';

import {
  describeDstChange,
  describeFire,
  dstChangeOnLocalDay,
  formatFireCompact,
} from '@flow/console/ui';

interface FireView {
  iso: string;
  label: string;
  title: string;
  /** Hover text of the DST mark, when the fire falls on a clock-change day of the schedule's zone. */
  dstTitle: string | null;
}

/**
 * The next fires in the viewer's zone ("Mon 09:00"), the schedule's zone on hover, and a "DST" mark on fires
 * that fall on a daylight-saving change day of the schedule's zone.
 */
@Component({
  selector: 'flow-next-fires',
  changeDetection: ChangeDetectionStrategy.OnPush,
  template: `
    @if (error(); as message) {
      <span class="error" data-testid="schedule-error" [attr.title]="message"
        >Cannot evaluate schedule: {{ message }}</span
      >
    } @else {
      <span
        class="fires"
        data-testid="next-fires"
        [class.paused]="paused()"
        [attr.title]="pausedTitle()"
      >
        @for (fire of fireViews(); track fire.iso) {
          <span class="fire">
            <time
              data-testid="next-fire"
              [attr.datetime]="fire.iso"
              [attr.title]="fire.title"
              >{{ fire.label }}</time
            >
            @if (fire.dstTitle; as dstTitle) {
              <abbr class="dst" data-testid="dst-mark" [attr.title]="dstTitle"
                >DST</abbr
              >
              <span class="visually-hidden"
                >(daylight-saving change that day)</span
              >
            }
          </span>
        } @empty {
          <span class="none">—</span>
        }
      </span>
    }
  `,
  styles: `
    /* Contrast: DST mark #78350f on #fef3c7 8.2:1; error #7f1d1d on white 10:1; paused #52525b on white 7.7:1. */
    /* Fires wrap onto a second line rather than being cut (dates outside this year carry their year). */
    :host {
      display: block;
      line-height: 1.5;
      padding: 0.55em 0;
    }
    .fires {
      display: inline-flex;
      flex-wrap: wrap;
      column-gap: 0.7em;
      font-variant-numeric: tabular-nums;
    }
    .fire {
      display: inline-flex;
      white-space: nowrap;
      align-items: baseline;
      gap: 0.2em;
    }
    .paused {
      color: #52525b;
      font-style: italic;
    }
    .dst {
      font-size: 0.65rem;
      font-weight: 700;
      text-decoration: none;
      color: #78350f;
      background: #fef3c7;
      border: 1px solid #d97706;
      border-radius: 3px;
      padding: 0 0.2em;
      line-height: 1.3;
      cursor: help;
    }
    .error {
      color: #7f1d1d;
      font-weight: 600;
    }
    .none {
      color: #52525b;
    }
    .visually-hidden {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip-path: inset(50%);
      white-space: nowrap;
    }
  `,
})
export class NextFiresComponent {
  /** Upcoming fires, ISO instants in UTC. */
  readonly fires = input.required<readonly string[]>();
  /** The schedule's IANA zone: the zone DST marks are computed in. */
  readonly scheduleZone = input.required<string>();
  /** The zone the viewer reads times in. */
  readonly viewerZone = input.required<string>();
  /** Current time (ms), to decide between "Mon 09:00", "23 Mar 09:00" and "29 Feb 2028 11:00". */
  readonly now = input.required<number>();
  readonly paused = input(false);
  /** Why the schedule cannot be evaluated, if it cannot. */
  readonly error = input<string | undefined>(undefined);

  protected readonly pausedTitle = computed(() =>
    this.paused()
      ? 'Paused: these fires will not run until the pipeline is resumed'
      : null,
  );

  protected readonly fireViews = computed<FireView[]>(() => {
    const scheduleZone = this.scheduleZone();
    const viewerZone = this.viewerZone();
    const now = this.now();
    return this.fires().map((iso) => {
      const change = dstChangeOnLocalDay(Date.parse(iso), scheduleZone);
      return {
        iso,
        label: formatFireCompact(iso, viewerZone, now),
        title: describeFire(iso, scheduleZone, viewerZone),
        dstTitle: change ? describeDstChange(change, scheduleZone) : null,
      };
    });
  });
}
