import {
  ChangeDetectionStrategy,
  Component,
  ElementRef,
  computed,
  effect,
  inject,
  input,
  output,
  signal,
  untracked,
  viewChild,
} from '@angular/core';
import {
  createEdges,
  createNodes,
  type Edge,
  type Node,
  Vflow,
  VflowComponent,
} from 'ngx-vflow';

import type { Graph, PlacedGraph, PlacedNode } from '../graph/graph';
import { GraphLayout } from '../layout/graph-layout';
import { directionOfKey, neighbourInDirection } from './focus-navigation';

/** Nodes and edges on a highlighted path; everything else is dimmed. */
export interface GraphHighlight {
  nodes: ReadonlySet<string>;
  edges: ReadonlySet<string>;
}

/** Above this many nodes the canvas renders only what is in view (ngx-vflow's viewport virtualization). */
const VIRTUALIZE_ABOVE_NODES = 150;
const ZOOM_STEP = 1.25;
const MIN_ZOOM = 0.05;
/** Fitting never enlarges a small graph past this (a three-node pipeline stays card-sized). */
const MAX_FIT_ZOOM = 1.2;
const FIT_PADDING_PX = 24;
/** Below this zoom a virtualised ngx-vflow draws grey placeholders instead of the nodes (its default threshold). */
const VIRTUALIZATION_ZOOM_THRESHOLD = 0.5;

/**
 * A directed graph laid out left to right (dagre) and drawn with ngx-vflow: pan by dragging the background, zoom
 * with the wheel or the buttons. Keyboard: Tab reaches the graph, arrow keys move between nodes, Space selects,
 * Enter opens. Read-only for now: nodes have input and output handles already, so editing (issue 13: connecting
 * an output to a node, deleting) plugs into ngx-vflow's connection events without changing the drawing.
 */
@Component({
  selector: 'flow-dag-canvas',
  imports: [Vflow],
  changeDetection: ChangeDetectionStrategy.OnPush,
  templateUrl: './dag-canvas.html',
  styleUrl: './dag-canvas.css',
  host: {
    '[attr.data-state]': 'placed() ? "ready" : "layout"',
    '[attr.data-node-count]': 'graph().nodes.length',
    '[attr.data-edge-count]': 'graph().edges.length',
  },
})
export class DagCanvasComponent {
  private readonly layout = inject(GraphLayout);
  private readonly host = inject<ElementRef<HTMLElement>>(ElementRef);
  private readonly flow = viewChild(VflowComponent);

  readonly graph = input.required<Graph>();
  readonly selectedId = input<string | null>(null);
  readonly highlight = input<GraphHighlight | null>(null);
  /** What the graph is, for screen readers, including how to use it. */
  readonly ariaLabel = input('Graph');

  /** A node was clicked or Space was pressed on it. */
  readonly nodeSelected = output<string>();
  /** A node was double-clicked or Enter was pressed on it. */
  readonly nodeOpened = output<string>();

  protected readonly placed = signal<PlacedGraph | null>(null);
  protected readonly layoutError = signal<string | null>(null);
  protected readonly flowNodes = signal<Node[]>([]);
  protected readonly flowEdges = signal<Edge[]>([]);
  protected readonly optimization = computed(() => ({
    virtualization: this.graph().nodes.length > VIRTUALIZE_ABOVE_NODES,
  }));
  /** The node that takes Tab focus (roving tabindex): the selected one, else the first. */
  protected readonly focusTarget = computed(
    () => this.selectedId() ?? this.placed()?.nodes[0]?.id ?? null,
  );

  private layoutRun = 0;
  private fittedGraph: PlacedGraph | null = null;

  constructor() {
    effect(() => {
      const graph = this.graph();
      untracked(() => void this.applyLayout(graph));
    });
    // Fit each newly laid-out graph once the flow exists (it is created after the layout).
    effect(() => {
      const flow = this.flow();
      const placed = this.placed();
      if (!flow || !placed || placed === this.fittedGraph) return;
      this.fittedGraph = placed;
      requestAnimationFrame(() => this.fit());
    });
    // Bring each new highlight into view: on a large graph fitted whole, the path would otherwise be placeholders.
    effect(() => {
      const highlight = this.highlight();
      if (!highlight || !this.flow() || !this.placed()) return;
      const focus = untracked(() => this.selectedId());
      requestAnimationFrame(() => this.frame(highlight.nodes, focus));
    });
  }

  protected isDimmed(id: string): boolean {
    const highlight = this.highlight();
    return highlight !== null && !highlight.nodes.has(id);
  }

  protected isOnPath(id: string): boolean {
    return this.highlight()?.nodes.has(id) ?? false;
  }

  protected isEdgeDimmed(id: string): boolean {
    const highlight = this.highlight();
    return highlight !== null && !highlight.edges.has(id);
  }

  protected nodeOf(id: string): PlacedNode | undefined {
    return this.placed()?.nodes.find((node) => node.id === id);
  }

  protected onNodeKeydown(event: KeyboardEvent, id: string): void {
    if (event.key === 'Enter') {
      event.preventDefault();
      this.nodeOpened.emit(id);
      return;
    }
    if (event.key === ' ') {
      event.preventDefault();
      this.nodeSelected.emit(id);
      return;
    }
    const direction = directionOfKey(event.key);
    const placed = this.placed();
    if (!direction || !placed) return;
    event.preventDefault();
    const next = neighbourInDirection(placed.nodes, id, direction);
    if (next) this.focusNode(next);
  }

