// MikroORM must load as platform/orm-context.js has it load, so the rest of Cairn is imported only after
// that module has run: Node runs a static import's CommonJS dependencies while it links, before any module
// body, so a static import of the rest would load MikroORM first.
import './platform/orm-context.js';

await import('./app/run.js');
