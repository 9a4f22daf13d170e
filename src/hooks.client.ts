// Zod probes whether it may compile parsers with `new Function` the first time it parses an object;
// under the Content-Security-Policy (no 'unsafe-eval') that probe is a reported CSP violation. Tell it
// not to try: the browser parses a handful of small forms, where the compiled fast path buys nothing.
import { config } from 'zod/v4/core';

config({ jitless: true });
