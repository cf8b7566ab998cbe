import { carePlansBenchmark } from './care-plans/suite.js';
import { fanout } from './fanout/fanout.suite.js';
import { dashboardBenchmark } from './dashboard/dashboard.suite.js';
import { indicatorsBenchmark } from './indicators/indicators.suite.js';
import { keepAliveBenchmark } from './keep-alive/keep-alive.suite.js';
import { keptEventsBenchmark } from './kept-events/kept-events.suite.js';
import { quietSpellBenchmark } from './quiet-spell/quiet-spell.suite.js';
import { scaleBenchmark } from './scale/scale.suite.js';

/** Every benchmark suite by name; each domain adds its own. */
export const suites: Record<string, () => Promise<void>> = {};
suites['care-plans'] = carePlansBenchmark;
suites.fanout = fanout;
suites.dashboard = dashboardBenchmark;
suites.indicators = indicatorsBenchmark;
suites['keep-alive'] = keepAliveBenchmark;
suites['kept-events'] = keptEventsBenchmark;
suites['quiet-spell'] = quietSpellBenchmark;
suites.scale = scaleBenchmark;
