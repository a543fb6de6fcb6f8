// The layout alone, for the layout worker: nothing here touches Angular or the DOM.
export {
  answerLayoutRequest,
  layoutGraph,
  type LayoutAnswer,
  type LayoutRequest,
} from './lib/layout/layout';
