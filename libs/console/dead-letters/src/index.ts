export { DeadLettersApi } from './lib/data-access/dead-letters-api';
export { DeadLettersTab } from './lib/dead-letters-tab/dead-letters-tab';
