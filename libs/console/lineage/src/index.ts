export { lineageRoutes } from './lib/lineage.routes';
