/** `--import` this into a server to count its statements (see statement-census.ts). */
import { startStatementCensus } from './statement-census.js';

startStatementCensus();
