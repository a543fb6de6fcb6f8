/// <reference lib="webworker" />
import {
  answerLayoutRequest,
  type LayoutRequest,
} from '@flow/console/canvas/layout';

/** Lays out large graphs (the lineage) off the main thread; see GraphLayout in @flow/console/canvas. */
addEventListener('message', ({ data }: MessageEvent<LayoutRequest>) => {
  postMessage(answerLayoutRequest(data));
});
