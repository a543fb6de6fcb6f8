// The layout worker's injection token alone, for the app shell: importing it pulls neither ngx-vflow nor dagre
// into the initial bundle.
export { LAYOUT_WORKER_FACTORY } from './lib/layout/layout-worker.token';