  protected zoomIn(): void {
    const flow = this.flow();
    flow?.zoomTo(flow.viewport().zoom * ZOOM_STEP);
  }

  protected zoomOut(): void {
    const flow = this.flow();
    flow?.zoomTo(flow.viewport().zoom / ZOOM_STEP);
  }

  /**
   * Shows the whole graph, centred. Computed from the host's size and the layout's, rather than ngx-vflow's
   * `fitView`, which measures rendered nodes and zooms to its minimum when it runs before they are measured.
   */
  protected fit(): void {
    const flow = this.flow();
    const placed = this.placed();
    const { clientWidth: width, clientHeight: height } =
      this.host.nativeElement;
    if (!flow || !placed || width === 0 || height === 0) return;
    const zoom = Math.max(
      MIN_ZOOM,
      Math.min(
        MAX_FIT_ZOOM,
        (width - 2 * FIT_PADDING_PX) / Math.max(placed.width, 1),
        (height - 2 * FIT_PADDING_PX) / Math.max(placed.height, 1),
      ),
    );
    flow.viewportTo({
      x: (width - placed.width * zoom) / 2,
      y: (height - placed.height * zoom) / 2,
      zoom,
    });
  }

  /**
   * Shows the nodes `ids` if they are not all in view already: the whole set when it fits at a zoom where nodes are
   * drawn as cards, else centred on `focus` (the selected node) at that zoom.
   */
  private frame(ids: ReadonlySet<string>, focus: string | null): void {
    const flow = this.flow();
    const placed = this.placed();
    const { clientWidth: width, clientHeight: height } =
      this.host.nativeElement;
    if (!flow || !placed || width === 0 || height === 0) return;
    const nodes = placed.nodes.filter((node) => ids.has(node.id));
    if (nodes.length === 0) return;
    const left = Math.min(...nodes.map((node) => node.x));
    const top = Math.min(...nodes.map((node) => node.y));
    const right = Math.max(...nodes.map((node) => node.x + node.width));
    const bottom = Math.max(...nodes.map((node) => node.y + node.height));
    const readableZoom = this.optimization().virtualization
      ? VIRTUALIZATION_ZOOM_THRESHOLD
      : MIN_ZOOM;
    const { x, y, zoom } = flow.viewport();
    const inView =
      zoom >= readableZoom &&
      left * zoom + x >= 0 &&
      top * zoom + y >= 0 &&
      right * zoom + x <= width &&
      bottom * zoom + y <= height;
    if (inView) return;
    const fitZoom = Math.min(
      MAX_FIT_ZOOM,
      (width - 2 * FIT_PADDING_PX) / Math.max(right - left, 1),
      (height - 2 * FIT_PADDING_PX) / Math.max(bottom - top, 1),
    );
    const focused =
      fitZoom < readableZoom && focus ? this.nodeOf(focus) : undefined;
    const [centreX, centreY] = focused
      ? [focused.x + focused.width / 2, focused.y + focused.height / 2]
      : [(left + right) / 2, (top + bottom) / 2];
    const target = Math.max(readableZoom, fitZoom);
    flow.viewportTo({
      x: width / 2 - centreX * target,
      y: height / 2 - centreY * target,
      zoom: target,
    });
  }

  /** Moves keyboard focus to a node, bringing it into view first (large graphs render only what is visible). */
  private focusNode(id: string): void {
    const selector = `[data-node-id="${CSS.escape(id)}"]`;
    const element =
      this.host.nativeElement.querySelector<HTMLElement>(selector);
    if (element) {
      element.focus();
      return;
    }
    const node = this.nodeOf(id);
    const flow = this.flow();
    const host = this.host.nativeElement;
    if (node && flow) {
      const zoom = flow.viewport().zoom;
      flow.viewportTo({
        x: host.clientWidth / 2 - (node.x + node.width / 2) * zoom,
        y: host.clientHeight / 2 - (node.y + node.height / 2) * zoom,
        zoom,
      });
    }
    requestAnimationFrame(() =>
      this.host.nativeElement.querySelector<HTMLElement>(selector)?.focus(),
    );
  }

  private async applyLayout(graph: Graph): Promise<void> {
    const run = ++this.layoutRun;
    this.layoutError.set(null);
    try {
      const placed = await this.layout.layout(graph);
      if (run !== this.layoutRun) return;
      this.flowNodes.set(
        createNodes(
          placed.nodes.map((node) => ({
            id: node.id,
            point: { x: node.x, y: node.y },
            type: 'html-template' as const,
            width: node.width,
            height: node.height,
            draggable: false,
            data: node,
          })),
        ),
      );
      this.flowEdges.set(
        createEdges(
          placed.edges.map((edge) => ({
            id: edge.id,
            source: edge.source,
            target: edge.target,
            type: 'template' as const,
            markers: {
              end: { type: 'arrow-closed' as const, color: '#71717a' },
            },
            data: edge,
          })),
        ),
      );
      this.placed.set(placed);
    } catch (error) {
      if (run === this.layoutRun)
        this.layoutError.set(
          error instanceof Error ? error.message : String(error),
        );
    }
  }
}
